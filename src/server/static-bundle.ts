// The UI's and the frame shell's production builds, served from memory. A build is a handful of files made by
// Vite; they are read once at start, so no file-system path is ever built from a request (nothing to traverse)
// and every answer is a lookup in a fixed table.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";

export interface BundleFile {
  body: Buffer;
  type: string;
  etag: string;
  /** Content-hashed names (Vite's `assets/name-HASH.ext`) never change and may be cached for good. */
  immutable: boolean;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".ico": "image/x-icon",
};

/** Why a bundle is missing, for the start-up error. */
export class BundleMissingError extends Error {
  constructor(dir: string) {
    super(`the studio's web build is missing at ${dir}; run "npm run build:web" (npm start does it for you)`);
    this.name = "BundleMissingError";
  }
}

/** Reads every file under `dir`, keyed by its URL path below `prefix` ("/" or "/frame/"). */
export function loadBundle(dir: string, prefix: string): Map<string, BundleFile> {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new BundleMissingError(dir);
    entries = readdirSync(dir, { recursive: true, encoding: "utf8" });
  } catch (error) {
    if (error instanceof BundleMissingError) throw error;
    throw new BundleMissingError(dir);
  }
  const files = new Map<string, BundleFile>();
  for (const entry of entries) {
    const full = join(dir, entry);
    if (!statSync(full).isFile()) continue;
    const type = TYPES[extname(entry).toLowerCase()];
    if (!type) continue;
    const body = readFileSync(full);
    const path = prefix + relative(dir, full).split(sep).join("/");
    files.set(path, {
      body,
      type,
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
      immutable: path.startsWith(`${prefix}assets/`),
    });
  }
  if (!files.has(`${prefix}index.html`)) throw new BundleMissingError(dir);
  return files;
}
