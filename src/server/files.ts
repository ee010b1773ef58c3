// Stored files: upload (validated, content-addressed, one version per upload), list, versions, move, trash,
// restore, download. An upload is all or nothing: every file is checked before any byte is written, blobs are
// made durable before the one transaction that records the versions and the audit event, so a crash at any point
// leaves the workspace as it was or with the whole upload, never with a row that points at a missing blob.

import { readFile } from "node:fs/promises";
import { recordAudit, type AuditContext } from "./audit.ts";
import { auditedReview, fileReview, recalledReview, rememberReview, type FileReview } from "./review.ts";
import { AppError, notFound } from "./errors.ts";
import type { Studio } from "./studio.ts";
import { checkFilePath, type FileKind } from "./file-names.ts";
import { runFileJob } from "./file-jobs.ts";
import type { Refusal } from "./file-job.ts";
import { BlobStore } from "./storage/blob-store.ts";
import { checkUpload, type IncomingFile } from "./upload-check.ts";
import type { WorkspaceAccess } from "./workspaces.ts";
import type { User } from "./auth/users.ts";

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

export async function storeUpload(
  studio: Studio,
  access: WorkspaceAccess,
  user: User,
  statement: TrustStatementId,
  incoming: readonly IncomingFile[],
  context: AuditContext,
): Promise<UploadResult[]> {
  if (incoming.length === 0) throw new AppError(400, "no_files", "the upload has no files");
  const files = await checkUpload(incoming, (file, kind) => checkAndReview(studio, file, kind, user.id));
  // The audit event keeps what the review found in each file: the same findings the upload dialog showed the
  // person for these bytes before they acknowledged trust (remembered by content).
  const reviews = new Map(files.map((file) => [file.path, auditedReview(file.review)]));
  for (const file of files) await studio.blobs.put(file.bytes);
  const now = Date.now();
  const stored = await studio.db.transaction().execute(async (tx) => {
    const results: UploadResult[] = [];
    for (const file of files) {
      await tx
        .insertInto("blobs")
        .values({ sha256: file.sha256, size: file.bytes.byteLength, created_at: now })
        .onConflict((oc) => oc.column("sha256").doNothing())
        .execute();
      const live = await tx
        .selectFrom("files")
        .select(["id", "kind"])
        .where("workspace_id", "=", access.id)
        .where("path", "=", file.path)
        .where("trashed_at", "is", null)
        .executeTakeFirst();
      let fileId: number;
      let number = 1;
      if (live) {
        fileId = live.id;
        const last = await tx
          .selectFrom("versions")
          .select((eb) => eb.fn.max("number").as("n"))
          .where("file_id", "=", fileId)
          .executeTakeFirst();
        number = Number(last?.n ?? 0) + 1;
      } else {
        const row = await tx
          .insertInto("files")
          .values({
            workspace_id: access.id,
            path: file.path,
            kind: file.kind,
            created_at: now,
            trashed_at: null,
            trashed_by: null,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        fileId = row.id;
      }
      await tx
        .insertInto("versions")
        .values({
          file_id: fileId,
          number,
          blob_sha256: file.sha256,
          size: file.bytes.byteLength,
          uploaded_by: user.id,
          uploaded_at: now,
          nbformat: file.nbformat,
        })
        .execute();
      results.push({ path: file.path, version: number, size: file.bytes.byteLength, sha256: file.sha256 });
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
          size: r.size,
          sha256: r.sha256,
          version: r.version,
          review: reviews.get(r.path),
        })),
      },
      access.id,
    );
    return results;
  });
  // The notebooks' heads were made with their check: ready for the first page that shows them.
  for (const file of files) if (file.head !== undefined) studio.notebookHeads.remember(file.sha256, file.head);
  return stored;
}

interface AcceptedFile extends IncomingFile {
  kind: FileKind;
  sha256: string;
  nbformat: string | null;
  review: FileReview;
  head: string | undefined;
}

/** One file of an upload checked, reviewed (unless its review is remembered) and its head made, in one file job. */
async function checkAndReview(studio: Studio, file: IncomingFile, kind: FileKind, user: number): Promise<AcceptedFile> {
  const maxBytes = studio.config.maxUploadBytes;
  if (file.bytes.byteLength > maxBytes)
    throw new AppError(413, "file_too_large", `${file.path} is larger than ${maxBytes} bytes`, { path: file.path });
  const sha256 = BlobStore.hash(file.bytes);
  // A remembered refusal is not reused: the job below decides whether these bytes are refused.
  const recalled = recalledReview(studio.urlPolicy, sha256, file.path);
  const known = recalled?.refused ? undefined : recalled;
  const result = await runFileJob(
    studio.fileJobs,
    {
      path: file.path,
      bytes: file.bytes,
      maxBytes,
      scan: known === undefined,
      ...(kind === "notebook" && studio.notebookHeads.get(sha256) === undefined ? { headOf: sha256 } : {}),
    },
    user,
  );
  if (result.refused) throw refusalError(result.refused);
  const review = known ?? fileReview(file.path, result);
  if (!known) rememberReview(studio.urlPolicy, sha256, file.path, review);
  return { ...file, kind, sha256, nbformat: result.nbformat, review, head: result.head };
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
  return { path: file.path, kind: file.kind, version: row.number, sha256: row.blob_sha256, size: Number(row.size) };
}

export async function moveFile(
  studio: Studio,
  access: WorkspaceAccess,
  from: string,
  to: string,
  context: AuditContext,
) {
  const file = await liveFile(studio, access.id, from);
  const target = checkFilePath(to);
  if (target.kind !== file.kind)
    throw new AppError(400, "kind_change_not_allowed", "a move may not turn a notebook into a text file or back", {
      path: to,
    });
  if (from === to) return { path: to };
  await studio.db.transaction().execute(async (tx) => {
    const taken = await tx
      .selectFrom("files")
      .select("id")
      .where("workspace_id", "=", access.id)
      .where("path", "=", to)
      .where("trashed_at", "is", null)
      .executeTakeFirst();
    if (taken) throw new AppError(409, "path_taken", `${to} already exists`, { path: to });
    await tx.updateTable("files").set({ path: to }).where("id", "=", file.id).execute();
    await recordAudit(tx, context, "file_moved", { from, to }, access.id);
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
      .set({ trashed_at: Date.now(), trashed_by: user.id })
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
    .select(["files.id", "files.path", "files.kind", "files.trashed_at", "users.name"])
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
