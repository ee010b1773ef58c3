// A file whose job outgrows its budget, against a real studio on loopback sockets with real worker threads: the
// job is ended and its request refused with a stable code, while other clients' requests are answered and the
// server carries on. The hostile jobs come from the file worker's test hooks (a scan that never ends, a scan that
// never stops allocating), so that the budgets are exceeded for certain on any machine.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import {
  multipart,
  overSocket,
  startTestStudio,
  SMALL_NOTEBOOK,
  type Caller,
  type SocketRequest,
  type TestStudio,
} from "./server-helpers.ts";

let t: TestStudio;
let owner: Caller;
let ws: string;
let base: string;

before(async () => {
  t = await startTestStudio(
    { "file-workers": "1", "file-job-seconds": "3", "file-job-memory-mb": "128" },
    {},
    { testHooks: true, maxQueuedPerUser: 1 },
  );
  owner = await t.addUser("hana");
  ws = (await t.call(owner, { method: "POST", url: "/api/workspaces", payload: { name: "Lab" } })).json().id;
  base = await t.app.listen({ port: 0, host: "127.0.0.1" });
});
after(() => t.close());

type SendInit = SocketRequest;

/** A request over the socket, as a browser of the signed-in user sends it. */
function send(path: string, init: SendInit = {}) {
  return sendAs(owner, path, init);
}

function sendAs(caller: Caller, path: string, init: SendInit = {}) {
  return overSocket(base, caller, path, init);
}

function upload(files: { path: string; content: string }[]) {
  const { payload, headers } = multipart("trusted-source-v1", files);
  return send(`/api/workspaces/${ws}/files`, { method: "POST", body: payload, headers });
}

async function storedPaths(): Promise<string[]> {
  const r = await send(`/api/workspaces/${ws}/files`);
  assert.equal(r.status, 200);
  return ((await r.json()) as { files: { path: string }[] }).files.map((f) => f.path);
}

test("a job over its time budget is ended and its upload refused, while other clients are answered", async () => {
  let hostileAnswered = false;
  const hostile = upload([
    { path: "fine.ipynb", content: SMALL_NOTEBOOK },
    { path: "slow.stall-in-scan.ipynb", content: SMALL_NOTEBOOK },
  ]).then((r) => {
    hostileAnswered = true;
    return r;
  });
  // The one worker is spinning on the hostile file from here on.
  while (t.studio.fileJobs.load.running === 0 || hostileAnswered) {
    assert.equal(hostileAnswered, false, "the hostile upload was answered before its job ran");
    await sleep(10);
  }
  const health = await send("/healthz");
  assert.equal(health.status, 200);
  assert.deepEqual(await storedPaths(), []);
  const me = await send("/api/session");
  assert.equal(me.status, 200);
  assert.equal(hostileAnswered, false, "other clients were answered while the hostile job ran");

  const refused = await hostile;
  assert.equal(refused.status, 422);
  const body = (await refused.json()) as { error: string; message: string; path: string };
  assert.equal(body.error, "scan_budget_exceeded");
  assert.equal(body.path, "slow.stall-in-scan.ipynb");
  assert.match(body.message, /^slow\.stall-in-scan\.ipynb: reviewing the file took longer than 3 s/);
  // All or nothing: the good file of the refused upload is not stored either.
  assert.deepEqual(await storedPaths(), []);

  // The worker was replaced: the next upload is checked, reviewed and stored, its head ready.
  const next = await upload([{ path: "after.ipynb", content: SMALL_NOTEBOOK }]);
  assert.equal(next.status, 201, await next.clone().text());
  assert.deepEqual(await storedPaths(), ["after.ipynb"]);
  const head = await send(`/api/workspaces/${ws}/notebook-head/after.ipynb`);
  assert.equal(head.status, 200);
});

test("a job over its memory budget is ended without ending the server, in an upload and in the dialog's review", async () => {
  const refused = await upload([{ path: "big.grow-in-scan.ipynb", content: SMALL_NOTEBOOK }]);
  assert.equal(refused.status, 422);
  const body = (await refused.json()) as { error: string; message: string };
  assert.match(body.error, /^(read|scan|render)_budget_exceeded$/);
  assert.match(body.message, /needed more than 128 MB of memory/);
  assert.ok(!(await storedPaths()).includes("big.grow-in-scan.ipynb"));

  const { payload, headers } = multipart(undefined, [
    { path: "big.grow-in-scan.ipynb", content: SMALL_NOTEBOOK },
    { path: "ok.ipynb", content: SMALL_NOTEBOOK },
  ]);
  const review = await send(`/api/workspaces/${ws}/review`, { method: "POST", body: payload, headers });
  assert.equal(review.status, 200);
  const files = ((await review.json()) as { files: { path: string; refused?: { error: string } }[] }).files;
  assert.match(files[0]?.refused?.error ?? "", /_budget_exceeded$/);
  assert.equal(files[1]?.refused, undefined);

  assert.equal((await send("/healthz")).status, 200);
  const next = await upload([{ path: "later.ipynb", content: SMALL_NOTEBOOK }]);
  assert.equal(next.status, 201);
});

test("a stored notebook whose head outgrows its budget after a restart is refused, once, and others are answered", async () => {
  const stored = await upload([{ path: "later.stall-in-head.ipynb", content: SMALL_NOTEBOOK }]);
  assert.equal(stored.status, 201);
  // As after a restart: no head is cached, so the first page to ask has it made from the blob.
  const heads = t.studio.notebookHeads;
  t.studio.notebookHeads = new (heads.constructor as new () => typeof heads)();
  try {
    let headAnswered = false;
    const head = send(`/api/workspaces/${ws}/notebook-head/later.stall-in-head.ipynb`).then((r) => {
      headAnswered = true;
      return r;
    });
    while (t.studio.fileJobs.load.running === 0) {
      assert.equal(headAnswered, false);
      await sleep(10);
    }
    assert.equal((await send("/healthz")).status, 200);
    assert.equal((await send(`/api/workspaces/${ws}/files/later.stall-in-head.ipynb`)).status, 200);
    assert.equal(headAnswered, false, "other requests were answered while the head's job ran");
    const refused = await head;
    assert.equal(refused.status, 422);
    assert.equal(((await refused.json()) as { error: string }).error, "render_budget_exceeded");
    // Remembered: asking again refuses at once instead of taking a worker for the whole budget.
    const again = await send(`/api/workspaces/${ws}/notebook-head/later.stall-in-head.ipynb`);
    assert.equal(again.status, 422);
    assert.equal(t.studio.fileJobs.load.running, 0);
    assert.equal((await send(`/api/workspaces/${ws}/notebook-head/after.ipynb`)).status, 200);
  } finally {
    t.studio.notebookHeads = heads;
  }
});

test("users take turns for the workers: one user's stalled reads wait behind another's upload, and a third is refused at once", async () => {
  assert.equal((await upload([{ path: "huge.stall-in-read.ipynb", content: SMALL_NOTEBOOK }])).status, 201);
  const other = await t.addUser("ines");
  const otherWs = (await t.call(other, { method: "POST", url: "/api/workspaces", payload: { name: "Ines" } })).json()
    .id as string;
  const answered: string[] = [];
  const read = (name: string) =>
    send(`/api/workspaces/${ws}/notebook/huge.stall-in-read.ipynb`).then((r) => {
      answered.push(name);
      return r;
    });
  const first = read("first read");
  while (t.studio.fileJobs.load.running === 0) await sleep(10);
  const second = read("second read");
  while (t.studio.fileJobs.load.queued === 0) await sleep(10);
  // Hana has one job running and one waiting, her bound here: a third is refused at once, saying when to retry.
  const third = await send(`/api/workspaces/${ws}/notebook/huge.stall-in-read.ipynb`);
  assert.equal(third.status, 429);
  assert.equal(third.headers.get("retry-after"), "3");
  assert.equal(((await third.json()) as { error: string }).error, "file_jobs_busy");
  assert.equal((await send("/healthz")).status, 200);

  // Ines's upload needs the worker too; it goes before Hana's waiting read.
  const { payload, headers } = multipart("trusted-source-v1", [{ path: "mine.ipynb", content: SMALL_NOTEBOOK }]);
  const theirs = sendAs(other, `/api/workspaces/${otherWs}/files`, { method: "POST", body: payload, headers }).then(
    (r) => {
      answered.push("other user's upload");
      return r;
    },
  );
  assert.equal((await theirs).status, 201);
  const refused = await first;
  assert.equal(refused.status, 422);
  const body = (await refused.json()) as { error: string; message: string };
  assert.equal(body.error, "read_budget_exceeded");
  assert.match(body.message, /^huge\.stall-in-read\.ipynb: reading the file took longer than 3 s/);
  assert.equal((await second).status, 422);
  assert.deepEqual(answered, ["first read", "other user's upload", "second read"]);

  // A model read that fits its budget comes from the worker whole, as the schema describes it.
  const model = await send(`/api/workspaces/${ws}/notebook/after.ipynb`);
  assert.equal(model.status, 200);
  const json = (await model.json()) as {
    path: string;
    version: number;
    upgraded: boolean;
    notebook: { cells: unknown[] };
  };
  assert.equal(json.path, "after.ipynb");
  assert.equal(json.version, 1);
  assert.equal(json.upgraded, false);
  assert.ok(Array.isArray(json.notebook.cells));
});
