// Upload, save and new files, list, metadata and versions, download, move, trash and restore.

import { isUtf8 } from "node:buffer";
import { readFile } from "node:fs/promises";
import multipart from "@fastify/multipart";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { bytesAnswer, withErrors } from "../../contract/api-answers.ts";
import {
  CreatedFile,
  FileDetails,
  FileParams,
  MoveBody,
  NewFileBody,
  MovedFile,
  NotebookVersion,
  SaveBody,
  SavedFile,
  TrashedFile,
  TrashList,
  TrashParams,
  UPLOAD_CONFLICT_CHOICES,
  UploadAnswer,
  type UploadConflictChoice,
  VersionQuery,
  WorkspaceFiles,
} from "../../contract/api-files.ts";
import { ReviewAnswer, StoredReview } from "../../contract/api-review.ts";
import { WorkspaceParams } from "../../contract/api-workspaces.ts";
import { NotebookHead } from "../../contract/notebook-head-format.ts";
import { AppError } from "../errors.ts";
import { JSON_BODY_LIMIT } from "../fastify-options.ts";
import {
  createFile,
  fileDetails,
  fileVersion,
  listFiles,
  listTrash,
  moveFile,
  readNotebookHead,
  readNotebookVersion,
  restoreFile,
  saveFile,
  storeUpload,
  trashFile,
  TRUST_STATEMENTS,
  type TrustStatementId,
} from "../files.ts";
import { mediaTypeOf } from "../file-names.ts";
import type { UploadFile } from "../files.ts";
import { rateLimits } from "../rate-limits.ts";
import { DOWNLOAD_HEADERS } from "../security-headers.ts";
import type { StudioRoutePlugin } from "../studio.ts";
import { requireRole } from "../workspaces.ts";
import { reviewFile, reviewStored, type FileReview } from "../review.ts";
import { auditContext, signedIn } from "./audit-context.ts";
import { folderRoutes } from "./folder-routes.ts";
import { registerExportRoutes } from "./export-routes.ts";

function acknowledgmentRequired(): AppError {
  return new AppError(
    400,
    "trust_acknowledgment_required",
    `before the files, send the field "acknowledgment" with the id of the statement you agreed to: ${Object.entries(
      TRUST_STATEMENTS,
    )
      .map(([id, text]) => `${id} ("${text}")`)
      .join(", ")}`,
  );
}

/**
 * The non-file parts an upload may carry: its one acknowledgment field with room to spare, each short, and no part
 * with more header lines than a multipart part ever needs.
 */
export const MULTIPART_FIELDS = { count: 4, valueBytes: 256, nameBytes: 100, headerPairs: 50 } as const;

/** How much of a multipart body is kept to say why the parser refused it: the first delimiter and part headers. */
const BODY_HEAD_BYTES = 1024;

/** One part of an upload's body, its file bytes read only when asked for, so that a refusal can come first. */
type BodyPart =
  | { type: "field"; name: string; value: unknown }
  | { type: "file"; name: string; path: string; bytes(): Promise<Buffer> };

/**
 * The parts of a multipart body. Whatever the parser says about a body that a client broke (cut short, LF line
 * endings, no usable boundary, a client that went away) becomes a 400 with a code of its own here, so that no
 * malformed body reaches the error handler as an internal error.
 */
async function* bodyParts(request: FastifyRequest): AsyncGenerator<BodyPart> {
  // A client gone before the handler got here (while its session and role were read) has already closed the
  // stream: the parser would wait for a 'close' that was emitted before it listened, and the request would hang.
  if (!request.raw.complete && request.raw.destroyed)
    throw new AppError(400, "request_aborted", "the client closed the connection before the body ended");
  const parts = request.parts();
  const boundary = boundaryOf(request.headers["content-type"]);
  const counter = boundary ? new PartCounter(boundary) : undefined;
  const head: Buffer[] = [];
  let kept = 0;
  const watch = (chunk: Buffer) => {
    if (kept < BODY_HEAD_BYTES) {
      head.push(chunk.subarray(0, BODY_HEAD_BYTES - kept));
      kept += head.at(-1)!.byteLength;
    }
    counter?.push(chunk);
  };
  request.raw.on("data", watch);
  const refusal = (error: unknown) => multipartRefusal(error, request, Buffer.concat(head));
  let delivered = 0;
  try {
    for await (const part of parts) {
      delivered++;
      if (part.type === "field") {
        yield { type: "field", name: part.fieldname, value: part.value };
        continue;
      }
      // A part with a file's content type but no filename has no path to be stored at.
      if (part.filename === undefined)
        throw new AppError(400, "name_missing", "a file part needs a filename: the file's path in the workspace");
      yield {
        type: "file",
        name: part.fieldname,
        path: part.filename,
        bytes: () => part.toBuffer().catch((error: unknown) => Promise.reject(refusal(error))),
      };
    }
  } catch (error) {
    throw refusal(error);
  } finally {
    request.raw.off("data", watch);
  }
  // busboy skips, without a word, a part whose headers it cannot read (no Content-Disposition, a header line
  // without a colon, a disposition other than form-data): the upload would be stored without that file.
  if (counter && delivered < counter.parts) {
    throw new AppError(
      400,
      "multipart_malformed",
      `a part of the body (${counter.parts - delivered} of ${counter.parts}) has no readable ` +
        `"Content-Disposition: form-data; name=..." header`,
    );
  }
}

/**
 * Counts the parts of a multipart body as RFC 2046 delimits them ("CRLF--boundary", the last one followed by "--"),
 * the way the parser finds them, to notice a part that the parser dropped.
 */
export class PartCounter {
  parts = 0;
  private readonly delimiter: Buffer;
  // As for the parser, the body's first delimiter needs no CRLF before it.
  private carry = Buffer.from("\r\n");
  private closed = false;

  constructor(boundary: string) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`, "latin1");
  }

  push(chunk: Buffer): void {
    if (this.closed) return;
    const data = Buffer.concat([this.carry, chunk]);
    let from = 0;
    for (;;) {
      const at = data.indexOf(this.delimiter, from);
      if (at === -1) break;
      const after = at + this.delimiter.length;
      if (after + 2 > data.length) {
        this.carry = data.subarray(at);
        return;
      }
      if (data[after] === 0x2d && data[after + 1] === 0x2d) {
        this.closed = true;
        return;
      }
      this.parts++;
      from = after;
    }
    this.carry = data.subarray(Math.max(from, data.length - this.delimiter.length + 1));
  }
}

/** The boundary as busboy reads it: a quoted value as it is, an unquoted one without its spaces and tabs. */
function boundaryOf(contentType: string | undefined): string | undefined {
  const found = /;\s*boundary=(?:"([^"]*)"|([^;]*))/i.exec(contentType ?? "");
  return found ? (found[1] ?? found[2]!.replace(/[ \t]/g, "")) : undefined;
}

/**
 * The client error behind a multipart parser's failure. The parser (busboy) reports a broken body with plain
 * errors and no codes, so the body's first bytes and the request's state say which it was. Errors of ours and
 * Fastify's own coded errors (limits) pass through unchanged.
 */
function multipartRefusal(error: unknown, request: FastifyRequest, head: Buffer): unknown {
  if (!(error instanceof Error) || error instanceof AppError) return error;
  // A client that closes its connection mid-body surfaces as the parser's premature close or as the socket's
  // ECONNRESET, whichever comes first; nobody is left to read the answer, and the error handler logs it below error
  // level.
  if (!request.raw.complete && request.raw.destroyed) {
    return new AppError(400, "request_aborted", "the client closed the connection before the body ended");
  }
  if (typeof (error as { code?: unknown }).code === "string") return error;
  const boundary = boundaryOf(request.headers["content-type"]);
  if (boundary === undefined || boundary === "" || /boundary|needle/i.test(error.message)) {
    return new AppError(
      400,
      "multipart_boundary_invalid",
      "the Content-Type needs a boundary parameter of 1 to 70 characters (RFC 2046); one over 256 cannot be read",
    );
  }
  // Header values are read as latin1, so the boundary's bytes are its characters' codes, as the parser takes them.
  const dashBoundary = Buffer.from(`--${boundary}`, "latin1");
  const delimiter = head.indexOf(dashBoundary);
  if (delimiter === -1) {
    return new AppError(
      400,
      "multipart_malformed",
      `the body does not start with the delimiter --${boundary} named by its Content-Type`,
    );
  }
  // RFC 2046 ends every line of a multipart body's structure with CRLF, and busboy finds nothing else: a body with
  // LF-only lines never yields a part. Rewriting LF to CRLF would have to guess which LFs are a file's own bytes, so
  // such a body is refused with a code of its own rather than repaired.
  const afterDelimiter = head.subarray(delimiter + dashBoundary.byteLength);
  const lineEnd = afterDelimiter.indexOf("\n");
  if (lineEnd !== -1 && afterDelimiter[lineEnd - 1] !== 0x0d) {
    return new AppError(
      400,
      "multipart_line_endings",
      "the multipart body's lines end in LF only; multipart/form-data lines end in CRLF (RFC 2046)",
    );
  }
  if (/unexpected end|terminated early/i.test(error.message)) {
    return new AppError(
      400,
      "multipart_truncated",
      `the body ended before its closing delimiter --${boundary}--: it was cut off; nothing was stored`,
    );
  }
  request.log.warn({ err: error }, "multipart parser refused the body");
  return new AppError(400, "multipart_malformed", "the body is not valid multipart/form-data");
}

/**
 * The largest body of a save or a new file: a file at the upload limit, as a JSON string. Escaping takes a text's
 * quotes, backslashes and line breaks to two characters each, so twice the limit holds any file but one full of other
 * control characters (six characters each), and the room of an ordinary JSON body covers the rest of the object.
 */
export function editBodyLimit(maxUploadBytes: number): number {
  return 2 * maxUploadBytes + JSON_BODY_LIMIT;
}

/** "attachment" with an ASCII fallback and the exact UTF-8 name (RFC 6266, RFC 8187). */
function attachment(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export const fileRoutes: StudioRoutePlugin = async (app, { studio }) => {
  const { db, config } = studio;
  // Folders: their own module, registered with the file routes.
  await app.register(folderRoutes, { studio });
  // Downloads as a page or a script (export-routes.ts).
  registerExportRoutes(app, studio);

  await app.register(async (scope) => {
    const uploads = scope.withTypeProvider<TypeBoxTypeProvider>();
    await uploads.register(multipart, {
      // Keep "folder/name.ipynb" as sent: the path is the file's place in the workspace (it is checked, never used on disk).
      preservePath: true,
      throwFileSizeLimit: true,
      limits: {
        fileSize: config.maxUploadBytes,
        files: config.maxFilesPerUpload,
        fields: MULTIPART_FIELDS.count,
        fieldSize: MULTIPART_FIELDS.valueBytes,
        fieldNameSize: MULTIPART_FIELDS.nameBytes,
        parts: config.maxFilesPerUpload + MULTIPART_FIELDS.count,
        headerPairs: MULTIPART_FIELDS.headerPairs,
      },
    });
    uploads.post(
      "/api/workspaces/:ws/files",
      {
        config: { ...rateLimits(config).upload, multipartBody: true },
        schema: {
          summary: "Upload files (editor)",
          description:
            "multipart/form-data: first a field `acknowledgment` whose value is the id of the trust statement the user agreed to (`trusted-source-v1`), then one or more file parts whose filename is the file's path in the workspace. A file part's field name says what to do when its path names a live file: `version` (store a new version of it), `keep_both` (store it beside, as `name (2).ext`, the first free number), `skip` (store nothing of it; listed in `skipped`) or `refuse` (409 `path_taken`, nothing of the upload stored). Any other field name, such as `file`, stores a new version, as the API always has. All files are stored or none.",
          tags: ["files"],
          params: WorkspaceParams,
          consumes: ["multipart/form-data"],
          response: withErrors({ 201: UploadAnswer }),
        },
      },
      async (request, reply) => {
        const user = signedIn(request);
        const access = await requireRole(db, request.params.ws, user, "editor");
        if (!request.isMultipart())
          throw new AppError(415, "unsupported_media_type", "an upload is a multipart/form-data request");
        let statement: TrustStatementId | undefined;
        const files: UploadFile[] = [];
        let total = 0;
        for await (const part of bodyParts(request)) {
          if (part.type === "field") {
            if (part.name !== "acknowledgment")
              throw new AppError(400, "unknown_field", `unknown field "${part.name}"`);
            if (statement !== undefined || files.length > 0)
              throw new AppError(400, "acknowledgment_misplaced", "send one acknowledgment, before the files");
            if (typeof part.value !== "string" || !Object.hasOwn(TRUST_STATEMENTS, part.value))
              throw acknowledgmentRequired();
            statement = part.value as TrustStatementId;
            continue;
          }
          if (statement === undefined) throw acknowledgmentRequired();
          const bytes = await part.bytes();
          total += bytes.byteLength;
          if (total > config.maxUploadTotalBytes)
            throw new AppError(
              413,
              "upload_too_large",
              `the files together are larger than ${config.maxUploadTotalBytes} bytes; upload them in several requests`,
            );
          // The file part's field name says what to do when its path names a live file; any other name (such
          // as "file") keeps the API's first behaviour, a new version, for the clients written before the choice.
          const choice = (UPLOAD_CONFLICT_CHOICES as readonly string[]).includes(part.name)
            ? (part.name as UploadConflictChoice)
            : undefined;
          files.push({ path: part.path, bytes, ...(choice ? { onConflict: choice } : {}) });
        }
        if (statement === undefined) throw acknowledgmentRequired();
        const stored = await storeUpload(studio, access, user, statement, files, auditContext(request));
        return reply.code(201).send(stored);
      },
    );

    uploads.post(
      "/api/workspaces/:ws/review",
      {
        config: { ...rateLimits(config).upload, multipartBody: true },
        schema: {
          summary:
            "Review files before an upload (editor): what each would do, and whether the upload would refuse it; nothing is stored",
          description:
            "multipart/form-data: one or more file parts whose filename is the file's path in the workspace.",
          tags: ["files"],
          params: WorkspaceParams,
          consumes: ["multipart/form-data"],
          response: withErrors({ 200: ReviewAnswer }),
        },
      },
      async (request) => {
        const user = signedIn(request);
        const access = await requireRole(db, request.params.ws, user, "editor");
        if (!request.isMultipart())
          throw new AppError(415, "unsupported_media_type", "a review is a multipart/form-data request");
        const reviews: FileReview[] = [];
        for await (const part of bodyParts(request)) {
          if (part.type === "field") throw new AppError(400, "unknown_field", `unknown field "${part.name}"`);
          reviews.push(
            await reviewFile(studio, { path: part.path, bytes: await part.bytes() }, config.maxUploadBytes, user.id),
          );
        }
        if (reviews.length === 0) throw new AppError(400, "no_files", "the review has no files");
        return { workspace: access.id, files: reviews };
      },
    );
  });

  await app.register(async (scope) => {
    const edits = scope.withTypeProvider<TypeBoxTypeProvider>();
    // A file's content arrives as a JSON string, which Fastify's parser would decode with every byte that is not
    // UTF-8 replaced by U+FFFD: the file would be stored rewritten. JSON is UTF-8 (RFC 8259), so such a body is
    // refused here before it is decoded; the rest is Fastify's own parser, with its prototype-poisoning checks.
    const parseJson = edits.getDefaultJsonParser("error", "error");
    edits.removeContentTypeParser("application/json");
    edits.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body, done) => {
      const bytes = body as Buffer;
      if (!isUtf8(bytes))
        return done(new AppError(400, "invalid_utf8", "the request body is not UTF-8, as JSON must be"), undefined);
      return parseJson(request, bytes.toString("utf8"), done);
    });
    const bodyLimit = editBodyLimit(config.maxUploadBytes);
    // The role is checked before the body is read (the handler checks it again for its answer): a body that may
    // hold a file of the upload limit is read only for someone who may store it.
    edits.addHook("preParsing", async (request) => {
      await requireRole(db, (request.params as { ws: string }).ws, signedIn(request), "editor");
    });

    edits.put(
      "/api/workspaces/:ws/files/*",
      {
        bodyLimit,
        config: rateLimits(config).upload,
        schema: {
          summary: "Save an edited file as its next version (editor)",
          description:
            "`content` is the whole file; `baseVersion` the version the edit started from. When someone saved a newer version since, nothing is stored and the answer is 409 `version_conflict` with `currentVersion`, `updatedBy` and `updatedAt`: to overwrite, save again with `baseVersion` set to `currentVersion`. Content identical to the newest version stores nothing and answers the newest version.",
          tags: ["files"],
          params: FileParams,
          body: SaveBody,
          response: withErrors({ 200: SavedFile }),
        },
      },
      async (request) => {
        const user = signedIn(request);
        const access = await requireRole(db, request.params.ws, user, "editor");
        const { content, baseVersion } = request.body;
        return saveFile(
          studio,
          access,
          user,
          { path: request.params["*"], content, baseVersion },
          auditContext(request),
        );
      },
    );

    edits.post(
      "/api/workspaces/:ws/new-file",
      {
        bodyLimit,
        config: rateLimits(config).upload,
        schema: {
          summary: "Make a new file: an empty notebook or script, or a copy of the given content (editor)",
          description:
            "Without `content`, a `.ipynb` path gets an empty nbformat 4.5 notebook with one empty code cell for the `python3` kernelspec (or the first the studio offers without it), and any other allowed name an empty text. With it, the file holds that content, checked as an upload's file is. A path that exists is refused (409 `path_taken`).",
          tags: ["files"],
          params: WorkspaceParams,
          body: NewFileBody,
          response: withErrors({ 201: CreatedFile }),
        },
      },
      async (request, reply) => {
        const user = signedIn(request);
        const access = await requireRole(db, request.params.ws, user, "editor");
        const created = await createFile(studio, access, user, request.body, auditContext(request));
        return reply.code(201).send(created);
      },
    );
  });

  app.get(
    "/api/workspaces/:ws/review/*",
    {
      schema: {
        summary: "What the review finds in a stored file (the newest version, or ?version=N)",
        tags: ["files"],
        params: FileParams,
        querystring: VersionQuery,
        response: withErrors({ 200: StoredReview }),
      },
    },
    async (request) => {
      const user = signedIn(request);
      const access = await requireRole(db, request.params.ws, user, "viewer");
      const found = await fileVersion(studio, access.id, request.params["*"], request.query.version);
      // Stored bytes were accepted once; a limit lowered since then does not hide what they contain.
      const review = await reviewStored(
        studio,
        found,
        () => readFile(studio.blobs.pathOf(found.sha256)),
        (size) => Math.max(config.maxUploadBytes, size),
        user.id,
      );
      return { ...review, version: found.version };
    },
  );

  app.get(
    "/api/workspaces/:ws/files",
    {
      schema: {
        summary: "Files in the workspace, newest version of each",
        tags: ["files"],
        params: WorkspaceParams,
        response: withErrors({ 200: WorkspaceFiles }),
      },
    },
    async (request) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "viewer");
      return { files: await listFiles(studio, access.id) };
    },
  );

  app.get(
    "/api/workspaces/:ws/files/*",
    {
      schema: {
        summary: "A file's metadata and versions",
        tags: ["files"],
        params: FileParams,
        response: withErrors({ 200: FileDetails }),
      },
    },
    async (request) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "viewer");
      // The workspace's name comes along for the file page's breadcrumb, and the caller's role for what it offers.
      return {
        ...(await fileDetails(studio, access.id, request.params["*"])),
        workspace: { id: access.id, name: access.name },
        role: access.role,
      };
    },
  );

  app.patch(
    "/api/workspaces/:ws/files/*",
    {
      schema: {
        summary: "Rename or move a file (editor)",
        description:
          "`path` is the file's new path. The file keeps its versions and history; the old path names nothing after. The new path follows the upload's name rules (the same codes) and keeps the file's kind: a notebook stays `.ipynb` (400 `kind_change_not_allowed`). A live file at the new path refuses it (409 `path_taken`). Audited as `file_moved`. The file's running kernels follow it to the new path.",
        tags: ["files"],
        params: FileParams,
        body: MoveBody,
        response: withErrors({ 200: MovedFile }),
      },
    },
    async (request) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "editor");
      const from = request.params["*"];
      const moved = await moveFile(studio, access, from, request.body.path, auditContext(request));
      studio.kernels.followMove(access.id, from, moved.path);
      return moved;
    },
  );

  app.delete(
    "/api/workspaces/:ws/files/*",
    {
      schema: {
        summary: "Move a file to the trash (editor)",
        tags: ["files"],
        params: FileParams,
        response: withErrors({ 200: TrashedFile }),
      },
    },
    async (request) => {
      const user = signedIn(request);
      const access = await requireRole(db, request.params.ws, user, "editor");
      return trashFile(studio, access, user, request.params["*"], auditContext(request));
    },
  );

  app.get(
    "/api/workspaces/:ws/raw/*",
    {
      schema: {
        summary: "Download a file's stored bytes (the newest version, or ?version=N)",
        tags: ["files"],
        params: FileParams,
        querystring: VersionQuery,
        response: withErrors({ 200: bytesAnswer("the stored bytes, as an attachment, with their media type") }),
      },
    },
    async (request, reply) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "viewer");
      const found = await fileVersion(studio, access.id, request.params["*"], request.query.version);
      reply.headers({
        ...DOWNLOAD_HEADERS,
        "content-type": mediaTypeOf(found.path),
        "content-disposition": attachment(found.path),
        "content-length": String(found.size),
        etag: `"${found.sha256}"`,
      });
      return reply.send(studio.blobs.read(found.sha256));
    },
  );

  app.get(
    "/api/workspaces/:ws/notebook-head/*",
    {
      schema: {
        summary:
          "A notebook's head: its metadata and first cells as an nbformat 4 document, the newest version or ?version=N",
        tags: ["files"],
        params: FileParams,
        querystring: VersionQuery,
        response: withErrors({ 200: NotebookHead }),
      },
    },
    async (request, reply) => {
      const user = signedIn(request);
      const access = await requireRole(db, request.params.ws, user, "viewer");
      // Heads are cached serialized: Fastify sends a JSON string as it is, without the schema's serializer, so the
      // string stands for the NotebookHead it holds.
      const json = await readNotebookHead(studio, access.id, request.params["*"], request.query.version, user.id);
      return reply.type("application/json; charset=utf-8").send(json as unknown as NotebookHead);
    },
  );

  app.get(
    "/api/workspaces/:ws/notebook/*",
    {
      schema: {
        summary: "A notebook as the model reads it (v2 and v3 upgraded to v4), the newest version or ?version=N",
        tags: ["files"],
        params: FileParams,
        querystring: VersionQuery,
        response: withErrors({ 200: NotebookVersion }),
      },
    },
    async (request, reply) => {
      const user = signedIn(request);
      const access = await requireRole(db, request.params.ws, user, "viewer");
      // Made on a worker as JSON, and sent as it is (a JSON string skips the schema's serializer), like a head.
      const json = await readNotebookVersion(studio, access.id, request.params["*"], request.query.version, user.id);
      return reply.type("application/json; charset=utf-8").send(json as unknown as NotebookVersion);
    },
  );

  app.get(
    "/api/workspaces/:ws/trash",
    {
      schema: {
        summary: "Files in the trash",
        tags: ["files"],
        params: WorkspaceParams,
        response: withErrors({ 200: TrashList }),
      },
    },
    async (request) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "viewer");
      return { files: await listTrash(studio, access.id) };
    },
  );

  app.post(
    "/api/workspaces/:ws/trash/:id/restore",
    {
      schema: {
        summary: "Restore a file from the trash (owner)",
        tags: ["files"],
        params: TrashParams,
        response: withErrors({ 200: TrashedFile }),
      },
    },
    async (request) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "owner");
      return restoreFile(studio, access, request.params.id, auditContext(request));
    },
  );
};
