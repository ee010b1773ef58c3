// The app origin: /api/* and, later, the UI. Its shape, from the outside in:
//   every request: security headers, request id, cross-site refusal for non-GET, no body where none is expected;
//   public routes: health, OpenAPI, security.txt, sign-in;
//   the authenticated scope: a live session, the CSRF token on non-GET, request.user set; every other route,
//   including those added by later features (AUTHENTICATED_ROUTES), lives there.

import Fastify, { type FastifyInstance, type onRouteHookHandler } from "fastify";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import websocket from "@fastify/websocket";
import { MAX_KERNEL_SOCKET_MESSAGE_BYTES } from "../contract/kernel-socket.ts";
import { kernelSocketRoutes } from "./kernel-socket.ts";
import { kernelRoutes } from "./routes/kernel-routes.ts";
import { searchRoutes } from "./routes/search-routes.ts";
import { uploadForm } from "../contract/api-files.ts";
import { CSRF_HEADER, REQUEST_ID_HEADER, SESSION_COOKIE } from "../contract/http-names.ts";
import { registerErrorHandling } from "./error-handler.ts";
import { compileValidator, fastifyOptions } from "./fastify-options.ts";
import { TRUST_STATEMENTS } from "./files.ts";
import { authenticate, refuseCrossSite, refuseForeignHost, refuseUnexpectedBody } from "./request-guards.ts";
import { registerSharedSchemas } from "./shared-schemas.ts";
import { registerAppSecurityHeaders } from "./security-headers.ts";
import type { Studio, StudioRoutePlugin } from "./studio.ts";
import { adminRoutes } from "./routes/admin-routes.ts";
import { accountRoutes, invitationRoute } from "./routes/account-routes.ts";
import { fileRoutes } from "./routes/file-routes.ts";
import { historyRoutes } from "./routes/history-routes.ts";
import { publicRoutes } from "./routes/public-routes.ts";
import { sessionRoutes, signInRoute } from "./routes/session-routes.ts";
import { trustRoutes } from "./routes/trust-routes.ts";
import { urlCheckRoutes } from "./routes/url-safety-routes.ts";
import { workspaceRoutes } from "./routes/workspace-routes.ts";
import { studioUi } from "./studio-ui.ts";

/** Route plugins that need a signed-in user; they get request.user and CSRF protection without asking. */
export const AUTHENTICATED_ROUTES: StudioRoutePlugin[] = [
  sessionRoutes,
  workspaceRoutes,
  fileRoutes,
  historyRoutes,
  trustRoutes,
  adminRoutes,
  accountRoutes,
  urlCheckRoutes,
  kernelRoutes,
  searchRoutes,
  kernelSocketRoutes,
];

const UPLOAD_BODY_DOCUMENTATION = uploadForm(Object.keys(TRUST_STATEMENTS));

export interface BuildOptions {
  /** Sees every route as it is added: how the OpenAPI coverage test knows what the server really serves. */
  onRoute?: onRouteHookHandler;
}

export async function buildAppOrigin(studio: Studio, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify(fastifyOptions(studio));
  if (options.onRoute) app.addHook("onRoute", options.onRoute);
  app.setValidatorCompiler(compileValidator);
  registerSharedSchemas(app);
  app.decorateRequest("user", null);
  app.decorateRequest("session", null);
  // Only JSON bodies (and multipart, inside the upload route's scope): a text/plain body is how a cross-site form
  // posts without a preflight, so that parser goes.
  app.removeContentTypeParser("text/plain");

  registerErrorHandling(app);
  await registerAppSecurityHeaders(app, studio.config);
  app.addHook("onRequest", async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  app.addHook("onRequest", refuseForeignHost(studio.config.appUrl));
  app.addHook("onRequest", refuseCrossSite(studio.config.appUrl.origin));
  app.addHook("onRequest", refuseUnexpectedBody);

  await app.register(swagger, {
    // The upload route reads its multipart body itself (no body schema to validate against), so its body is
    // described here, for the OpenAPI document only.
    transform: ({ schema, url, route }) => ({
      schema: route.config?.multipartBody ? { ...schema, body: UPLOAD_BODY_DOCUMENTATION } : schema,
      url,
    }),
    // Shared schemas are listed under components by their $id (ApiError, not def-0).
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === "string" ? json.$id : `def-${i}`),
    },
    openapi: {
      openapi: "3.1.0",
      info: { title: "Vitrine studio API", version: "1" },
      components: {
        securitySchemes: {
          session: { type: "apiKey", in: "cookie", name: SESSION_COOKIE },
          csrf: { type: "apiKey", in: "header", name: CSRF_HEADER },
        },
      },
    },
  });
  await app.register(rateLimit, {
    global: false,
    // After authentication, so that per-user limits know the user.
    hook: "preHandler",
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: "rate_limited",
      message: `too many requests; try again in ${Math.ceil(context.ttl / 1000)} s`,
    }),
  });

  // The kernel socket's frames are bounded here too: ws closes a connection whose message is larger (1009).
  await app.register(websocket, { options: { maxPayload: MAX_KERNEL_SOCKET_MESSAGE_BYTES } });
  await app.register(publicRoutes, { studio });
  await app.register(studioUi, { studio });
  await app.register(signInRoute, { studio });
  await app.register(invitationRoute, { studio });
  await app.register(async (scope) => {
    scope.addHook("onRequest", authenticate(studio.db, studio.config));
    for (const plugin of AUTHENTICATED_ROUTES) await scope.register(plugin, { studio });
  });
  return app;
}
