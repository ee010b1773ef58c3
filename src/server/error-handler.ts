// Turns every failure into {error, message} with a stable code. Fastify's own errors (validation, content type,
// body size, rate limit) are mapped to codes of ours; anything unexpected is a 500 whose message carries the
// request id, logged with its stack, while the client sees neither stack nor internals.

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ErrorPlace } from "../contract/api-answers.ts";
import { NotebookError } from "../notebook/index.ts";
import { AppError } from "./errors.ts";

const FASTIFY_CODES: Record<string, { status: number; code: string; message?: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: "unsupported_media_type",
    message: "this route does not accept that Content-Type",
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: "invalid_content_length" },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: "body_too_large", message: "the request body is too large" },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: "invalid_json", message: "the JSON body is empty" },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: "invalid_json", message: "the body is not valid JSON" },
  FST_ERR_CTP_EMPTY_TYPE: { status: 415, code: "unsupported_media_type", message: "a body needs a Content-Type" },
  FST_INVALID_MULTIPART_CONTENT_TYPE: {
    status: 415,
    code: "unsupported_media_type",
    message: "an upload is a multipart/form-data request",
  },
  FST_REQ_FILE_TOO_LARGE: { status: 413, code: "file_too_large", message: "a file is larger than the upload limit" },
  FST_FILES_LIMIT: { status: 413, code: "too_many_files", message: "the upload has more files than the limit" },
  FST_PARTS_LIMIT: { status: 413, code: "too_many_parts", message: "the upload has too many parts" },
  FST_FIELDS_LIMIT: { status: 413, code: "too_many_fields", message: "the upload has too many fields" },
  FST_PROTO_VIOLATION: { status: 400, code: "multipart_malformed", message: "a part name is not allowed" },
  FST_INVALID_JSON_FIELD_ERROR: {
    status: 400,
    code: "multipart_malformed",
    message: "a field whose Content-Type is application/json is not valid JSON",
  },
  FST_MP_PREMATURE_CLOSE: {
    status: 400,
    code: "request_aborted",
    message: "the client closed the connection before the body ended",
  },
  FST_MULTIPART_INVALID_CONTENT_TYPE: { status: 415, code: "unsupported_media_type" },
};

export function sendError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  extra?: ErrorPlace,
): FastifyReply {
  return reply
    .code(status)
    .type("application/json; charset=utf-8")
    .send({ ...extra, error: code, message });
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    // Refused before the body was read (an upload without its acknowledgment, a bad first file): closing the
    // connection after the answer stops the client's upload instead of leaving a socket waiting on a body that
    // nobody will read.
    if (!request.raw.complete) reply.header("connection", "close");
    // Whatever a body's reader throws when its client goes away (the socket's ECONNRESET, a parser's premature close)
    // is the client's doing, not a fault of the server's.
    if (!(error instanceof AppError) && !request.raw.complete && request.raw.destroyed) {
      error = new AppError(400, "request_aborted", "the client closed the connection before the body ended");
    }
    if (error instanceof AppError) {
      // Nobody reads this answer; the log keeps a line of it, below error level, where nothing pages anyone.
      if (error.code === "request_aborted") request.log.info({ code: error.code }, error.message);
      if (error.headers) reply.headers(error.headers);
      return sendError(reply, error.status, error.code, error.message, error.details);
    }
    if (error instanceof NotebookError) {
      return sendError(reply, 400, error.code, error.format(), { file: error.file, ...error.location });
    }
    if (error.validation) {
      const where = error.validationContext ?? "request";
      return sendError(
        reply,
        400,
        `invalid_${where === "querystring" ? "query" : where}`,
        `${where}: ${error.message}`,
      );
    }
    const known = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (known?.code === "request_aborted") request.log.info({ code: known.code }, known.message);
    if (known) return sendError(reply, known.status, known.code, known.message ?? error.message);
    if (error.statusCode === 429) {
      return sendError(reply, 429, "rate_limited", error.message);
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(reply, error.statusCode, "bad_request", "the request is malformed");
    }
    request.log.error({ err: error }, "request failed");
    return sendError(
      reply,
      500,
      "internal_error",
      `something went wrong on the server; quote request id ${request.id} when you report it`,
      { requestId: request.id },
    );
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, 404, "not_found", "there is nothing here"));
}
