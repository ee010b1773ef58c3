// The schemas the API shares by reference: the server registers each once (by its $id), routes point at them
// with refTo, and /api/openapi.json lists them under components.
import { ApiError } from "./api-answers.ts";
import { FileReview } from "./api-review.ts";
import { Session } from "./api-session.ts";

export const SHARED_SCHEMAS = [ApiError, Session, FileReview] as const;
