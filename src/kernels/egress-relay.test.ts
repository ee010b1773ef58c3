// The in-sandbox relay (egress-relay.py) run by Debian's python3, against a Unix socket echo server standing in
// for the egress proxy: bytes pass both ways, many connections at once, half-close, only 127.0.0.1, it survives
// running out of threads, and it ends on SIGTERM and when its parent dies.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { UidPool } from "./sandbox-uids.ts";

const RELAY = join(import.meta.dirname, "egress-relay.py");
const PYTHON = "/usr/bin/python3";

async function echoServer(path: string): Promise<Server> {
  const server = createServer((socket) => {
    socket.on("error", () => {});
    // Echo, then end when the relay half-closes: proves the end of stream crosses the relay.
    socket.pipe(socket);
  });
  server.listen(path);
  await once(server, "listening");
  return server;
}

async function startRelay(
  socketPath: string,
  as?: { uid: number; maxProcesses: number },
): Promise<{ relay: ChildProcess; port: number }> {
  const relayArgs = [RELAY, "--listen-port", "0", "--socket", socketPath];
  // With `as`, the relay runs as that uid under RLIMIT_NPROC, as in a sandbox whose kernel used its process limit.
  const relay = as
    ? spawn(
        PYTHON,
        [
          "-c",
          "import os, resource, sys\n" +
            "resource.setrlimit(resource.RLIMIT_NPROC, (int(sys.argv[1]), int(sys.argv[1])))\n" +
            "os.execv(sys.argv[2], sys.argv[2:])\n",
          String(as.maxProcesses),
          PYTHON,
          ...relayArgs,
        ],
        { stdio: ["ignore", "pipe", "inherit"], uid: as.uid, gid: as.uid },
      )
    : spawn(PYTHON, relayArgs, { stdio: ["ignore", "pipe", "inherit"] });
  const [line] = (await once(createInterface({ input: relay.stdout! }), "line")) as [string];
  const match = /^listening 127\.0\.0\.1:(\d+)$/.exec(line);
  assert.ok(match, line);
  return { relay, port: Number(match[1]) };
}

function roundTrip(port: number, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("end", () => resolve(Buffer.concat(chunks)));
    socket.on("error", reject);
    socket.end(payload);
  });
}

function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const found: string[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const row of readFileSync(table, "utf8").split("\n").slice(1)) {
      const [, local, , state] = row.trim().split(/\s+/);
      if (state === "0A" && local?.endsWith(`:${hexPort}`)) found.push(local);
    }
  }
  return found;
}

test("relays many concurrent connections both ways, with the end of stream, listening on 127.0.0.1 only", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vitrine-relay-"));
  const server = await echoServer(join(dir, "egress.sock"));
  const { relay, port } = await startRelay(join(dir, "egress.sock"));
  try {
    assert.deepEqual(listeningAddresses(port), ["0100007F:" + port.toString(16).toUpperCase().padStart(4, "0")]);
    const payloads = Array.from({ length: 100 }, (_, i) => Buffer.alloc(1000 + i * 997, i));
    const echoes = await Promise.all(payloads.map((p) => roundTrip(port, p)));
    for (const [i, echo] of echoes.entries()) assert.ok(echo.equals(payloads[i]!), `connection ${i}`);
    const big = Buffer.alloc(8 * 1024 * 1024, 7);
    assert.ok((await roundTrip(port, big)).equals(big), "8 MiB through one connection");
  } finally {
    relay.kill("SIGKILL");
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a connection is closed at once when the proxy's socket is not there", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vitrine-relay-"));
  const { relay, port } = await startRelay(join(dir, "missing.sock"));
  try {
    // Closed with nothing sent back; unread bytes make the close a reset, which is as good.
    const answer = await new Promise<number>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      let received = 0;
      socket.on("data", (chunk: Buffer) => (received += chunk.length));
      socket.on("error", () => {});
      socket.on("close", () => resolve(received));
      socket.write("GET / HTTP/1.1\r\n\r\n");
    });
    assert.equal(answer, 0);
  } finally {
    relay.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Opens a connection, sends one byte and waits for its echo; the connection stays open. */
async function openEchoed(port: number): Promise<ReturnType<typeof connect>> {
  const socket = connect(port, "127.0.0.1");
  socket.on("error", () => {});
  socket.write("x");
  const [chunk] = (await once(socket, "data")) as [Buffer];
  assert.equal(chunk.toString(), "x");
  return socket;
}

test(
  "a connection that finds no thread to spare is closed, and the relay keeps accepting",
  { skip: process.getuid?.() !== 0 && "needs root, to run the relay as a uid that has no other process" },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "vitrine-relay-"));
    // The relay's uid must reach the socket: a searchable folder and a socket anyone may connect to.
    chmodSync(dir, 0o711);
    const socketPath = join(dir, "egress.sock");
    const server = await echoServer(socketPath);
    chmodSync(socketPath, 0o666);
    // A uid no process runs as, so the process count is the relay's alone.
    const pool = new UidPool();
    const uid = pool.acquire();
    // Four tasks: the relay's main thread, its parent watcher, and the two threads of one connection.
    const { relay, port } = await startRelay(socketPath, { uid, maxProcesses: 4 });
    try {
      const first = await openEchoed(port);
      // The second connection's thread cannot start: it is closed with nothing sent back.
      const second = await new Promise<number>((resolve) => {
        const socket = connect(port, "127.0.0.1");
        let received = 0;
        socket.on("data", (chunk: Buffer) => (received += chunk.length));
        socket.on("error", () => {});
        socket.on("close", () => resolve(received));
        socket.write("y");
      });
      assert.equal(second, 0);
      assert.equal(relay.exitCode, null, "the relay still runs");
      first.end();
      await once(first, "close");
      // The first connection's threads end soon after it closes; then a new connection gets its threads.
      let echoed: Buffer | undefined;
      for (let attempt = 0; attempt < 50 && !echoed; attempt++) {
        const answer = await roundTrip(port, Buffer.from("again")).catch(() => Buffer.alloc(0));
        if (answer.length > 0) echoed = answer;
        else await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(echoed?.toString(), "again");
    } finally {
      relay.kill("SIGKILL");
      server.close();
      pool.release(uid);
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test("exits on SIGTERM", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vitrine-relay-"));
  const { relay } = await startRelay(join(dir, "egress.sock"));
  try {
    const exited = once(relay, "exit");
    relay.kill("SIGTERM");
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("exits when its parent dies", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vitrine-relay-"));
  // A parent that starts the relay, says its pid, and waits; killed without a chance to clean up.
  const parent = spawn(
    PYTHON,
    [
      "-c",
      "import subprocess, sys, time\n" +
        "child = subprocess.Popen([sys.argv[1], sys.argv[2], '--listen-port', '0', '--socket', sys.argv[3]], stdout=subprocess.PIPE)\n" +
        "child.stdout.readline()\n" +
        "print(child.pid, flush=True)\n" +
        "time.sleep(120)\n",
      PYTHON,
      RELAY,
      join(dir, "egress.sock"),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  try {
    const [line] = (await once(createInterface({ input: parent.stdout! }), "line")) as [string];
    const pid = Number(line);
    assert.ok(existsSync(`/proc/${pid}`), "the relay runs");
    parent.kill("SIGKILL");
    await once(parent, "exit");
    // The relay is orphaned, not reaped by us: it is gone when /proc no longer lists it or lists it as a zombie.
    for (let i = 0; i < 100; i++) {
      const status = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, "utf8") : "";
      if (status === "" || / Z /.test(status)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.fail("the relay outlived its parent by five seconds");
  } finally {
    parent.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});
