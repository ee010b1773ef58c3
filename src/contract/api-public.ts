// What anyone may read: the health check, the studio's public settings and this API's own description.
import { Type, type Static } from "typebox";

export const Health = Type.Object(
  { status: Type.Literal("ok") },
  { description: "the server and its database answer" },
);
export type Health = Static<typeof Health>;

/** A statement a person agrees to before an upload; the upload sends its id and the audit records it. */
export const TrustStatement = Type.Object({ id: Type.String(), text: Type.String() });
export type TrustStatement = Static<typeof TrustStatement>;

/** What the UI needs before anything else. */
export const StudioSettings = Type.Object(
  {
    contentOrigin: Type.String({ description: "where output frames and proxied images come from" }),
    trustStatements: Type.Array(TrustStatement, {
      description: "the statements an upload may acknowledge; the last is current",
    }),
    autosaveSeconds: Type.Integer({
      minimum: 0,
      description: "seconds between an editor's automatic saves of a notebook with changes; 0 when autosave is off",
    }),
  },
  { description: "the studio's public settings" },
);
export type StudioSettings = Static<typeof StudioSettings>;

// OpenAPI's own specification says what its document holds; the empty schema here makes the serializer send all of it.
export const OpenApiDocument = Type.Unknown({ description: "an OpenAPI 3.1 document" });
