// The kernels' egress proxy over real Unix and TCP sockets. Targets are a test server on 127.0.0.1, reachable only
// through an explicit allowed pair; every other address comes from a resolver the test controls and is refused
// before any connection, so no packet leaves loopback.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import { connect, type AddressInfo, type LookupFunction, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { EgressProxy, type EgressEvent, type EgressLimits } from "./egress-proxy.ts";

const BIG = Buffer.alloc(4 * 1024 * 1024, 1);

interface Upstream {
  server: Server;
  port: number;
  /** TCP connections the test server accepted: a refused target must leave this unchanged. */
  accepted: number;
  lastHeaders: IncomingHttpHeaders;
}

async function upstream(): Promise<Upstream> {
  const state = { accepted: 0, lastHeaders: {} } as Upstream;
  state.server = createServer((req, res) => {
    state.lastHeaders = req.headers;
    if (req.url === "/big") return void res.writeHead(200, { "content-length": BIG.length }).end(BIG);
    if (req.url === "/hang") return; // never answers
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => res.writeHead(200, { "x-seen": req.url ?? "" }).end(`hello ${Buffer.concat(chunks)}`));
  });
  state.server.on("connection", () => state.accepted++);
  state.server.listen(0, "127.0.0.1");
  await once(state.server, "listening");
  state.port = (state.server.address() as AddressInfo).port;
  return state;
}

/** Names the test maps to addresses; anything else does not resolve. */
const NAMES: Record<string, string[]> = {
  "site.test": ["127.0.0.1"],
  "private10.test": ["10.0.0.1"],
  "metadata.test": ["169.254.169.254"],
  "router.test": ["192.168.1.1"],
  "loop6.test": ["::1"],
  "ula.test": ["fd00::1"],
  "mixed.test": ["93.184.215.14", "10.0.0.1"],
  "public.test": ["93.184.215.14"],
  "garbage.test": ["not-an-address"],
};

const lookup = ((host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
  const addresses = NAMES[host];
  if (!addresses) return callback(Object.assign(new Error("not found"), { code: "ENOTFOUND" }));
  const answers = addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  return options.all ? callback(null, answers) : callback(null, answers[0]!.address, answers[0]!.family);
}) as LookupFunction;

interface Harness {
  proxy: EgressProxy;
  socketPath: string;
  events: EgressEvent[];
  close(): Promise<void>;
}

async function harness(
  up: Upstream,
  limits: Partial<EgressLimits> = {},
  extra: { allow?: boolean; studioListeners?: string[] } = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), "vitrine-egress-"));
  const events: EgressEvent[] = [];
  const proxy = new EgressProxy({
    studioOrigins: ["https://studio.test", "http://content.test:8081"],
    ...(extra.studioListeners ? { studioListeners: extra.studioListeners } : {}),
    ...(extra.allow === false ? {} : { allowLoopback: [`127.0.0.1:${up.port}`] }),
    lookup,
    limits,
    onEvent: (event) => events.push(event),
  });
  const socketPath = join(dir, "egress.sock");
  await proxy.openKernel({ kernelId: "k1", workspaceId: "w1", socketPath });
  return {
    proxy,
    socketPath,
    events,
    async close() {
      await proxy.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  error?: string;
}

/** A plain-HTTP proxy request (absolute URI) over the proxy's Unix socket. */
function viaProxy(
  socketPath: string,
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: url, method: options.method ?? "GET", headers: options.headers ?? {} });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), error: "cut" }),
      );
    });
    req.on("error", (error) => resolve({ status: 0, headers: {}, body: Buffer.alloc(0), error: error.message }));
    req.end(options.body);
  });
}

/** A CONNECT to authority; on 200 the tunnel socket, otherwise the refusal. */
function connectVia(socketPath: string, authority: string): Promise<{ socket?: Socket; answer: Answer }> {
  return new Promise((resolve) => {
    const req = request({ socketPath, method: "CONNECT", path: authority });
    req.on("connect", (res, socket) => {
      socket.on("error", () => {});
      if (res.statusCode === 200)
        return resolve({ socket, answer: { status: 200, headers: res.headers, body: Buffer.alloc(0) } });
      const chunks: Buffer[] = [];
      socket.on("data", (c: Buffer) => chunks.push(c));
      socket.on("close", () =>
        resolve({ answer: { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) } }),
      );
    });
    req.on("error", (error) =>
      resolve({ answer: { status: 0, headers: {}, body: Buffer.alloc(0), error: error.message } }),
    );
    req.end();
  });
}

/** An HTTP/1.1 GET written by hand into a tunnel; the whole answer as text once the server closes. */
async function getThroughTunnel(socket: Socket, path: string): Promise<string> {
  const chunks: Buffer[] = [];
  socket.on("data", (c: Buffer) => chunks.push(c));
  const closed = once(socket, "close");
  socket.write(`GET ${path} HTTP/1.1\r\nHost: site.test\r\nConnection: close\r\n\r\n`);
  await closed;
  return Buffer.concat(chunks).toString("latin1");
}

/** Raw bytes to the proxy's socket; resolves with everything it answered once it closed. */
function raw(socketPath: string, write: (socket: Socket) => void): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", () => {});
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("latin1")));
    socket.on("connect", () => write(socket));
  });
}

test("plain HTTP through the proxy: forwarded to the allowed pair, hop-by-hop and proxy credentials dropped, audited", async () => {
  const up = await upstream();
  const h = await harness(up);
  try {
    const answer = await viaProxy(h.socketPath, `http://site.test:${up.port}/path?q=1`, {
      method: "POST",
      headers: {
        "proxy-authorization": "Basic c2VjcmV0",
        "x-private": "drop me",
        connection: "x-private, keep-alive",
        "x-kept": "yes",
      },
      body: "world",
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.toString(), "hello world");
    assert.equal(answer.headers["x-seen"], "/path?q=1");
    assert.equal(up.lastHeaders.host, `site.test:${up.port}`);
    assert.equal(up.lastHeaders["x-kept"], "yes");
    assert.equal(up.lastHeaders["proxy-authorization"], undefined);
    assert.equal(up.lastHeaders["x-private"], undefined, "fields named by Connection are hop-by-hop");
    assert.equal(up.lastHeaders.connection, "close", "no upstream connection is reused");
    assert.equal(up.lastHeaders["x-forwarded-for"], undefined);
    assert.equal(up.lastHeaders.via, undefined);
    await new Promise((resolve) => setImmediate(resolve));
    const event = h.events.find((e) => e.outcome === "allowed");
    assert.ok(event, JSON.stringify(h.events));
    assert.equal(event.kernelId, "k1");
    assert.equal(event.workspaceId, "w1");
    assert.equal(event.method, "POST");
    assert.equal(event.host, "site.test");
    assert.equal(event.address, "127.0.0.1");
    assert.equal(event.bytesOut, 5);
    assert.ok(event.bytesIn > "hello world".length, "the response head and body are counted");
  } finally {
    await h.close();
    up.server.close();
  }
});

test("CONNECT: a tunnel to the allowed pair carries bytes both ways and is audited with its bytes", async () => {
  const up = await upstream();
  const h = await harness(up);
  try {
    const { socket, answer } = await connectVia(h.socketPath, `site.test:${up.port}`);
    assert.equal(answer.status, 200);
    const text = await getThroughTunnel(socket!, "/tunnel");
    assert.match(text, /^HTTP\/1\.1 200/);
    assert.match(text, /\r\nhello \r\n/);
    for (let i = 0; i < 50 && !h.events.some((e) => e.outcome === "allowed"); i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const event = h.events.find((e) => e.outcome === "allowed");
    assert.equal(event?.method, "CONNECT");
    assert.equal(event?.port, up.port);
    assert.ok((event?.bytesOut ?? 0) > 0 && (event?.bytesIn ?? 0) > 0, JSON.stringify(event));
  } finally {
    await h.close();
    up.server.close();
  }
});

test("refused before connecting: private, link-local, metadata, loopback and ULA answers, mixed answers, literals", async () => {
  const up = await upstream();
  const h = await harness(up);
  const strict = await harness(up, {}, { allow: false });
  try {
    const cases: [string, string][] = [
      ["private10.test", "private_address"],
      ["metadata.test", "private_address"],
      ["router.test", "private_address"],
      ["loop6.test", "private_address"],
      ["ula.test", "private_address"],
      ["mixed.test", "private_address"],
      ["garbage.test", "invalid_address"],
      ["169.254.169.254", "private_address"],
      ["[fd00::1]", "private_address"],
      ["0xa9fea9fe", "private_address"],
    ];
    for (const [host, reason] of cases) {
      for (const port of [80, up.port]) {
        const plain = await viaProxy(h.socketPath, `http://${host}:${port}/latest/meta-data`);
        assert.equal(plain.status, 403, `${host}:${port}`);
        assert.equal(plain.headers["x-vitrine-egress-refusal"], reason, `${host}:${port}`);
        assert.equal(JSON.parse(plain.body.toString()).error, reason);
        const tunnel = await connectVia(h.socketPath, `${host}:${port}`);
        assert.equal(tunnel.answer.status, 403, `CONNECT ${host}:${port}`);
        assert.equal(tunnel.answer.headers["x-vitrine-egress-refusal"], reason, `CONNECT ${host}:${port}`);
      }
    }
    // The test server itself, without the allowed pair: refused, and it never saw a connection.
    const before = up.accepted;
    const plain = await viaProxy(strict.socketPath, `http://site.test:${up.port}/`);
    assert.equal(plain.headers["x-vitrine-egress-refusal"], "private_address");
    const literal = await connectVia(strict.socketPath, `127.0.0.1:${up.port}`);
    assert.equal(literal.answer.headers["x-vitrine-egress-refusal"], "private_address");
    const mapped = await viaProxy(strict.socketPath, `http://[::ffff:127.0.0.1]:${up.port}/`);
    assert.equal(mapped.headers["x-vitrine-egress-refusal"], "private_address");
    assert.equal(up.accepted, before, "no connection reached the loopback server");
    const refused = h.events.filter((e) => e.outcome === "refused");
    assert.equal(refused.length, cases.length * 4);
    assert.ok(refused.every((e) => e.kernelId === "k1" && e.bytesIn === 0));
  } finally {
    await h.close();
    await strict.close();
    up.server.close();
  }
});

test("ports, schemes, unknown names and the studio's own origins are refused with their codes", async () => {
  const up = await upstream();
  const h = await harness(up, { ports: [80, 443] }, { studioListeners: [`127.0.0.1:${up.port}`] });
  try {
    const check = async (url: string, status: number, reason: string) => {
      const answer = await viaProxy(h.socketPath, url);
      assert.equal(answer.status, status, url);
      assert.equal(answer.headers["x-vitrine-egress-refusal"], reason, url);
    };
    await check("http://public.test:8080/", 403, "bad_port");
    await check("http://public.test:22/", 403, "bad_port");
    await check("http://studio.test/api/files", 403, "studio_origin");
    await check("http://STUDIO.test./", 403, "studio_origin");
    await check("http://content.test:8081/frame", 403, "studio_origin");
    await check("https://public.test/", 400, "bad_scheme");
    await check("http://nowhere.test/", 502, "unknown_host");
    const before = up.accepted;
    // Allowed as a test pair, but the studio listens there: the studio wins.
    await check(`http://site.test:${up.port}/`, 403, "studio_origin");
    const tunnel = await connectVia(h.socketPath, `127.0.0.1:${up.port}`);
    assert.equal(tunnel.answer.headers["x-vitrine-egress-refusal"], "studio_origin");
    const named = await connectVia(h.socketPath, "studio.test:443");
    assert.equal(named.answer.headers["x-vitrine-egress-refusal"], "studio_origin");
    assert.equal(up.accepted, before);
    const origin = await raw(h.socketPath, (s) => s.end("GET /relative HTTP/1.1\r\nHost: site.test\r\n\r\n"));
    assert.match(origin, /^HTTP\/1\.1 400 [^]*x-vitrine-egress-refusal: not_a_proxy_request/);
  } finally {
    await h.close();
    up.server.close();
  }
});

test("garbage, header floods and too many header lines are answered and closed; the proxy keeps serving", async () => {
  const up = await upstream();
  const h = await harness(up, { maxHeaderBytes: 8 * 1024, maxHeaders: 50 });
  try {
    const garbage = await raw(h.socketPath, (s) => s.end(Buffer.from([0, 255, 13, 10, 13, 10, 1, 2, 3])));
    assert.match(garbage, /^HTTP\/1\.1 400 [^]*bad_request/);
    const flood = await raw(h.socketPath, (s) => {
      s.write("GET http://site.test/ HTTP/1.1\r\n");
      // Keeps sending header lines until the proxy closes: it must not wait for the end of the head.
      const line = `X-Flood: ${"a".repeat(1000)}\r\n`;
      const pump = () => {
        while (!s.destroyed && s.write(line));
        if (!s.destroyed) s.once("drain", pump);
      };
      s.on("error", () => {});
      pump();
    });
    assert.match(flood, /^HTTP\/1\.1 431 [^]*headers_too_large/);
    const lines = Array.from({ length: 60 }, (_, i) => `X-${i}: 1\r\n`).join("");
    const many = await raw(h.socketPath, (s) => s.end(`GET http://site.test:${up.port}/ HTTP/1.1\r\n${lines}\r\n`));
    assert.match(many, /^HTTP\/1\.1 431 [^]*headers_too_large/);
    const fine = await viaProxy(h.socketPath, `http://site.test:${up.port}/after`);
    assert.equal(fine.status, 200);
  } finally {
    await h.close();
    up.server.close();
  }
});

test("slowloris: a head that trickles in is cut at the headers deadline", async () => {
  const up = await upstream();
  const h = await harness(up, { headersTimeoutMs: 300 });
  try {
    let sent = 0;
    const answer = await raw(h.socketPath, (s) => {
      s.write("GET http://site.test/ HTTP/1.1\r\n");
      const timer = setInterval(() => {
        if (s.destroyed) return clearInterval(timer);
        s.write(`X-${sent++}: y\r\n`);
      }, 40);
      s.on("close", () => clearInterval(timer));
    });
    assert.match(answer, /^HTTP\/1\.1 408 [^]*headers_timeout/);
    assert.ok(sent < 100, `closed after ${sent} lines`);
    const silent = await raw(h.socketPath, () => {});
    // raw() resolves only when the proxy closed the connection: one that sends nothing is not kept either.
    assert.match(silent, /^HTTP\/1\.1 408 [^]*headers_timeout/);
    assert.ok(h.events.some((e) => e.reason === "headers_timeout"));
  } finally {
    await h.close();
    up.server.close();
  }
});

test("byte caps: one connection is cut at its cap, and a kernel past its total is cut and then refused", async () => {
  const up = await upstream();
  const h = await harness(up, { bytesPerConnection: 1024 * 1024, bytesPerKernel: 6 * 1024 * 1024 });
  try {
    const plain = await viaProxy(h.socketPath, `http://site.test:${up.port}/big`);
    assert.ok(plain.error !== undefined || plain.body.length < BIG.length, "the download is cut");
    assert.ok(plain.body.length <= 1024 * 1024, `${plain.body.length} bytes arrived`);
    const { socket } = await connectVia(h.socketPath, `site.test:${up.port}`);
    const text = await getThroughTunnel(socket!, "/big");
    assert.ok(text.length <= 1024 * 1024 + 64 * 1024, `${text.length} bytes through the tunnel`);
    for (let i = 0; i < 50 && h.events.filter((e) => e.reason === "byte_cap").length < 2; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(h.events.filter((e) => e.reason === "byte_cap").length, 2, JSON.stringify(h.events));

    // Small requests on fresh connections until the kernel's total runs out.
    const results: string[] = [];
    for (let i = 0; i < 8; i++) {
      const answer = await viaProxy(h.socketPath, `http://site.test:${up.port}/big`);
      results.push(answer.headers["x-vitrine-egress-refusal"]?.toString() ?? String(answer.status));
    }
    assert.equal(results.at(-1), "kernel_byte_cap", results.join(","));
    assert.ok(h.events.some((e) => e.reason === "kernel_byte_cap"));
  } finally {
    await h.close();
    up.server.close();
  }
});

test("connections: past the per-kernel cap new ones get 429 at once, and a slot frees when one closes", async () => {
  const up = await upstream();
  const h = await harness(up, { connectionsPerKernel: 4 });
  try {
    const open: Socket[] = [];
    for (let i = 0; i < 4; i++) {
      const { socket, answer } = await connectVia(h.socketPath, `site.test:${up.port}`);
      assert.equal(answer.status, 200);
      open.push(socket!);
    }
    const flood = await Promise.all(Array.from({ length: 200 }, () => raw(h.socketPath, (s) => s.end())));
    assert.ok(
      flood.every((answer) => /^HTTP\/1\.1 429 [^]*too_many_connections/.test(answer)),
      flood.find((a) => !a.includes("429")),
    );
    open.pop()!.destroy();
    for (let i = 0; i < 50; i++) {
      const { answer, socket } = await connectVia(h.socketPath, `site.test:${up.port}`);
      if (answer.status === 200) {
        socket!.destroy();
        for (const s of open) s.destroy();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.fail("no slot came back");
  } finally {
    await h.close();
    up.server.close();
  }
});

test("an idle tunnel is closed at the idle timeout, and a silent upstream at the same deadline", async () => {
  const up = await upstream();
  const h = await harness(up, { idleTimeoutMs: 200 });
  try {
    const { socket } = await connectVia(h.socketPath, `site.test:${up.port}`);
    await once(socket!, "close");
    const hung = await viaProxy(h.socketPath, `http://site.test:${up.port}/hang`);
    assert.notEqual(hung.status, 200);
    for (let i = 0; i < 50 && h.events.filter((e) => e.reason === "idle_timeout").length < 2; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(h.events.filter((e) => e.reason === "idle_timeout").length, 2, JSON.stringify(h.events));
  } finally {
    await h.close();
    up.server.close();
  }
});
