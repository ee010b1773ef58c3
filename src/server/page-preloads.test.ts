import assert from "node:assert/strict";
import { test } from "node:test";
import { pagePreloads, withPreloads } from "./page-preloads.ts";

test("every page preloads the session and the settings; a file's page its details and bytes (a notebook's head instead), when signed in", () => {
  assert.deepEqual(pagePreloads("/", true), ["/api/session", "/api/config"]);
  assert.deepEqual(pagePreloads("/w/ws_1", true), ["/api/session", "/api/config"]);
  assert.deepEqual(pagePreloads("/w/ws_1/f/a%20b/c%23d.ipynb?version=3", true), [
    "/api/session",
    "/api/config",
    "/api/workspaces/ws_1/notebook-head/a%20b/c%23d.ipynb?version=3",
    "/api/workspaces/ws_1/files/a%20b/c%23d.ipynb",
  ]);
  // Only notebooks have a head; other files' bytes are what their page shows first.
  assert.deepEqual(pagePreloads("/w/ws_1/f/src/run.py", true), [
    "/api/session",
    "/api/config",
    "/api/workspaces/ws_1/files/src/run.py",
    "/api/workspaces/ws_1/raw/src/run.py",
  ]);
  // Signed out, the page never reads a file: nothing is fetched for it.
  assert.deepEqual(pagePreloads("/w/ws_1/f/a.ipynb", false), ["/api/session", "/api/config"]);
});

test("addresses that name no file preload nothing for one", () => {
  for (const url of [
    "/w/ws_1/f/a/../../../api/session",
    "/w/ws_1/f/a//b.ipynb",
    "/w/ws_1/f/a.ipynb?version=0",
    "/w/bad%20id/f/a.ipynb",
    "/w/ws_1/f/%E0%A4%A.ipynb",
  ]) {
    assert.deepEqual(pagePreloads(url, true), ["/api/session", "/api/config"], url);
  }
});

test("the preloads go first in the head, each a CORS fetch, with attribute text escaped", () => {
  const page =
    '<!doctype html>\n<html>\n  <head>\n    <meta charset="utf-8">\n    <title>Vitrine</title>\n  </head>\n</html>\n';
  const html = withPreloads(page, ["/api/session", '/x?a=1&b="<>']);
  assert.match(
    html,
    /<meta charset="utf-8">\n {4}<link rel="preload" href="\/api\/session" as="fetch" crossorigin="anonymous">\n {4}<link rel="preload" href="\/x\?a=1&amp;b=&quot;&lt;&gt;" as="fetch" crossorigin="anonymous">\n {4}<title>/,
  );
  assert.equal(withPreloads(page, []), page);
});
