// The studio UI on the app origin: the production build, and the addresses its router answers (each loads the
// app, which then shows that page), so that a shared or bookmarked address opens where it points.
import { fileURLToPath } from "node:url";
import type { FastifyReply } from "fastify";
import { Type } from "typebox";
import { bytesAnswer, textAnswer, withErrors } from "../contract/api-answers.ts";
import { AppError, notFound } from "./errors.ts";
import { BundleMissingError, loadBundle, type BundleFile } from "./static-bundle.ts";
import { pagePreloads, withPreloads } from "./page-preloads.ts";
import { sessionTheme, withTheme } from "./page-theme.ts";
import { sessionToken } from "./request-guards.ts";
import type { StudioRoutePlugin } from "./studio.ts";

export const UI_BUILD_DIR = fileURLToPath(new URL("../../dist/web/", import.meta.url));
/** The same app with the notebook editor (vite.edit.config.ts), for edit addresses only: readers never load it. */
export const EDIT_UI_BUILD_DIR = fileURLToPath(new URL("../../dist/web-edit/", import.meta.url));
export const FRAME_BUILD_DIR = fileURLToPath(new URL("../../dist/frame/", import.meta.url));

/** The UI's own pages; everything else on the app origin is the API or 404. */
export const UI_PAGES = ["/", "/sign-in", "/w/*", "/welcome", "/admin/*"] as const;

export function sendBundleFile(reply: FastifyReply, ifNoneMatch: string | undefined, file: BundleFile): FastifyReply {
  reply.header("etag", file.etag);
  reply.header("cache-control", file.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  if (ifNoneMatch === file.etag) return reply.code(304).send();
  return reply.type(file.type).send(file.body);
}

/**
 * Reads a build, or, when it was never made, answers every request for it with a 503 that says how to make it:
 * the API keeps working without the UI (scripts, tests), and a person who opens the studio learns what is wrong.
 */
export function bundleOrNotice(
  dir: string,
  prefix: string,
  log: { warn(message: string): void },
): Map<string, BundleFile> | AppError {
  try {
    return loadBundle(dir, prefix);
  } catch (error) {
    if (!(error instanceof BundleMissingError)) throw error;
    log.warn(error.message);
    return new AppError(503, "ui_not_built", error.message);
  }
}

/** Whether a studio address asks for the editor (`?edit=1`), which comes with its own bundle. */
export function wantsEditor(url: string): boolean {
  const query = url.indexOf("?");
  return query >= 0 && new URLSearchParams(url.slice(query + 1)).get("edit") === "1";
}

export const studioUi: StudioRoutePlugin = async (app, { studio }) => {
  const files = bundleOrNotice(UI_BUILD_DIR, "/", app.log);
  const editFiles = bundleOrNotice(EDIT_UI_BUILD_DIR, "/", app.log);
  const lookup = (path: string): BundleFile => {
    if (files instanceof AppError) throw files;
    // Both builds' files are named by their content's hash: one name never means two files.
    const file = files.get(path) ?? (editFiles instanceof AppError ? undefined : editFiles.get(path));
    if (!file) throw notFound();
    return file;
  };
  const indexHtml = files instanceof AppError ? "" : (files.get("/index.html")?.body.toString("utf8") ?? "");
  const editHtml = editFiles instanceof AppError ? "" : (editFiles.get("/index.html")?.body.toString("utf8") ?? "");
  for (const page of UI_PAGES) {
    app.get(
      page,
      {
        schema: {
          summary: "The studio UI (its router shows the page for this address)",
          tags: ["ui"],
          response: withErrors({ 200: textAnswer("text/html", "the UI's page") }),
        },
      },
      async (request, reply) => {
        if (files instanceof AppError) throw files;
        const editing = wantsEditor(request.url);
        if (editing && editFiles instanceof AppError) throw editFiles;
        // The page differs by address (its preloads) and by account (its theme) and is small: no ETag, and the app
        // origin's no-store stands.
        const token = sessionToken(request);
        const page = withTheme(editing ? editHtml : indexHtml, await sessionTheme(studio.db, studio.config, token));
        return reply
          .type("text/html; charset=utf-8")
          .send(withPreloads(page, pagePreloads(request.url, token !== undefined)));
      },
    );
  }
  app.get(
    "/assets/*",
    {
      schema: {
        summary: "The studio UI's scripts and styles",
        tags: ["ui"],
        response: withErrors({
          200: bytesAnswer("the file, with its media type"),
          304: Type.Null({ description: "not modified: the If-None-Match ETag is the file's" }),
        }),
      },
    },
    async (request, reply) =>
      sendBundleFile(reply, request.headers["if-none-match"], lookup(request.url.split("?", 1)[0]!)),
  );
};
