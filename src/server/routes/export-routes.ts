// Downloads of a stored notebook as a self-contained page (the bytes `vitrine render` writes for that version) and as
// a script. Both are made on a worker of their own under the file-job budget (export-worker.ts), so a notebook of many
// megabytes never holds the event loop, and kept by blob hash: a version's bytes never change.
import { readFile } from "node:fs/promises";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { bytesAnswer, withErrors } from "../../contract/api-answers.ts";
import { FileParams, VersionQuery } from "../../contract/api-files.ts";
import { BudgetExceeded, PoolBusy, WorkerPool } from "../../threads/worker-pool.ts";
import { AppError } from "../errors.ts";
import type { ExportForm, ExportJob, ExportResult } from "../export-worker.ts";
import { fileVersion } from "../files.ts";
import { DOWNLOAD_HEADERS } from "../security-headers.ts";
import type { Studio } from "../studio.ts";
import { requireRole } from "../workspaces.ts";
import { signedIn } from "./audit-context.ts";

/** Exports one person may have waiting; beyond it a request is answered 429 at once. */
const MAX_QUEUED_EXPORTS_PER_USER = 2;
const MAX_QUEUED_EXPORTS = 16;
/** Made pages and scripts kept in memory, in bytes all together; the oldest goes first. */
const CACHE_BYTES = 64 * 1024 * 1024;
const YOUNG_GENERATION_MB = 32;

type ExportPool = WorkerPool<ExportJob, ExportResult>;

/** A made download: its bytes and its file name's extension (with its dot). */
interface Made {
  body: Buffer;
  extension: string;
}

/** Made exports by blob hash, form and file name (the page's title falls back to the name). */
class ExportCache {
  readonly #entries = new Map<string, Made>();
  #bytes = 0;

  get(key: string): Made | undefined {
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: Made): void {
    if (value.body.byteLength > CACHE_BYTES / 4) return;
    this.#entries.set(key, value);
    this.#bytes += value.body.byteLength;
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes <= CACHE_BYTES) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.body.byteLength;
    }
  }
}

function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1).replace(/\.ipynb$/i, "");
}

/** Adds the two download routes to the file routes' scope; the worker pool ends with the app. */
export function registerExportRoutes(app: FastifyInstance, studio: Studio): void {
  const { db, config } = studio;
  const pool: ExportPool = new WorkerPool(new URL("../export-worker.ts", import.meta.url), {
    size: 1,
    budget: {
      timeMs: config.fileJobSeconds * 1000,
      maxOldGenerationSizeMb: config.fileJobMemoryMb,
      maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
    },
    maxQueued: MAX_QUEUED_EXPORTS,
    maxQueuedPerOwner: MAX_QUEUED_EXPORTS_PER_USER,
  });
  app.addHook("onClose", () => pool.close());
  const cache = new ExportCache();

  async function made(path: string, sha256: string, form: ExportForm, user: number): Promise<Made> {
    const key = `${sha256}\0${form}\0${baseName(path)}`;
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const bytes = await readFile(studio.blobs.pathOf(sha256));
    let result: ExportResult;
    try {
      // Stored bytes were accepted once; a limit lowered since then does not refuse them.
      const job: ExportJob = { path, bytes, maxBytes: Math.max(config.maxUploadBytes, bytes.byteLength), form };
      result = await pool.run(job, { owner: String(user) });
    } catch (error) {
      if (error instanceof BudgetExceeded)
        throw new AppError(
          422,
          "render_budget_exceeded",
          `${path}: exporting it ${error.message}, more than the studio spends on one file, and was stopped`,
          { path },
        );
      if (error instanceof PoolBusy)
        throw new AppError(
          error.scope === "owner" ? 429 : 503,
          error.scope === "owner" ? "exports_busy" : "studio_busy",
          `${path}: too many exports are waiting; try again when they are done`,
          { path },
          { "retry-after": String(config.fileJobSeconds) },
        );
      throw error;
    }
    if ("refused" in result) throw new AppError(400, result.refused.code, result.refused.message, { path });
    const entry = { body: Buffer.from(result.text, "utf8"), extension: result.extension };
    cache.set(key, entry);
    return entry;
  }

  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  for (const form of ["html", "script"] as const) {
    routes.get(
      form === "html" ? "/api/workspaces/:ws/export/*" : "/api/workspaces/:ws/script/*",
      {
        schema: {
          summary:
            form === "html"
              ? "Download a notebook as one self-contained HTML page, as `vitrine render` writes it (the newest version, or ?version=N)"
              : "Download a notebook's code as a script, markdown as comments, as `jupyter nbconvert --to script` does (the newest version, or ?version=N)",
          tags: ["files"],
          params: FileParams,
          querystring: VersionQuery,
          response: withErrors({
            200: bytesAnswer(form === "html" ? "the page, as an attachment" : "the script, as an attachment"),
          }),
        },
      },
      async (request, reply) => {
        const user = signedIn(request);
        const access = await requireRole(db, request.params.ws, user, "viewer");
        const found = await fileVersion(studio, access.id, request.params["*"], request.query.version);
        if (found.kind !== "notebook")
          throw new AppError(400, "not_a_notebook", `${found.path} is not a notebook`, { path: found.path });
        const { body, extension } = await made(found.path, found.sha256, form, user.id);
        const name = `${baseName(found.path)}${extension}`;
        reply.headers({
          // Sandboxed and never sniffed, like a stored file's download: opened from the studio's origin, the page
          // runs nothing there; saved and opened from disk, it is the page `vitrine render` writes.
          ...DOWNLOAD_HEADERS,
          "content-type": form === "html" ? "text/html; charset=utf-8" : "text/plain; charset=utf-8",
          "content-disposition": attachment(name),
          "content-length": String(body.byteLength),
        });
        return reply.send(body);
      },
    );
  }
}
