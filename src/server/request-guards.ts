// The checks that stand in front of the app origin's routes. Cross-site refusal applies to every non-GET request,
// signed in or not; authentication and the CSRF token apply to the authenticated scope.

import { isIP } from "node:net";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ServerConfig } from "./config.ts";
import { CSRF_HEADER, SESSION_COOKIE } from "../contract/http-names.ts";
import { csrfTokenMatches, findSession } from "./auth/sessions.ts";
import type { Db } from "./storage/database.ts";
import { AppError } from "./errors.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses a state-changing request that a browser says comes from another site. Browsers send Origin on every
 * non-GET fetch and form post and Sec-Fetch-Site on all requests; either one naming another origin is enough to
 * refuse. Clients that send neither (scripts, curl) still need the session's CSRF token, which no other site can read.
 */
export function refuseCrossSite(appOrigin: string) {
  return async (request: FastifyRequest): Promise<void> => {
    if (SAFE_METHODS.has(request.method)) return;
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== appOrigin) {
      throw new AppError(403, "cross_site_request", "the request comes from another site");
    }
    const site = request.headers["sec-fetch-site"];
    if (site !== undefined && site !== "same-origin") {
      throw new AppError(403, "cross_site_request", "the request comes from another site");
    }
  };
}

/**
 * Refuses requests whose Host names a host other than the origin's own. A DNS-rebinding page (attacker.example
 * re-pointed at 127.0.0.1) reaches the server with its own name in Host; a browser never sends an IP literal for
 * such a page, so IP literals (direct, health checks, tests on loopback) stay allowed while foreign names do not.
 */
export function refuseForeignHost(publicUrl: URL) {
  const own = publicUrl.hostname;
  return async (request: FastifyRequest): Promise<void> => {
    const host = request.hostname.toLowerCase();
    if (host === own || isIP(host.replace(/^\[|\]$/g, "")) !== 0) return;
    throw new AppError(421, "unknown_host", "this server does not answer for that host name");
  };
}

/** The session cookie's token, read by hand: the studio needs one cookie and no cookie-parsing plugin. */
export function sessionToken(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function authenticate(db: Db, config: ServerConfig) {
  const timeouts = { idleSeconds: config.sessionIdleSeconds, absoluteSeconds: config.sessionAbsoluteSeconds };
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const token = sessionToken(request);
    const session = token ? await findSession(db, token, timeouts) : undefined;
    if (!session) {
      // A stale cookie is cleared so that the browser stops sending it.
      if (token) reply.header("set-cookie", expiredSessionCookie());
      throw new AppError(401, "not_signed_in", "sign in first");
    }
    request.session = session;
    request.user = session.user;
    if (
      !SAFE_METHODS.has(request.method) &&
      !csrfTokenMatches(session.csrfToken, headerValue(request.headers[CSRF_HEADER]))
    ) {
      throw new AppError(403, "csrf_token_invalid", `send this session's CSRF token in the X-CSRF-Token header`);
    }
    if (session.user.mustChangePassword && !request.routeOptions.config.allowedBeforePasswordChange) {
      throw new AppError(
        403,
        "password_change_required",
        "change the one-time password first (PUT /api/account/password)",
      );
    }
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}

/** Routes declare their body by schema; a body sent to a route that takes none is a mistake, refused rather than ignored. */
export async function refuseUnexpectedBody(request: FastifyRequest): Promise<void> {
  const route = request.routeOptions;
  if (route.schema?.body || route.config.multipartBody) return;
  const length = request.headers["content-length"];
  if (request.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0")) {
    throw new AppError(400, "unexpected_body", "this route takes no request body");
  }
}

export function sessionCookie(token: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${token}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Strict`;
}

export function expiredSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict`;
}
