// What the answers of every route share: the shape of an error, the empty answer, and the helper that gives each
// route its error answers.
import { Type, type Static, type TSchema } from "typebox";

/**
 * An error: a stable code a program can test, a sentence a person can read, and, for some errors, the fields
 * that place it. Every field the server can send is declared here: a response is serialized from its schema,
 * and a field missing from the schema would be dropped from the answer without a word.
 */
export const ApiError = Type.Object(
  {
    error: Type.String({ description: "a stable code, such as not_found or invalid_body" }),
    message: Type.String({ description: "what went wrong, for people" }),
    requestId: Type.Optional(Type.String({ description: "a 500's request id, for the person to quote" })),
    retryAfterSeconds: Type.Optional(Type.Integer({ description: "a throttled sign-in: when to try again" })),
    at: Type.Optional(Type.String({ description: "a refused body: the JSON pointer of the refused part" })),
    path: Type.Optional(Type.String({ description: "the file's path in the workspace" })),
    file: Type.Optional(Type.String({ description: "a refused notebook: the file" })),
    pointer: Type.Optional(Type.String({ description: "a refused notebook: the JSON pointer of the problem" })),
    line: Type.Optional(Type.Integer({ description: "1-based line of the problem in the file" })),
    column: Type.Optional(Type.Integer({ description: "1-based column of the problem in the file" })),
    cell: Type.Optional(Type.Integer({ description: "0-based index of the cell the problem is in" })),
    offset: Type.Optional(Type.Integer({ description: "0-based byte offset of the problem in the file" })),
    currentVersion: Type.Optional(
      Type.Integer({ description: "a save based on an older version: the file's newest version now" }),
    ),
    updatedBy: Type.Optional(Type.String({ description: "a save based on an older version: who saved the newest" })),
    updatedAt: Type.Optional(
      Type.String({ description: "a save based on an older version: when the newest was saved (ISO 8601)" }),
    ),
  },
  {
    $id: "ApiError",
    additionalProperties: false,
    description: "an error: a stable code and a message, and the fields that place it when there are any",
  },
);
export type ApiError = Static<typeof ApiError>;

/** The fields an error may carry beside its code and message. */
export type ErrorPlace = Omit<ApiError, "error" | "message">;

/** The answer with no body (204): typed as nothing, so that a route sends it with send(). */
export const NoContent = Type.Unsafe<undefined>(Type.Null({ description: "done; no body" }));

/** An answer that is text of one media type (a page, a plain-text file), not JSON. */
export function textAnswer(mediaType: string, description: string) {
  return { description, content: { [mediaType]: { schema: Type.String() } } };
}

/** An answer that is bytes of whatever media type they have (a download, a script of the UI), sent as a stream or buffer. */
export function bytesAnswer(description: string) {
  return { description, content: { "*/*": { schema: Type.Unsafe<unknown>(Type.String({ format: "binary" })) } } };
}

/** The $id of a schema the API shares by reference (api-components.ts). */
export function sharedId(schema: TSchema): string {
  const id = (schema as { $id?: unknown }).$id;
  if (typeof id !== "string") throw new Error("a shared schema has an $id");
  return id;
}

/** A reference to a shared schema, typed as the schema it points at. */
export function refTo<T extends TSchema>(schema: T) {
  return Type.Unsafe<Static<T>>(Type.Ref(sharedId(schema)));
}

/** A route's answers: its successes as given, and every 4xx and 5xx as an ApiError. */
export function withErrors<Answers extends Record<number, unknown>>(answers: Answers) {
  return { ...answers, "4XX": refTo(ApiError), "5XX": refTo(ApiError) };
}
