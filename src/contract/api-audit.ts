// The audit log, as administrators read it.
import { Type, type Static } from "typebox";

/** The filters the audit page and its exports share, beside the event's name. */
function AuditFilterFields() {
  return {
    user: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: "events this user did, or that were done to them" }),
    ),
    workspace: Type.Optional(Type.String({ pattern: "^[A-Za-z0-9_-]{16}$", description: "a workspace's id" })),
    from: Type.Optional(Type.Integer({ minimum: 0, description: "events at or after, in ms since the epoch" })),
    to: Type.Optional(Type.Integer({ minimum: 0, description: "events before, in ms since the epoch" })),
  };
}

export const AuditQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: "events with a smaller id: the next page back" })),
    event: Type.Optional(Type.String({ maxLength: 64 })),
    ...AuditFilterFields(),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditEvent = Type.Object({
  id: Type.Integer(),
  at: Type.String({ description: "ISO 8601" }),
  event: Type.String(),
  actor: Type.Union([Type.String(), Type.Null()]),
  clientAddress: Type.Union([Type.String(), Type.Null()]),
  workspace: Type.Union([Type.String(), Type.Null()]),
  // Each event has details of its own; the empty schema makes the serializer send them whole.
  details: Type.Unknown({ description: "what the event records, by event" }),
});
export type AuditEvent = Static<typeof AuditEvent>;

export const AuditEvents = Type.Object(
  { events: Type.Array(AuditEvent, { description: "newest first" }) },
  { description: "security events, newest first" },
);
export type AuditEvents = Static<typeof AuditEvents>;

export const AuditExportQuery = Type.Object(
  {
    format: Type.Enum(["jsonl", "csv"], { type: "string", description: "JSON lines, or CSV with a header row" }),
    event: Type.Optional(Type.String({ maxLength: 64 })),
    ...AuditFilterFields(),
  },
  { additionalProperties: false },
);
export type AuditExportQuery = Static<typeof AuditExportQuery>;
