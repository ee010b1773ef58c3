// Errors a client can cause: an HTTP status, a stable code a program can test, and a message a person can read.
// The server answers every error as {error, message} (plus fields that place it, such as a notebook error's line)
// and never with a stack trace. The fields that place an error are those of the API's error shape, so that none
// is dropped when the answer is serialized from that schema.

import type { ErrorPlace } from "../contract/api-answers.ts";

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorPlace | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(status: number, code: string, message: string, details?: ErrorPlace, headers?: Record<string, string>) {
    super(message);
    this.name = "AppError";
    this.status = status;
    this.code = code;
    this.details = details;
    this.headers = headers;
  }
}

/** The one answer to a request for something that is absent or that the caller may not know exists. */
export function notFound(what = "there is nothing here"): AppError {
  return new AppError(404, "not_found", what);
}
