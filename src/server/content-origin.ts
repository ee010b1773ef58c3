// The content origin: a different site from the app, where untrusted documents (output frames) and proxied
// images are served. It never sets or reads a cookie and answers only the routes registered here; everything else
// is 404, so that nothing of the app (its API, its session) can be reached through it.

import Fastify, { type FastifyInstance } from "fastify";
import { REQUEST_ID_HEADER } from "../contract/http-names.ts";
import { fastifyOptions } from "./fastify-options.ts";
import { registerErrorHandling } from "./error-handler.ts";
import { refuseForeignHost } from "./request-guards.ts";
import { registerContentSecurityHeaders } from "./security-headers.ts";
import { frameShell } from "./frame-shell.ts";
import { imageProxyRoutes } from "./routes/url-safety-routes.ts";
import type { Studio, StudioRoutePlugin } from "./studio.ts";

const health: StudioRoutePlugin = async (app) => {
  app.get("/healthz", async () => ({ status: "ok" }));
};

/** The content origin's routes: add the frame document and the image proxy here. */
export const CONTENT_ROUTES: StudioRoutePlugin[] = [health, frameShell, imageProxyRoutes];

export async function buildContentOrigin(studio: Studio): Promise<FastifyInstance> {
  const app = Fastify(fastifyOptions(studio));
  // Nothing on this origin takes a body.
  app.removeAllContentTypeParsers();
  registerErrorHandling(app);
  registerContentSecurityHeaders(app, studio.config);
  app.addHook("onRequest", async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  app.addHook("onRequest", refuseForeignHost(studio.config.contentUrl));
  for (const plugin of CONTENT_ROUTES) await app.register(plugin, { studio });
  return app;
}
