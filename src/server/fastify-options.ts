// Server options both origins share: logging, proxy trust, body limit, request ids, shutdown behaviour; and how
// the app origin's route schemas validate requests.

import { randomUUID } from "node:crypto";
import { Ajv } from "ajv";
import { LogController, type FastifyReply, type FastifyRequest } from "fastify";
import { HTTP_URL_FORMAT } from "../contract/api-url-check.ts";
import type { Studio } from "./studio.ts";

/** Largest JSON body; uploads are multipart and have their own limit. */
export const JSON_BODY_LIMIT = 64 * 1024;

export function fastifyOptions(studio: Studio) {
  return {
    logger: studio.config.logLevel === "silent" ? false : { level: studio.config.logLevel },
    logController: new StudioLogController(),
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

/**
 * Fastify's lines about requests: at the default level (info) the log holds start, stop, warnings and errors, and
 * nothing per request; at debug, one line per request when its response is done ("request completed": method, URL,
 * status, time and the request's id); at trace, also one when it arrives ("incoming request"), so that a request
 * that never completes can be found. A request that fails on the server is logged as an error, at every level.
 */
class StudioLogController extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.trace({ method: request.method, url: request.url }, "incoming request");
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) {
      reply.log.error({ res: reply, err: error, responseTime: reply.elapsedTime }, "request errored");
      return;
    }
    reply.log.debug(
      { method: request.method, url: request.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      "request completed",
    );
  }

  /** The request's own line (at debug) carries its 404. */
  override routeNotFound(): void {}

  override streamError(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    // A client that goes away during a download is ordinary; anything else after the headers is worth a warning.
    if ((error as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE")
      reply.log.debug({ url: request.url }, "client closed the response early");
    else super.streamError(error, request, reply);
  }
}

// Bodies are validated strictly (no coercion: the string "5" is not the number 5; an unknown field is refused,
// never removed), while params and query strings, which are always text, are coerced to the types their schemas
// name. Errors carry the schema that refused the value (verbose), so that a refusal can say what was expected.
const strictAjv = new Ajv({
  removeAdditional: false,
  useDefaults: true,
  coerceTypes: false,
  allErrors: false,
  strict: false,
  verbose: true,
});
const coercingAjv = new Ajv({
  removeAdditional: false,
  useDefaults: true,
  coerceTypes: "array",
  allErrors: false,
  strict: false,
});
for (const ajv of [strictAjv, coercingAjv]) {
  ajv.addFormat(HTTP_URL_FORMAT, { type: "string", validate: isHttpUrl });
}

function isHttpUrl(value: string): boolean {
  const parsed = URL.parse(value);
  return parsed !== null && (parsed.protocol === "http:" || parsed.protocol === "https:");
}

/** The validator compiler of the app origin's routes (and of a route that must validate the same way anywhere). */
export function compileValidator({ schema, httpPart }: { schema: object; httpPart?: string }) {
  return (httpPart === "body" ? strictAjv : coercingAjv).compile(schema);
}
