// A file's history: its versions with who made each, when and how (an upload and the trust statement its uploader
// agreed to, a save in the studio, a new file), and the check of two versions to compare.
import { Type, type Static } from "typebox";
import { FileKind, FileVersion } from "./api-files.ts";

export const HistoryQuery = Type.Object(
  {
    from: Type.Optional(Type.Integer({ minimum: 1, description: "the older side of a comparison: a version number" })),
    to: Type.Optional(Type.Integer({ minimum: 1, description: "the newer side of a comparison: a version number" })),
  },
  { additionalProperties: false },
);
export type HistoryQuery = Static<typeof HistoryQuery>;

export const VersionOrigin = Type.Enum(["upload", "save", "new", "unrecorded"], {
  type: "string",
  description:
    "how the version was made: uploaded, saved from the studio's editor, made as a new file, or not in the audit log",
});
export type VersionOrigin = Static<typeof VersionOrigin>;

export const HistoryVersion = Type.Object({
  ...FileVersion.properties,
  origin: VersionOrigin,
  statement: Type.Optional(
    Type.Object(
      { id: Type.String(), text: Type.String() },
      { description: "an upload: the trust statement the uploader agreed to, as the audit log recorded it" },
    ),
  ),
});
export type HistoryVersion = Static<typeof HistoryVersion>;

export const VersionComparison = Type.Object(
  {
    from: HistoryVersion,
    to: HistoryVersion,
    identical: Type.Boolean({ description: "whether the two versions hold the same bytes" }),
  },
  { description: "the two versions asked for, both of this file; the page computes their difference" },
);
export type VersionComparison = Static<typeof VersionComparison>;

export const FileHistory = Type.Object(
  {
    path: Type.String(),
    kind: FileKind,
    versions: Type.Array(HistoryVersion, { description: "newest first" }),
    compare: Type.Optional(VersionComparison),
  },
  { description: "the file's versions, and the two asked for with ?from=A&to=B" },
);
export type FileHistory = Static<typeof FileHistory>;
