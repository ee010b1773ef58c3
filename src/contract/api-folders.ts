// Folders in a workspace: the folders kept empty, a new folder, a folder moved or sent to the trash with its files,
// and a folder restored from the trash.
import { Type, type Static } from "typebox";
import { MAX_PATH_BYTES } from "./limits.ts";

export const FolderBody = Type.Object(
  { path: Type.String({ minLength: 1, maxLength: MAX_PATH_BYTES, description: "the folder's path, without a /" }) },
  { additionalProperties: false },
);
export type FolderBody = Static<typeof FolderBody>;

export const FolderEntry = Type.Object({ path: Type.String() });
export type FolderEntry = Static<typeof FolderEntry>;

export const CreatedFolder = Type.Object({ path: Type.String() }, { description: "the folder made, kept while empty" });
export type CreatedFolder = Static<typeof CreatedFolder>;

export const FolderList = Type.Object(
  { folders: Type.Array(FolderEntry) },
  {
    description:
      "the folders kept as their own (made from the studio, or emptied by a move); folders that hold files are read from the files' paths too",
  },
);
export type FolderList = Static<typeof FolderList>;

export const MovedFolder = Type.Object(
  {
    path: Type.String({ description: "the folder's path now" }),
    files: Type.Array(Type.Object({ from: Type.String(), to: Type.String() }), {
      description: "every file that moved with it",
    }),
  },
  { description: "the folder, moved with its files" },
);
export type MovedFolder = Static<typeof MovedFolder>;

export const TrashedFolder = Type.Object(
  {
    path: Type.String({ description: "the folder" }),
    files: Type.Array(Type.Object({ id: Type.Integer(), path: Type.String() }), {
      description: "its files, each with its id in the trash",
    }),
  },
  { description: "the folder, in the trash with its files, or restored with them" },
);
export type TrashedFolder = Static<typeof TrashedFolder>;
