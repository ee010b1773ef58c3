// Every security header either origin sends is applied here: the policies themselves are built in
// src/contract/content-security-policy.ts, which the export and the browser read too. Routes may only narrow them
// (a download adds `sandbox`), never widen them.

import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";
import { appPageDirectives, contentBaselineCsp, DOWNLOAD_CSP } from "../contract/content-security-policy.ts";
import type { ServerConfig } from "./config.ts";

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

/** The app origin's CSP directives, as helmet takes them (helmet writes the header). */
function appCspDirectives(config: Pick<ServerConfig, "contentUrl">): Record<string, string[]> {
  return Object.fromEntries(appPageDirectives(config.contentUrl.origin).map(([name, ...sources]) => [name, sources]));
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
  "content-security-policy": DOWNLOAD_CSP,
  "x-content-type-options": "nosniff",
  "cross-origin-resource-policy": "same-origin",
} as const;

/**
 * The content origin's baseline: nothing may load or frame it except the app origin, and it never sets a cookie.
 * Routes that serve frame documents or proxied images replace content-security-policy with their own.
 */
export function registerContentSecurityHeaders(app: FastifyInstance, config: ServerConfig): void {
  const policy = contentBaselineCsp(config.appUrl.origin);
  app.addHook("onRequest", async (_request, reply) => {
    reply.header("content-security-policy", policy);
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
