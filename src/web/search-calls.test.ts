// The search page's address and where a result leads: what the router reads back is what was written.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseRoute, searchHref } from "../contract/addresses.ts";
import { hitHref } from "./search-calls.ts";

test("a search address carries its words and reads back as the search page", () => {
  for (const words of ["", "plain", 'a "quoted" & #hash ?q=x', "café 🦓 /slash"]) {
    const url = new URL(searchHref("ws_1", words), "http://studio.test");
    assert.deepEqual(parseRoute(url.pathname, url.search), { page: "search", workspace: "ws_1", query: words });
  }
  assert.deepEqual(parseRoute("/w/bad id/search", ""), { page: "not-found" });
  // A file may be called "search": its address is under /f/, never the search page.
  assert.deepEqual(parseRoute("/w/ws/f/search", ""), {
    page: "file",
    workspace: "ws",
    path: "search",
    version: undefined,
  });
});

test("a result leads to its cell's anchor on the file page, a name to the file", () => {
  const hit = { path: "dir/a b#.ipynb", kind: "code" as const, cellId: "x", snippet: [] };
  assert.equal(hitHref("ws", { ...hit, cellIndex: 4 }), "/w/ws/f/dir/a%20b%23.ipynb#vt-cell-5");
  assert.equal(hitHref("ws", { ...hit, kind: "name", cellIndex: null, cellId: null }), "/w/ws/f/dir/a%20b%23.ipynb");
});
