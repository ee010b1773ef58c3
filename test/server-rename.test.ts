// Renaming and moving files through the real app origin (PATCH /api/workspaces/{ws}/files/{path} {path}): the file
// keeps its versions under its new path, the old path names nothing, the name rules and the file's kind hold, a
// taken path is refused, and only an editor's request with its CSRF token changes anything, audited. A new
// notebook's content, and what viewers may not do. A running kernel follows its file to its new path: a real
// Python kernel in the real sandbox, driven through the real kernel socket on loopback.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { KERNEL_SOCKET_PATH, type ServerMessage } from "../src/contract/kernel-socket.ts";
import { checkFilePath } from "../src/server/file-names.ts";
import { SCRIPT_LANGUAGES, suggestedName } from "../src/web/new-file-names.ts";
import { APP_ORIGIN, multipart, snapshot, studioWithMembers, type Caller, type TestStudio } from "./server-helpers.ts";

let t: TestStudio;
let owner: Caller;
let editor: Caller;
let viewer: Caller;
let outsider: Caller;
let ws: string;

before(async () => {
  ({ t, owner, editor, viewer, outsider, ws } = await studioWithMembers("Renames"));
});
after(() => t.close());

function notebook(source: string): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    cells: [{ cell_type: "code", id: "c1", metadata: {}, execution_count: null, source, outputs: [] }],
  });
}

async function upload(path: string, content: string) {
  const r = await t.call(owner, {
    method: "POST",
    url: `/api/workspaces/${ws}/files`,
    ...multipart("trusted-source-v1", [{ path, content }]),
  });
  assert.equal(r.statusCode, 201, r.body);
}

const rename = (from: string, to: string, caller = editor) =>
  t.call(caller, { method: "PATCH", url: `/api/workspaces/${ws}/files/${from}`, payload: { path: to } });

const get = (url: string, caller = owner) => t.call(caller, { method: "GET", url: `/api/workspaces/${ws}/${url}` });

async function moves() {
  const rows = await t.studio.db
    .selectFrom("audit_events")
    .select(["actor_name", "workspace_id", "details"])
    .where("event", "=", "file_moved")
    .orderBy("id")
    .execute();
  return rows.map((row) => ({ actor: row.actor_name, workspace: row.workspace_id, details: JSON.parse(row.details) }));
}

test("a rename keeps the file's versions under the new path; the old path names nothing; audited", async () => {
  await upload("drafts/first.ipynb", notebook("print(1)"));
  const saved = await t.call(editor, {
    method: "PUT",
    url: `/api/workspaces/${ws}/files/drafts/first.ipynb`,
    payload: { content: notebook("print(2)"), baseVersion: 1 },
  });
  assert.equal(saved.statusCode, 200, saved.body);
  const before = (await get("files/drafts/first.ipynb")).json();
  const auditedBefore = (await moves()).length;

  const r = await rename("drafts/first.ipynb", "answer.ipynb");
  assert.equal(r.statusCode, 200, r.body);
  assert.deepEqual(r.json(), { path: "answer.ipynb" });

  const after = (await get("files/answer.ipynb")).json();
  assert.equal(after.path, "answer.ipynb");
  assert.equal(after.createdAt, before.createdAt);
  assert.deepEqual(after.versions, before.versions);
  assert.deepEqual(
    after.versions.map((v: { version: number; uploadedBy: string }) => [v.version, v.uploadedBy]),
    [
      [2, "eddie"],
      [1, "olivia"],
    ],
  );
  assert.equal((await get("raw/answer.ipynb?version=1")).body, notebook("print(1)"));
  assert.equal((await get("raw/answer.ipynb")).body, notebook("print(2)"));
  assert.equal((await get("notebook/answer.ipynb")).json().path, "answer.ipynb");
  for (const url of ["files/drafts/first.ipynb", "raw/drafts/first.ipynb", "notebook/drafts/first.ipynb"])
    assert.equal((await get(url)).statusCode, 404, url);
  const listed = (await get("files")).json().files.map((f: { path: string }) => f.path);
  assert.ok(listed.includes("answer.ipynb") && !listed.includes("drafts/first.ipynb"), String(listed));

  const audited = await moves();
  assert.equal(audited.length, auditedBefore + 1);
  const fileId = (
    await t.studio.db.selectFrom("files").select("id").where("path", "=", "answer.ipynb").executeTakeFirstOrThrow()
  ).id;
  assert.deepEqual(audited.at(-1), {
    actor: "eddie",
    workspace: ws,
    details: { from: "drafts/first.ipynb", to: "answer.ipynb", id: fileId },
  });

  // A save continues the file's versions under its new name.
  const next = await t.call(editor, {
    method: "PUT",
    url: `/api/workspaces/${ws}/files/answer.ipynb`,
    payload: { content: notebook("print(3)"), baseVersion: 2 },
  });
  assert.equal(next.statusCode, 200, next.body);
  assert.equal(next.json().version, 3);
});

test("a rename onto a live file is refused with 409 path_taken and changes nothing; a trashed one does not count", async () => {
  await upload("one.py", "1\n");
  await upload("two.py", "2\n");
  const state = await snapshot(t);
  const r = await rename("one.py", "two.py");
  assert.equal(r.statusCode, 409, r.body);
  assert.equal(r.json().error, "path_taken");
  assert.equal(r.json().path, "two.py");
  assert.equal(await snapshot(t), state);

  assert.equal((await t.call(editor, { method: "DELETE", url: `/api/workspaces/${ws}/files/two.py` })).statusCode, 200);
  assert.equal((await rename("one.py", "two.py")).statusCode, 200);
  assert.equal((await get("raw/two.py")).body, "1\n");
});

test("a new name that breaks the upload's name rules is refused with the rule's code and changes nothing", async () => {
  await upload("rules.py", "r\n");
  const state = await snapshot(t);
  for (const [to, code] of [
    ["../rules.py", "name_traversal"],
    ["/abs.py", "name_absolute"],
    ["con.py", "name_reserved"],
    ["a\u202egnp.py", "name_bidi_character"],
    ["rules.exe", "file_type_not_allowed"],
    ["folder//rules.py", "name_empty_segment"],
    ["rules.py ", "name_edge_character"],
  ]) {
    const r = await rename("rules.py", to!);
    assert.equal(r.statusCode, 400, `${to}: ${r.body}`);
    assert.equal(r.json().error, code, to);
    assert.equal(r.json().path, to);
  }
  const tooLong = await rename("rules.py", "a".repeat(2000) + ".py");
  assert.equal(tooLong.statusCode, 400);
  assert.equal(await snapshot(t), state);
});

test("a rename keeps the kind of file: a notebook stays .ipynb and a script never becomes one", async () => {
  await upload("kind.ipynb", notebook(""));
  await upload("kind.py", "k\n");
  const state = await snapshot(t);
  for (const [from, to] of [
    ["kind.ipynb", "kind.py"],
    ["kind.ipynb", "kind.json"],
    ["kind.py", "kind2.ipynb"],
  ]) {
    const r = await rename(from!, to!);
    assert.equal(r.statusCode, 400, r.body);
    assert.equal(r.json().error, "kind_change_not_allowed", `${from} -> ${to}`);
  }
  assert.equal(await snapshot(t), state);
  // Another text extension is the same kind.
  assert.equal((await rename("kind.py", "kind.r")).statusCode, 200);
});

test("a rename needs the CSRF token and an editor's role; viewers may not save, make files or rename", async () => {
  await upload("guarded.ipynb", notebook("x = 1"));
  const state = await snapshot(t);
  const noToken = await t.app.inject({
    method: "PATCH",
    url: `/api/workspaces/${ws}/files/guarded.ipynb`,
    headers: { origin: APP_ORIGIN, "sec-fetch-site": "same-origin", cookie: editor.cookie },
    payload: { path: "stolen.ipynb" },
  });
  assert.equal(noToken.statusCode, 403, noToken.body);
  assert.equal(noToken.json().error, "csrf_token_invalid");
  const crossSite = await t.app.inject({
    method: "PATCH",
    url: `/api/workspaces/${ws}/files/guarded.ipynb`,
    headers: { origin: "https://evil.example", cookie: editor.cookie, "x-csrf-token": editor.csrf },
    payload: { path: "stolen.ipynb" },
  });
  assert.equal(crossSite.statusCode, 403);
  assert.equal(crossSite.json().error, "cross_site_request");

  const byViewer = await rename("guarded.ipynb", "viewer.ipynb", viewer);
  assert.equal(byViewer.statusCode, 403);
  assert.equal(byViewer.json().error, "role_insufficient");
  const byOutsider = await rename("guarded.ipynb", "outsider.ipynb", outsider);
  assert.equal(byOutsider.statusCode, 404);

  const viewerNew = await t.call(viewer, {
    method: "POST",
    url: `/api/workspaces/${ws}/new-file`,
    payload: { path: "Untitled.ipynb", kind: "notebook" },
  });
  assert.equal(viewerNew.statusCode, 403);
  assert.equal(viewerNew.json().error, "role_insufficient");
  const viewerSave = await t.call(viewer, {
    method: "PUT",
    url: `/api/workspaces/${ws}/files/guarded.ipynb`,
    payload: { content: notebook("x = 2"), baseVersion: 1 },
  });
  assert.equal(viewerSave.statusCode, 403);
  assert.equal(viewerSave.json().error, "role_insufficient");
  const viewerKernel = await t.call(viewer, {
    method: "POST",
    url: `/api/workspaces/${ws}/kernels`,
    payload: { path: "guarded.ipynb" },
  });
  assert.equal(viewerKernel.statusCode, 403);
  assert.equal(viewerKernel.json().error, "role_insufficient");
  assert.equal(await snapshot(t), state);
});

test("a new notebook is nbformat 4.5 with one empty code cell with an id and the studio's python3 kernelspec", async () => {
  const r = await t.call(editor, {
    method: "POST",
    url: `/api/workspaces/${ws}/new-file`,
    payload: { path: "Untitled.ipynb", kind: "notebook" },
  });
  assert.equal(r.statusCode, 201, r.body);
  const made = JSON.parse((await get("raw/Untitled.ipynb")).body);
  assert.equal(made.nbformat, 4);
  assert.equal(made.nbformat_minor, 5);
  // The kernelspec as the studio offers it: its own display name (ipykernel's is "Python 3 (ipykernel)").
  const specs = (await t.call(editor, { method: "GET", url: "/api/kernelspecs" })).json();
  const python3 = specs.kernelspecs.find((spec: { name: string }) => spec.name === "python3");
  assert.ok(python3, "the studio offers python3");
  assert.deepEqual(made.metadata.kernelspec, {
    display_name: python3.displayName,
    language: python3.language,
    name: "python3",
  });
  assert.deepEqual(made.metadata.language_info, { name: "python" });
  assert.equal(made.cells.length, 1);
  assert.equal(made.cells[0].cell_type, "code");
  assert.match(made.cells[0].id, /^[A-Za-z0-9_-]{1,64}$/);
  assert.deepEqual([made.cells[0].source, made.cells[0].outputs], [[], []]);
  const taken = await t.call(editor, {
    method: "POST",
    url: `/api/workspaces/${ws}/new-file`,
    payload: { path: "Untitled.ipynb", kind: "notebook" },
  });
  assert.equal(taken.statusCode, 409);
  assert.equal(taken.json().error, "path_taken");
});

test("a running kernel follows its file to the new path, and stops taking runs from someone made a viewer", async () => {
  const specs = (await t.call(owner, { method: "GET", url: "/api/kernelspecs" })).json();
  assert.equal(specs.available, true, specs.unavailableReason);
  await upload("lab/kept.ipynb", notebook("x = 41"));
  const started = await t.call(editor, {
    method: "POST",
    url: `/api/workspaces/${ws}/kernels`,
    payload: { path: "lab/kept.ipynb" },
  });
  assert.equal(started.statusCode, 201, started.body);
  const kernel = started.json().id as string;
  const base = (await t.app.listen({ port: 0, host: "127.0.0.1" })).replace(/^http/, "ws");
  const socket = new WebSocket(`${base}${KERNEL_SOCKET_PATH}?ws=${ws}`, {
    headers: { origin: APP_ORIGIN, host: new URL(APP_ORIGIN).host, cookie: editor.cookie },
  } as never);
  const received: ServerMessage[] = [];
  const waiting = new Set<() => void>();
  socket.addEventListener("message", (event) => {
    received.push(JSON.parse(String(event.data)) as ServerMessage);
    for (const wake of waiting) wake();
  });
  const until = async (match: (m: ServerMessage) => boolean): Promise<ServerMessage> => {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
      const found = received.find(match);
      if (found) return found;
      await new Promise<void>((resolve) => {
        waiting.add(resolve);
        setTimeout(resolve, 200);
      }).finally(() => waiting.clear());
    }
    throw new Error(`no such message; got ${JSON.stringify(received).slice(0, 2000)}`);
  };
  const run = async (id: string, path: string, source: string) => {
    socket.send(JSON.stringify({ type: "execute", id, kernel, path, cellId: id, source }));
    return until((m) => (m.type === "done" || m.type === "error") && m.id === id);
  };
  try {
    await new Promise((resolve, reject) => {
      socket.addEventListener("open", resolve);
      socket.addEventListener("error", reject);
    });
    socket.send(JSON.stringify({ type: "hello", csrf: editor.csrf }));
    await until((m) => m.type === "ready");
    assert.equal((await run("r1", "lab/kept.ipynb", "x = 41")).type, "done");

    const moved = await rename("lab/kept.ipynb", "lab/answer.ipynb");
    assert.equal(moved.statusCode, 200, moved.body);
    const listed = (await get("kernels")).json().kernels;
    assert.deepEqual(
      listed.map((k: { id: string; path: string }) => [k.id, k.path]),
      [[kernel, "lab/answer.ipynb"]],
    );

    const after = await run("r2", "lab/answer.ipynb", "print(x + 1)");
    assert.equal(after.type, "done", JSON.stringify(after));
    const stdout = received
      .flatMap((m) =>
        m.type === "output" && m.id === "r2" && m.output.output_type === "stream" ? [m.output.text] : [],
      )
      .join("");
    assert.equal(stdout, "42\n");
    const old = await run("r3", "lab/kept.ipynb", "print('old path')");
    assert.equal(old.type, "error");
    assert.equal(old.type === "error" && old.error, "wrong_file");
    const audited = await t.studio.db
      .selectFrom("audit_events")
      .select("details")
      .where("event", "=", "cell_executed")
      .execute();
    assert.ok(audited.some((row) => JSON.parse(row.details).path === "lab/answer.ipynb" && /"r2"/.test(row.details)));

    // Made a viewer while the socket is open: the next run is refused, and nothing runs.
    const demoted = await t.call(owner, {
      method: "PATCH",
      url: `/api/workspaces/${ws}/members/eddie`,
      payload: { role: "viewer" },
    });
    assert.equal(demoted.statusCode, 200, demoted.body);
    const refused = await run("r4", "lab/answer.ipynb", "print('as a viewer')");
    assert.equal(refused.type, "error");
    assert.equal(refused.type === "error" && refused.error, "role_insufficient");
    assert.ok(!received.some((m) => m.type === "output" && m.id === "r4"));
    assert.equal((await rename("lab/answer.ipynb", "lab/viewer.ipynb")).json().error, "role_insufficient");
  } finally {
    socket.close();
    await t.call(owner, { method: "PATCH", url: `/api/workspaces/${ws}/members/eddie`, payload: { role: "editor" } });
    await t.call(owner, { method: "DELETE", url: `/api/workspaces/${ws}/kernels/${kernel}` });
  }
});

test("a kernel whose file is renamed while the kernel starts takes the new path once started", async () => {
  await upload("race/starting.ipynb", notebook("y = 1"));
  // The rename commits inside the start, after the file was found and before the kernel is listed: where the start
  // asks whether the workspace's kernels may use the network (the real question is still asked after).
  const kernels = t.studio.kernels;
  const networkAllowed = kernels.networkAllowed.bind(kernels);
  let moved: Awaited<ReturnType<typeof rename>> | undefined;
  kernels.networkAllowed = async (workspace: string) => {
    kernels.networkAllowed = networkAllowed;
    assert.equal(kernels.list(ws).length, 0, "the starting kernel is not listed yet");
    moved = await rename("race/starting.ipynb", "race/started.ipynb");
    return networkAllowed(workspace);
  };
  const started = await t.call(editor, {
    method: "POST",
    url: `/api/workspaces/${ws}/kernels`,
    payload: { path: "race/starting.ipynb" },
  });
  assert.equal(started.statusCode, 201, started.body);
  try {
    assert.equal(moved?.statusCode, 200, moved?.body);
    const listed = (await get("kernels")).json().kernels as { id: string; path: string }[];
    assert.equal(listed.find((k) => k.id === started.json().id)?.path, "race/started.ipynb");
  } finally {
    kernels.networkAllowed = networkAllowed;
    await t.call(owner, { method: "DELETE", url: `/api/workspaces/${ws}/kernels/${started.json().id}` });
  }
});

test("every language the New script dialog offers names a text file the server stores, as do its suggested names", () => {
  for (const { extension } of SCRIPT_LANGUAGES) {
    const name = suggestedName(["untitled.py"], "", "script", extension);
    assert.equal(checkFilePath(name).kind, "text", name);
  }
  assert.equal(checkFilePath(suggestedName(["Untitled.ipynb"], "", "notebook")).kind, "notebook");
});
