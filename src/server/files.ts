// Stored files: upload (validated, content-addressed, one version per upload), save and new files from the studio's
// editor, list, versions, move, trash, restore, download. An upload or a save is all or nothing: every file is
// checked before any byte is written, blobs are made durable before the one transaction that records the versions
// and the audit event, so a crash at any point leaves the workspace as it was or with the whole change, never with a
// row that points at a missing blob.

import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { Kysely, Transaction } from "kysely";
import { positionAt } from "../notebook/position.ts";
import { recordAudit, type AuditContext } from "./audit.ts";
import { auditedReview, fileReview, recalledReview, rememberReview, type FileReview } from "./review.ts";
import { AppError, notFound } from "./errors.ts";
import type { Studio } from "./studio.ts";
import { checkFilePath, extensionOf, type FileKind } from "./file-names.ts";
import type { UploadConflictChoice } from "../contract/api-files.ts";
import { runFileJob } from "./file-jobs.ts";
import type { FileJobResult, Refusal } from "./file-job.ts";
import { BlobStore } from "./storage/blob-store.ts";
import { checkUpload, type IncomingFile } from "./upload-check.ts";
import type { WorkspaceAccess } from "./workspaces.ts";
import type { User } from "./auth/users.ts";
import type { Database } from "./storage/schema.ts";
import { searchIndex } from "./search/index.ts";
import type { SearchEntry } from "./search/search-text.ts";

/** The statements a user can acknowledge before uploading; the id is what the request carries and the audit keeps. */
export const TRUST_STATEMENTS = {
  "trusted-source-v1": "I have reviewed these files, or they come from a source I trust.",
} as const;
export type TrustStatementId = keyof typeof TRUST_STATEMENTS;

export interface UploadResult {
  path: string;
  version: number;
  size: number;
  sha256: string;
}

/** An upload's file as stored: `requestedPath` when keep_both stored it beside the taken path it was sent with. */
export interface UploadedFile extends UploadResult {
  requestedPath?: string;
}

/** A file of an upload, with what to do when its path names a live file (a new version when not said). */
export interface UploadFile extends IncomingFile {
  onConflict?: UploadConflictChoice;
}

export async function storeUpload(
  studio: Studio,
  access: WorkspaceAccess,
  user: User,
  statement: TrustStatementId,
  incoming: readonly UploadFile[],
  context: AuditContext,
): Promise<{ files: UploadedFile[]; skipped?: { path: string }[] }> {
  if (incoming.length === 0) throw new AppError(400, "no_files", "the upload has no files");
  // A refusal is seen before any file is checked or any blob written, so that a refused upload leaves nothing on
  // disk; decided again in the transaction below.
  for (const file of incoming)
    if (file.onConflict === "refuse" && (await liveFileIn(studio.db, access.id, file.path))) throw pathTaken(file.path);
  const files = await checkUpload(incoming, (file, kind) => checkAndReview(studio, file, kind, user.id));
  // The audit event keeps what the review found in each file: the same findings the upload dialog showed the
  // person for these bytes before they acknowledged trust (remembered by content).
  const reviews = new Map(files.map((file) => [file.path, auditedReview(file.review)]));
  return storeChecked(studio, files, async (tx, now) => {
    const results: UploadedFile[] = [];
    const skipped: { path: string }[] = [];
    for (const [index, checked] of files.entries()) {
      let file = checked;
      let live = await liveFileIn(tx, access.id, file.path);
      // What to do when the path names a live file is the client's choice per file (decided here, inside the
      // transaction, where no other change can take a path between the look and the write).
      const choice = incoming[index]?.onConflict ?? "version";
      if (live && choice === "refuse") throw pathTaken(file.path);
      if (live && choice === "skip") {
        skipped.push({ path: file.path });
        continue;
      }
      if (live && choice === "keep_both") {
        file = { ...file, path: await freeSiblingPath(tx, access.id, file.path) };
        live = undefined;
      }
      const fileId = live ? live.id : await insertFile(tx, access.id, file, now);
      const number = live ? (await newestVersion(tx, live.id)).version + 1 : 1;
      const result = await insertVersion(tx, fileId, number, file, user.id, now);
      results.push(file.path === checked.path ? result : { ...result, requestedPath: checked.path });
    }
    await recordAudit(
      tx,
      context,
      "upload",
      {
        statement,
        statementText: TRUST_STATEMENTS[statement],
        files: results.map((r) => ({
          path: r.path,
          ...(r.requestedPath === undefined ? {} : { requestedPath: r.requestedPath }),
          size: r.size,
          sha256: r.sha256,
          version: r.version,
          review: reviews.get(r.requestedPath ?? r.path),
        })),
        ...(skipped.length > 0 ? { skipped } : {}),
      },
      access.id,
    );
    return { files: results, ...(skipped.length > 0 ? { skipped } : {}) };
  });
}

/** The most copies "name (n).ext" beside a taken path that keep_both looks through before it gives up. */
const MAX_KEEP_BOTH_COPIES = 1000;

/**
 * The first free "name (n).ext" beside a taken path, n from 2, as file managers name a kept copy. The name is checked
 * by the path rules (a name near the length limit may not take the suffix: its code says why).
 */
async function freeSiblingPath(tx: Kysely<Database>, workspaceId: string, path: string): Promise<string> {
  const slash = path.lastIndexOf("/");
  const folder = path.slice(0, slash + 1);
  const name = path.slice(slash + 1);
  const extension = extensionOf(name);
  const stem = name.slice(0, name.length - extension.length);
  for (let n = 2; n <= MAX_KEEP_BOTH_COPIES; n++) {
    const candidate = `${folder}${stem} (${n})${extension}`;
    if (!(await liveFileIn(tx, workspaceId, candidate))) return checkFilePath(candidate).path;
  }
  throw new AppError(409, "path_taken", `${path} and ${MAX_KEEP_BOTH_COPIES - 1} copies of it exist already`, { path });
}

/**
 * Saves an edit made in the studio as the file's next version, unless someone saved since the version it was based
 * on: then nothing is stored and the answer (409 version_conflict) names the newest version, who saved it and when,
 * so that the person can reload, overwrite (save again based on the newest) or save a copy. Content identical to the
 * newest version stores nothing and answers the newest version.
 *
 * No trust acknowledgment is asked, unlike an upload: the acknowledgment vouches for files that come from elsewhere,
 * and this content was written by the person in the studio's editor. The content is checked as an upload's file is;
 * its review is made when someone asks for it, as for any stored file.
 */
export async function saveFile(
  studio: Studio,
  access: WorkspaceAccess,
  user: User,
  save: { path: string; content: string; baseVersion: number },
  context: AuditContext,
): Promise<UploadResult> {
  const { path, baseVersion } = save;
  const file = await liveFile(studio, access.id, path);
  const bytes = contentBytes(studio, path, save.content);
  const sha256 = BlobStore.hash(bytes);
  // Seen before the file job, so that a stale save is answered at once; decided again in the transaction below.
  const newest = await newestVersion(studio.db, file.id);
  if (newest.version !== baseVersion) throw versionConflict(path, newest);
  if (newest.sha256 === sha256) return { path, version: newest.version, size: newest.size, sha256 };
  // The name was accepted when the file was stored; the content is checked as that kind of file.
  const ready = await checkForStore(studio, { path, bytes }, file.kind, sha256, user.id, { storedKind: true });
  return storeChecked(studio, [ready], async (tx, now) => {
    // The base is checked inside the transaction (transactions are serialized): of two saves based on the same
    // version, the first to commit wins and the other is refused. The path may since name another file (the first
    // one trashed or moved away and a new one put there), whose versions the base does not belong to.
    const live = await liveFileIn(tx, access.id, path);
    if (!live) throw notFound("no such file");
    const current = await newestVersion(tx, live.id);
    if (live.id !== file.id || current.version !== baseVersion) throw versionConflict(path, current);
    const result = await insertVersion(tx, live.id, current.version + 1, ready, user.id, now);
    await recordAudit(
      tx,
      context,
      "file_saved",
      { path, version: result.version, baseVersion, size: result.size, sha256 },
      access.id,
    );
    return result;
  });
}

/**
 * Makes a new file at version 1: the given content (save as a copy), or an empty notebook or an empty text. The
 * name follows the upload rules, and the content is checked as an upload's is; no trust acknowledgment is asked,
 * as for a save, because the content comes from the person's own editor or from the studio.
 */
export async function createFile(
  studio: Studio,
  access: WorkspaceAccess,
  user: User,
  create: { path: string; kind?: "notebook" | "script"; content?: string },
  context: AuditContext,
): Promise<UploadResult> {
  const { path, kind } = checkFilePath(create.path);
  if (create.kind !== undefined && (create.kind === "notebook") !== (kind === "notebook"))
    throw new AppError(
      400,
      "kind_mismatch",
      create.kind === "notebook"
        ? `${path} is not a notebook's name: a notebook's ends in .ipynb`
        : `${path} is a notebook's name; a script's ends in one of the text extensions`,
      { path },
    );
  const content = create.content ?? (kind === "notebook" ? emptyNotebook(await newNotebookKernelspec(studio)) : "");
  const bytes = contentBytes(studio, path, content);
  // Seen before the file job, so that a taken path is answered at once; decided again in the transaction below.
  if (await liveFileIn(studio.db, access.id, path)) throw pathTaken(path);
  const ready = await checkForStore(studio, { path, bytes }, kind, BlobStore.hash(bytes), user.id);
  return storeChecked(studio, [ready], async (tx, now) => {
    if (await liveFileIn(tx, access.id, path)) throw pathTaken(path);
    const result = await insertVersion(tx, await insertFile(tx, access.id, ready, now), 1, ready, user.id, now);
    await recordAudit(
      tx,
      context,
      "file_created",
      {
        path,
        version: result.version,
        size: result.size,
        sha256: result.sha256,
        content: create.content === undefined ? "empty" : "given",
      },
      access.id,
    );
    return result;
  });
}

/** The kernelspec a notebook's metadata names: what its kernel is started with, and how the editor shows its cells. */
export interface NotebookKernelspec {
  name: string;
  displayName: string;
  language: string;
}

export const PYTHON3_KERNELSPEC: NotebookKernelspec = { name: "python3", displayName: "Python 3", language: "python" };

/**
 * The kernel a new notebook names: python3 when the studio offers it (the default, as in Jupyter), else the first
 * kernelspec the studio offers, so that a new notebook's first run starts a kernel this studio can start.
 */
async function newNotebookKernelspec(studio: Studio): Promise<NotebookKernelspec> {
  const { kernelspecs } = await studio.kernels.specList();
  return kernelspecs.find((spec) => spec.name === PYTHON3_KERNELSPEC.name) ?? kernelspecs[0] ?? PYTHON3_KERNELSPEC;
}

/** An empty nbformat 4.5 notebook with one empty code cell, as Jupyter writes one (one-space indent). */
export function emptyNotebook(kernelspec: NotebookKernelspec = PYTHON3_KERNELSPEC): string {
  const notebook = {
    cells: [{ cell_type: "code", execution_count: null, id: randomUUID(), metadata: {}, outputs: [], source: [] }],
    metadata: {
      kernelspec: { display_name: kernelspec.displayName, language: kernelspec.language, name: kernelspec.name },
      language_info: { name: kernelspec.language },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return `${JSON.stringify(notebook, null, 1)}\n`;
}

/**
 * The UTF-8 bytes of content sent as a JSON string, within the upload limit. A lone surrogate (which JSON can carry
 * as \uD800) has no UTF-8 encoding: it is refused, placed as invalid UTF-8 is, rather than stored as U+FFFD.
 */
function contentBytes(studio: Studio, path: string, content: string): Buffer {
  if (!content.isWellFormed()) {
    const at = LONE_SURROGATE.exec(content)?.index ?? 0;
    const textBefore = content.slice(0, at);
    const offset = Buffer.byteLength(textBefore);
    const { line, column } = positionAt(textBefore, textBefore.length);
    throw new AppError(
      400,
      "invalid_utf8",
      `${path}:${line}:${column}: the content is not valid UTF-8 at byte ${offset}: a lone surrogate has no encoding`,
      { path, offset, line, column },
    );
  }
  const bytes = Buffer.from(content, "utf8");
  checkSize(studio, path, bytes);
  return bytes;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function checkSize(studio: Studio, path: string, bytes: Uint8Array): void {
  const maxBytes = studio.config.maxUploadBytes;
  if (bytes.byteLength > maxBytes)
    throw new AppError(413, "file_too_large", `${path} is larger than ${maxBytes} bytes`, { path });
}

function versionConflict(path: string, newest: NewestVersion): AppError {
  return new AppError(
    409,
    "version_conflict",
    `${path} was saved as version ${newest.version} by ${newest.updatedBy} at ${newest.updatedAt}, after the version ` +
      "this edit started from; nothing was stored",
    { path, currentVersion: newest.version, updatedBy: newest.updatedBy, updatedAt: newest.updatedAt },
  );
}

function pathTaken(path: string): AppError {
  return new AppError(409, "path_taken", `${path} already exists`, { path });
}

/** A file's content checked and ready to store: its blob's SHA-256, a notebook's nbformat and head. */
interface ReadyFile {
  path: string;
  kind: FileKind;
  bytes: Buffer;
  sha256: string;
  nbformat: string | null;
  head: string | undefined;
  /** What search finds in it, read on a file worker with the rest of the check. */
  searchEntries: SearchEntry[];
}

/**
 * Stores checked files: every blob is made durable first, then `record` writes the rows in one transaction, and the
 * notebooks' heads are kept for the page once it has committed. A crash, or a refusal inside the transaction, leaves
 * at most blobs that no row points at (swept at the next start), never a row without its blob.
 */
async function storeChecked<T>(
  studio: Studio,
  files: readonly ReadyFile[],
  record: (tx: Transaction<Database>, now: number) => Promise<T>,
): Promise<T> {
  for (const file of files) await studio.blobs.put(file.bytes);
  const now = Date.now();
  const result = await studio.db.transaction().execute((tx) => record(tx, now));
  // The notebooks' heads were made with their check: ready for the first page that shows them.
  for (const file of files) if (file.head !== undefined) studio.notebookHeads.remember(file.sha256, file.head);
  return result;
}

async function liveFileIn(db: Kysely<Database>, workspaceId: string, path: string) {
  return db
    .selectFrom("files")
    .select(["id", "kind"])
    .where("workspace_id", "=", workspaceId)
    .where("path", "=", path)
    .where("trashed_at", "is", null)
    .executeTakeFirst();
}

async function insertFile(tx: Kysely<Database>, workspaceId: string, file: ReadyFile, now: number): Promise<number> {
  const row = await tx
    .insertInto("files")
    .values({
      workspace_id: workspaceId,
      path: file.path,
      kind: file.kind,
      created_at: now,
      trashed_at: null,
      trashed_by: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Records a file's version, and its blob's row the first time that content is stored. */
async function insertVersion(
  tx: Kysely<Database>,
  fileId: number,
  number: number,
  file: ReadyFile,
  userId: number,
  now: number,
): Promise<UploadResult> {
  await tx
    .insertInto("blobs")
    .values({ sha256: file.sha256, size: file.bytes.byteLength, created_at: now })
    .onConflict((oc) => oc.column("sha256").doNothing())
    .execute();
  await tx
    .insertInto("versions")
    .values({
      file_id: fileId,
      number,
      blob_sha256: file.sha256,
      size: file.bytes.byteLength,
      uploaded_by: userId,
      uploaded_at: now,
      nbformat: file.nbformat,
    })
    .execute();
  // Search: the file's entries become this version's in the same transaction, so the index never disagrees. They
  // were read on a file worker with the file's check (file-job.ts).
  await searchIndex.indexVersion(tx, { fileId, version: number, entries: file.searchEntries });
  return { path: file.path, version: number, size: file.bytes.byteLength, sha256: file.sha256 };
}

interface NewestVersion {
  version: number;
  size: number;
  sha256: string;
  updatedBy: string;
  updatedAt: string;
}

async function newestVersion(db: Kysely<Database>, fileId: number): Promise<NewestVersion> {
  const row = await db
    .selectFrom("versions")
    .innerJoin("users", "users.id", "versions.uploaded_by")
    .select(["versions.number", "versions.size", "versions.blob_sha256", "versions.uploaded_at", "users.name"])
    .where("versions.file_id", "=", fileId)
    .orderBy("versions.number", "desc")
    .limit(1)
    .executeTakeFirstOrThrow();
  return {
    version: row.number,
    size: Number(row.size),
    sha256: row.blob_sha256,
    updatedBy: row.name,
    updatedAt: iso(row.uploaded_at),
  };
}

interface AcceptedFile extends ReadyFile {
  review: FileReview;
}

/** One file of an upload checked, reviewed (unless its review is remembered) and its head made, in one file job. */
async function checkAndReview(studio: Studio, file: IncomingFile, kind: FileKind, user: number): Promise<AcceptedFile> {
  checkSize(studio, file.path, file.bytes);
  const sha256 = BlobStore.hash(file.bytes);
  // A remembered refusal is not reused: the job below decides whether these bytes are refused.
  const recalled = recalledReview(studio.urlPolicy, sha256, file.path);
  const known = recalled?.refused ? undefined : recalled;
  const { ready, result } = await runCheckJob(studio, file, kind, sha256, user, { scan: known === undefined });
  const review = known ?? fileReview(file.path, result);
  if (!known) rememberReview(studio.urlPolicy, sha256, file.path, review);
  return { ...ready, review };
}

/** A file's content checked as an upload's is, and a notebook's head made, in one file job; no review. */
async function checkForStore(
  studio: Studio,
  file: IncomingFile,
  kind: FileKind,
  sha256: string,
  user: number,
  options: { storedKind?: boolean } = {},
): Promise<ReadyFile> {
  return (await runCheckJob(studio, file, kind, sha256, user, { scan: false, ...options })).ready;
}

async function runCheckJob(
  studio: Studio,
  file: IncomingFile,
  kind: FileKind,
  sha256: string,
  user: number,
  options: { scan: boolean; storedKind?: boolean },
): Promise<{ ready: ReadyFile; result: FileJobResult }> {
  const result = await runFileJob(
    studio.fileJobs,
    {
      path: file.path,
      bytes: file.bytes,
      maxBytes: studio.config.maxUploadBytes,
      scan: options.scan,
      ...(options.storedKind ? { storedKind: kind } : {}),
      ...(kind === "notebook" && studio.notebookHeads.get(sha256) === undefined ? { headOf: sha256 } : {}),
      searchEntries: true,
    },
    user,
  );
  if (result.refused) throw refusalError(result.refused);
  const ready = {
    ...file,
    kind,
    sha256,
    nbformat: result.nbformat,
    head: result.head,
    searchEntries: result.searchEntries ?? [],
  };
  return { ready, result };
}

function refusalError(refusal: Refusal): AppError {
  return new AppError(refusal.status, refusal.error, refusal.message, refusal.details);
}

const iso = (ms: number | bigint) => new Date(Number(ms)).toISOString();

export async function listFiles(studio: Studio, workspaceId: string) {
  const rows = await studio.db
    .selectFrom("files")
    .innerJoin("versions", "versions.file_id", "files.id")
    .innerJoin("users", "users.id", "versions.uploaded_by")
    .select([
      "files.id",
      "files.path",
      "files.kind",
      "versions.number",
      "versions.size",
      "versions.uploaded_at",
      "users.name",
    ])
    .where("files.workspace_id", "=", workspaceId)
    .where("files.trashed_at", "is", null)
    .where("versions.number", "=", (eb) =>
      eb
        .selectFrom("versions as v")
        .select((e) => e.fn.max("v.number").as("m"))
        .whereRef("v.file_id", "=", "files.id"),
    )
    .orderBy("files.path")
    .execute();
  return rows.map((r) => ({
    path: r.path,
    kind: r.kind,
    version: r.number,
    size: Number(r.size),
    updatedAt: iso(r.uploaded_at),
    updatedBy: r.name,
  }));
}

async function liveFile(studio: Studio, workspaceId: string, path: string) {
  const file = await studio.db
    .selectFrom("files")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .where("path", "=", path)
    .where("trashed_at", "is", null)
    .executeTakeFirst();
  if (!file) throw notFound("no such file");
  return file;
}

async function versionsOf(studio: Studio, fileId: number) {
  const rows = await studio.db
    .selectFrom("versions")
    .innerJoin("users", "users.id", "versions.uploaded_by")
    .select([
      "versions.number",
      "versions.size",
      "versions.blob_sha256",
      "versions.uploaded_at",
      "versions.nbformat",
      "users.name",
    ])
    .where("versions.file_id", "=", fileId)
    .orderBy("versions.number", "desc")
    .execute();
  return rows.map((r) => ({
    version: r.number,
    size: Number(r.size),
    sha256: r.blob_sha256,
    uploadedAt: iso(r.uploaded_at),
    uploadedBy: r.name,
    nbformat: r.nbformat,
  }));
}

export async function fileDetails(studio: Studio, workspaceId: string, path: string) {
  const file = await liveFile(studio, workspaceId, path);
  return {
    path: file.path,
    kind: file.kind,
    createdAt: iso(file.created_at),
    versions: await versionsOf(studio, file.id),
  };
}

/** The blob of one version (the newest when none is asked for). */
export async function fileVersion(studio: Studio, workspaceId: string, path: string, version: number | undefined) {
  const file = await liveFile(studio, workspaceId, path);
  let query = studio.db.selectFrom("versions").select(["number", "blob_sha256", "size"]).where("file_id", "=", file.id);
  query = version === undefined ? query.orderBy("number", "desc").limit(1) : query.where("number", "=", version);
  const row = await query.executeTakeFirst();
  if (!row) throw new AppError(404, "version_not_found", `${path} has no version ${version}`);
  return {
    id: file.id,
    path: file.path,
    kind: file.kind,
    version: row.number,
    sha256: row.blob_sha256,
    size: Number(row.size),
  };
}

/**
 * Renames or moves a file: its row takes the new path, so that its versions, who made each and its history come with
 * it and the old path names nothing. The new path follows the upload's name rules and stays the same kind of file (a
 * notebook stays .ipynb, a text file stays text: 400 kind_change_not_allowed), and a live file there already refuses
 * it (409 path_taken). One transaction changes the path and records `file_moved`: a crash leaves the file under its
 * old path or under its new one, never both or neither.
 */
export async function moveFile(
  studio: Studio,
  access: WorkspaceAccess,
  from: string,
  to: string,
  context: AuditContext,
): Promise<{ path: string }> {
  const file = await liveFile(studio, access.id, from);
  const target = checkFilePath(to);
  if (target.kind !== file.kind)
    throw new AppError(
      400,
      "kind_change_not_allowed",
      file.kind === "notebook"
        ? `${from} is a notebook: its new name must end in .ipynb too`
        : `${from} is a text file: its new name may not end in .ipynb`,
      { path: to },
    );
  if (from === to) return { path: to };
  await studio.db.transaction().execute(async (tx) => {
    // Decided again here (transactions are serialized): the file may have been trashed, moved or replaced since it
    // was looked up, and another file may have taken the new path.
    const live = await liveFileIn(tx, access.id, from);
    if (!live || live.id !== file.id) throw notFound("no such file");
    if (await liveFileIn(tx, access.id, to)) throw pathTaken(to);
    await tx.updateTable("files").set({ path: to }).where("id", "=", file.id).execute();
    // Search: the name entry follows the file (its cells' entries belong to the file, not the path).
    await searchIndex.renameFile(tx, file.id, to);
    await recordAudit(tx, context, "file_moved", { from, to, id: file.id }, access.id);
  });
  return { path: to };
}

export async function trashFile(
  studio: Studio,
  access: WorkspaceAccess,
  user: User,
  path: string,
  context: AuditContext,
) {
  const file = await liveFile(studio, access.id, path);
  await studio.db.transaction().execute(async (tx) => {
    await tx
      .updateTable("files")
      .set({ trashed_at: Date.now(), trashed_by: user.id, trashed_folder: null })
      .where("id", "=", file.id)
      .where("trashed_at", "is", null)
      .execute();
    await recordAudit(tx, context, "file_trashed", { path, id: file.id }, access.id);
  });
  return { id: file.id, path };
}

export async function listTrash(studio: Studio, workspaceId: string) {
  const rows = await studio.db
    .selectFrom("files")
    .leftJoin("users", "users.id", "files.trashed_by")
    .select(["files.id", "files.path", "files.kind", "files.trashed_at", "files.trashed_folder", "users.name"])
    .where("files.workspace_id", "=", workspaceId)
    .where("files.trashed_at", "is not", null)
    .orderBy("files.trashed_at", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    path: r.path,
    kind: r.kind,
    trashedAt: iso(r.trashed_at ?? 0),
    trashedBy: r.name,
    folder: r.trashed_folder,
  }));
}

export async function restoreFile(studio: Studio, access: WorkspaceAccess, id: number, context: AuditContext) {
  return studio.db.transaction().execute(async (tx) => {
    const file = await tx
      .selectFrom("files")
      .select(["id", "path"])
      .where("id", "=", id)
      .where("workspace_id", "=", access.id)
      .where("trashed_at", "is not", null)
      .executeTakeFirst();
    if (!file) throw notFound("no such file in the trash");
    const taken = await tx
      .selectFrom("files")
      .select("id")
      .where("workspace_id", "=", access.id)
      .where("path", "=", file.path)
      .where("trashed_at", "is", null)
      .executeTakeFirst();
    if (taken)
      throw new AppError(409, "path_taken", `${file.path} exists again; move it away first`, { path: file.path });
    await tx.updateTable("files").set({ trashed_at: null, trashed_by: null }).where("id", "=", id).execute();
    await recordAudit(tx, context, "file_restored", { path: file.path, id }, access.id);
    return { id, path: file.path };
  });
}

/**
 * A stored notebook as the model reads it: v2 and v3 files are kept as uploaded and upgraded here, on the way
 * out, so that the stored bytes stay exactly what the user trusted.
 */
export async function readNotebookVersion(
  studio: Studio,
  workspaceId: string,
  path: string,
  version: number | undefined,
  user: number,
): Promise<string> {
  const found = await notebookVersion(studio, workspaceId, path, version);
  const bytes = await readFile(studio.blobs.pathOf(found.sha256));
  // Read on a worker under the file-job budget: a notebook of many megabytes is parsed, upgraded and serialized
  // there, and only its JSON crosses back, so no reader of a large notebook holds the event loop.
  const result = await runFileJob(
    studio.fileJobs,
    {
      path,
      bytes,
      maxBytes: Math.max(studio.config.maxUploadBytes, bytes.byteLength),
      scan: false,
      storedKind: "notebook",
      model: true,
    },
    user,
  );
  if (result.refused) throw refusalError(result.refused);
  if (result.model === undefined) throw new Error(`${path} was read without its model`);
  // The model's JSON object, opened to put the version's path and number first (the NotebookVersion shape).
  return `{"path":${JSON.stringify(found.path)},"version":${found.version},${result.model.slice(1)}`;
}

/** A stored notebook version's head (render/notebook-head.ts), as JSON: from the cache, or read from its blob once. */
export async function readNotebookHead(
  studio: Studio,
  workspaceId: string,
  path: string,
  version: number | undefined,
  user: number,
): Promise<string> {
  const found = await notebookVersion(studio, workspaceId, path, version);
  const cached = studio.notebookHeads.get(found.sha256);
  if (cached !== undefined) return cached;
  const refused = headRefusals(studio).get(`${found.sha256}\0${path}`);
  if (refused) throw refusalError(refused);
  // Pages that open together ask for the same head together: one job makes it for all of them.
  let making = HEADS_IN_MAKING.get(found.sha256);
  if (!making) {
    making = makeStoredHead(studio, found.sha256, path, user).finally(() => HEADS_IN_MAKING.delete(found.sha256));
    HEADS_IN_MAKING.set(found.sha256, making);
  }
  return making;
}

const HEADS_IN_MAKING = new Map<string, Promise<string>>();

/**
 * Stored notebooks whose head could not be made, per studio, by content and name: asking again would take a worker for the whole budget
 * every time the page is opened. Kept until the server restarts, a few hundred at most.
 */
const HEAD_REFUSALS = new WeakMap<Studio, Map<string, Refusal>>();
const MAX_HEAD_REFUSALS = 256;

function headRefusals(studio: Studio): Map<string, Refusal> {
  let refusals = HEAD_REFUSALS.get(studio);
  if (!refusals) HEAD_REFUSALS.set(studio, (refusals = new Map()));
  return refusals;
}

async function makeStoredHead(studio: Studio, sha256: string, path: string, user: number): Promise<string> {
  const bytes = await readFile(studio.blobs.pathOf(sha256));
  const result = await runFileJob(
    studio.fileJobs,
    {
      path,
      bytes,
      // A blob larger than today's upload limit was accepted under an earlier one.
      maxBytes: Math.max(studio.config.maxUploadBytes, bytes.byteLength),
      scan: false,
      headOf: sha256,
      storedKind: "notebook",
    },
    user,
  );
  if (result.refused) {
    const refusals = headRefusals(studio);
    if (refusals.size >= MAX_HEAD_REFUSALS) refusals.delete(refusals.keys().next().value as string);
    refusals.set(`${sha256}\0${path}`, result.refused);
    throw refusalError(result.refused);
  }
  if (result.head === undefined) throw new Error(`no head was made for ${path}`);
  return studio.notebookHeads.remember(sha256, result.head);
}

async function notebookVersion(studio: Studio, workspaceId: string, path: string, version: number | undefined) {
  const found = await fileVersion(studio, workspaceId, path, version);
  if (found.kind !== "notebook") throw new AppError(400, "not_a_notebook", `${path} is not a notebook`, { path });
  return found;
}

/** Deletes blob files that no row references: left by a crash between a blob's rename and its transaction. Run at start, before serving. */
export async function sweepOrphanBlobs(studio: Studio): Promise<number> {
  const known = new Set((await studio.db.selectFrom("blobs").select("sha256").execute()).map((r) => r.sha256));
  let removed = 0;
  for (const sha of await studio.blobs.listStored()) {
    if (!known.has(sha)) {
      await studio.blobs.remove(sha);
      removed++;
    }
  }
  return removed;
}
