// `vitrine serve` stopping on SIGTERM while pages hold connections open: an idle keep-alive connection, a kernel
// socket, another whose page never answers the close handshake, an upload whose body never ends, and a running
// kernel. The process must end within 5 seconds, say that
// it stopped, close the socket as "going away" and leave no kernel process behind. The bound is what the design
// promises (a supervisor's stop timeout is commonly 10 s), not a measure of speed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KERNEL_SOCKET_PATH } from "../src/contract/kernel-socket.ts";
import { APP_ORIGIN, multipart } from "./server-helpers.ts";
import { spawnServe } from "./serve-process.ts";

const STOP_BOUND_MS = 5_000;

/** Every process below `pid`, read from /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const walk = (parent: number): void => {
    for (const child of parents.get(parent) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

/** Running: it exists and is not a zombie (dead, waiting for init to collect its exit status). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** Signs in as the first administrator, sets a real password, and makes a workspace with a notebook. */
async function adminWithNotebook(url: string, output: string) {
  const password = /one-time password: (\S+)/.exec(output)?.[1];
  assert.ok(password, output);
  const signIn = await fetch(`${url}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password }),
  });
  assert.equal(signIn.status, 200);
  const first = (signIn.headers.get("set-cookie") ?? "").split(";")[0] as string;
  const firstCsrf = ((await signIn.json()) as { csrfToken: string }).csrfToken;
  const changed = await fetch(`${url}/api/account/password`, {
    method: "PUT",
    headers: { cookie: first, "x-csrf-token": firstCsrf, "content-type": "application/json" },
    body: JSON.stringify({ currentPassword: password, newPassword: "the admin's real password" }),
  });
  const cookie = (changed.headers.get("set-cookie") ?? "").split(";")[0] as string;
  const csrf = ((await changed.json()) as { csrfToken: string }).csrfToken;
  const headers = { cookie, "x-csrf-token": csrf };
  const workspace = await fetch(`${url}/api/workspaces`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ name: "w" }),
  });
  const ws = ((await workspace.json()) as { id: string }).id;
  const notebook = JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    cells: [{ cell_type: "code", id: "c0", metadata: {}, source: "print(1)", execution_count: null, outputs: [] }],
  });
  const body = multipart("trusted-source-v1", [{ path: "run.ipynb", content: notebook }]);
  const uploaded = await fetch(`${url}/api/workspaces/${ws}/files`, {
    method: "POST",
    headers: { ...headers, ...body.headers },
    body: new Uint8Array(body.payload),
  });
  assert.equal(uploaded.status, 201, await uploaded.text());
  return { headers, ws, cookie, csrf };
}

test(
  "SIGTERM with a keep-alive connection, two kernel sockets (one silent), an unfinished upload and a kernel: stopped within 5 s",
  { timeout: 120_000 },
  async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "vitrine-serve-stop-"));
    const serve = spawnServe(dataDir, { logLevel: "info" });
    let raw: Socket | undefined;
    let silent: Socket | undefined;
    try {
      const url = await serve.ready;
      const { headers, ws, cookie, csrf } = await adminWithNotebook(url, serve.output());

      const started = await fetch(`${url}/api/workspaces/${ws}/kernels`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({ path: "run.ipynb" }),
      });
      assert.equal(started.status, 201, await started.clone().text());
      const kernel = ((await started.json()) as { id: string }).id;

      // The kernel socket, as the studio's page holds it open.
      const socket = new WebSocket(`${url.replace(/^http/, "ws")}${KERNEL_SOCKET_PATH}?ws=${ws}`, {
        headers: { origin: APP_ORIGIN, cookie },
      } as never);
      const closed = new Promise<{ code: number; reason: string }>((resolve) =>
        socket.addEventListener("close", (event) => resolve({ code: event.code, reason: event.reason })),
      );
      const ready = new Promise<void>((resolve, reject) => {
        socket.addEventListener("message", (event) => {
          const message = JSON.parse(String(event.data)) as { type: string };
          if (message.type === "ready") resolve();
          if (message.type === "status") resolve();
        });
        socket.addEventListener("error", () => reject(new Error("the kernel socket did not open")));
      });
      await new Promise<void>((resolve) => socket.addEventListener("open", () => resolve()));
      socket.send(JSON.stringify({ type: "hello", csrf }));
      await ready;
      socket.send(JSON.stringify({ type: "watch", id: "w1", kernel }));

      // A second kernel socket whose page has stopped answering: it never replies to the close handshake.
      const { hostname, port } = new URL(url);
      silent = connect(Number(port), hostname);
      silent.on("error", () => {});
      const silentClosed = new Promise<void>((resolve) => silent!.on("close", () => resolve()));
      let silentBytes = Buffer.alloc(0);
      const upgraded = new Promise<void>((resolve) =>
        silent!.on("data", (chunk: Buffer) => {
          silentBytes = Buffer.concat([silentBytes, chunk]);
          if (silentBytes.includes("\r\n\r\n")) resolve();
        }),
      );
      silent.write(
        `GET ${KERNEL_SOCKET_PATH}?ws=${ws} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\n` +
          `Sec-WebSocket-Version: 13\r\nOrigin: ${APP_ORIGIN}\r\nCookie: ${cookie}\r\n\r\n`,
      );
      await upgraded;
      assert.match(silentBytes.toString("latin1"), /^HTTP\/1\.1 101 /);
      const handshakeLength = silentBytes.indexOf("\r\n\r\n") + 4;

      // An idle keep-alive connection after one answered request.
      raw = connect(Number(port), hostname);
      const rawClosed = new Promise<void>((resolve) => raw!.on("close", () => resolve()));
      raw.on("error", () => {});
      const answered = new Promise<string>((resolve) => {
        let text = "";
        raw!.on("data", (chunk) => {
          text += chunk;
          if (text.includes("\r\n\r\n")) resolve(text);
        });
      });
      raw.write(`GET /api/session HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: keep-alive\r\n\r\n`);
      assert.match(await answered, /^HTTP\/1\.1 \d{3}/);

      // An upload that announces 1 MB and sends 1 kB: in flight until the server gives up on it.
      const upload = multipart("trusted-source-v1", [{ path: "slow.txt", content: "x".repeat(1_000_000) }]);
      const stalled = new Promise<string>((resolve) => {
        const req = request(`${url}/api/workspaces/${ws}/files`, {
          method: "POST",
          headers: { ...headers, ...upload.headers, "content-length": String(upload.payload.length) },
        });
        req.on("response", (res) => resolve(`answered ${res.statusCode}`));
        req.on("error", (error) => resolve(`cut: ${(error as NodeJS.ErrnoException).code ?? error.message}`));
        req.write(upload.payload.subarray(0, 1000));
      });
      await new Promise((resolve) => setTimeout(resolve, 300));

      const processes = descendants(serve.child.pid!);
      assert.ok(processes.length > 0, "the kernel runs as a process below the server");
      const sent = performance.now();
      serve.child.kill("SIGTERM");
      const code = await serve.exited;
      const stoppedMs = performance.now() - sent;

      assert.equal(code, 0, serve.output());
      assert.ok(stoppedMs < STOP_BOUND_MS, `stopped in ${Math.round(stoppedMs)} ms`);
      assert.match(serve.output(), /vitrine: SIGTERM: finishing requests in flight, then stopping\n/);
      assert.match(serve.output(), /vitrine: stopped\n/);
      assert.deepEqual(await closed, { code: 1001, reason: "the server is stopping" });
      await rawClosed;
      // The silent page got the close frame (opcode 8, code 1001) and then had its connection cut.
      await silentClosed;
      const frame = silentBytes.subarray(handshakeLength);
      assert.equal(frame[0], 0x88, "a close frame");
      assert.equal(frame.readUInt16BE(2), 1001);
      assert.match(await stalled, /^cut: |^answered 503/);
      const left = processes.filter(alive);
      assert.deepEqual(left, [], "no kernel process outlives the server");
      console.log(`# stopped in ${Math.round(stoppedMs)} ms with ${processes.length} processes below it`);
    } finally {
      raw?.destroy();
      silent?.destroy();
      if (serve.child.exitCode === null) serve.child.kill("SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
);
