// The studio as the kernel benchmarks drive it: `vitrine serve` in a process of its own on loopback, a signed-in
// user with a workspace, one notebook uploaded and a kernel started for it over REST; and the kernel socket as the
// studio's page opens it (hello with the CSRF token, then execute messages), one request at a time.
import { spawn, type ChildProcess } from "node:child_process";
import { KERNEL_SOCKET_PATH, type ServerMessage } from "../src/contract/kernel-socket.ts";
import { waitForLine } from "./processes.ts";
import { addUser, createWorkspace, signIn, upload, VITRINE } from "./studio-session.ts";

export const BENCH_USER = "bench";
export const BENCH_PASSWORD = "benchmark password";

/** The notebook a studio gets when none is given: one code cell, `c0`. */
const DEFAULT_NOTEBOOK = {
  path: "bench.ipynb",
  cellId: "c0",
  content: JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    cells: [{ cell_type: "code", id: "c0", metadata: {}, execution_count: null, outputs: [], source: "1 + 1" }],
  }),
};

export interface StudioOptions {
  /** The studio's data directory (made by `vitrine user add`). */
  dataDir: string;
  /** Flags of `vitrine serve` beyond and over the defaults (both origins on 127.0.0.1, ports of the system's choice). */
  flags?: Record<string, string | number>;
  /** The notebook to upload and start the kernel for, and the id of a code cell of it that runs are sent as. */
  notebook?: { path: string; content: string; cellId: string };
}

export interface Studio {
  process: ChildProcess;
  /** The app origin the studio says it serves (the Origin the kernel socket requires). */
  appOrigin: string;
  /** Where the app origin listens. */
  url: string;
  cookie: string;
  csrf: string;
  workspace: string;
  kernel: string;
  /** The uploaded notebook's path and the cell runs are sent as. */
  notebook: string;
  cellId: string;
}

export async function startStudio(options: StudioOptions): Promise<Studio> {
  const notebook = options.notebook ?? DEFAULT_NOTEBOOK;
  addUser(options.dataDir, BENCH_USER, BENCH_PASSWORD);
  const flags: Record<string, string | number> = {
    "data-dir": options.dataDir,
    "app-host": "127.0.0.1",
    "app-port": 0,
    "content-host": "127.0.0.1",
    "content-port": 0,
    "log-level": "silent",
    // Benchmarks reach nothing but loopback: images on other sites are refused, never fetched.
    "remote-images": "block",
    ...options.flags,
  };
  const child = spawn(VITRINE, ["serve", ...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, String(v)])], {
    stdio: ["ignore", "pipe", "inherit"],
    // STUDIO_NODE_OPTIONS reaches the studio only (to profile it: --cpu-prof --cpu-prof-dir=DIR).
    env: { ...process.env, NODE_OPTIONS: process.env.STUDIO_NODE_OPTIONS ?? "" },
  });
  const line = await waitForLine(child, /app origin (\S+) \(listening on (http:\/\/[^)]+)\)/);
  const [appOrigin, url] = [line[1] as string, line[2] as string];
  const session = await signIn(url, BENCH_USER, BENCH_PASSWORD);
  const workspace = await createWorkspace(url, session, "bench");
  await upload(url, session, workspace, [{ path: notebook.path, content: notebook.content }]);
  const started = await fetch(`${url}/api/workspaces/${workspace}/kernels`, {
    method: "POST",
    headers: { ...session.headers, "content-type": "application/json" },
    body: JSON.stringify({ path: notebook.path }),
  });
  if (started.status !== 201) throw new Error(`kernel start failed: ${started.status} ${await started.text()}`);
  const kernel = ((await started.json()) as { id: string }).id;
  return {
    process: child,
    appOrigin,
    url,
    cookie: session.cookie,
    csrf: session.csrf,
    workspace,
    kernel,
    notebook: notebook.path,
    cellId: notebook.cellId,
  };
}

export async function stopStudio(studio: Studio): Promise<void> {
  if (studio.process.exitCode !== null) return;
  const exited = new Promise((resolve) => studio.process.once("exit", resolve));
  studio.process.kill("SIGTERM");
  await exited;
}

export class SocketClosed extends Error {}

/** The kernel socket as the studio's page opens it; one request at a time, its messages handed to a callback. */
export class KernelSocketPage {
  readonly #socket: WebSocket;
  #onMessage: (message: ServerMessage, bytes: number) => void = () => undefined;
  #onClose: (reason: string) => void = () => undefined;
  /** Messages and bytes of JSON received since the page opened. */
  messages = 0;
  bytes = 0;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.addEventListener("message", (event) => {
      const text = String(event.data);
      this.messages++;
      this.bytes += text.length;
      this.#onMessage(JSON.parse(text) as ServerMessage, text.length);
    });
    socket.addEventListener("close", (event) => this.#onClose(`${event.code} ${event.reason}`));
  }

  static async open(studio: Studio): Promise<KernelSocketPage> {
    const socket = new WebSocket(`${studio.url.replace(/^http/, "ws")}${KERNEL_SOCKET_PATH}?ws=${studio.workspace}`, {
      headers: { origin: studio.appOrigin, cookie: studio.cookie },
    } as never);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener("open", () => resolve());
      socket.addEventListener("error", () => reject(new Error("the kernel socket did not open")));
    });
    const page = new KernelSocketPage(socket);
    const ready = page.#next((m) => m.type === "ready");
    socket.send(JSON.stringify({ type: "hello", csrf: studio.csrf }));
    await ready;
    return page;
  }

  #next(match: (m: ServerMessage) => boolean, each?: (m: ServerMessage, bytes: number) => void) {
    return new Promise<ServerMessage>((resolve, reject) => {
      this.#onClose = (reason) => reject(new SocketClosed(reason));
      this.#onMessage = (m, bytes) => {
        each?.(m, bytes);
        if (m.type === "error") reject(new Error(`${m.error}: ${m.message}`));
        if (match(m)) resolve(m);
      };
    });
  }

  /**
   * Runs a cell; answers its done message (undefined when the server closed the socket first, with the reason) and
   * what reached the page: stream text bytes, the result's text, and when (performance.now()) the first output came.
   */
  async run(studio: Studio, id: string, source: string) {
    let streamBytes = 0;
    let streamMessages = 0;
    let largestStream = 0;
    let lossNoted = false;
    let result: unknown;
    let firstOutputAt: number | undefined;
    const done = this.#next(
      (m) => m.type === "done" && m.id === id,
      (m) => {
        if (m.type !== "output") return;
        firstOutputAt ??= performance.now();
        if (m.output.output_type === "stream") {
          const size = Buffer.byteLength(String(m.output.text));
          streamBytes += size;
          streamMessages++;
          largestStream = Math.max(largestStream, size);
        }
        if (JSON.stringify(m.output.data ?? "").includes("Output lost")) lossNoted = true;
        if (m.output.output_type === "execute_result")
          result = (m.output.data as Record<string, unknown>)["text/plain"];
      },
    );
    this.#socket.send(
      JSON.stringify({
        type: "execute",
        id,
        kernel: studio.kernel,
        path: studio.notebook,
        cellId: studio.cellId,
        source,
      }),
    );
    try {
      const message = (await done) as Extract<ServerMessage, { type: "done" }>;
      return { done: message, streamBytes, streamMessages, largestStream, lossNoted, result, firstOutputAt };
    } catch (error) {
      if (!(error instanceof SocketClosed)) throw error;
      return {
        done: undefined,
        closed: error.message,
        streamBytes,
        streamMessages,
        largestStream,
        lossNoted,
        result,
        firstOutputAt,
      };
    }
  }

  close(): void {
    this.#socket.close();
  }
}
