// The search page's address and where a result leads: what the router reads back is what was written.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseRoute, searchHref } from "../contract/addresses.ts";
import { cellFragment, readCellFragment } from "../contract/cell-anchors.ts";
import { hitAnchor, hitHref } from "./search-calls.ts";

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

test("a result leads to its cell by id on the file page, by place without a valid id, a name to the file", () => {
  const hit = { path: "dir/a b#.ipynb", kind: "code" as const, snippet: [] };
  assert.equal(hitHref("ws", { ...hit, cellIndex: 4, cellId: "a1-B_2" }), "/w/ws/f/dir/a%20b%23.ipynb#cell-a1-B_2");
  assert.equal(hitHref("ws", { ...hit, cellIndex: 4, cellId: null }), "/w/ws/f/dir/a%20b%23.ipynb#vt-cell-5");
  // An id not of nbformat's form (an index written by an older reader, a notebook before 4.5) is never an address.
  for (const bad of ['"><img src=x onerror=alert(1)>', "a b", "", "x".repeat(65), "é"])
    assert.equal(hitAnchor({ ...hit, cellIndex: 0, cellId: bad }), "vt-cell-1", bad);
  assert.equal(hitHref("ws", { ...hit, kind: "name", cellIndex: null, cellId: null }), "/w/ws/f/dir/a%20b%23.ipynb");
});

test("a cell's fragment reads back as the cell it names; anything else names none", () => {
  for (const [index, id] of [
    [0, "abc"],
    [41, "__proto__"],
    [7, null],
    [3, "bad id"],
  ] as const) {
    const fragment = cellFragment(index, id);
    assert.deepEqual(
      readCellFragment(fragment),
      id !== null && id !== "bad id" ? { by: "id", id } : { by: "index", index },
    );
  }
  assert.deepEqual(readCellFragment("cell-a%2Db"), { by: "id", id: "a-b" });
  for (const other of ["", "cell-", "cell-a b", "vt-cell-0", "vt-cell-01", "user-content-x", "cell-%E0%A4%A", "%"])
    assert.equal(readCellFragment(other), null, other);
});
