// A kernel's connection: its key, its connection file, and the five ZeroMQ sockets the server speaks through.
//
// Transport is `ipc://` in a private runtime folder (0700), never TCP: no other user of the machine and no
// network peer can reach a kernel's sockets, and the file system, not a port number, says who may connect.
// The key is fresh per kernel start (32 random bytes, hex) and lives only in the connection file (0600) and in
// the server's memory.

import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, open, rename } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as zmq from "zeromq";
import type { JupyterMessage } from "./wire.ts";
import type { Session } from "./wire.ts";

export type Channel = "shell" | "control" | "stdin" | "iopub";

export interface ConnectionInfo {
  transport: "ipc";
  /** For ipc, the path prefix of the socket files: channel N listens at `${ip}-${N}`. */
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  signature_scheme: "hmac-sha256";
  key: string;
  kernel_name: string;
}

/** 32 random bytes as hex: the HMAC key of one kernel start. */
export function newKernelKey(): string {
  return randomBytes(32).toString("hex");
}

/**
 * A fresh private folder for one kernel's connection file and sockets. It is kept short (under /tmp by default)
 * because a Unix socket path is limited to 107 bytes.
 */
export async function createRuntimeDir(parent: string = tmpdir()): Promise<string> {
  const dir = await mkdtemp(path.join(parent, "vitrine-kernel-"));
  await chmod(dir, 0o700);
  return dir;
}

export function connectionInfo(runtimeDir: string, kernelName: string, key: string): ConnectionInfo {
  return {
    transport: "ipc",
    ip: path.join(runtimeDir, "kernel"),
    shell_port: 1,
    iopub_port: 2,
    stdin_port: 3,
    control_port: 4,
    hb_port: 5,
    signature_scheme: "hmac-sha256",
    key,
    kernel_name: kernelName,
  };
}

export function connectionFilePath(runtimeDir: string): string {
  return path.join(runtimeDir, "kernel.json");
}

/** Writes the connection file 0600 (created with that mode, then renamed over any previous one). */
export async function writeConnectionFile(file: string, info: ConnectionInfo): Promise<void> {
  const temporary = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  const handle = await open(temporary, "wx", 0o600);
  try {
    await handle.writeFile(JSON.stringify(info, null, 1));
    await handle.chmod(0o600);
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
}

export function endpoint(info: ConnectionInfo, port: number): string {
  return `ipc://${info.ip}-${port}`;
}

export interface ChannelOptions {
  /** The largest message accepted on iopub; a larger one makes ZeroMQ drop the connection (it reconnects). */
  maxIopubMessageBytes: number;
  /** Heartbeat: how long one ping may wait for its echo. */
  heartbeatTimeoutMs: number;
  /** Called when the iopub connection drops (an oversized message, or the kernel going away): messages in
   *  flight are lost. */
  onIopubDisconnect?: () => void;
}

/** How often a socket retries to reach a kernel that has not bound yet, in milliseconds. */
const RECONNECT_MS = 10;

/** Messages ZeroMQ may hold for the server on iopub before it stops reading from the kernel. */
const IOPUB_RECEIVE_QUEUE = 32;

/** Bytes a receive loop takes in before it lets the event loop run. */
const YIELD_EVERY_BYTES = 4 * 1024 * 1024;

export type MessageHandler = (channel: Channel, message: JupyterMessage) => void;

/** One writer at a time per socket (zeromq.js refuses concurrent sends): sends are chained. */
class SendQueue {
  #tail: Promise<void> = Promise.resolve();
  readonly socket: zmq.Writable;
  constructor(socket: zmq.Writable) {
    this.socket = socket;
  }
  send(frames: Buffer[]): Promise<void> {
    const next = this.#tail.then(() => this.socket.send(frames));
    this.#tail = next.catch(() => undefined);
    return next;
  }
}

/** The sockets of one kernel start: shell, control, stdin (Dealer), iopub (Subscriber), heartbeat (Request). */
export class KernelChannels {
  readonly session: Session;
  readonly #sockets: { shell: zmq.Dealer; control: zmq.Dealer; stdin: zmq.Dealer };
  readonly #info: ConnectionInfo;
  readonly #options: ChannelOptions;
  readonly #onMessage: MessageHandler;
  #iopub: zmq.Subscriber;
  readonly #queues: Record<"shell" | "control" | "stdin", SendQueue>;
  readonly #heartbeat: zmq.Request;
  #heartbeatQueue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(info: ConnectionInfo, session: Session, onMessage: MessageHandler, options: ChannelOptions) {
    this.session = session;
    const routingId = `vitrine-${session.id}`;
    // linger 0: closing a kernel's sockets never waits on a peer that is gone. The sockets connect before the
    // kernel binds, and retry every reconnectInterval until it does: ZeroMQ's 100 ms default put most of a
    // kernel's start-up in steps of 100 ms.
    this.#sockets = {
      shell: new zmq.Dealer({ linger: 0, routingId, reconnectInterval: RECONNECT_MS }),
      control: new zmq.Dealer({ linger: 0, routingId, reconnectInterval: RECONNECT_MS }),
      stdin: new zmq.Dealer({ linger: 0, routingId, reconnectInterval: RECONNECT_MS }),
    };
    this.#info = info;
    this.#options = options;
    this.#onMessage = onMessage;
    this.#iopub = this.#openIopub();
    this.#heartbeat = new zmq.Request({
      linger: 0,
      relaxed: true,
      correlate: true,
      receiveTimeout: options.heartbeatTimeoutMs,
      sendTimeout: options.heartbeatTimeoutMs,
    });
    this.#sockets.shell.connect(endpoint(info, info.shell_port));
    this.#sockets.control.connect(endpoint(info, info.control_port));
    this.#sockets.stdin.connect(endpoint(info, info.stdin_port));
    this.#heartbeat.connect(endpoint(info, info.hb_port));
    this.#queues = {
      shell: new SendQueue(this.#sockets.shell),
      control: new SendQueue(this.#sockets.control),
      stdin: new SendQueue(this.#sockets.stdin),
    };
    for (const channel of ["shell", "control", "stdin"] as const) {
      void this.#receive(channel, this.#sockets[channel], onMessage);
    }
  }

  /**
   * The iopub subscriber. When its connection drops (ZeroMQ drops it for a message over maxMessageSize), a new
   * subscriber replaces it, so one oversized message costs the messages in flight, not the rest of the session.
   */
  #openIopub(): zmq.Subscriber {
    // A bounded receive queue: when the server reads slower than a kernel publishes, ZeroMQ stops reading the
    // socket and the kernel's own queue overflows (its publisher drops), instead of the server's memory growing.
    const iopub = new zmq.Subscriber({
      linger: 0,
      reconnectInterval: RECONNECT_MS,
      maxMessageSize: this.#options.maxIopubMessageBytes,
      receiveHighWaterMark: IOPUB_RECEIVE_QUEUE,
    });
    iopub.connect(endpoint(this.#info, this.#info.iopub_port));
    iopub.subscribe();
    iopub.events.on("disconnect", () => {
      if (this.#closed || this.#iopub !== iopub) return;
      iopub.close();
      this.#iopub = this.#openIopub();
      this.#options.onIopubDisconnect?.();
    });
    void this.#receive("iopub", iopub, this.#onMessage);
    return iopub;
  }

  async #receive(channel: Channel, socket: zmq.Dealer | zmq.Subscriber, onMessage: MessageHandler): Promise<void> {
    let sinceYield = 0;
    try {
      for await (const frames of socket) {
        const decoded = this.session.decode(frames);
        if (decoded.ok) onMessage(channel, decoded.message);
        // While messages keep coming, zeromq.js answers each receive at once and this loop never gives the
        // event loop a turn: other requests would wait, and the received buffers' memory is released only when
        // their finalizers run on a later turn. So the loop yields after every few megabytes.
        for (const frame of frames) sinceYield += frame.length;
        if (sinceYield >= YIELD_EVERY_BYTES) {
          sinceYield = 0;
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
    } catch (error) {
      if (!this.#closed && !socket.closed) throw error;
    }
  }

  send(channel: "shell" | "control" | "stdin", message: JupyterMessage<unknown>): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("the kernel's channels are closed"));
    return this.#queues[channel].send(this.session.encode(message));
  }

  /** One heartbeat: true when the kernel echoed within the timeout. */
  ping(): Promise<boolean> {
    const attempt = this.#heartbeatQueue.then(async () => {
      if (this.#closed) return false;
      try {
        const payload = Buffer.from(randomBytes(8).toString("hex"));
        await this.#heartbeat.send(payload);
        const [echo] = await this.#heartbeat.receive();
        return echo !== undefined && echo.equals(payload);
      } catch {
        return false;
      }
    });
    this.#heartbeatQueue = attempt;
    return attempt;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const socket of [...Object.values(this.#sockets), this.#iopub, this.#heartbeat]) socket.close();
  }
}
