// Workspaces and files through the real app origin: uploads with the trust acknowledgment, refusals that leave
// database and disk untouched, versions, move, trash, restore and download.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { spawnServe, VITRINE_BIN } from "./serve-process.ts";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
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
let ws: string;

before(async () => {
  t = await startTestStudio({
    "max-upload-bytes": "200000",
    "max-upload-total-bytes": "300000",
    "max-files-per-upload": "5",
    // The malformed-body tables send more requests than a person's minute allows; the limit has its own test.
    "upload-requests-per-minute": "10000",
  });
  owner = await t.addUser("olivia");
  ws = (await t.call(owner, { method: "POST", url: "/api/workspaces", payload: { name: "Lab" } })).json().id;
});
after(() => t.close());

const upload = (ack: string | undefined, files: { path: string; content: string | Buffer }[], caller = owner) =>
  t.call(caller, { method: "POST", url: `/api/workspaces/${ws}/files`, ...multipart(ack, files) });

test("an acknowledged upload stores every file, records who, where, which statement and each file's size and SHA-256", async () => {
  const r = await upload("trusted-source-v1", [
    { path: "nb/intro.ipynb", content: SMALL_NOTEBOOK },
    { path: "analysis.py", content: "print('hi')\n" },
  ]);
  assert.equal(r.statusCode, 201, r.body);
  const sha = createHash("sha256").update(SMALL_NOTEBOOK).digest("hex");
  assert.deepEqual(r.json().files[0], {
    path: "nb/intro.ipynb",
    version: 1,
    size: Buffer.byteLength(SMALL_NOTEBOOK),
    sha256: sha,
  });
  const audit = await t.studio.db
    .selectFrom("audit_events")
    .selectAll()
    .where("event", "=", "upload")
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
  assert.equal(audit.actor_name, "olivia");
  assert.equal(audit.client_address, "127.0.0.1");
  assert.equal(audit.workspace_id, ws);
  const details = JSON.parse(audit.details);
  assert.equal(details.statement, "trusted-source-v1");
  assert.match(details.statementText, /reviewed these files, or they come from a source I trust/);
  const { review, ...file } = details.files[0];
  assert.deepEqual(file, { path: "nb/intro.ipynb", size: Buffer.byteLength(SMALL_NOTEBOOK), sha256: sha, version: 1 });
  assert.deepEqual(Object.keys(review).sort(), ["counts", "findings"]);
  assert.ok(Number(audit.at) > Date.now() - 60_000);
  // The blob on disk is exactly the uploaded bytes.
  assert.equal(readFileSync(t.studio.blobs.pathOf(sha), "utf8"), SMALL_NOTEBOOK);
});

test("re-uploading a path makes a new version; old versions stay downloadable", async () => {
  const v1 = "x = 1\n";
  const v2 = "x = 2\n";
  assert.equal((await upload("trusted-source-v1", [{ path: "versions.py", content: v1 }])).statusCode, 201);
  const r = await upload("trusted-source-v1", [{ path: "versions.py", content: v2 }]);
  assert.equal(r.json().files[0].version, 2);
  const meta = await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/files/versions.py` });
  assert.deepEqual(
    meta.json().versions.map((v: { version: number }) => v.version),
    [2, 1],
  );
  assert.deepEqual(
    meta.json().workspace,
    { id: ws, name: "Lab" },
    "the details name their workspace, for the file page's breadcrumb",
  );
  assert.equal((await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/raw/versions.py` })).body, v2);
  assert.equal(
    (await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/raw/versions.py?version=1` })).body,
    v1,
  );
  const missing = await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/raw/versions.py?version=9` });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().error, "version_not_found");
});

test("download carries attachment, the file's type, nosniff and CSP sandbox", async () => {
  await upload("trusted-source-v1", [{ path: "dir/évaluation.ipynb", content: SMALL_NOTEBOOK }]);
  const r = await t.call(owner, {
    method: "GET",
    url: `/api/workspaces/${ws}/raw/${encodeURIComponent("dir/évaluation.ipynb")}`,
  });
  assert.equal(r.statusCode, 200);
  assert.equal(r.headers["content-type"], "application/x-ipynb+json");
  assert.equal(
    r.headers["content-disposition"],
    `attachment; filename="_valuation.ipynb"; filename*=UTF-8''%C3%A9valuation.ipynb`,
  );
  assert.equal(r.headers["x-content-type-options"], "nosniff");
  assert.equal(r.headers["content-security-policy"], "sandbox");
  assert.equal(r.body, SMALL_NOTEBOOK);
  const text = await upload("trusted-source-v1", [{ path: "page.md", content: "<script>alert(1)</script>" }]);
  assert.equal(text.statusCode, 201);
  const md = await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/raw/page.md` });
  assert.equal(md.headers["content-type"], "text/markdown; charset=utf-8");
  assert.match(String(md.headers["content-disposition"]), /^attachment;/);
});

test("v3 notebooks are stored as uploaded, with their original version recorded", async () => {
  const v3 = readFileSync(fileURLToPath(new URL("../../shared/corpus/", import.meta.url)) + findV3(), "utf8");
  const r = await upload("trusted-source-v1", [{ path: "old.ipynb", content: v3 }]);
  assert.equal(r.statusCode, 201, r.body);
  const meta = (await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/files/old.ipynb` })).json();
  assert.match(meta.versions[0].nbformat, /^3\./);
  assert.equal((await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/raw/old.ipynb` })).body, v3);
  const shown = (await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/notebook/old.ipynb` })).json();
  assert.equal(shown.upgraded, true);
  assert.equal(shown.original.major, 3);
  assert.equal(shown.notebook.nbformat, 4);
  assert.ok(Array.isArray(shown.notebook.cells));
  assert.equal(
    (await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/notebook/analysis.py` })).json().error,
    "not_a_notebook",
  );
});

test("a notebook's head: its first cells by version, from the upload's reading or from its blob, to members only", async () => {
  const cell = (i: number) => ({ id: `c${i}`, cell_type: "markdown", metadata: {}, source: `# Part ${i}\n` });
  const notebook = (cells: number) =>
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { title: "Long" },
      cells: Array.from({ length: cells }, (_, i) => cell(i)),
    });
  assert.equal((await upload("trusted-source-v1", [{ path: "long.ipynb", content: notebook(70) }])).statusCode, 201);
  assert.equal((await upload("trusted-source-v1", [{ path: "long.ipynb", content: notebook(3) }])).statusCode, 201);
  const newest = await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/notebook-head/long.ipynb` });
  assert.equal(newest.statusCode, 200);
  assert.match(String(newest.headers["content-type"]), /^application\/json/);
  assert.equal(newest.json().cellCount, 3);
  assert.equal(newest.json().notebook.cells.length, 3);
  const first = (
    await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/notebook-head/long.ipynb?version=1` })
  ).json();
  assert.equal(first.cellCount, 70);
  assert.equal(first.notebook.cells.length, 64);
  assert.equal(first.notebook.metadata.title, "Long");
  assert.equal(first.sha256, createHash("sha256").update(notebook(70)).digest("hex"));
  // The same head when it is read again from the blob (as after a restart, with an empty cache).
  const heads = t.studio.notebookHeads;
  t.studio.notebookHeads = new (heads.constructor as new () => typeof heads)();
  try {
    assert.deepEqual(
      (await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/notebook-head/long.ipynb?version=1` })).json(),
      first,
    );
    assert.equal(t.studio.notebookHeads.size.heads, 1);
  } finally {
    t.studio.notebookHeads = heads;
  }
  assert.equal(
    (await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/notebook-head/analysis.py` })).json().error,
    "not_a_notebook",
  );
  assert.equal(
    (await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/notebook-head/none.ipynb` })).statusCode,
    404,
  );
  const stranger = await t.addUser("sam");
  assert.equal(
    (await t.call(stranger, { method: "GET", url: `/api/workspaces/${ws}/notebook-head/long.ipynb` })).statusCode,
    404,
  );
});

function findV3(): string {
  const { readdirSync } = process.getBuiltinModule("node:fs");
  const root = fileURLToPath(new URL("../../shared/corpus/", import.meta.url));
  const all = readdirSync(root, { recursive: true }) as string[];
  for (const rel of all.filter((p) => p.endsWith(".ipynb")).sort()) {
    try {
      const j = JSON.parse(readFileSync(root + rel, "utf8"));
      if (j.nbformat === 3 && !/invalid|bad|broken|hostile/i.test(rel)) return rel;
    } catch {
      // not JSON: not a candidate
    }
  }
  throw new Error("no v3 notebook in the corpus");
}

const REFUSALS: {
  name: string;
  ack: string | undefined;
  files: { path: string; content: string | Buffer }[];
  status: number;
  code: string;
}[] = [
  {
    name: "no acknowledgment",
    ack: undefined,
    files: [{ path: "a.py", content: "1" }],
    status: 400,
    code: "trust_acknowledgment_required",
  },
  {
    name: "unknown statement",
    ack: "i-agree",
    files: [{ path: "a.py", content: "1" }],
    status: 400,
    code: "trust_acknowledgment_required",
  },
  {
    name: "path traversal",
    ack: "trusted-source-v1",
    files: [{ path: "../../etc/passwd.txt", content: "x" }],
    status: 400,
    code: "name_traversal",
  },
  {
    name: "absolute path",
    ack: "trusted-source-v1",
    files: [{ path: "/etc/x.txt", content: "x" }],
    status: 400,
    code: "name_absolute",
  },
  {
    name: "Windows drive path",
    ack: "trusted-source-v1",
    files: [{ path: "C:/x.txt", content: "x" }],
    status: 400,
    code: "name_absolute",
  },
  {
    name: "control character",
    ack: "trusted-source-v1",
    files: [{ path: "a\u0007b.txt", content: "x" }],
    status: 400,
    code: "name_control_character",
  },
  {
    name: "bidi override",
    ack: "trusted-source-v1",
    files: [{ path: "invoice\u202Egnp.py", content: "x" }],
    status: 400,
    code: "name_bidi_character",
  },
  {
    name: "reserved device name",
    ack: "trusted-source-v1",
    files: [{ path: "dir/CON.txt", content: "x" }],
    status: 400,
    code: "name_reserved",
  },
  {
    name: "over-long name",
    ack: "trusted-source-v1",
    files: [{ path: `${"a".repeat(300)}.txt`, content: "x" }],
    status: 400,
    code: "name_too_long",
  },
  {
    name: "disallowed type",
    ack: "trusted-source-v1",
    files: [{ path: "run.exe", content: "MZ" }],
    status: 400,
    code: "file_type_not_allowed",
  },
  {
    name: "oversized file",
    ack: "trusted-source-v1",
    files: [{ path: "big.txt", content: "a".repeat(200_001) }],
    status: 413,
    code: "file_too_large",
  },
  {
    name: "too many bytes together",
    ack: "trusted-source-v1",
    files: [
      { path: "t1.txt", content: "a".repeat(150_000) },
      { path: "t2.txt", content: "b".repeat(150_001) },
    ],
    status: 413,
    code: "upload_too_large",
  },
  {
    name: "too many files",
    ack: "trusted-source-v1",
    files: Array.from({ length: 6 }, (_, i) => ({ path: `f${i}.txt`, content: "x" })),
    status: 413,
    code: "too_many_files",
  },
  {
    name: "invalid notebook",
    ack: "trusted-source-v1",
    files: [{ path: "bad.ipynb", content: '{"nbformat": 4, "nbformat": 4}' }],
    status: 400,
    code: "duplicate_key",
  },
  {
    name: "invalid UTF-8 script",
    ack: "trusted-source-v1",
    files: [{ path: "bad.py", content: Buffer.from([0x61, 0x0a, 0x62, 0xff, 0x63]) }],
    status: 400,
    code: "invalid_utf8",
  },
  {
    name: "one bad file among good ones",
    ack: "trusted-source-v1",
    files: [
      { path: "good.py", content: "1" },
      { path: "bad.ipynb", content: "{" },
    ],
    status: 400,
    code: "invalid_json",
  },
  {
    name: "same path twice",
    ack: "trusted-source-v1",
    files: [
      { path: "twice.py", content: "1" },
      { path: "twice.py", content: "2" },
    ],
    status: 400,
    code: "duplicate_path",
  },
];

for (const refusal of REFUSALS) {
  test(`refused upload (${refusal.name}): ${refusal.code}, database and disk unchanged`, async () => {
    const beforeState = await snapshot(t);
    const r = await upload(refusal.ack, refusal.files);
    assert.equal(r.statusCode, refusal.status, r.body);
    const body = r.json();
    assert.equal(body.error, refusal.code, r.body);
    assert.equal(typeof body.message, "string");
    assert.equal(await snapshot(t), beforeState);
  });
}

test("an invalid notebook's refusal carries its place", async () => {
  const r = await upload("trusted-source-v1", [
    { path: "placed.ipynb", content: '{\n  "nbformat": 4,\n  "nbformat": 4\n}' },
  ]);
  const body = r.json();
  assert.equal(body.error, "duplicate_key");
  assert.equal(body.line, 3);
  assert.equal(body.file, "placed.ipynb");
  assert.match(body.message, /placed\.ipynb:3:/);
});

test("invalid UTF-8 is placed by byte, line and column", async () => {
  const r = await upload("trusted-source-v1", [
    { path: "bad.py", content: Buffer.from([0x61, 0x0a, 0x62, 0xff, 0x63]) },
  ]);
  assert.deepEqual(
    { offset: r.json().offset, line: r.json().line, column: r.json().column },
    { offset: 3, line: 2, column: 2 },
  );
});

test("files posted before the acknowledgment are refused even if it follows", async () => {
  const boundary = "b0undary";
  const payload = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.py"\r\n\r\n1\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="acknowledgment"\r\n\r\ntrusted-source-v1\r\n--${boundary}--\r\n`,
  );
  const beforeState = await snapshot(t);
  const r = await t.call(owner, {
    method: "POST",
    url: `/api/workspaces/${ws}/files`,
    payload,
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
  });
  assert.equal(r.json().error, "trust_acknowledgment_required");
  assert.equal(await snapshot(t), beforeState);
});

test("move, rename, trash and restore", async () => {
  await upload("trusted-source-v1", [
    { path: "draft.py", content: "draft\n" },
    { path: "taken.py", content: "t\n" },
  ]);
  const clash = await t.call(owner, {
    method: "PATCH",
    url: `/api/workspaces/${ws}/files/draft.py`,
    payload: { path: "taken.py" },
  });
  assert.equal(clash.json().error, "path_taken");
  const bad = await t.call(owner, {
    method: "PATCH",
    url: `/api/workspaces/${ws}/files/draft.py`,
    payload: { path: "../x.py" },
  });
  assert.equal(bad.json().error, "name_traversal");
  const kind = await t.call(owner, {
    method: "PATCH",
    url: `/api/workspaces/${ws}/files/draft.py`,
    payload: { path: "draft.ipynb" },
  });
  assert.equal(kind.json().error, "kind_change_not_allowed");
  const moved = await t.call(owner, {
    method: "PATCH",
    url: `/api/workspaces/${ws}/files/draft.py`,
    payload: { path: "src/final.py" },
  });
  assert.equal(moved.statusCode, 200, moved.body);
  assert.equal((await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/raw/src/final.py` })).body, "draft\n");
  assert.equal((await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/files/draft.py` })).statusCode, 404);

  const trashed = await t.call(owner, { method: "DELETE", url: `/api/workspaces/${ws}/files/src/final.py` });
  assert.equal(trashed.statusCode, 200);
  const list = (await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/files` }))
    .json()
    .files.map((f: { path: string }) => f.path);
  assert.ok(!list.includes("src/final.py"));
  const trash = (await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/trash` })).json().files;
  const entry = trash.find((f: { path: string }) => f.path === "src/final.py");
  assert.ok(entry);
  // A new file at the trashed path is a new file; restoring the old one then clashes until it moves.
  await upload("trusted-source-v1", [{ path: "src/final.py", content: "new\n" }]);
  const clashRestore = await t.call(owner, { method: "POST", url: `/api/workspaces/${ws}/trash/${entry.id}/restore` });
  assert.equal(clashRestore.json().error, "path_taken");
  await t.call(owner, { method: "DELETE", url: `/api/workspaces/${ws}/files/src/final.py` });
  const restored = await t.call(owner, { method: "POST", url: `/api/workspaces/${ws}/trash/${entry.id}/restore` });
  assert.equal(restored.statusCode, 200, restored.body);
  assert.equal((await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/raw/src/final.py` })).body, "draft\n");
});

test("members: roles, no removal of the last owner, audited", async () => {
  const vic = await t.addUser("victor");
  assert.equal(
    (
      await t.call(owner, {
        method: "POST",
        url: `/api/workspaces/${ws}/members`,
        payload: { username: "victor", role: "viewer" },
      })
    ).statusCode,
    201,
  );
  assert.equal(
    (
      await t.call(owner, {
        method: "POST",
        url: `/api/workspaces/${ws}/members`,
        payload: { username: "nobody", role: "viewer" },
      })
    ).json().error,
    "user_not_found",
  );
  assert.equal(
    (await t.call(owner, { method: "DELETE", url: `/api/workspaces/${ws}/members/olivia` })).json().error,
    "last_owner",
  );
  const asViewer = await upload("trusted-source-v1", [{ path: "v.py", content: "1" }], vic);
  assert.equal(asViewer.json().error, "role_insufficient");
  assert.equal(
    (await t.call(owner, { method: "PATCH", url: `/api/workspaces/${ws}/members/victor`, payload: { role: "editor" } }))
      .statusCode,
    200,
  );
  assert.equal((await upload("trusted-source-v1", [{ path: "v.py", content: "1" }], vic)).statusCode, 201);
  const members = (await t.call(vic, { method: "GET", url: `/api/workspaces/${ws}/members` })).json().members;
  assert.deepEqual(
    members.map((m: { username: string; role: string }) => `${m.username}:${m.role}`),
    ["olivia:owner", "victor:editor"],
  );
  const events = (
    await t.studio.db.selectFrom("audit_events").select("event").where("workspace_id", "=", ws).execute()
  ).map((e) => e.event);
  assert.ok(events.includes("member_added") && events.includes("member_role_changed"));
});

test("uploads are rate limited per user", async () => {
  const limited = await startTestStudio({ "upload-requests-per-minute": "2" });
  try {
    const me = await limited.addUser("uri");
    const other = await limited.addUser("una");
    const id = (await limited.call(me, { method: "POST", url: "/api/workspaces", payload: { name: "w" } })).json().id;
    await limited.call(me, {
      method: "POST",
      url: `/api/workspaces/${id}/members`,
      payload: { username: "una", role: "editor" },
    });
    const send = (who: Caller) =>
      limited.call(who, {
        method: "POST",
        url: `/api/workspaces/${id}/files`,
        ...multipart("trusted-source-v1", [{ path: "r.txt", content: "r" }]),
      });
    assert.deepEqual([(await send(me)).statusCode, (await send(me)).statusCode], [201, 201]);
    const third = await send(me);
    assert.equal(third.statusCode, 429);
    assert.equal(third.json().error, "rate_limited");
    assert.equal((await send(other)).statusCode, 201, "another user has a budget of their own");
  } finally {
    await limited.close();
  }
});

// Multipart bodies as a broken or hostile client sends them, byte for byte, to both upload routes.
const B = "mAlFoRmEd";
const ACK_PART = `--${B}\r\nContent-Disposition: form-data; name="acknowledgment"\r\n\r\ntrusted-source-v1\r\n`;
const filePart = (disposition: string, content = "print(1)\n") =>
  `--${B}\r\nContent-Disposition: form-data; name="file"; ${disposition}\r\nContent-Type: application/octet-stream\r\n\r\n${content}\r\n`;
const WHOLE = filePart('filename="cut.py"') + `--${B}--\r\n`;

const MALFORMED: { name: string; body: string | Buffer; contentType?: string; status: number; code: string }[] = [
  {
    name: "cut inside a file's content",
    body: WHOLE.slice(0, WHOLE.indexOf("print(1)") + 5),
    status: 400,
    code: "multipart_truncated",
  },
  {
    name: "cut after a part, before the closing delimiter",
    body: filePart('filename="cut.py"'),
    status: 400,
    code: "multipart_truncated",
  },
  { name: "cut inside the closing delimiter", body: WHOLE.slice(0, -5), status: 400, code: "multipart_truncated" },
  {
    name: "cut inside a part's headers",
    body: WHOLE.slice(0, WHOLE.indexOf("filename") + 5),
    status: 400,
    code: "multipart_truncated",
  },
  {
    name: "cut between headers and content",
    body: WHOLE.slice(0, WHOLE.indexOf("\r\n\r\n") + 2),
    status: 400,
    code: "multipart_truncated",
  },
  { name: "cut after the first delimiter", body: `--${B}\r\n`, status: 400, code: "multipart_truncated" },
  {
    name: "lines ending in LF only",
    body: WHOLE.replaceAll("\r\n", "\n"),
    status: 400,
    code: "multipart_line_endings",
  },
  { name: "no delimiter at all", body: "just some text\r\n", status: 400, code: "multipart_malformed" },
  {
    name: "a delimiter other than the Content-Type's",
    body: WHOLE.replaceAll(B, "other"),
    status: 400,
    code: "multipart_malformed",
  },
  {
    name: "no boundary parameter",
    body: WHOLE,
    contentType: "multipart/form-data",
    status: 400,
    code: "multipart_boundary_invalid",
  },
  {
    name: "an empty boundary",
    body: WHOLE,
    contentType: "multipart/form-data; boundary=",
    status: 400,
    code: "multipart_boundary_invalid",
  },
  {
    name: "a boundary longer than 256 characters",
    body: WHOLE.replaceAll(B, "x".repeat(300)),
    contentType: `multipart/form-data; boundary=${"x".repeat(300)}`,
    status: 400,
    code: "multipart_boundary_invalid",
  },
  {
    name: "a file part without a filename",
    body: `--${B}\r\nContent-Disposition: form-data; name="file"\r\nContent-Type: application/octet-stream\r\n\r\nx\r\n--${B}--\r\n`,
    status: 400,
    code: "name_missing",
  },
  {
    name: "a JSON field that is not JSON",
    body: `--${B}\r\nContent-Disposition: form-data; name="acknowledgment"\r\nContent-Type: application/json\r\n\r\n{nope\r\n--${B}--\r\n`,
    status: 400,
    code: "multipart_malformed",
  },
];

// Parts the parser would drop without a word, each after a good part: the upload would be stored without them.
const DROPPED_PARTS: [string, string][] = [
  ["no Content-Disposition", `--${B}\r\nContent-Type: text/plain\r\n\r\n2\r\n`],
  [
    "a header line without a colon",
    `--${B}\r\nContent-Disposition form-data; name="file"; filename="h.py"\r\n\r\n2\r\n`,
  ],
  ["a disposition other than form-data", `--${B}\r\nContent-Disposition: attachment; filename="h.py"\r\n\r\n2\r\n`],
  ["no headers at all", `--${B}\r\n\r\n2\r\n`],
  [
    "a filename with a bare LF",
    `--${B}\r\nContent-Disposition: form-data; name="file"; filename="a\nb.py"\r\n\r\n2\r\n`,
  ],
];
for (const [name, part] of DROPPED_PARTS) {
  MALFORMED.push({
    name: `a part with ${name}`,
    body: filePart('filename="kept.py"') + part + `--${B}--\r\n`,
    status: 400,
    code: "multipart_malformed",
  });
}

const send = (route: "files" | "review", body: string | Buffer, contentType = `multipart/form-data; boundary=${B}`) =>
  t.call(owner, {
    method: "POST",
    url: `/api/workspaces/${ws}/${route}`,
    payload: Buffer.isBuffer(body) ? body : Buffer.from(body, "latin1"),
    headers: { "content-type": contentType },
  });

for (const route of ["files", "review"] as const) {
  for (const bad of MALFORMED) {
    test(`POST …/${route} with a malformed body (${bad.name}): ${bad.code}, nothing stored`, async () => {
      // The upload gets its acknowledgment first, so that the body's own fault is what is answered.
      const body =
        route === "files" &&
        typeof bad.body === "string" &&
        bad.body.startsWith(`--${B}\r\n`) &&
        !bad.name.includes("JSON")
          ? ACK_PART + bad.body
          : bad.body;
      const beforeState = await snapshot(t);
      const r = await send(route, body, bad.contentType);
      assert.equal(r.statusCode, bad.status, r.body);
      assert.equal(r.json().error, bad.code, r.body);
      assert.equal(typeof r.json().message, "string");
      assert.equal(await snapshot(t), beforeState);
    });
  }
}

test("the malformed bodies, whole, are accepted: each refusal above is the body's fault alone", async () => {
  const r = await send("files", ACK_PART + filePart('filename="whole.py"') + `--${B}--\r\n`);
  assert.equal(r.statusCode, 201, r.body);
  const review = await send("review", WHOLE);
  assert.equal(review.statusCode, 200, review.body);
});

test("a filename whose bytes are not UTF-8 is refused as name_not_utf8, raw or percent-encoded, nothing stored", async () => {
  for (const disposition of [
    Buffer.from('filename="bad\xff.py"', "latin1"),
    Buffer.from('filename="caf\xe9.py"', "latin1"),
    Buffer.from("filename*=UTF-8''bad%FF%FE.py"),
    Buffer.from("filename*=UTF-8''%C3.py"),
  ]) {
    const part = (lead: string) =>
      Buffer.concat([
        Buffer.from(`${lead}--${B}\r\nContent-Disposition: form-data; name="file"; `, "latin1"),
        disposition,
        Buffer.from(`\r\nContent-Type: application/octet-stream\r\n\r\nx = 1\r\n--${B}--\r\n`),
      ]);
    const beforeState = await snapshot(t);
    const r = await send("files", part(ACK_PART));
    assert.equal(r.statusCode, 400, r.body);
    assert.equal(r.json().error, "name_not_utf8", r.body);
    assert.equal(typeof r.json().path, "string");
    assert.equal(await snapshot(t), beforeState);
    const review = await send("review", part(""));
    assert.equal(review.statusCode, 200, review.body);
    assert.equal(review.json().files[0].refused.error, "name_not_utf8");
  }
  // The same name sent as UTF-8 is taken as it is.
  const good = Buffer.concat([
    Buffer.from(`${ACK_PART}--${B}\r\nContent-Disposition: form-data; name="file"; filename="caf`),
    Buffer.from('é.py"\r\nContent-Type: application/octet-stream\r\n\r\nx = 1\r\n', "utf8"),
    Buffer.from(`--${B}--\r\n`),
  ]);
  const r = await send("files", good);
  assert.equal(r.statusCode, 201, r.body);
  assert.equal(r.json().files[0].path, "café.py");
});

test("invisible, space-like and device names are refused through a real upload, with the path", async () => {
  for (const [path, code] of [
    ["\ufeffreport.py", "name_invisible_character"],
    ["\u200breport.py", "name_invisible_character"],
    ["\u00a0report.py", "name_unusual_space"],
    ["dir/CONIN$.txt", "name_reserved"],
    ["com\u00b9.py", "name_reserved"],
    ["Lpt9 .py", "name_reserved"],
    ["nul.", "name_reserved"],
  ] as const) {
    const beforeState = await snapshot(t);
    const r = await upload("trusted-source-v1", [{ path, content: "1" }]);
    assert.equal(r.statusCode, 400, r.body);
    assert.deepEqual([r.json().error, r.json().path], [code, path]);
    assert.equal(await snapshot(t), beforeState);
  }
});

test(
  "a real server logs a client that goes away mid-upload, and a cut body, below error level",
  { timeout: 60_000 },
  async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "vitrine-abort-"));
    const add = spawnSync(VITRINE_BIN, ["user", "add", "abby", "--password-stdin", "--data-dir", dataDir], {
      input: "abort test password\n",
      encoding: "utf8",
    });
    assert.equal(add.status, 0, add.stderr);
    const served = spawnServe(dataDir, { logLevel: "trace", stderr: "inherit" });
    const child = served.child;
    try {
      const url = new URL(await served.ready);
      const signIn = await fetch(`${url.origin}/api/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "abby", password: "abort test password" }),
      });
      const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0] as string;
      const { csrfToken } = (await signIn.json()) as { csrfToken: string };
      const auth = { cookie, "x-csrf-token": csrfToken };
      const workspace = await fetch(`${url.origin}/api/workspaces`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ name: "abort" }),
      });
      const id = ((await workspace.json()) as { id: string }).id;
      for (const route of ["files", "review"]) {
        const ack = route === "files" ? "trusted-source-v1" : undefined;
        const { payload, headers } = multipart(ack, [{ path: "gone.py", content: "x = 1\n".repeat(20_000) }]);
        // The client announces the whole body, sends a third of it and closes its socket: once while the server
        // reads the body, once at once, before the handler has read the session and the role.
        for (const wait of [300, 0]) {
          const socket = connect(Number(url.port), url.hostname);
          await new Promise((resolve) => socket.once("connect", resolve));
          socket.write(
            `POST /api/workspaces/${id}/${route} HTTP/1.1\r\nHost: ${url.host}\r\nCookie: ${cookie}\r\n` +
              `X-CSRF-Token: ${csrfToken}\r\nContent-Type: ${headers["content-type"]}\r\nContent-Length: ${payload.length}\r\n\r\n`,
          );
          socket.write(payload.subarray(0, Math.floor(payload.length / 3)));
          if (wait > 0) await sleep(wait);
          socket.destroy();
        }
        // A body that arrives whole but stops before its closing delimiter is answered, as a client error.
        const cut = await fetch(`${url.origin}/api/workspaces/${id}/${route}`, {
          method: "POST",
          headers: { ...auth, ...headers },
          body: new Uint8Array(payload.subarray(0, payload.length - 10)),
        });
        assert.equal(cut.status, 400);
        assert.equal(((await cut.json()) as { error: string }).error, "multipart_truncated");
      }
      await sleep(300);
      const out = served.output();
      const lines = out
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as { level: number; msg?: string; code?: string; reqId?: string });
      assert.deepEqual(
        lines.filter((line) => line.level >= 50),
        [],
        "nothing a client did is logged at error level",
      );
      assert.ok(lines.filter((line) => line.code === "request_aborted" && line.level === 30).length >= 2, out);
      // No request is left waiting on a body that will never come: each is answered, or logged as aborted.
      const incoming = new Set(lines.filter((line) => line.msg === "incoming request").map((line) => line.reqId));
      const completed = new Set(
        lines
          .filter((line) => line.msg === "request completed" || line.code === "request_aborted")
          .map((line) => line.reqId),
      );
      assert.deepEqual(
        [...incoming].filter((reqId) => !completed.has(reqId)),
        [],
        out,
      );
      const stored = await fetch(`${url.origin}/api/workspaces/${id}/files`, { headers: auth });
      assert.deepEqual(((await stored.json()) as { files: unknown[] }).files, []);
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
);

test("a move to a name with a lone surrogate or an invisible character is refused with the name rules' codes", async () => {
  await upload("trusted-source-v1", [{ path: "mover.py", content: "1" }]);
  for (const [body, code] of [
    ['{"path":"bad\\ud800.py"}', "name_not_utf8"],
    ['{"path":"\\ufeffmover2.py"}', "name_invisible_character"],
    ['{"path":"clock$.py"}', "name_reserved"],
  ] as const) {
    const r = await t.call(owner, {
      method: "PATCH",
      url: `/api/workspaces/${ws}/files/mover.py`,
      payload: body,
      headers: { "content-type": "application/json" },
    });
    assert.equal(r.statusCode, 400, r.body);
    assert.equal(r.json().error, code, r.body);
  }
});
