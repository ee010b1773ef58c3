// Folders and upload conflicts through the real app origin: an empty folder made, a folder moved with every file
// under it in one transaction (a conflict refuses the whole move before anything changes), a running kernel following
// its file, a folder sent to the trash with its files and restored together, and what an upload does with a path
// that names a live file, per file: a new version, a copy beside it, nothing, or a refusal that stores nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { APP_ORIGIN, multipart, snapshot, studioWithMembers, type Caller, type TestStudio } from "./server-helpers.ts";

let t: TestStudio;
let owner: Caller;
let editor: Caller;
let viewer: Caller;
let ws: string;

before(async () => {
  ({ t, owner, editor, viewer, ws } = await studioWithMembers("Folders"));
});
after(() => t.close());

const NOTEBOOK = JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] });

/** An upload whose file parts are named by their conflict choice (the field name), or "file" when none is given. */
function upload(files: { path: string; content: string; choice?: string }[], caller = editor) {
  const body = multipart("trusted-source-v1", files);
  let text = body.payload.toString("latin1");
  for (const file of files) {
    if (!file.choice) continue;
    const part = `name="file"; filename*=UTF-8''${encodeURIComponent(file.path)}`;
    text = text.replace(part, `name="${file.choice}"; filename*=UTF-8''${encodeURIComponent(file.path)}`);
  }
  return t.call(caller, {
    method: "POST",
    url: `/api/workspaces/${ws}/files`,
    payload: Buffer.from(text, "latin1"),
    headers: body.headers,
  });
}

const get = (what: string, caller = owner) => t.call(caller, { method: "GET", url: `/api/workspaces/${ws}/${what}` });
const paths = async () => (await get("files")).json().files.map((f: { path: string }) => f.path) as string[];
const folders = async () => (await get("folders")).json().folders.map((f: { path: string }) => f.path) as string[];
const makeFolder = (path: string, caller = editor) =>
  t.call(caller, { method: "POST", url: `/api/workspaces/${ws}/folders`, payload: { path } });
const moveFolder = (from: string, to: string, caller = editor) =>
  t.call(caller, { method: "PATCH", url: `/api/workspaces/${ws}/folders/${from}`, payload: { path: to } });
const trashFolder = (path: string, caller = editor) =>
  t.call(caller, { method: "DELETE", url: `/api/workspaces/${ws}/folders/${path}` });

async function auditSince(id: number) {
  const rows = await t.studio.db
    .selectFrom("audit_events")
    .select(["event", "details", "actor_name"])
    .where("id", ">", id)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ event: r.event, actor: r.actor_name, details: JSON.parse(r.details) }));
}
async function lastAuditId(): Promise<number> {
  const row = await t.studio.db.selectFrom("audit_events").select("id").orderBy("id", "desc").executeTakeFirst();
  return row?.id ?? 0;
}

test("an editor makes an empty folder, listed and audited; a taken name and a bad name are refused with codes", async () => {
  const mark = await lastAuditId();
  const made = await makeFolder("empty");
  assert.equal(made.statusCode, 201, made.body);
  assert.deepEqual(made.json(), { path: "empty" });
  assert.ok((await folders()).includes("empty"));
  assert.deepEqual(await auditSince(mark), [{ event: "folder_created", actor: "eddie", details: { path: "empty" } }]);

  assert.equal((await makeFolder("empty")).json().error, "folder_exists");
  assert.equal((await upload([{ path: "full/a.py", content: "a = 1\n" }])).statusCode, 201);
  const implied = await makeFolder("full");
  assert.equal(implied.statusCode, 409);
  assert.equal(implied.json().error, "folder_exists");
  const fileName = await makeFolder("full/a.py");
  assert.equal(fileName.json().error, "path_taken");
  for (const [path, code] of [
    ["a/../b", "name_traversal"],
    ["a/", "name_empty_segment"],
    ["/abs", "name_absolute"],
    ["x/a:b", "name_reserved_character"],
  ] as const) {
    const refused = await makeFolder(path);
    assert.equal(refused.statusCode, 400, path);
    assert.equal(refused.json().error, code, path);
    assert.equal(refused.json().path, path);
  }
});

test("viewers may not make, move or trash folders; a folder change needs the CSRF token", async () => {
  await makeFolder("guarded");
  const state = await snapshot(t);
  for (const refused of [
    await makeFolder("viewer", viewer),
    await moveFolder("guarded", "moved", viewer),
    await trashFolder("guarded", viewer),
  ]) {
    assert.equal(refused.statusCode, 403, refused.body);
    assert.equal(refused.json().error, "role_insufficient");
  }
  const noToken = await t.app.inject({
    method: "PATCH",
    url: `/api/workspaces/${ws}/folders/guarded`,
    headers: { origin: APP_ORIGIN, "sec-fetch-site": "same-origin", cookie: editor.cookie },
    payload: { path: "stolen" },
  });
  assert.equal(noToken.statusCode, 403);
  assert.equal(noToken.json().error, "csrf_token_invalid");
  assert.equal(await snapshot(t), state);
});

test("moving a folder moves every file and folder under it, audited per file, and empties nothing else", async () => {
  await upload([
    { path: "src/one.ipynb", content: NOTEBOOK },
    { path: "src/deep/two.py", content: "two = 2\n" },
    { path: "srcx/other.py", content: "x = 1\n" },
  ]);
  await makeFolder("src/empty");
  await makeFolder("dest");
  const mark = await lastAuditId();
  const moved = await moveFolder("src", "dest/src");
  assert.equal(moved.statusCode, 200, moved.body);
  assert.deepEqual(moved.json(), {
    path: "dest/src",
    files: [
      { from: "src/deep/two.py", to: "dest/src/deep/two.py" },
      { from: "src/one.ipynb", to: "dest/src/one.ipynb" },
    ],
  });
  const now = await paths();
  assert.ok(now.includes("dest/src/one.ipynb") && now.includes("dest/src/deep/two.py"));
  assert.ok(!now.some((p) => p.startsWith("src/")));
  assert.ok(now.includes("srcx/other.py"), "a folder whose name starts with the moved one's stays");
  assert.ok((await folders()).includes("dest/src/empty"));
  const audit = await auditSince(mark);
  assert.deepEqual(
    audit.map((a) => [a.event, a.details.from, a.details.to, a.details.folder]),
    [
      ["file_moved", "src/deep/two.py", "dest/src/deep/two.py", { from: "src", to: "dest/src" }],
      ["file_moved", "src/one.ipynb", "dest/src/one.ipynb", { from: "src", to: "dest/src" }],
    ],
  );
  // Versions come along: the moved file's content is readable at its new path.
  const raw = await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/raw/dest/src/deep/two.py` });
  assert.equal(raw.body, "two = 2\n");
});

test("a folder move that meets a taken name is refused before anything moves", async () => {
  await upload([
    { path: "pack/a.py", content: "a\n" },
    { path: "pack/b.py", content: "b\n" },
    { path: "target/c.py", content: "c\n" },
    { path: "named.py", content: "n\n" },
  ]);
  const state = await snapshot(t);
  const before = await paths();
  for (const [to, status, code] of [
    ["target", 409, "folder_exists"],
    ["named.py", 409, "path_taken"],
    ["pack/inner", 400, "folder_into_itself"],
    ["nowhere/../x", 400, "name_traversal"],
    [`${"d/".repeat(31)}d`, 400, "name_too_deep"],
  ] as const) {
    const refused = await moveFolder("pack", to);
    assert.equal(refused.statusCode, status, `${to}: ${refused.body}`);
    assert.equal(refused.json().error, code, to);
  }
  assert.equal((await moveFolder("absent", "elsewhere")).json().error, "folder_not_found");
  assert.deepEqual(await paths(), before);
  assert.equal(await snapshot(t), state);
});

test("a running kernel follows its file when its folder moves", async () => {
  const specs = (await t.call(owner, { method: "GET", url: "/api/kernelspecs" })).json();
  assert.equal(specs.available, true, specs.unavailableReason);
  await upload([{ path: "lab/run.ipynb", content: NOTEBOOK }]);
  const started = await t.call(editor, {
    method: "POST",
    url: `/api/workspaces/${ws}/kernels`,
    payload: { path: "lab/run.ipynb" },
  });
  assert.equal(started.statusCode, 201, started.body);
  try {
    assert.equal((await moveFolder("lab", "bench")).statusCode, 200);
    const listed = (await get("kernels")).json().kernels as { id: string; path: string }[];
    assert.deepEqual(
      listed.map((k) => [k.id, k.path]),
      [[started.json().id, "bench/run.ipynb"]],
    );
  } finally {
    await t.call(owner, { method: "DELETE", url: `/api/workspaces/${ws}/kernels/${started.json().id}` });
  }
});

test("a folder goes to the trash with its files, shown with where they were, and comes back together", async () => {
  await upload([
    { path: "old/x.py", content: "x\n" },
    { path: "old/sub/y.py", content: "y\n" },
  ]);
  await makeFolder("old/kept-empty");
  const mark = await lastAuditId();
  const trashed = await trashFolder("old");
  assert.equal(trashed.statusCode, 200, trashed.body);
  assert.deepEqual(
    trashed.json().files.map((f: { path: string }) => f.path),
    ["old/sub/y.py", "old/x.py"],
  );
  assert.ok(!(await paths()).some((p) => p.startsWith("old/")));
  assert.ok(!(await folders()).some((p) => p === "old" || p.startsWith("old/")));
  const trash = (await get("trash")).json().files as { id: number; path: string; folder: string | null }[];
  const inTrash = trash.filter((f) => f.folder === "old");
  assert.deepEqual(inTrash.map((f) => f.path).sort(), ["old/sub/y.py", "old/x.py"]);
  assert.deepEqual(
    (await auditSince(mark)).map((a) => [a.event, a.details.path, a.details.folder]),
    [
      ["file_trashed", "old/sub/y.py", "old"],
      ["file_trashed", "old/x.py", "old"],
    ],
  );

  // Restoring is an owner's, as for a file; a file put at one of the paths meanwhile refuses the whole restore.
  const byEditor = await t.call(editor, {
    method: "POST",
    url: `/api/workspaces/${ws}/trash/${inTrash[0]!.id}/restore-folder`,
  });
  assert.equal(byEditor.json().error, "role_insufficient");
  await upload([{ path: "old/x.py", content: "new\n" }]);
  const state = await snapshot(t);
  const blocked = await t.call(owner, {
    method: "POST",
    url: `/api/workspaces/${ws}/trash/${inTrash[0]!.id}/restore-folder`,
  });
  assert.equal(blocked.statusCode, 409);
  assert.equal(blocked.json().error, "path_taken");
  assert.equal(blocked.json().path, "old/x.py");
  assert.equal(await snapshot(t), state);
  assert.equal(
    (await t.call(editor, { method: "DELETE", url: `/api/workspaces/${ws}/files/old/x.py` })).statusCode,
    200,
  );

  const restored = await t.call(owner, {
    method: "POST",
    url: `/api/workspaces/${ws}/trash/${inTrash[1]!.id}/restore-folder`,
  });
  assert.equal(restored.statusCode, 200, restored.body);
  assert.deepEqual(
    restored.json().files.map((f: { path: string }) => f.path),
    ["old/sub/y.py", "old/x.py"],
  );
  const raw = await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/raw/old/x.py` });
  assert.equal(raw.body, "x\n", "the folder's own x.py came back, not the one trashed alone");
  assert.ok((await folders()).includes("old"));
  const alone = (await get("trash")).json().files.find((f: { path: string }) => f.path === "old/x.py");
  assert.equal(alone.folder, null);
  const refusedAlone = await t.call(owner, {
    method: "POST",
    url: `/api/workspaces/${ws}/trash/${alone.id}/restore-folder`,
  });
  assert.equal(refusedAlone.json().error, "not_trashed_with_folder");
});

test("an upload onto a live path does what each file's part asks: version, keep both, skip, or refuse", async () => {
  await upload([
    { path: "up/a.py", content: "a1\n" },
    { path: "up/b.ipynb", content: NOTEBOOK },
    { path: "up/c.py", content: "c1\n" },
  ]);
  const mark = await lastAuditId();
  const r = await upload([
    { path: "up/a.py", content: "a2\n", choice: "version" },
    { path: "up/b.ipynb", content: NOTEBOOK, choice: "keep_both" },
    { path: "up/c.py", content: "c2\n", choice: "skip" },
    { path: "up/new.py", content: "n\n", choice: "skip" },
  ]);
  assert.equal(r.statusCode, 201, r.body);
  const answer = r.json();
  assert.deepEqual(
    answer.files.map((f: { path: string; version: number; requestedPath?: string }) => [
      f.path,
      f.version,
      f.requestedPath,
    ]),
    [
      ["up/a.py", 2, undefined],
      ["up/b (2).ipynb", 1, "up/b.ipynb"],
      ["up/new.py", 1, undefined],
    ],
  );
  assert.deepEqual(answer.skipped, [{ path: "up/c.py" }]);
  const raw = await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/raw/up/c.py` });
  assert.equal(raw.body, "c1\n");
  const [event] = await auditSince(mark);
  assert.equal(event!.event, "upload");
  assert.deepEqual(event!.details.skipped, [{ path: "up/c.py" }]);
  assert.equal(event!.details.files[1].requestedPath, "up/b.ipynb");

  const again = await upload([{ path: "up/b.ipynb", content: NOTEBOOK, choice: "keep_both" }]);
  assert.equal(again.json().files[0].path, "up/b (3).ipynb");

  // A refusal anywhere stores nothing of the upload, the files before it included.
  const state = await snapshot(t);
  const refused = await upload([
    { path: "up/fresh.py", content: "f\n", choice: "version" },
    { path: "up/a.py", content: "a3\n", choice: "refuse" },
  ]);
  assert.equal(refused.statusCode, 409);
  assert.equal(refused.json().error, "path_taken");
  assert.equal(refused.json().path, "up/a.py");
  assert.equal(await snapshot(t), state);

  // A part named "file" (any name but the choices) is a new version: the API's behaviour before the choice.
  const plain = await upload([{ path: "up/a.py", content: "a4\n" }]);
  assert.equal(plain.json().files[0].version, 3);
});
