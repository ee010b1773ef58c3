// The app origin: /api/* and, later, the UI. Its shape, from the outside in:
//   every request: security headers, request id, cross-site refusal for non-GET, no body where none is expected;
//   public routes: health, OpenAPI, security.txt, sign-in;
//   the authenticated scope: a live session, the CSRF token on non-GET, request.user set; every other route,
//   including those added by later features (AUTHENTICATED_ROUTES), lives there.

import Fastify, { type FastifyInstance } from "fastify";
import { Ajv } from "ajv";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import { registerErrorHandling } from "./error-handler.ts";
import { fastifyOptions } from "./fastify-options.ts";
import { TRUST_STATEMENTS } from "./files.ts";
import {
  authenticate,
  refuseCrossSite,
  refuseForeignHost,
  refuseUnexpectedBody,
  CSRF_HEADER,
} from "./request-guards.ts";
import { registerAppSecurityHeaders } from "./security-headers.ts";
import type { Studio, StudioRoutePlugin } from "./studio.ts";
import { adminRoutes } from "./routes/admin-routes.ts";
import { fileRoutes } from "./routes/file-routes.ts";
import { publicRoutes } from "./routes/public-routes.ts";
import { sessionRoutes, signInRoute } from "./routes/session-routes.ts";
import { trustRoutes } from "./routes/trust-routes.ts";
import { urlCheckRoutes } from "./routes/url-safety-routes.ts";
import { workspaceRoutes } from "./routes/workspace-routes.ts";
import { studioUi } from "./studio-ui.ts";

const ERROR_DOCUMENTATION = {
  description: "an error: a stable code and a message (a 500 also carries requestId)",
  type: "object",
  required: ["error", "message"],
  properties: { error: { type: "string" }, message: { type: "string" }, requestId: { type: "string" } },
};

/** Route plugins that need a signed-in user; they get request.user and CSRF protection without asking. */
export const AUTHENTICATED_ROUTES: StudioRoutePlugin[] = [
  sessionRoutes,
  workspaceRoutes,
  fileRoutes,
  trustRoutes,
  adminRoutes,
  urlCheckRoutes,
];

const UPLOAD_BODY_DOCUMENTATION = {
  type: "object",
  required: ["acknowledgment", "file"],
  properties: {
    acknowledgment: {
      type: "string",
      enum: Object.keys(TRUST_STATEMENTS),
      description: "the trust statement the user agreed to; must come before the files",
    },
    file: {
      type: "array",
      items: { type: "string", format: "binary" },
      description: "one part per file; the part's filename is the file's path in the workspace",
    },
  },
};

export interface BuildOptions {
  /** Sees every route as it is added: how the OpenAPI coverage test knows what the server really serves. */
  onRoute?: (route: { method: string | string[]; url: string }) => void;
}

export async function buildAppOrigin(studio: Studio, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify(fastifyOptions(studio));
  if (options.onRoute) app.addHook("onRoute", options.onRoute);
  app.setValidatorCompiler(compileValidator);
  app.decorateRequest("user", null);
  app.decorateRequest("session", null);
  // Only JSON bodies (and multipart, inside the upload route's scope): a text/plain body is how a cross-site form
  // posts without a preflight, so that parser goes.
  app.removeContentTypeParser("text/plain");

  registerErrorHandling(app);
  await registerAppSecurityHeaders(app, studio.config);
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  app.addHook("onRequest", refuseForeignHost(studio.config.appUrl));
  app.addHook("onRequest", refuseCrossSite(studio.config.appUrl.origin));
  app.addHook("onRequest", refuseUnexpectedBody);

  await app.register(swagger, {
    // The upload route reads its multipart body itself (no body schema to validate against), so its body is
    // described here, for the OpenAPI document only.
    // Every error has the same shape, documented once here for all routes.
    transform: ({ schema, url, route }) => ({
      schema: {
        ...schema,
        ...(route.config?.multipartBody ? { body: UPLOAD_BODY_DOCUMENTATION } : {}),
        response: {
          ...(schema?.response as object | undefined),
          "4XX": ERROR_DOCUMENTATION,
          "5XX": ERROR_DOCUMENTATION,
        },
      },
      url,
    }),
    openapi: {
      openapi: "3.1.0",
      info: { title: "Vitrine studio API", version: "1" },
      components: {
        securitySchemes: {
          session: { type: "apiKey", in: "cookie", name: "__Host-vitrine-session" },
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

  await app.register(publicRoutes, { studio });
  await app.register(studioUi, { studio });
  await app.register(signInRoute, { studio });
  await app.register(async (scope) => {
    scope.addHook("onRequest", authenticate(studio.db, studio.config));
    for (const plugin of AUTHENTICATED_ROUTES) await scope.register(plugin, { studio });
  });
  return app;
}

// Bodies are validated strictly (no coercion: the string "5" is not the number 5), while params and query
// strings, which are always text, are coerced to the types their schemas name.
const strictAjv = new Ajv({
  removeAdditional: false,
  useDefaults: true,
  coerceTypes: false,
  allErrors: false,
  strict: false,
});
const coercingAjv = new Ajv({
  removeAdditional: false,
  useDefaults: true,
  coerceTypes: "array",
  allErrors: false,
  strict: false,
});

function compileValidator({ schema, httpPart }: { schema: object; httpPart?: string }) {
  return (httpPart === "body" ? strictAjv : coercingAjv).compile(schema);
}
