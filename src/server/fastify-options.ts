// Server options both origins share: logging, proxy trust, body limit, request ids, shutdown behaviour.

import { randomUUID } from "node:crypto";
import type { Studio } from "./studio.ts";

/** Largest JSON body; uploads are multipart and have their own limit. */
export const JSON_BODY_LIMIT = 64 * 1024;

export function fastifyOptions(studio: Studio) {
  return {
    logger: studio.config.logLevel === "silent" ? false : { level: studio.config.logLevel },
    trustProxy: studio.config.trustProxy,
    bodyLimit: JSON_BODY_LIMIT,
    // Request ids are ours, never taken from a client header, so that a log line cannot be forged into another's.
    genReqId: () => randomUUID(),
    requestIdHeader: false as const,
    return503OnClosing: true,
    // "idle": on close, keep-alive connections without a request are dropped at once; those with one finish it.
    forceCloseConnections: "idle" as const,
  };
}
