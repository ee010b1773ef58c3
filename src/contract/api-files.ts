// Files in a workspace: upload, save and new files, list, details and versions, move, trash and restore, downloads,
// and notebooks as the model reads them.
import { Type, type Static } from "typebox";
import { MAX_PATH_BYTES } from "./limits.ts";
import { Role, WorkspaceParams } from "./api-workspaces.ts";

export const FileParams = Type.Object(
  {
    ws: WorkspaceParams.properties.ws,
    // Percent-encoded in the URL: each byte of the path can take three characters there.
    "*": Type.String({ minLength: 1, maxLength: MAX_PATH_BYTES * 3, description: "the file's path in the workspace" }),
  },
  { additionalProperties: false },
);
export type FileParams = Static<typeof FileParams>;

/** One stored version of a file: the newest, or ?version=N. */
export const VersionQuery = Type.Object(
  { version: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);
export type VersionQuery = Static<typeof VersionQuery>;

export const TrashParams = Type.Object(
  { ws: WorkspaceParams.properties.ws, id: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);
export type TrashParams = Static<typeof TrashParams>;

export const MoveBody = Type.Object(
  { path: Type.String({ minLength: 1, maxLength: MAX_PATH_BYTES }) },
  { additionalProperties: false },
);
export type MoveBody = Static<typeof MoveBody>;

export const FileKind = Type.Enum(["notebook", "text"], {
  type: "string",
  description: "decided by the file's extension",
});
export type FileKind = Static<typeof FileKind>;

/** A file as its workspace's list shows it: its newest version. */
export const FileEntry = Type.Object({
  path: Type.String(),
  kind: FileKind,
  version: Type.Integer(),
  size: Type.Integer({ description: "bytes" }),
  updatedAt: Type.String({ description: "ISO 8601" }),
  updatedBy: Type.String(),
});
export type FileEntry = Static<typeof FileEntry>;

export const WorkspaceFiles = Type.Object(
  { files: Type.Array(FileEntry) },
  { description: "the workspace's files, the newest version of each, by path" },
);
export type WorkspaceFiles = Static<typeof WorkspaceFiles>;

export const FileVersion = Type.Object({
  version: Type.Integer(),
  size: Type.Integer({ description: "bytes" }),
  sha256: Type.String(),
  uploadedAt: Type.String({ description: "ISO 8601" }),
  uploadedBy: Type.String(),
  nbformat: Type.Union([Type.String(), Type.Null()], { description: "a notebook's own nbformat version" }),
});
export type FileVersion = Static<typeof FileVersion>;

export const FileDetails = Type.Object(
  {
    path: Type.String(),
    kind: FileKind,
    createdAt: Type.String({ description: "ISO 8601" }),
    versions: Type.Array(FileVersion, { description: "newest first" }),
    workspace: Type.Object({ id: Type.String(), name: Type.String() }),
    // The caller's role in the workspace: what the file's page offers them (editing, rename), with no other request.
    role: Role,
  },
  { description: "the file and its versions" },
);
export type FileDetails = Static<typeof FileDetails>;

/** A stored upload's file. */
export const StoredFile = Type.Object({
  path: Type.String(),
  version: Type.Integer(),
  size: Type.Integer({ description: "bytes" }),
  sha256: Type.String(),
});
export type StoredFile = Static<typeof StoredFile>;

/** What an upload does with a file whose path names a live file (the file part's field name). */
export const UPLOAD_CONFLICT_CHOICES = ["version", "keep_both", "skip", "refuse"] as const;
export type UploadConflictChoice = (typeof UPLOAD_CONFLICT_CHOICES)[number];

export const UploadAnswer = Type.Object(
  {
    files: Type.Array(
      Type.Object({
        ...StoredFile.properties,
        requestedPath: Type.Optional(
          Type.String({ description: "keep_both: the path the file was sent with, taken by another file" }),
        ),
      }),
    ),
    skipped: Type.Optional(
      Type.Array(Type.Object({ path: Type.String() }), {
        description: "files sent with `skip` whose path names a live file: not stored",
      }),
    ),
  },
  { description: "the stored files: a new version of each, or a new file beside a taken path (keep_both)" },
);
export type UploadAnswer = Static<typeof UploadAnswer>;

/** A save from the studio's editor: the whole file, and the version the edit started from. */
export const SaveBody = Type.Object(
  {
    content: Type.String({
      description:
        "the whole file: a notebook's nbformat JSON, or a script's text; at most the upload limit in UTF-8 bytes",
    }),
    baseVersion: Type.Integer({
      minimum: 1,
      description: "the version the edit started from; a save based on an older one is refused (409 version_conflict)",
    }),
  },
  { additionalProperties: false },
);
export type SaveBody = Static<typeof SaveBody>;

export const SavedFile = Type.Object(StoredFile.properties, {
  description: "the version saved; the newest version itself when the content was identical to it",
});
export type SavedFile = Static<typeof SavedFile>;

export const NewFileKind = Type.Enum(["notebook", "script"], {
  type: "string",
  description: "what the path must name: a notebook (.ipynb) or a script or other text file",
});
export type NewFileKind = Static<typeof NewFileKind>;

/** A new file: empty (a notebook with one empty code cell, or an empty text), or with the given content. */
export const NewFileBody = Type.Object(
  {
    path: Type.String({ minLength: 1, maxLength: MAX_PATH_BYTES, description: "the new file's path in the workspace" }),
    kind: Type.Optional(NewFileKind),
    content: Type.Optional(
      Type.String({ description: "the file's content (save as a copy); without it, the file starts empty" }),
    ),
  },
  { additionalProperties: false },
);
export type NewFileBody = Static<typeof NewFileBody>;

export const CreatedFile = Type.Object(StoredFile.properties, { description: "the new file: its version 1" });
export type CreatedFile = Static<typeof CreatedFile>;

/**
 * An upload's multipart/form-data body, for the OpenAPI document only: the route reads the parts itself, in
 * order, so the acknowledgment is checked before any file is read.
 */
export function uploadForm(statementIds: readonly string[]) {
  return Type.Object({
    acknowledgment: Type.Enum([...statementIds], {
      type: "string",
      description: "the trust statement the user agreed to; must come before the files",
    }),
    file: Type.Array(Type.String({ format: "binary" }), {
      description: "one part per file; the part's filename is the file's path in the workspace",
    }),
  });
}

export const MovedFile = Type.Object(
  { path: Type.String({ description: "the file's path now" }) },
  { description: "the file, moved" },
);
export type MovedFile = Static<typeof MovedFile>;

/** A file moved to the trash, or restored from it; `id` names it in the trash. */
export const TrashedFile = Type.Object(
  { id: Type.Integer(), path: Type.String() },
  { description: "the file, in the trash or restored from it" },
);
export type TrashedFile = Static<typeof TrashedFile>;

export const TrashEntry = Type.Object({
  id: Type.Integer(),
  path: Type.String(),
  kind: FileKind,
  trashedAt: Type.String({ description: "ISO 8601" }),
  trashedBy: Type.Union([Type.String(), Type.Null()]),
  folder: Type.Union([Type.String(), Type.Null()], {
    description: "the folder this file went to the trash with (restore-folder restores them together); null when alone",
  }),
});
export type TrashEntry = Static<typeof TrashEntry>;

export const TrashList = Type.Object(
  { files: Type.Array(TrashEntry) },
  { description: "the files in the trash, the most recently trashed first" },
);
export type TrashList = Static<typeof TrashList>;

/** A notebook's nbformat version as the file had it, before any upgrade. */
export const OriginalVersion = Type.Object({ major: Type.Integer(), minor: Type.Union([Type.Integer(), Type.Null()]) });
export type OriginalVersion = Static<typeof OriginalVersion>;

/** A stored notebook as the model reads it. */
export const NotebookVersion = Type.Object(
  {
    path: Type.String(),
    version: Type.Integer(),
    original: OriginalVersion,
    upgraded: Type.Boolean({ description: "whether a v2 or v3 file was upgraded to v4 on the way out" }),
    notes: Type.Optional(
      Type.Array(
        Type.Object({
          code: Type.String({ description: "duplicate_cell_id_repaired, cell_id_added, newer_minor_relaxed, ..." }),
          message: Type.String(),
          pointer: Type.String({ description: "RFC 6901 pointer into the file" }),
          cell: Type.Optional(Type.Integer({ minimum: 0 })),
          cellId: Type.Optional(Type.String()),
        }),
        { description: "what the reading repaired or relaxed, as nbformat does (docs/reading-notebooks.md)" },
      ),
    ),
    noteCounts: Type.Optional(
      Type.Record(Type.String(), Type.Integer(), { description: "notes of each code, including those not listed" }),
    ),
    // nbformat's own schema says what a notebook holds; the empty schema here makes the serializer send all of it.
    notebook: Type.Unknown({ description: "an nbformat 4 document" }),
  },
  { description: "the notebook as the model reads it" },
);
export type NotebookVersion = Static<typeof NotebookVersion>;
