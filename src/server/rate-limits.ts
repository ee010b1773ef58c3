// Per-route rate limits (@fastify/rate-limit, registered with global: false). Sign-in is limited per client
// address (there is no user yet); uploads and URL checks per signed-in user, so that colleagues behind one NAT do
// not share a budget. A route plugin takes its limit from here: `config: rateLimits(studio.config).urlCheck`.

import type { FastifyRequest } from "fastify";
import type { ServerConfig } from "./config.ts";

const byUser = (request: FastifyRequest) => (request.user ? `user:${request.user.id}` : `address:${request.ip}`);
const MINUTE = 60_000;

export function rateLimits(config: ServerConfig) {
  return {
    login: { rateLimit: { max: config.loginRequestsPerMinute, timeWindow: MINUTE } },
    upload: { rateLimit: { max: config.uploadRequestsPerMinute, timeWindow: MINUTE, keyGenerator: byUser } },
    urlCheck: { rateLimit: { max: config.urlCheckRequestsPerMinute, timeWindow: MINUTE, keyGenerator: byUser } },
    // A search box asks as the person types: by default two a second, on average, over a minute.
    search: { rateLimit: { max: config.searchRequestsPerMinute, timeWindow: MINUTE, keyGenerator: byUser } },
  };
}
