// The studio page's kernel session: one per page and workspace. It starts and lists the workspace's kernels over
// REST, keeps the page's one kernel socket (src/contract/kernel-socket.ts) open, and gives the notebook editor a
// small typed API to run cells, interrupt, restart, complete, inspect, follow a kernel's status and speak to the
// comms of its cells. Outputs go into an OutputModel (output-model.ts) that the editor draws from. It is data only:
// nothing here evaluates code or builds markup; outputs are drawn later by the notebook renderer.
//
// A lost connection shows as "disconnected" and is opened again with a capped backoff, greeted again with the
// session's CSRF token, and the kernels it watched are watched again. Nothing is sent twice:
// - a request that was sent and not answered when the connection dropped is never sent again: a run becomes
//   "connection_lost" (the cell may still be running in its kernel, whose later outputs this page will not see),
//   and other requests fail with `connection_lost`;
// - a run asked for while disconnected waits (at most MAX_WAITING_RUNS of them) and is sent once, after the next
//   greeting; interrupt, restart, complete, inspect and comm messages fail at once with `disconnected`, since
//   they are about the present (an interrupt sent later could stop a later cell).
import type { KernelInfo, KernelList, KernelSpecList, StartKernelBody } from "../contract/api-kernels.ts";
import { workspaceApiHref } from "../contract/addresses.ts";
import {
  KERNEL_SOCKET_CLOSE,
  KERNEL_SOCKET_PATH,
  type ClientMessage,
  type CompletionType,
  type KernelStateName,
  type RunFinding,
  type ServerMessage,
} from "../contract/kernel-socket.ts";
import type { JsonObject, MimeBundle, Output } from "../notebook/types.ts";
import { apiRequest, currentSession } from "./api-client.ts";
import { OutputModel } from "./output-model.ts";

/** Runs that may wait for a connection at once; past it, a run fails with `too_many_waiting`. */
export const MAX_WAITING_RUNS = 1000;
/** Requests that may await their answer at once; past it, a request fails with `too_many_requests`. */
export const MAX_PENDING_REQUESTS = 4000;
/** Reconnection delays: the first, and the cap they double up to. */
export const DEFAULT_BACKOFF = Object.freeze({ initialMs: 250, maxMs: 15_000 });

/** The socket's state as the page shows it. */
export type ConnectionState = "connecting" | "connected" | "disconnected" | "signed_out" | "closed";

/** A kernel's state as the page shows it: the server's, or "disconnected" while the page's socket is down. */
export interface KernelStatus {
  state: KernelStateName | "disconnected";
  reason?: string;
}

/** A refusal of a request, by the server (its code) or by the session. */
export class KernelSessionError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "KernelSessionError";
    this.code = code;
  }
}

/** What the session needs of REST: the page's API client, or a test's. */
export interface KernelHttp {
  request<T>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<T>;
  /** The session's CSRF token now, or null when signed out. */
  csrfToken(): Promise<string | null>;
}

const pageHttp: KernelHttp = {
  request: (method, path, body) => apiRequest(method, path, body),
  csrfToken: async () => (await currentSession())?.csrfToken ?? null,
};

/**
 * A random prefix for the page's request ids. getRandomValues rather than randomUUID, which browsers offer only to
 * secure contexts, and a studio may be served over plain HTTP on a private network.
 */
function pagePrefix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `p${Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

function pageSocket(path: string): WebSocket {
  const url = new URL(path, location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return new WebSocket(url);
}

export interface KernelSessionOptions {
  workspace: string;
  /** Opens the kernel socket at a path of the app origin; by default, on the page's own origin. */
  socketFactory?: (path: string) => WebSocket;
  /** REST calls and the CSRF token; by default the page's API client (api-client.ts). */
  http?: KernelHttp;
  /** The outputs model to fill; by default a new one. */
  outputs?: OutputModel;
  backoff?: { initialMs: number; maxMs: number };
}

export interface RunOptions {
  /** Ids of the file's high-severity findings the person confirmed (after a review_required). */
  confirmFindings?: string[];
  /** An error in this cell aborts the runs queued after it in the kernel (Jupyter's `stop_on_error`). */
  stopOnError?: boolean;
}

/** What a run goes through. Terminal: done, review_required, connection_lost, failed. */
export type RunState =
  "waiting" | "sent" | "queued" | "running" | "done" | "review_required" | "connection_lost" | "failed";

export type RunEvent =
  | { type: "queued" }
  | { type: "execute_input"; executionCount: number }
  | { type: "output"; output: Output; displayId?: string }
  | { type: "clear_output"; wait: boolean }
  | { type: "update_display"; displayId: string; output: Output }
  | {
      type: "done";
      status: "ok" | "error" | "aborted" | "dead";
      executionCount: number | null;
      truncated: boolean;
    }
  | { type: "review_required"; findings: RunFinding[] }
  /** The connection dropped after the run was sent: the cell may still be running. */
  | { type: "connection_lost" }
  | { type: "error"; error: string; message: string };

type RunListener = (event: RunEvent, run: CellRun) => void;

const TERMINAL: ReadonlySet<RunState> = new Set(["done", "review_required", "connection_lost", "failed"]);

/** One request to run a cell, as the editor follows it. */
export class CellRun {
  readonly requestId: string;
  readonly kernelId: string;
  readonly path: string;
  readonly cellId: string;
  state: RunState = "waiting";
  executionCount: number | null = null;
  status: "ok" | "error" | "aborted" | "dead" | null = null;
  truncated = false;
  findings: RunFinding[] = [];
  error: { code: string; message: string } | null = null;
  readonly finished: Promise<CellRun>;
  readonly #listeners = new Set<RunListener>();
  #finish!: (run: CellRun) => void;

  constructor(requestId: string, kernelId: string, path: string, cellId: string) {
    this.requestId = requestId;
    this.kernelId = kernelId;
    this.path = path;
    this.cellId = cellId;
    this.finished = new Promise((resolve) => (this.#finish = resolve));
  }

  get isFinished(): boolean {
    return TERMINAL.has(this.state);
  }

  /** Calls the listener with each event from now on; returns how to stop. Read `state` for what came before. */
  on(listener: RunListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** @internal The session's: applies one event. */
  apply(event: RunEvent): void {
    if (this.isFinished) return;
    switch (event.type) {
      case "queued":
        this.state = "queued";
        break;
      case "execute_input":
        this.state = "running";
        this.executionCount = event.executionCount;
        break;
      case "done":
        this.state = "done";
        this.status = event.status;
        this.executionCount = event.executionCount;
        this.truncated = event.truncated;
        break;
      case "review_required":
        this.state = "review_required";
        this.findings = event.findings;
        break;
      case "connection_lost":
        this.state = "connection_lost";
        break;
      case "error":
        this.error = { code: event.error, message: event.message };
        // Refused before it was queued (unknown kernel, wrong file...): no done will follow.
        if (this.state === "waiting" || this.state === "sent") this.state = "failed";
        break;
      default:
        break;
    }
    for (const listener of this.#listeners) listener(event, this);
    if (this.isFinished) {
      this.#listeners.clear();
      this.#finish(this);
    }
  }
}

interface Pending {
  kind: "run" | "interrupt" | "restart" | "decline" | "complete" | "inspect" | "comm";
  run?: CellRun;
  resolve?: (message: ServerMessage) => void;
  reject?: (error: KernelSessionError) => void;
}

export interface Completion {
  matches: string[];
  cursorStart: number;
  cursorEnd: number;
  /** The kernel's kind (and signature) of each match, when it says (IPython's `_jupyter_types_experimental`). */
  types?: CompletionType[];
}

export interface Inspection {
  found: boolean;
  data: Record<string, unknown>;
}

export type CommEvent = Extract<ServerMessage, { type: "comm_open" | "comm_msg" | "comm_close" }>;

export class KernelSession {
  readonly workspace: string;
  readonly outputs: OutputModel;
  #state: ConnectionState = "connecting";
  readonly #http: KernelHttp;
  readonly #openSocket: (path: string) => WebSocket;
  readonly #backoff: { initialMs: number; maxMs: number };
  #socket: WebSocket | null = null;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** Request ids are this prefix and a counter: unique per page, and across the page's reconnections. */
  readonly #prefix = pagePrefix();
  #counter = 0;
  /** Sent and not yet answered, by request id. */
  readonly #pending = new Map<string, Pending>();
  /** Runs asked for while disconnected, in order, each sent once after the next greeting. */
  readonly #waiting: { message: ClientMessage; run: CellRun }[] = [];
  /** The latest run of each cell: only its outputs go into the model. */
  readonly #latest = new Map<string, CellRun>();
  readonly #watched = new Map<string, Set<(status: KernelStatus) => void>>();
  readonly #statuses = new Map<string, KernelStatus>();
  readonly #stateListeners = new Set<(state: ConnectionState) => void>();
  readonly #commListeners = new Map<string, Set<(event: CommEvent) => void>>();
  readonly #errorListeners = new Set<(error: KernelSessionError, requestId?: string) => void>();

  constructor(options: KernelSessionOptions) {
    this.workspace = options.workspace;
    this.outputs = options.outputs ?? new OutputModel();
    this.#http = options.http ?? pageHttp;
    this.#openSocket = options.socketFactory ?? pageSocket;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    void this.#connect();
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Calls the listener at every change of the connection's state; returns how to stop. */
  onState(listener: (state: ConnectionState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /** Errors that belong to no run or request the page awaits (a comm message refused, a server fault). */
  onError(listener: (error: KernelSessionError, requestId?: string) => void): () => void {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  // REST

  kernelspecs(): Promise<KernelSpecList> {
    return this.#http.request<KernelSpecList>("GET", "/api/kernelspecs");
  }

  async kernels(): Promise<KernelInfo[]> {
    return (await this.#http.request<KernelList>("GET", `${workspaceApiHref(this.workspace)}/kernels`)).kernels;
  }

  startKernel(path: string, kernelspec?: string): Promise<KernelInfo> {
    const body: StartKernelBody = kernelspec === undefined ? { path } : { path, kernelspec };
    return this.#http.request<KernelInfo>("POST", `${workspaceApiHref(this.workspace)}/kernels`, body);
  }

  shutdownKernel(kernelId: string): Promise<void> {
    return this.#http.request<void>(
      "DELETE",
      `${workspaceApiHref(this.workspace)}/kernels/${encodeURIComponent(kernelId)}`,
    );
  }

  // The socket

  /** Runs a cell's source in the kernel started for path. Outputs of the cell's latest run fill `outputs`. */
  runCell(kernelId: string, path: string, cellId: string, source: string, options: RunOptions = {}): CellRun {
    const id = this.#nextId();
    const run = new CellRun(id, kernelId, path, cellId);
    const message: ClientMessage = {
      type: "execute",
      id,
      kernel: kernelId,
      path,
      cellId,
      source,
      ...(options.confirmFindings ? { confirmFindings: options.confirmFindings } : {}),
      ...(options.stopOnError ? { stopOnError: true } : {}),
    };
    const refusal = this.#refusal(true);
    if (refusal) {
      // Delivered after the caller had the chance to listen.
      queueMicrotask(() => run.apply({ type: "error", error: refusal.code, message: refusal.message }));
      return run;
    }
    this.#latest.set(cellId, run);
    if (this.#state === "connected") this.#send(message, { kind: "run", run });
    else this.#waiting.push({ message, run });
    return run;
  }

  async interrupt(kernelId: string): Promise<void> {
    await this.#request({ type: "interrupt", id: this.#nextId(), kernel: kernelId }, "interrupt");
  }

  async restart(kernelId: string): Promise<void> {
    await this.#request({ type: "restart", id: this.#nextId(), kernel: kernelId }, "restart");
  }

  /** Tells the server the person chose not to run the file after seeing its review findings (it is recorded). */
  async declineRun(kernelId: string, path: string, findingIds: string[]): Promise<void> {
    await this.#request(
      { type: "decline_run", id: this.#nextId(), kernel: kernelId, path, findings: findingIds },
      "decline",
    );
  }

  async complete(kernelId: string, source: string, cursor: number): Promise<Completion> {
    const reply = await this.#request(
      { type: "complete", id: this.#nextId(), kernel: kernelId, source, cursor },
      "complete",
    );
    if (reply.type !== "complete_reply") throw new KernelSessionError("unexpected_answer", "not a completion");
    return {
      matches: reply.matches,
      cursorStart: reply.cursorStart,
      cursorEnd: reply.cursorEnd,
      ...(reply.types ? { types: reply.types } : {}),
    };
  }

  async inspect(kernelId: string, source: string, cursor: number, detail: 0 | 1 = 0): Promise<Inspection> {
    const reply = await this.#request(
      { type: "inspect", id: this.#nextId(), kernel: kernelId, source, cursor, detail },
      "inspect",
    );
    if (reply.type !== "inspect_reply") throw new KernelSessionError("unexpected_answer", "not an inspection");
    return { found: reply.found, data: reply.data };
  }

  /**
   * Follows a kernel's status: the listener hears it now (once the server answers) and at every change, and
   * "disconnected" while the socket is down. Watched again after each reconnection. Returns how to stop.
   */
  watch(kernelId: string, listener: (status: KernelStatus) => void): () => void {
    let listeners = this.#watched.get(kernelId);
    if (!listeners) {
      this.#watched.set(kernelId, (listeners = new Set()));
      if (this.#state === "connected") this.#send({ type: "watch", id: this.#nextId(), kernel: kernelId });
    }
    listeners.add(listener);
    const known = this.#statuses.get(kernelId);
    if (known) queueMicrotask(() => listener(known));
    return () => {
      listeners.delete(listener);
      // The server keeps sending the status of a kernel this socket touched; the page just stops listening.
      if (listeners.size === 0) this.#watched.delete(kernelId);
    };
  }

  /** The kernel's last known status, if any. */
  kernelStatus(kernelId: string): KernelStatus | undefined {
    return this.#statuses.get(kernelId);
  }

  /** Hears comm_open, comm_msg and comm_close of the kernel's comms opened for cells this page ran. */
  onComm(kernelId: string, listener: (event: CommEvent) => void): () => void {
    let listeners = this.#commListeners.get(kernelId);
    if (!listeners) this.#commListeners.set(kernelId, (listeners = new Set()));
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** Sends a comm message; the server does not answer one, and a refusal reaches onError with its request id. */
  commMessage(kernelId: string, commId: string, data: Record<string, unknown>): string {
    return this.#comm({ type: "comm_msg", id: this.#nextId(), kernel: kernelId, commId, data });
  }

  commClose(kernelId: string, commId: string, data: Record<string, unknown> = {}): string {
    return this.#comm({ type: "comm_close", id: this.#nextId(), kernel: kernelId, commId, data });
  }

  /** Ends the session: the socket closes and is not opened again; what waits or awaits an answer fails. */
  close(): void {
    if (this.#state === "closed") return;
    this.#setState("closed");
    this.#stopTimer();
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(1000, "the page closed its kernel session");
    this.#failAll("session_closed", "the kernel session was closed");
  }

  // Inside

  #nextId(): string {
    this.#counter += 1;
    return `${this.#prefix}:${this.#counter}`;
  }

  /** Why a request cannot be taken now, if it cannot. */
  #refusal(isRun: boolean): KernelSessionError | null {
    if (this.#state === "closed") return new KernelSessionError("session_closed", "the kernel session was closed");
    if (this.#state === "signed_out") return new KernelSessionError("signed_out", "sign in again to run cells");
    if (this.#pending.size + this.#waiting.length >= MAX_PENDING_REQUESTS)
      return new KernelSessionError("too_many_requests", "too many requests await their answer");
    if (this.#state === "connected") return null;
    if (!isRun) return new KernelSessionError("disconnected", "the studio is not connected; try again when it is");
    if (this.#waiting.length >= MAX_WAITING_RUNS)
      return new KernelSessionError("too_many_waiting", "too many runs wait for the connection");
    return null;
  }

  #request(message: ClientMessage, kind: Pending["kind"]): Promise<ServerMessage> {
    const refusal = this.#refusal(false);
    if (refusal) return Promise.reject(refusal);
    return new Promise((resolve, reject) => this.#send(message, { kind, resolve, reject }));
  }

  #comm(message: ClientMessage): string {
    const refusal = this.#refusal(false);
    if (refusal) throw refusal;
    this.#send(message);
    return message.id;
  }

  #send(message: ClientMessage, pending?: Pending): void {
    const socket = this.#socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      // The socket closed between the state's change and this call: the close handler fails what is pending.
      const error = new KernelSessionError("disconnected", "the studio is not connected");
      if (pending?.run) pending.run.apply({ type: "error", error: error.code, message: error.message });
      pending?.reject?.(error);
      return;
    }
    if (pending) this.#pending.set(message.id, pending);
    if (pending?.run) pending.run.state = "sent";
    socket.send(JSON.stringify(message));
  }

  async #connect(): Promise<void> {
    if (this.#state === "closed" || this.#state === "signed_out") return;
    this.#setState("connecting");
    let csrf: string | null;
    try {
      csrf = await this.#http.csrfToken();
    } catch {
      return this.#dropped();
    }
    // The session may have been closed while the token was fetched.
    if (this.#ended()) return;
    if (csrf === null) return this.#signedOut();
    let socket: WebSocket;
    try {
      socket = this.#openSocket(`${KERNEL_SOCKET_PATH}?ws=${encodeURIComponent(this.workspace)}`);
    } catch {
      return this.#dropped();
    }
    this.#socket = socket;
    socket.addEventListener("open", () => socket.send(JSON.stringify({ type: "hello", csrf })));
    socket.addEventListener("message", (event) => {
      if (this.#socket !== socket || typeof event.data !== "string") return;
      let message: ServerMessage;
      try {
        message = JSON.parse(event.data) as ServerMessage;
      } catch {
        return;
      }
      if (typeof message === "object" && message !== null && typeof message.type === "string") this.#receive(message);
    });
    socket.addEventListener("close", (event) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      if (event.code === KERNEL_SOCKET_CLOSE.signedOut) return this.#signedOut();
      this.#dropped();
    });
  }

  #receive(message: ServerMessage): void {
    switch (message.type) {
      case "ready":
        return this.#greeted();
      case "status": {
        const status: KernelStatus = { state: message.state, ...(message.reason ? { reason: message.reason } : {}) };
        this.#statuses.set(message.kernel, status);
        for (const listener of this.#watched.get(message.kernel) ?? []) listener(status);
        return;
      }
      case "queued":
      case "execute_input":
      case "output":
      case "clear_output":
      case "update_display":
      case "done":
      case "review_required":
        return this.#runEvent(message);
      case "complete_reply":
      case "inspect_reply":
      case "interrupted":
      case "restarted":
      case "declined": {
        const pending = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        pending?.resolve?.(message);
        return;
      }
      case "comm_open":
      case "comm_msg":
      case "comm_close":
        for (const listener of this.#commListeners.get(message.kernel) ?? []) listener(message);
        return;
      case "error": {
        const error = new KernelSessionError(message.error, message.message);
        const pending = message.id === undefined ? undefined : this.#pending.get(message.id);
        if (pending?.run) {
          pending.run.apply({ type: "error", error: message.error, message: message.message });
          if (pending.run.isFinished) this.#pending.delete(message.id!);
        } else if (pending) {
          this.#pending.delete(message.id!);
          if (pending.reject) pending.reject(error);
          else for (const listener of this.#errorListeners) listener(error, message.id);
        } else for (const listener of this.#errorListeners) listener(error, message.id);
        return;
      }
      default:
        return;
    }
  }

  #runEvent(
    message: Extract<
      ServerMessage,
      { type: "queued" | "execute_input" | "output" | "clear_output" | "update_display" | "done" | "review_required" }
    >,
  ): void {
    // A display's update reaches every cell showing it, whichever run sent it.
    if (message.type === "update_display") {
      const output = message.output as unknown as Output;
      if (output.output_type === "display_data" || output.output_type === "execute_result")
        this.outputs.updateDisplay(message.displayId, output.data as MimeBundle, output.metadata as JsonObject);
    }
    const run = this.#pending.get(message.id)?.run;
    if (!run) return;
    const current = this.#latest.get(run.cellId) === run;
    let event: RunEvent;
    switch (message.type) {
      case "queued":
        if (current) this.outputs.startRun(run.cellId);
        event = { type: "queued" };
        break;
      case "execute_input":
        event = { type: "execute_input", executionCount: message.executionCount };
        break;
      case "output": {
        // The server names the display an output is shown with, when it has one.
        const displayId = (message as { displayId?: unknown }).displayId;
        const output = message.output as unknown as Output;
        const named = typeof displayId === "string" ? displayId : undefined;
        if (current) this.outputs.add(run.cellId, output, named);
        event = { type: "output", output, ...(named === undefined ? {} : { displayId: named }) };
        break;
      }
      case "clear_output":
        if (current) this.outputs.clear(run.cellId, message.wait);
        event = { type: "clear_output", wait: message.wait };
        break;
      case "update_display":
        event = { type: "update_display", displayId: message.displayId, output: message.output as unknown as Output };
        break;
      case "done":
        event = {
          type: "done",
          status: message.status,
          executionCount: message.executionCount,
          truncated: message.truncated,
        };
        break;
      case "review_required":
        event = { type: "review_required", findings: message.findings };
        break;
    }
    run.apply(event);
    if (run.isFinished) {
      this.#pending.delete(run.requestId);
      if (this.#latest.get(run.cellId) === run) this.#latest.delete(run.cellId);
    }
  }

  #greeted(): void {
    this.#attempt = 0;
    this.#setState("connected");
    for (const kernel of this.#watched.keys()) this.#send({ type: "watch", id: this.#nextId(), kernel });
    for (const { message, run } of this.#waiting.splice(0)) this.#send(message, { kind: "run", run });
  }

  #dropped(): void {
    if (this.#state === "closed" || this.#state === "signed_out") return;
    this.#setState("disconnected");
    this.#failSent("connection_lost", "the connection to the studio was lost");
    for (const [kernel, listeners] of this.#watched) {
      const status: KernelStatus = { state: "disconnected" };
      this.#statuses.set(kernel, status);
      for (const listener of listeners) listener(status);
    }
    this.#stopTimer();
    const delay = Math.min(this.#backoff.maxMs, this.#backoff.initialMs * 2 ** this.#attempt);
    this.#attempt = Math.min(this.#attempt + 1, 30);
    // Up to a quarter more, so that the pages of a restarted studio do not all come back at once.
    this.#timer = setTimeout(() => void this.#connect(), delay * (1 + Math.random() / 4));
  }

  #signedOut(): void {
    this.#socket?.close(1000);
    this.#socket = null;
    this.#stopTimer();
    this.#setState("signed_out");
    this.#failAll("signed_out", "the session ended; sign in again to run cells");
  }

  /** Fails what was sent and not answered; a run among them may still be running, so it is not sent again. */
  #failSent(code: string, message: string): void {
    const error = new KernelSessionError(code, message);
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const entry of pending) {
      if (entry.run) {
        entry.run.apply({ type: "connection_lost" });
        if (this.#latest.get(entry.run.cellId) === entry.run) this.#latest.delete(entry.run.cellId);
      } else entry.reject?.(error);
    }
  }

  #failAll(code: string, message: string): void {
    this.#failSent(code, message);
    for (const { run } of this.#waiting.splice(0)) run.apply({ type: "error", error: code, message });
  }

  #ended(): boolean {
    return this.#state === "closed" || this.#state === "signed_out";
  }

  #stopTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #setState(state: ConnectionState): void {
    if (this.#state === state) return;
    this.#state = state;
    for (const listener of this.#stateListeners) listener(state);
  }
}
