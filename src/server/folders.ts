// Folders: made empty from the studio, moved with every file under them, sent to the trash with their files and
// restored together. A folder is a prefix of its files' paths, or a row of its own (migration 0004_folders) while it holds
// no file. Every change is one transaction that checks every name first, changes every row, and records every file
// it touched in the audit log: a crash or a refusal leaves the folder as it was or wholly changed.

import type { Kysely, Transaction } from "kysely";
import { recordAudit, type AuditContext } from "./audit.ts";
import { AppError, notFound } from "./errors.ts";
import { checkFilePath } from "./file-names.ts";
import type { Studio } from "./studio.ts";
import type { WorkspaceAccess } from "./workspaces.ts";
import type { User } from "./auth/users.ts";
import type { Database } from "./storage/schema.ts";
import { searchIndex } from "./search/index.ts";

/**
 * A folder's path, refused with the codes of a file's path: a folder name follows the rules of the folder part of a
 * file's path (no "..", no empty segment, no control or reserved characters, within the length and depth limits),
 * checked by the one path policy with a file name put inside it.
 */
export function checkFolderPath(path: string): string {
  if (path.length === 0) throw new AppError(400, "name_empty", "the folder name is empty", { path });
  try {
    checkFilePath(`${path}/a.txt`);
  } catch (error) {
    if (error instanceof AppError) throw new AppError(error.status, error.code, error.message, { path });
    throw error;
  }
  return path;
}

/** The live files under a folder (at any depth), by id and path. */
async function filesUnder(db: Kysely<Database>, workspaceId: string, folder: string) {
  const prefix = `${folder}/`;
  const rows = await db
    .selectFrom("files")
    .select(["id", "path"])
    .where("workspace_id", "=", workspaceId)
    .where("trashed_at", "is", null)
    .where((eb) => eb(eb.fn("substr", ["path", eb.val(1), eb.val(prefix.length)]), "=", prefix))
    .orderBy("path")
    .execute();
  return rows;
}

/** Whether a folder exists: a row of its own, or a live file under it. */
async function folderExists(db: Kysely<Database>, workspaceId: string, folder: string): Promise<boolean> {
  const row = await db
    .selectFrom("folders")
    .select("id")
    .where("workspace_id", "=", workspaceId)
    .where("path", "=", folder)
    .executeTakeFirst();
  return row !== undefined || (await filesUnder(db, workspaceId, folder)).length > 0;
}

async function liveFileAt(db: Kysely<Database>, workspaceId: string, path: string) {
  return db
    .selectFrom("files")
    .select("id")
    .where("workspace_id", "=", workspaceId)
    .where("path", "=", path)
    .where("trashed_at", "is", null)
    .executeTakeFirst();
}

/** The folders kept as rows (empty or not), by path; folders that files imply are read from the files' paths. */
export async function listFolders(studio: Studio, workspaceId: string): Promise<{ path: string }[]> {
  return studio.db
    .selectFrom("folders")
    .select("path")
    .where("workspace_id", "=", workspaceId)
    .orderBy("path")
    .execute();
}

/** Makes an empty folder. A folder that exists (as a row or through its files) refuses it: 409 folder_exists. */
export async function createFolder(
  studio: Studio,
  access: WorkspaceAccess,
  user: User,
  path: string,
  context: AuditContext,
): Promise<{ path: string }> {
  checkFolderPath(path);
  return studio.db.transaction().execute(async (tx) => {
    if (await folderExists(tx, access.id, path)) throw folderTaken(path);
    if (await liveFileAt(tx, access.id, path))
      throw new AppError(409, "path_taken", `a file is named ${path}; a folder cannot take its name`, { path });
    await tx
      .insertInto("folders")
      .values({ workspace_id: access.id, path, created_at: Date.now(), created_by: user.id })
      .execute();
    await recordAudit(tx, context, "folder_created", { path }, access.id);
    return { path };
  });
}

function folderTaken(path: string): AppError {
  return new AppError(409, "folder_exists", `the folder ${path} already exists`, { path });
}

/** The files a folder move took, from where to where; the route moves their running kernels after the commit. */
export interface MovedFolder {
  path: string;
  files: { from: string; to: string }[];
}

/**
 * Moves a folder and every file and folder row under it to a new path, in one transaction. Before anything moves,
 * every new path is checked by the file path rules, and the move is refused when the new folder exists already
 * (409 folder_exists: folders are never merged, so that no file lands beside another's files unasked), when a file
 * has the folder's new name (409 path_taken), or when the folder would go inside itself (400 folder_into_itself).
 * Each file is audited as `file_moved`, as a rename is, with the folder move it was part of.
 */
export async function moveFolder(
  studio: Studio,
  access: WorkspaceAccess,
  from: string,
  to: string,
  context: AuditContext,
): Promise<MovedFolder> {
  checkFolderPath(from);
  checkFolderPath(to);
  if (to === from) return { path: to, files: [] };
  if (to.startsWith(`${from}/`))
    throw new AppError(400, "folder_into_itself", `${from} cannot move into itself (${to})`, { path: to });
  return studio.db.transaction().execute(async (tx) => {
    const files = await filesUnder(tx, access.id, from);
    const rows = await folderRowsUnder(tx, access.id, from);
    if (files.length === 0 && rows.length === 0) throw new AppError(404, "folder_not_found", `no folder ${from}`);
    if (await folderExists(tx, access.id, to)) throw folderTaken(to);
    if (await liveFileAt(tx, access.id, to))
      throw new AppError(409, "path_taken", `a file is named ${to}; the folder cannot take its name`, { path: to });
    const moves = files.map((file) => ({ id: file.id, from: file.path, to: to + file.path.slice(from.length) }));
    // Every new path is checked before the first row changes: a path too long or too deep refuses the whole move.
    for (const move of moves) checkFilePath(move.to);
    for (const move of moves) {
      await tx.updateTable("files").set({ path: move.to }).where("id", "=", move.id).execute();
      await searchIndex.renameFile(tx, move.id, move.to);
      await recordAudit(
        tx,
        context,
        "file_moved",
        { from: move.from, to: move.to, id: move.id, folder: { from, to } },
        access.id,
      );
    }
    for (const row of rows)
      await tx
        .updateTable("folders")
        .set({ path: to + row.path.slice(from.length) })
        .where("id", "=", row.id)
        .execute();
    return { path: to, files: moves.map(({ from, to }) => ({ from, to })) };
  });
}

/** The folder's own row and the rows of the folders under it. */
async function folderRowsUnder(db: Kysely<Database>, workspaceId: string, folder: string) {
  const prefix = `${folder}/`;
  return db
    .selectFrom("folders")
    .select(["id", "path"])
    .where("workspace_id", "=", workspaceId)
    .where((eb) =>
      eb.or([eb("path", "=", folder), eb(eb.fn("substr", ["path", eb.val(1), eb.val(prefix.length)]), "=", prefix)]),
    )
    .execute();
}

/**
 * Sends a folder's files to the trash together, in one transaction: each keeps its path and the folder it went with
 * (trashed_folder), so that the trash shows where it was and the folder can be restored as it went. The folder's
 * rows go; restoring the folder makes its row again. Each file is audited as `file_trashed`, with its folder.
 */
export async function trashFolder(
  studio: Studio,
  access: WorkspaceAccess,
  user: User,
  folder: string,
  context: AuditContext,
): Promise<{ path: string; files: { id: number; path: string }[] }> {
  checkFolderPath(folder);
  return studio.db.transaction().execute(async (tx) => {
    const files = await filesUnder(tx, access.id, folder);
    const rows = await folderRowsUnder(tx, access.id, folder);
    if (files.length === 0 && rows.length === 0) throw new AppError(404, "folder_not_found", `no folder ${folder}`);
    const now = Date.now();
    for (const file of files) {
      await tx
        .updateTable("files")
        .set({ trashed_at: now, trashed_by: user.id, trashed_folder: folder })
        .where("id", "=", file.id)
        .execute();
      await recordAudit(tx, context, "file_trashed", { path: file.path, id: file.id, folder }, access.id);
    }
    if (rows.length > 0)
      await tx
        .deleteFrom("folders")
        .where(
          "id",
          "in",
          rows.map((row) => row.id),
        )
        .execute();
    return { path: folder, files };
  });
}

/**
 * Restores the folder that the trashed file `id` went to the trash with: every file trashed with it at that moment,
 * in one transaction, and the folder's row. A live file at any of their paths refuses the whole restore (409
 * path_taken, naming the first) before anything changes. Each file is audited as `file_restored`, with its folder.
 */
export async function restoreFolder(
  studio: Studio,
  access: WorkspaceAccess,
  user: User,
  id: number,
  context: AuditContext,
): Promise<{ path: string; files: { id: number; path: string }[] }> {
  return studio.db.transaction().execute(async (tx: Transaction<Database>) => {
    const file = await tx
      .selectFrom("files")
      .select(["trashed_at", "trashed_folder"])
      .where("id", "=", id)
      .where("workspace_id", "=", access.id)
      .where("trashed_at", "is not", null)
      .executeTakeFirst();
    if (!file) throw notFound("no such file in the trash");
    const folder = file.trashed_folder;
    if (folder === null || file.trashed_at === null)
      throw new AppError(400, "not_trashed_with_folder", "this file went to the trash alone: restore it as a file");
    const files = await tx
      .selectFrom("files")
      .select(["id", "path"])
      .where("workspace_id", "=", access.id)
      .where("trashed_at", "=", file.trashed_at)
      .where("trashed_folder", "=", folder)
      .orderBy("path")
      .execute();
    const taken = [];
    for (const each of files) if (await liveFileAt(tx, access.id, each.path)) taken.push(each.path);
    if (taken.length > 0)
      throw new AppError(
        409,
        "path_taken",
        `${taken.join(", ")} ${taken.length === 1 ? "exists" : "exist"} again; move ${taken.length === 1 ? "it" : "them"} away first; nothing was restored`,
        { path: taken[0]! },
      );
    for (const each of files) {
      await tx
        .updateTable("files")
        .set({ trashed_at: null, trashed_by: null, trashed_folder: null })
        .where("id", "=", each.id)
        .execute();
      await recordAudit(tx, context, "file_restored", { path: each.path, id: each.id, folder }, access.id);
    }
    await tx
      .insertInto("folders")
      .values({ workspace_id: access.id, path: folder, created_at: Date.now(), created_by: user.id })
      .onConflict((oc) => oc.columns(["workspace_id", "path"]).doNothing())
      .execute();
    return { path: folder, files };
  });
}
