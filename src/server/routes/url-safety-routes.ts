// The URL safety routes, wired to the studio: the URL check on the app origin (inside the signed-in, CSRF-checked
// scope, with the person's own trusted domains and applications) and the image proxy on the content origin.
import { imageProxyPlugin } from "../image-proxy.ts";
import { rateLimits } from "../rate-limits.ts";
import type { StudioRoutePlugin } from "../studio.ts";
import { listTrustedApplications, listTrustedDomains } from "../trust.ts";
import { urlCheckRoute } from "../url-check-endpoint.ts";
import { signedIn } from "./audit-context.ts";

export const urlCheckRoutes: StudioRoutePlugin = async (app, { studio }) => {
  await app.register(urlCheckRoute, {
    policy: studio.urlPolicy,
    signer: studio.imageSigner,
    contentOrigin: studio.config.contentUrl.href,
    routeConfig: rateLimits(studio.config).urlCheck,
    getUserTrust: async (request) => {
      const user = signedIn(request);
      const [domains, applications] = await Promise.all([
        listTrustedDomains(studio.db, user.id),
        listTrustedApplications(studio.db, user.id),
      ]);
      return { domains, applications };
    },
  });
};

export const imageProxyRoutes: StudioRoutePlugin = async (app, { studio }) => {
  await app.register(imageProxyPlugin, { signer: studio.imageSigner, policy: studio.urlPolicy });
};
