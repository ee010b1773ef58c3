import assert from "node:assert/strict";
import { test } from "node:test";
import { compareHref, historyApiHref, historyHref, parseRoute } from "./addresses.ts";

const route = (href: string) => {
  const url = new URL(href, "http://localhost");
  return parseRoute(url.pathname, url.search);
};

test("a file's history and a comparison of two of its versions have addresses of their own", () => {
  for (const path of ["notebook.ipynb", "a b/c#d?.ipynb", "ü/ñ.py"]) {
    assert.deepEqual(route(historyHref("ws_1", path)), { page: "history", workspace: "ws_1", path });
    assert.deepEqual(route(compareHref("ws_1", path, 1, 12)), {
      page: "compare",
      workspace: "ws_1",
      path,
      from: 1,
      to: 12,
    });
    // Newer against older is a comparison too; the page shows what the server says of a version against itself.
    assert.deepEqual(route(compareHref("ws_1", path, 3, 2)), {
      page: "compare",
      workspace: "ws_1",
      path,
      from: 3,
      to: 2,
    });
  }
});

test("a comparison that is not two version numbers is no page", () => {
  for (const compare of ["", "1", "1..", "..2", "0..1", "1..0", "1...2", "a..b", "1..2..3", "01..2", "1..9999999999"])
    assert.deepEqual(route(`/w/ws_1/f/x.py?compare=${encodeURIComponent(compare)}`), { page: "not-found" }, compare);
  assert.equal(route("/w/ws_1/f/x.py?history=0").page, "file");
});

test("the history's API address carries the two versions of a comparison", () => {
  assert.equal(historyApiHref("ws_1", "a b/c.ipynb"), "/api/workspaces/ws_1/history/a%20b/c.ipynb");
  assert.equal(historyApiHref("ws_1", "x.py", { from: 2, to: 5 }), "/api/workspaces/ws_1/history/x.py?from=2&to=5");
});
