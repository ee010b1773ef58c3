// The kernels' only way out when a workspace owner allowed network: an HTTP proxy (CONNECT tunnels for https,
// absolute-URI requests for plain http) listening on one Unix socket per kernel, bind-mounted into that kernel's
// sandbox, where a relay (src/kernels/egress-relay.py) forwards the sandbox's 127.0.0.1:PORT to it.
//
// One proxy object, many sockets: the settings, the audit sink and the server-wide connection cap are shared, and
// the socket a connection arrives on names the kernel and workspace, which the kernel cannot forge (it sees only
// its own socket). Every target is checked by EgressRule before any connection, and the proxy connects to the
// address it checked. Everything the kernel sends is treated as hostile: bounded header size and count, a
// deadline for headers, idle and total timeouts, byte caps per connection and per kernel, a cap on connections
// per kernel and in all, backpressure through pipes, and nothing of the studio (cookies, credentials, forwarding
// headers) is ever added to what passes.
import { chmod, lstat, unlink } from "node:fs/promises";
import {
  createServer,
  request as httpRequest,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { connect, type LookupFunction, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { EgressRule, egressRefusal, parseConnectTarget, parseProxyUrl, type EgressRefusal } from "./egress-rule.ts";

export interface EgressLimits {
  /** egressPorts: ports that may be reached on public addresses. */
  ports: readonly number[];
  /** egressConnectTimeoutMs: resolving and connecting to the target. */
  connectTimeoutMs: number;
  /** egressIdleTimeoutMs: a connection with no bytes either way for this long is closed. */
  idleTimeoutMs: number;
  /** egressConnectionTimeoutMs: the longest any one connection from the kernel lives, however busy. */
  connectionTimeoutMs: number;
  /** egressHeadersTimeoutMs: the kernel's request head must arrive within this (slowloris). */
  headersTimeoutMs: number;
  /** egressMaxHeaderBytes: the request head's size; beyond it the answer is 431 and the connection closes. */
  maxHeaderBytes: number;
  /** egressMaxHeaders: request header lines. */
  maxHeaders: number;
  /** egressBytesPerConnection: bytes both ways on one connection from the kernel. */
  bytesPerConnection: number;
  /** egressBytesPerKernel: bytes both ways over the kernel's life; past it every connection is cut and refused. */
  bytesPerKernel: number;
  /** egressConnectionsPerKernel: connections from one kernel open at once. */
  connectionsPerKernel: number;
  /** egressConnectionsTotal: connections from all kernels open at once (the server's file descriptors). */
  connectionsTotal: number;
}

export const DEFAULT_EGRESS_LIMITS: Readonly<EgressLimits> = Object.freeze({
  ports: Object.freeze([80, 443]),
  connectTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
  connectionTimeoutMs: 30 * 60_000,
  headersTimeoutMs: 10_000,
  maxHeaderBytes: 16 * 1024,
  maxHeaders: 100,
  bytesPerConnection: 1024 * 1024 * 1024,
  bytesPerKernel: 4 * 1024 * 1024 * 1024,
  connectionsPerKernel: 64,
  connectionsTotal: 1024,
});

/** One audit record: a refusal (at once) or an allowed exchange (when it ends, with its bytes). */
export interface EgressEvent {
  kernelId: string;
  workspaceId: string;
  outcome: "allowed" | "refused";
  /** "CONNECT" for tunnels, the HTTP method for forwarded requests, "" when the request could not be read. */
  method: string;
  host: string;
  port: number;
  /** The address connected to (allowed exchanges). */
  address?: string;
  /** Refusal code, or why an allowed exchange ended: "closed", "idle_timeout", "byte_cap", "upstream_error"... */
  reason: string;
  message?: string;
  /** Bytes the kernel sent out, and bytes that came back, through this exchange. */
  bytesOut: number;
  bytesIn: number;
  durationMs: number;
}

export interface EgressProxyOptions {
  limits?: Partial<EgressLimits>;
  /** The studio's public app and content origins: never reachable through the proxy. */
  studioOrigins: readonly (string | URL)[];
  /** Where the studio listens ("0.0.0.0:8080"); see EgressRuleOptions.studioListeners. */
  studioListeners?: readonly string[];
  /** Exact loopback pairs the proxy may reach anyway; for tests only. */
  allowLoopback?: readonly string[];
  lookup?: LookupFunction;
  onEvent?: (event: EgressEvent) => void;
}

export interface KernelEgressOptions {
  kernelId: string;
  workspaceId: string;
  /** The Unix socket to listen on; its folder is private to this kernel (the sandbox bind-mounts it). */
  socketPath: string;
  /** The socket file's mode (default: defaultSocketMode()). */
  socketMode?: number;
}

const REFUSAL_HEADER = "x-vitrine-egress-refusal";

// RFC 9110 7.6.1 hop-by-hop fields, the proxy ones, and those that would let one request smuggle another.
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
]);

/** Header pairs from rawHeaders without hop-by-hop fields and those the Connection field names. */
function endToEndHeaders(raw: readonly string[]): [string, string][] {
  const named = new Set(HOP_BY_HOP);
  for (let i = 0; i < raw.length; i += 2)
    if (raw[i]?.toLowerCase() === "connection")
      for (const token of (raw[i + 1] ?? "").split(",")) named.add(token.trim().toLowerCase());
  const kept: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] ?? "";
    if (!named.has(name.toLowerCase())) kept.push([name, raw[i + 1] ?? ""]);
  }
  return kept;
}

function refusalBody(refusal: EgressRefusal): string {
  return JSON.stringify({ error: refusal.reason, message: refusal.message }) + "\n";
}

/** A whole HTTP/1.1 response for a raw socket (CONNECT answers, connections refused before parsing). */
function rawRefusal(refusal: EgressRefusal): string {
  const body = refusalBody(refusal);
  return (
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? "Error"}\r\n` +
    `${REFUSAL_HEADER}: ${refusal.reason}\r\ncontent-type: application/json\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
  );
}

/** The bytes and deadlines of one connection from the kernel; cut() ends it and everything attached to it. */
class ClientConnection {
  bytes = 0;
  endReason: string | null = null;
  readonly attached = new Set<Duplex>();
  readonly socket: Socket;
  constructor(socket: Socket) {
    this.socket = socket;
  }

  cut(reason: string): void {
    this.endReason ??= reason;
    for (const stream of this.attached) stream.destroy();
    this.socket.destroy();
  }
}

export class KernelEgress {
  readonly kernelId: string;
  readonly workspaceId: string;
  readonly socketPath: string;
  /** Bytes both ways over the kernel's life so far. */
  bytesUsed = 0;
  readonly #proxy: EgressProxy;
  readonly #server: Server;
  readonly #connections = new Set<ClientConnection>();
  readonly #bySocket = new WeakMap<Duplex, ClientConnection>();

  constructor(proxy: EgressProxy, options: KernelEgressOptions, server: Server) {
    this.kernelId = options.kernelId;
    this.workspaceId = options.workspaceId;
    this.socketPath = options.socketPath;
    this.#proxy = proxy;
    this.#server = server;
  }

  get activeConnections(): number {
    return this.#connections.size;
  }

  /** Stops listening and cuts every connection of this kernel. */
  async close(): Promise<void> {
    for (const connection of this.#connections) connection.cut("kernel_closed");
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#proxy.forget(this);
  }

  /** Wires the per-kernel server: accept (caps), request (plain http), connect (tunnels), bad input. */
  attach(): void {
    const limits = this.#proxy.limits;
    this.#server.on("connection", (socket: Socket) => {
      if (this.#connections.size >= limits.connectionsPerKernel || !this.#proxy.takeSlot()) {
        const refusal = egressRefusal(
          429,
          "too_many_connections",
          this.#connections.size >= limits.connectionsPerKernel
            ? `more than ${limits.connectionsPerKernel} connections at once from this kernel`
            : "the egress proxy has too many connections open",
        );
        this.#report("", "", 0, refusal);
        socket.on("error", () => {});
        // The HTTP parser has not seen this socket's bytes; answering before it does is harmless.
        socket.end(rawRefusal(refusal));
        socket.destroySoon();
        return;
      }
      const connection = new ClientConnection(socket);
      this.#connections.add(connection);
      this.#bySocket.set(socket, connection);
      const deadline = setTimeout(() => connection.cut("connection_timeout"), limits.connectionTimeoutMs);
      deadline.unref();
      socket.on("error", () => {});
      socket.once("close", () => {
        clearTimeout(deadline);
        this.#connections.delete(connection);
        this.#proxy.releaseSlot();
      });
    });
    this.#server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
      const code = error.code ?? "";
      if (code === "ECONNRESET" || !socket.writable) return void socket.destroy();
      const refusal =
        code === "HPE_HEADER_OVERFLOW"
          ? egressRefusal(
              431,
              "headers_too_large",
              `the request head is larger than ${limits.maxHeaderBytes} bytes or has more than ${limits.maxHeaders} fields`,
            )
          : code === "ERR_HTTP_REQUEST_TIMEOUT"
            ? egressRefusal(
                408,
                "headers_timeout",
                `the request head did not arrive within ${limits.headersTimeoutMs} ms`,
              )
            : egressRefusal(400, "bad_request", `the request is not HTTP/1.1 (${code || error.message})`);
      this.#report("", "", 0, refusal);
      socket.end(rawRefusal(refusal));
      (socket as Socket).destroySoon();
    });
    this.#server.on("request", (req: IncomingMessage, res) => {
      void this.#forward(req, res);
    });
    this.#server.on("connect", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      void this.#tunnel(req, socket as Socket, head);
    });
  }

  #report(method: string, host: string, port: number, refusal: EgressRefusal): void {
    this.#proxy.report({
      kernelId: this.kernelId,
      workspaceId: this.workspaceId,
      outcome: "refused",
      method,
      host,
      port,
      reason: refusal.reason,
      message: refusal.message,
      bytesOut: 0,
      bytesIn: 0,
      durationMs: 0,
    });
  }

  /** Counts bytes against the connection's and the kernel's caps; false (and the connection cut) past either. */
  #count(connection: ClientConnection, bytes: number): boolean {
    connection.bytes += bytes;
    this.bytesUsed += bytes;
    const limits = this.#proxy.limits;
    if (this.bytesUsed > limits.bytesPerKernel) {
      for (const other of this.#connections) other.cut("kernel_byte_cap");
      return false;
    }
    if (connection.bytes > limits.bytesPerConnection) {
      connection.cut("byte_cap");
      return false;
    }
    return true;
  }

  #preflight(connection: ClientConnection): EgressRefusal | null {
    if (this.bytesUsed >= this.#proxy.limits.bytesPerKernel)
      return egressRefusal(429, "kernel_byte_cap", `this kernel used its ${this.#proxy.limits.bytesPerKernel} bytes`);
    if (connection.attached.size > 0) return egressRefusal(400, "bad_request", "one exchange at a time");
    return null;
  }

  /** Resolves, checks every answer, and connects to a checked address, all within the connect timeout. */
  async #open(host: string, port: number): Promise<{ socket: Socket; address: string } | EgressRefusal> {
    const limits = this.#proxy.limits;
    const signal = AbortSignal.timeout(limits.connectTimeoutMs);
    const checked = await this.#proxy.rule.resolve({ host, port }, signal);
    if (!checked.ok) return checked;
    let last: EgressRefusal = egressRefusal(502, "upstream_error", `no address of ${host} answered`);
    for (const address of checked.addresses) {
      if (signal.aborted)
        return egressRefusal(504, "connect_timeout", `no connection within ${limits.connectTimeoutMs} ms`);
      const socket = await new Promise<Socket | EgressRefusal>((resolve) => {
        // A literal address: net.connect does no lookup of its own, so the checked address is the one reached.
        const socket = connect({ host: address, port, noDelay: true });
        const fail = (refusal: EgressRefusal) => {
          signal.removeEventListener("abort", onAbort);
          socket.destroy();
          resolve(refusal);
        };
        const onAbort = () =>
          fail(egressRefusal(504, "connect_timeout", `no connection within ${limits.connectTimeoutMs} ms`));
        signal.addEventListener("abort", onAbort, { once: true });
        socket.once("error", (error: NodeJS.ErrnoException) =>
          fail(egressRefusal(502, "upstream_error", `${address}:${port} refused the connection (${error.code})`)),
        );
        socket.once("connect", () => {
          signal.removeEventListener("abort", onAbort);
          // Whoever takes the socket adds its own handlers; until then an error only ends it, never the server.
          socket.on("error", () => socket.destroy());
          resolve(socket);
        });
      });
      if (!("ok" in socket)) {
        // The socket's own view of its peer, checked again: nothing between check and connect changed the target.
        const refusal = this.#proxy.rule.addressRefusal(socket.remoteAddress ?? "", socket.remotePort ?? 0);
        if (refusal) {
          socket.destroy();
          return refusal;
        }
        return { socket, address };
      }
      last = socket;
    }
    return last;
  }

  #finish(method: string, host: string, port: number, address: string, started: number, counts: Counts, end: string) {
    this.#proxy.report({
      kernelId: this.kernelId,
      workspaceId: this.workspaceId,
      outcome: "allowed",
      method,
      host,
      port,
      address,
      reason: end,
      bytesOut: counts.out,
      bytesIn: counts.in,
      durationMs: Date.now() - started,
    });
  }

  async #tunnel(req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    const connection = this.#bySocket.get(socket);
    // A connection refused at accept (over a cap) was answered already; whatever it sends is not read.
    if (!connection) return void socket.destroy();
    const target = parseConnectTarget(req.url ?? "");
    const early = this.#preflight(connection) ?? (target.ok ? null : target);
    if (early || !target.ok) {
      const refusal = early ?? egressRefusal(400, "bad_target", "CONNECT needs host:port");
      this.#report("CONNECT", target.ok ? target.host : "", target.ok ? target.port : 0, refusal);
      socket.end(rawRefusal(refusal));
      return;
    }
    const started = Date.now();
    socket.pause();
    const opened = await this.#open(target.host, target.port);
    if ("ok" in opened) {
      this.#report("CONNECT", target.host, target.port, opened);
      if (!socket.destroyed) socket.end(rawRefusal(opened));
      return;
    }
    const upstream = opened.socket;
    if (socket.destroyed) {
      upstream.destroy();
      return;
    }
    const counts: Counts = { in: 0, out: 0 };
    connection.attached.add(upstream);
    upstream.on("error", () => connection.cut("upstream_error"));
    socket.on("error", () => connection.cut("kernel_error"));
    for (const side of [socket, upstream]) {
      side.setTimeout(this.#proxy.limits.idleTimeoutMs, () => connection.cut("idle_timeout"));
    }
    let reported = false;
    const done = () => {
      if (reported) return;
      reported = true;
      connection.attached.delete(upstream);
      upstream.destroy();
      socket.destroy();
      this.#finish(
        "CONNECT",
        target.host,
        target.port,
        opened.address,
        started,
        counts,
        connection.endReason ?? "closed",
      );
    };
    upstream.once("close", done);
    socket.once("close", done);
    socket.on("data", (chunk: Buffer) => {
      counts.out += chunk.length;
      this.#count(connection, chunk.length);
    });
    upstream.on("data", (chunk: Buffer) => {
      counts.in += chunk.length;
      this.#count(connection, chunk.length);
    });
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) {
      counts.out += head.length;
      if (!this.#count(connection, head.length)) return;
      upstream.write(head);
    }
    // pipe() pauses the faster side while the slower one drains: neither direction buffers without bound.
    socket.pipe(upstream);
    upstream.pipe(socket);
    socket.resume();
  }

  async #forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const connection = this.#bySocket.get(req.socket);
    if (!connection) return void req.socket.destroy();
    const target = parseProxyUrl(req.url ?? "");
    const method = req.method ?? "";
    const refuse = (refusal: EgressRefusal, host: string, port: number) => {
      this.#report(method, host, port, refusal);
      req.resume();
      if (res.headersSent) return void res.destroy();
      res.shouldKeepAlive = false;
      res
        .writeHead(refusal.status, { "content-type": "application/json", [REFUSAL_HEADER]: refusal.reason })
        .end(refusalBody(refusal));
    };
    const limits = this.#proxy.limits;
    const early = this.#preflight(connection);
    if (early) return refuse(early, "", 0);
    if (!target.ok) return refuse(target, "", 0);
    const started = Date.now();
    req.pause();
    const opened = await this.#open(target.host, target.port);
    if ("ok" in opened) return refuse(opened, target.host, target.port);
    const upstream = opened.socket;
    if (req.socket.destroyed) return void upstream.destroy();
    const counts: Counts = { in: 0, out: 0 };
    connection.attached.add(upstream);
    upstream.setTimeout(limits.idleTimeoutMs, () => connection.cut("idle_timeout"));
    upstream.on("data", (chunk: Buffer) => {
      counts.in += chunk.length;
      this.#count(connection, chunk.length);
    });
    req.on("data", (chunk: Buffer) => {
      counts.out += chunk.length;
      this.#count(connection, chunk.length);
    });
    const headers = endToEndHeaders(req.rawHeaders);
    // One upstream connection per request, closed after it: nothing is reused across requests or hosts.
    headers.push(["Host", target.hostHeader], ["Connection", "close"]);
    const outgoing = httpRequest({
      createConnection: () => upstream,
      method,
      path: target.path,
      headers: headers.flat(),
      setHost: false,
      maxHeaderSize: limits.maxHeaderBytes * 4,
    });
    let reported = false;
    const done = (end: string) => {
      if (reported) return;
      reported = true;
      connection.attached.delete(upstream);
      upstream.destroy();
      this.#finish(method, target.host, target.port, opened.address, started, counts, connection.endReason ?? end);
    };
    outgoing.on("error", () => {
      if (!res.headersSent)
        refuse(egressRefusal(502, "upstream_error", "the server's answer is not HTTP"), target.host, target.port);
      else res.destroy();
      done("upstream_error");
    });
    outgoing.on("response", (answer) => {
      const kept = endToEndHeaders(answer.rawHeaders);
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, kept.flat());
      answer.pipe(res);
      answer.on("error", () => res.destroy());
    });
    res.once("close", () => done(res.writableFinished ? "closed" : "kernel_closed"));
    req.pipe(outgoing);
    req.resume();
  }
}

interface Counts {
  in: number;
  out: number;
}

export class EgressProxy {
  readonly limits: EgressLimits;
  readonly rule: EgressRule;
  readonly #onEvent: (event: EgressEvent) => void;
  readonly #kernels = new Set<KernelEgress>();
  #slots = 0;

  constructor(options: EgressProxyOptions) {
    this.limits = { ...DEFAULT_EGRESS_LIMITS, ...options.limits };
    this.rule = new EgressRule({
      ports: this.limits.ports,
      studioOrigins: options.studioOrigins,
      ...(options.studioListeners ? { studioListeners: options.studioListeners } : {}),
      ...(options.allowLoopback ? { allowLoopback: options.allowLoopback } : {}),
      ...(options.lookup ? { lookup: options.lookup } : {}),
    });
    this.#onEvent = options.onEvent ?? (() => {});
  }

  /** Starts listening for one kernel on its own Unix socket. */
  async openKernel(options: KernelEgressOptions): Promise<KernelEgress> {
    const limits = this.limits;
    const server = createServer({
      maxHeaderSize: limits.maxHeaderBytes,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: Math.max(limits.connectionTimeoutMs, limits.headersTimeoutMs),
      // How often Node looks for heads that are late; the default (30 s) would let slowloris outlive the deadline.
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
      keepAliveTimeout: Math.min(5_000, limits.idleTimeoutMs),
      requireHostHeader: false,
    });
    // Past this count the parser fails the head (HPE_HEADER_OVERFLOW), as it does past maxHeaderSize.
    server.maxHeadersCount = limits.maxHeaders;
    const kernel = new KernelEgress(this, options, server);
    kernel.attach();
    await removeStaleSocket(options.socketPath);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.socketPath, () => {
        server.off("error", reject);
        resolve();
      });
    });
    await chmod(options.socketPath, options.socketMode ?? defaultSocketMode());
    this.#kernels.add(kernel);
    return kernel;
  }

  /** Stops every kernel's listener and cuts every connection. */
  async close(): Promise<void> {
    await Promise.all([...this.#kernels].map((kernel) => kernel.close()));
  }

  forget(kernel: KernelEgress): void {
    this.#kernels.delete(kernel);
  }

  takeSlot(): boolean {
    if (this.#slots >= this.limits.connectionsTotal) return false;
    this.#slots++;
    return true;
  }

  releaseSlot(): void {
    this.#slots--;
  }

  report(event: EgressEvent): void {
    try {
      this.#onEvent(event);
    } catch {
      // An audit sink that throws must not take a kernel's connection (or the server) down with it.
    }
  }
}

/**
 * Connecting to a Unix socket needs write permission on it. A server that is not root runs its kernels as its own
 * uid, so 0600 suffices. A root server runs each kernel under a uid of its own (sandbox-uids.ts), which must be able
 * to connect: 0666. Other local users could connect too if they could reach the socket, but its folder is private to
 * one kernel (searchable, not listable, with a name they cannot guess) and every connection is held to the same
 * rules as the kernel's; the socket only leads to the proxy, never past its address checks.
 */
function defaultSocketMode(): number {
  return process.getuid?.() === 0 ? 0o666 : 0o600;
}

/** A socket file left by a previous run is removed; anything else at the path is an error, never deleted. */
async function removeStaleSocket(path: string): Promise<void> {
  const existing = await lstat(path).catch(() => null);
  if (!existing) return;
  if (!existing.isSocket()) throw new Error(`${path} exists and is not a socket`);
  await unlink(path);
}
