import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { BundleMissingError, loadBundle } from "./static-bundle.ts";

function build(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "vitrine-bundle-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

test("a build is read into a table keyed by URL path, hashed assets cacheable for good", (t) => {
  const dir = build({
    "index.html": "<!doctype html>",
    "assets/index-AbC123.js": "export {}",
    "assets/index-AbC123.css": "p{}",
    "notes.txt": "not served",
  });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const files = loadBundle(dir, "/frame/");
  assert.deepEqual([...files.keys()].sort(), [
    "/frame/assets/index-AbC123.css",
    "/frame/assets/index-AbC123.js",
    "/frame/index.html",
  ]);
  assert.equal(files.get("/frame/index.html")?.immutable, false);
  assert.equal(files.get("/frame/assets/index-AbC123.js")?.immutable, true);
  assert.equal(files.get("/frame/assets/index-AbC123.js")?.type, "text/javascript; charset=utf-8");
  assert.match(files.get("/frame/index.html")?.etag ?? "", /^"[\w-]{27}"$/);
  // Lookups are exact: no normalisation of a request path can reach outside the table.
  assert.equal(files.get("/frame/assets/../index.html"), undefined);
});

test("a missing or incomplete build says how to make it", (t) => {
  const dir = build({ "assets/a.js": "" });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.throws(
    () => loadBundle(join(dir, "absent"), "/"),
    (error: Error) => error instanceof BundleMissingError && /npm run build:web/.test(error.message),
  );
  assert.throws(() => loadBundle(dir, "/"), BundleMissingError);
});
