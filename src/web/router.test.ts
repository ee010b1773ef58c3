import assert from "node:assert/strict";
import { test } from "node:test";
import { fileHref, parseRoute, workspaceHref } from "./router.ts";

test("studio addresses parse to pages", () => {
  assert.deepEqual(parseRoute("/", ""), { page: "workspaces" });
  assert.deepEqual(parseRoute("/w/AbCdEfGhIjKlMnOp", ""), {
    page: "workspace",
    workspace: "AbCdEfGhIjKlMnOp",
    folder: "",
  });
  assert.deepEqual(parseRoute("/w/AbCdEfGhIjKlMnOp", "?folder=data%2Fraw"), {
    page: "workspace",
    workspace: "AbCdEfGhIjKlMnOp",
    folder: "data/raw",
  });
  assert.deepEqual(parseRoute("/w/ws_1/f/a%20b/c%23d.ipynb", "?version=3"), {
    page: "file",
    workspace: "ws_1",
    path: "a b/c#d.ipynb",
    version: 3,
  });
  assert.deepEqual(parseRoute("/w/ws_1/f/x.py", ""), {
    page: "file",
    workspace: "ws_1",
    path: "x.py",
    version: undefined,
  });
});

test("addresses round-trip through href builders", () => {
  for (const path of ["notebook.ipynb", "a b/c#d?.ipynb", "ü/ñ.py", "100%.md"]) {
    const url = new URL(fileHref("ws_1", path, 2), "http://localhost");
    assert.deepEqual(parseRoute(url.pathname, url.search), { page: "file", workspace: "ws_1", path, version: 2 });
  }
  const url = new URL(workspaceHref("ws_1", "x/y"), "http://localhost");
  assert.deepEqual(parseRoute(url.pathname, url.search), { page: "workspace", workspace: "ws_1", folder: "x/y" });
});

test("anything else is not found, never an exception", () => {
  for (const [path, search] of [
    ["/api/session", ""],
    ["/w/", ""],
    ["/w/%E0%A4%A/f/x", ""],
    ["/w/a b/f/x", ""],
    ["/w/ws/f/x", "?version=0"],
    ["/w/ws/f/x", "?version=1.5"],
    ["/w/ws/f/x", "?version=abc"],
  ] as const) {
    assert.deepEqual(parseRoute(path, search), { page: "not-found" }, `${path}${search}`);
  }
});
