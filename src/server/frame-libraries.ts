// The libraries output frames draw with (plotly, vega, vega-lite, vega-embed, requirejs, BokehJS), and KaTeX's
// fonts for typeset math, served by the content origin from the installed npm packages at the exact
// versions the frame shell asks for. Nothing a frame loads
// comes from a CDN: the frame's CSP allows scripts from the content origin only, and these are the only scripts
// there besides the shell. Each file is read once at start, with gzip made once, so a request is a lookup in a
// fixed table: no path from a request ever reaches the file system.
import { topojsonScriptText } from "../render/plotly-geo.ts";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { FastifyInstance } from "fastify";
import {
  FRAME_LIBRARIES,
  FRAME_LIBRARY_PREFIX,
  FRAME_MATH,
  frameMathFontPath,
  frameLibraryPath,
  frameLibraryStylesheetPath,
  PLOTLY_TOPOJSON,
  TOPOJSON_NAMES,
  topojsonScriptPath,
  type FrameLibrary,
} from "../render/output-libraries.ts";
import { pinnedPackageDir } from "../render/library-files.ts";
import { notFound } from "./errors.ts";

export { FrameLibraryVersionError } from "../render/library-files.ts";

export interface FrameLibraryFile {
  /** The Content-Type it is served with. */
  type: string;
  body: Buffer;
  gzip: Buffer;
  etag: string;
}

const SCRIPT_TYPE = "text/javascript; charset=utf-8";
const STYLESHEET_TYPE = "text/css; charset=utf-8";
const WOFF2_TYPE = "font/woff2";

function servedFile(body: Buffer, type: string = SCRIPT_TYPE): FrameLibraryFile {
  return {
    type,
    body,
    gzip: gzipSync(body),
    etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
  };
}

/** A map outline as a script that files it where plotly looks before fetching (render/plotly-geo.ts). */
export function topojsonScript(name: string, json: string): Buffer {
  return Buffer.from(topojsonScriptText(name, json));
}

/** Every served library file, keyed by its URL path. */
export function loadFrameLibraries(
  libraries: readonly FrameLibrary[] = Object.values(FRAME_LIBRARIES),
): Map<string, FrameLibraryFile> {
  const files = new Map<string, FrameLibraryFile>();
  for (const library of libraries) {
    const dir = pinnedPackageDir(library);
    files.set(frameLibraryPath(library), servedFile(readFileSync(join(dir, library.file))));
    if (library.stylesheet !== undefined)
      files.set(
        frameLibraryStylesheetPath({ ...library, stylesheet: library.stylesheet }),
        servedFile(readFileSync(join(dir, library.stylesheet)), STYLESHEET_TYPE),
      );
  }
  const katex = pinnedPackageDir(FRAME_MATH);
  for (const name of readdirSync(join(katex, FRAME_MATH.fonts)).filter((file) => file.endsWith(".woff2")))
    files.set(frameMathFontPath(name), servedFile(readFileSync(join(katex, FRAME_MATH.fonts, name)), WOFF2_TYPE));
  const topojson = pinnedPackageDir(PLOTLY_TOPOJSON);
  for (const name of TOPOJSON_NAMES) {
    files.set(
      topojsonScriptPath(name),
      servedFile(topojsonScript(name, readFileSync(join(topojson, "dist", `${name}.json`), "utf8"))),
    );
  }
  return files;
}

/** Whether the client takes gzip (listed, and not with q=0). */
export function acceptsGzip(header: string | undefined): boolean {
  return (header ?? "").split(",").some((part) => {
    const [name, ...params] = part.split(";").map((token) => token.trim().toLowerCase());
    if (name !== "gzip") return false;
    const quality = params.find((param) => param.startsWith("q="));
    return quality === undefined || Number(quality.slice(2)) > 0;
  });
}

export function registerFrameLibraries(
  app: FastifyInstance,
  files: Map<string, FrameLibraryFile> = loadFrameLibraries(),
): void {
  app.get(`${FRAME_LIBRARY_PREFIX}*`, async (request, reply) => {
    const file = files.get(request.url.split("?", 1)[0]!);
    if (!file) throw notFound();
    // Frames are sandboxed into an opaque origin, so their script loads are cross-origin (and CORS-mode ones come
    // from origin "null"): these are public, versioned, cookieless files that anyone may read and embed.
    reply.header("access-control-allow-origin", "*");
    reply.header("cross-origin-resource-policy", "cross-origin");
    // The version is in the path, so a file at an address never changes.
    reply.header("cache-control", "public, max-age=31536000, immutable");
    reply.header("etag", file.etag);
    reply.header("vary", "accept-encoding");
    if (request.headers["if-none-match"] === file.etag) return reply.code(304).send();
    reply.type(file.type);
    if (acceptsGzip(request.headers["accept-encoding"])) {
      reply.header("content-encoding", "gzip");
      return reply.send(file.gzip);
    }
    return reply.send(file.body);
  });
}
