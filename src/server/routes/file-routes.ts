// Upload, list, metadata and versions, download, move, trash and restore.

import { readFile } from "node:fs/promises";
import multipart from "@fastify/multipart";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { bytesAnswer, withErrors } from "../../contract/api-answers.ts";
import {
  FileDetails,
  FileParams,
  MoveBody,
  MovedFile,
  NotebookVersion,
  TrashedFile,
  TrashList,
  TrashParams,
  UploadAnswer,
  VersionQuery,
  WorkspaceFiles,
} from "../../contract/api-files.ts";
import { ReviewAnswer, StoredReview } from "../../contract/api-review.ts";
import { WorkspaceParams } from "../../contract/api-workspaces.ts";
import { NotebookHead } from "../../contract/notebook-head-format.ts";
import { AppError } from "../errors.ts";
import {
  fileDetails,
  fileVersion,
  listFiles,
  listTrash,
  moveFile,
  readNotebookHead,
  readNotebookVersion,
  restoreFile,
  storeUpload,
  trashFile,
  TRUST_STATEMENTS,
  type TrustStatementId,
} from "../files.ts";
import { mediaTypeOf } from "../file-names.ts";
import type { IncomingFile } from "../upload-check.ts";
import { rateLimits } from "../rate-limits.ts";
import { DOWNLOAD_HEADERS } from "../security-headers.ts";
import type { StudioRoutePlugin } from "../studio.ts";
import { requireRole } from "../workspaces.ts";
import { reviewFile, reviewStored, type FileReview } from "../review.ts";
import { auditContext, signedIn } from "./audit-context.ts";

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

/** "attachment" with an ASCII fallback and the exact UTF-8 name (RFC 6266, RFC 8187). */
function attachment(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export const fileRoutes: StudioRoutePlugin = async (app, { studio }) => {
  const { db, config } = studio;

  await app.register(async (scope) => {
    const uploads = scope.withTypeProvider<TypeBoxTypeProvider>();
    await uploads.register(multipart, {
      // Keep "folder/name.ipynb" as sent: the path is the file's place in the workspace (it is checked, never used on disk).
      preservePath: true,
      throwFileSizeLimit: true,
      limits: {
        fileSize: config.maxUploadBytes,
        files: config.maxFilesPerUpload,
        fields: 4,
        fieldSize: 256,
        fieldNameSize: 100,
        parts: config.maxFilesPerUpload + 4,
        headerPairs: 50,
      },
    });
    uploads.post(
      "/api/workspaces/:ws/files",
      {
        config: { ...rateLimits(config).upload, multipartBody: true },
        schema: {
          summary: "Upload files (editor)",
          description:
            "multipart/form-data: first a field `acknowledgment` whose value is the id of the trust statement the user agreed to (`trusted-source-v1`), then one or more file parts whose filename is the file's path in the workspace. All files are stored or none.",
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
        const files: IncomingFile[] = [];
        let total = 0;
        for await (const part of request.parts()) {
          if (part.type === "field") {
            if (part.fieldname !== "acknowledgment")
              throw new AppError(400, "unknown_field", `unknown field "${part.fieldname}"`);
            if (statement !== undefined || files.length > 0)
              throw new AppError(400, "acknowledgment_misplaced", "send one acknowledgment, before the files");
            if (typeof part.value !== "string" || !Object.hasOwn(TRUST_STATEMENTS, part.value))
              throw acknowledgmentRequired();
            statement = part.value as TrustStatementId;
            continue;
          }
          if (statement === undefined) throw acknowledgmentRequired();
          const bytes = await part.toBuffer();
          total += bytes.byteLength;
          if (total > config.maxUploadTotalBytes)
            throw new AppError(
              413,
              "upload_too_large",
              `the files together are larger than ${config.maxUploadTotalBytes} bytes; upload them in several requests`,
            );
          files.push({ path: part.filename, bytes });
        }
        if (statement === undefined) throw acknowledgmentRequired();
        const stored = await storeUpload(studio, access, user, statement, files, auditContext(request));
        return reply.code(201).send({ files: stored });
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
        const access = await requireRole(db, request.params.ws, signedIn(request), "editor");
        if (!request.isMultipart())
          throw new AppError(415, "unsupported_media_type", "a review is a multipart/form-data request");
        const reviews: FileReview[] = [];
        for await (const part of request.parts()) {
          if (part.type === "field") throw new AppError(400, "unknown_field", `unknown field "${part.fieldname}"`);
          reviews.push(
            await reviewFile(studio, { path: part.filename, bytes: await part.toBuffer() }, config.maxUploadBytes),
          );
        }
        if (reviews.length === 0) throw new AppError(400, "no_files", "the review has no files");
        return { workspace: access.id, files: reviews };
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
      const access = await requireRole(db, request.params.ws, signedIn(request), "viewer");
      const found = await fileVersion(studio, access.id, request.params["*"], request.query.version);
      // Stored bytes were accepted once; a limit lowered since then does not hide what they contain.
      const review = await reviewStored(
        studio,
        found,
        () => readFile(studio.blobs.pathOf(found.sha256)),
        (size) => Math.max(config.maxUploadBytes, size),
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
      // The workspace's name comes along for the file page's breadcrumb.
      return {
        ...(await fileDetails(studio, access.id, request.params["*"])),
        workspace: { id: access.id, name: access.name },
      };
    },
  );

  app.patch(
    "/api/workspaces/:ws/files/*",
    {
      schema: {
        summary: "Rename or move a file (editor)",
        tags: ["files"],
        params: FileParams,
        body: MoveBody,
        response: withErrors({ 200: MovedFile }),
      },
    },
    async (request) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "editor");
      return moveFile(studio, access, request.params["*"], request.body.path, auditContext(request));
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
      const access = await requireRole(db, request.params.ws, signedIn(request), "viewer");
      // Heads are cached serialized: Fastify sends a JSON string as it is, without the schema's serializer, so the
      // string stands for the NotebookHead it holds.
      const json = await readNotebookHead(studio, access.id, request.params["*"], request.query.version);
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
    async (request) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "viewer");
      return readNotebookVersion(studio, access.id, request.params["*"], request.query.version);
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
