// A file's history through the real app origin (GET /api/workspaces/{ws}/history/{path}): each version with who made
// it, when and how (an upload with its trust statement, a save, a new file), the two versions of a comparison, and
// the refusals of a comparison that cannot be made, each with its stable code; non-members learn nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { multipart, snapshot, studioWithMembers, type Caller, type TestStudio } from "./server-helpers.ts";

let t: TestStudio;
let owner: Caller;
let viewer: Caller;
let outsider: Caller;
let ws: string;

before(async () => {
  ({ t, owner, viewer, outsider, ws } = await studioWithMembers("History", "ada"));
  await upload("analysis.py", "print(1)\n");
  await upload("analysis.py", "print(2)\n");
  const saved = await t.call(owner, {
    method: "PUT",
    url: `/api/workspaces/${ws}/files/analysis.py`,
    payload: { content: "print(3)\n", baseVersion: 2 },
  });
  assert.equal(saved.statusCode, 200, saved.body);
  const made = await t.call(owner, {
    method: "POST",
    url: `/api/workspaces/${ws}/new-file`,
    payload: { path: "single.py", content: "x = 1\n" },
  });
  assert.equal(made.statusCode, 201, made.body);
});
after(() => t.close());

async function upload(path: string, content: string) {
  const r = await t.call(owner, {
    method: "POST",
    url: `/api/workspaces/${ws}/files`,
    ...multipart("trusted-source-v1", [{ path, content }]),
  });
  assert.equal(r.statusCode, 201, r.body);
}

const history = (path: string, query = "", caller = viewer) =>
  t.call(caller, { method: "GET", url: `/api/workspaces/${ws}/history/${path}${query}` });

test("each version says who made it, when, and how: uploads with the statement agreed to, then a save", async () => {
  const r = await history("analysis.py");
  assert.equal(r.statusCode, 200, r.body);
  const body = r.json();
  assert.equal(body.path, "analysis.py");
  assert.equal(body.kind, "text");
  assert.equal(body.compare, undefined);
  assert.deepEqual(
    body.versions.map((v: { version: number; origin: string; uploadedBy: string; size: number }) => [
      v.version,
      v.origin,
      v.uploadedBy,
      v.size,
    ]),
    [
      [3, "save", "ada", 9],
      [2, "upload", "ada", 9],
      [1, "upload", "ada", 9],
    ],
  );
  assert.deepEqual(body.versions[1].statement, {
    id: "trusted-source-v1",
    text: "I have reviewed these files, or they come from a source I trust.",
  });
  assert.equal(body.versions[0].statement, undefined);
  assert.ok(body.versions.every((v: { uploadedAt: string }) => !Number.isNaN(Date.parse(v.uploadedAt))));
  assert.equal((await history("single.py")).json().versions[0].origin, "new");
});

test("a rename keeps the history and how each version was made", async () => {
  await upload("before-rename.py", "a = 1\n");
  const moved = await t.call(owner, {
    method: "PATCH",
    url: `/api/workspaces/${ws}/files/before-rename.py`,
    payload: { path: "after-rename.py" },
  });
  assert.equal(moved.statusCode, 200, moved.body);
  const body = (await history("after-rename.py")).json();
  assert.equal(body.versions[0].origin, "upload");
  assert.equal(body.versions[0].statement.id, "trusted-source-v1");
});

test("?from=A&to=B answers the two versions of this file and whether their bytes are the same", async () => {
  const r = await history("analysis.py", "?from=1&to=3");
  assert.equal(r.statusCode, 200, r.body);
  const { compare } = r.json();
  assert.equal(compare.from.version, 1);
  assert.equal(compare.to.version, 3);
  assert.equal(compare.identical, false);
  // Newer to older is a comparison too.
  assert.equal((await history("analysis.py", "?from=3&to=2")).json().compare.from.version, 3);
});

test("a comparison that cannot be made is refused with its code and place, and changes nothing", async () => {
  const before = await snapshot(t);
  const cases: [query: string, status: number, code: string, at: string][] = [
    ["?from=1&to=1", 400, "same_version", "/to"],
    ["?from=1&to=9", 404, "version_not_found", "/to"],
    ["?from=9&to=1", 404, "version_not_found", "/from"],
    ["?from=1", 400, "comparison_incomplete", "/to"],
    ["?to=2", 400, "comparison_incomplete", "/from"],
  ];
  for (const [query, status, code, at] of cases) {
    const r = await history("analysis.py", query);
    assert.equal(r.statusCode, status, `${query}: ${r.body}`);
    assert.equal(r.json().error, code, query);
    assert.equal(r.json().at, at, query);
  }
  for (const query of ["?from=0&to=1", "?from=a&to=2", "?from=1&to=2&extra=1"]) {
    const r = await history("analysis.py", query);
    assert.equal(r.statusCode, 400, `${query}: ${r.body}`);
  }
  // single.py has one version: version 2 here is only another file's number, never that file's version.
  const other = await history("single.py", "?from=1&to=2");
  assert.equal(other.statusCode, 404);
  assert.equal(other.json().error, "version_not_found");
  assert.equal(await snapshot(t), before);
});

test("non-members get the same 404 for a file that exists and one that does not; a missing file is 404 to members", async () => {
  const exists = await history("analysis.py", "?from=1&to=2", outsider);
  const missing = await history("nothing.py", "", outsider);
  assert.equal(exists.statusCode, 404);
  assert.equal(missing.statusCode, 404);
  assert.equal(exists.json().error, "not_found");
  assert.equal(exists.body, missing.body);
  const signedOut = await t.call(undefined, { method: "GET", url: `/api/workspaces/${ws}/history/analysis.py` });
  assert.equal(signedOut.statusCode, 401);
  const absent = await history("nothing.py");
  assert.equal(absent.statusCode, 404);
  assert.equal(absent.json().error, "not_found");
  // A trashed file has no history to show.
  await upload("gone.py", "g\n");
  await t.call(owner, { method: "DELETE", url: `/api/workspaces/${ws}/files/gone.py` });
  assert.equal((await history("gone.py")).statusCode, 404);
});
