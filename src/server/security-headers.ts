// Every security header either origin sends, decided here and nowhere else. Routes may only narrow them (a
// download adds `sandbox`), never widen them.

import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";
import { TRUSTED_TYPES_POLICY_NAME } from "../render/trusted-types-policy.ts";
import type { ServerConfig } from "./config.ts";

/** The one Trusted Types policy the app page may create; the UI's sanitizer hands DOMPurify this policy. */
export const TRUSTED_TYPES_POLICY = TRUSTED_TYPES_POLICY_NAME;

// Features a notebook reader never needs; denying them means an injected script cannot ask for them either.
export const PERMISSIONS_POLICY = [
  "accelerometer=()",
  "autoplay=()",
  "camera=()",
  "display-capture=()",
  "geolocation=()",
  "gyroscope=()",
  "hid=()",
  "magnetometer=()",
  "microphone=()",
  "midi=()",
  "payment=()",
  "publickey-credentials-get=()",
  "serial=()",
  "usb=()",
  "xr-spatial-tracking=()",
].join(", ");

/** The app origin's CSP directives: no inline script or style, frames only from the content origin. */
export function appCspDirectives(config: Pick<ServerConfig, "contentUrl">): Record<string, string[]> {
  const content = config.contentUrl.origin;
  return {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    // Remote images reach the page only through the content origin's proxy; embedded ones are data: URLs.
    "img-src": ["'self'", "data:", content],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-src": [content],
    "worker-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "require-trusted-types-for": ["'script'"],
    "trusted-types": [TRUSTED_TYPES_POLICY],
  };
}

export function appContentSecurityPolicy(config: Pick<ServerConfig, "contentUrl">): string {
  return Object.entries(appCspDirectives(config))
    .map(([name, values]) => `${name} ${values.join(" ")}`)
    .join("; ");
}

export async function registerAppSecurityHeaders(app: FastifyInstance, config: ServerConfig): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: appCspDirectives(config) },
    crossOriginOpenerPolicy: { policy: "same-origin" },
    crossOriginResourcePolicy: { policy: "same-origin" },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: "no-referrer" },
    // HSTS over plain HTTP is ignored by browsers and would be wrong behind a TLS proxy on another name, so it is
    // sent only when the public URL says the app is served over TLS.
    strictTransportSecurity:
      config.appUrl.protocol === "https:" ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    xFrameOptions: { action: "deny" },
  });
  app.addHook("onRequest", async (_request, reply) => {
    reply.header("permissions-policy", PERMISSIONS_POLICY);
    reply.header("cache-control", "no-store");
  });
}

/** Headers a download of stored bytes carries: never rendered, never sniffed, no script even if opened. */
export const DOWNLOAD_HEADERS = {
  "content-security-policy": "sandbox",
  "x-content-type-options": "nosniff",
  "cross-origin-resource-policy": "same-origin",
} as const;

/**
 * The content origin's baseline: nothing may load or frame it except the app origin, and it never sets a cookie.
 * Routes that serve frame documents or proxied images replace content-security-policy with their own.
 */
export function registerContentSecurityHeaders(app: FastifyInstance, config: ServerConfig): void {
  const app_origin = config.appUrl.origin;
  app.addHook("onRequest", async (_request, reply) => {
    reply.header(
      "content-security-policy",
      `default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors ${app_origin}`,
    );
    reply.header("x-content-type-options", "nosniff");
    reply.header("referrer-policy", "no-referrer");
    reply.header("permissions-policy", PERMISSIONS_POLICY);
    reply.header("cross-origin-resource-policy", "cross-origin");
  });
  // The content origin is where untrusted documents run; a cookie set here could be read by them. Whatever a
  // route does, none leaves.
  app.addHook("onSend", async (_request, reply, payload) => {
    if (reply.hasHeader("set-cookie")) reply.removeHeader("set-cookie");
    return payload;
  });
}
