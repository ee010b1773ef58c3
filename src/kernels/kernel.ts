// One Jupyter kernel: its process, its channels, its executions (one at a time, queued), its comms, and how it
// starts, is interrupted, restarts, shuts down and is found dead.

import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { rm } from "node:fs/promises";
import type { JsonObject, Output } from "../notebook/types.ts";
import type { ConnectionInfo } from "./connection.ts";
import {
  connectionFilePath,
  connectionInfo,
  createRuntimeDir,
  KernelChannels,
  newKernelKey,
  writeConnectionFile,
} from "./connection.ts";
import { KernelError } from "./errors.ts";
import type { KernelSpec } from "./kernelspecs.ts";
import type { KernelLauncher, LaunchedKernel } from "./launcher.ts";
import type { OutputEvent, OutputLimits } from "./outputs.ts";
import { DEFAULT_OUTPUT_LIMITS, OutputCollector } from "./outputs.ts";
import type { DropCounts, JupyterMessage } from "./wire.ts";
import { DROP_REASONS, emptyDropCounts, Session } from "./wire.ts";

export type KernelState = "starting" | "idle" | "busy" | "restarting" | "dead";

export interface KernelTimings {
  /** How long start() waits for the sockets and a kernel_info_reply. */
  startTimeoutMs: number;
  /** Time between heartbeats, and how long one may wait for its echo. */
  heartbeatIntervalMs: number;
  /** Consecutive missed heartbeats after which the kernel is dead. */
  heartbeatMisses: number;
  /** How long shutdown waits after shutdown_request, then after SIGTERM, before the next step. */
  shutdownGraceMs: number;
  /** How long complete, inspect and interrupt_request wait for their reply. */
  requestTimeoutMs: number;
  /** After execute_reply, how long iopub may stay quiet before the execution ends without its idle status. */
  iopubQuietMs: number;
  /**
   * After the execution's idle status, how long its execute_reply may lag (they come on two sockets) before the
   * execution ends without one.
   */
  replyAfterIdleMs: number;
}

export const DEFAULT_KERNEL_TIMINGS: KernelTimings = {
  startTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  heartbeatMisses: 3,
  shutdownGraceMs: 2_000,
  requestTimeoutMs: 10_000,
  iopubQuietMs: 2_000,
  replyAfterIdleMs: 3_000,
};

/** The largest single iopub message accepted; a bigger one makes ZeroMQ drop the connection (it reconnects). */
export const DEFAULT_MAX_IOPUB_MESSAGE_BYTES = 64 * 1024 * 1024;

/** How much of a kernel's stderr is kept to explain a failed start. */
const STDERR_TAIL_BYTES = 8 * 1024;

export interface KernelOptions {
  spec: KernelSpec;
  launch: KernelLauncher;
  /** The workspace files the kernel works on. */
  filesDir: string;
  /** Variables added to the kernelspec's env. */
  env?: Record<string, string>;
  /** Where the private runtime folder is made (default the OS temp dir). */
  runtimeParent?: string;
  id?: string;
  timings?: Partial<KernelTimings>;
  outputLimits?: OutputLimits;
  maxIopubMessageBytes?: number;
}

export type ExecutionEvent =
  | OutputEvent
  | { type: "status"; state: "busy" | "idle" }
  | { type: "execute_input"; executionCount: number }
  | { type: "reply"; status: ReplyStatus; executionCount: number | null }
  | { type: "kernel_error"; error: KernelError };

export type ReplyStatus = "ok" | "error" | "aborted";

export interface ExecutionResult {
  /** The execute_reply's status; "dead" when the kernel died (or was restarted or shut down) before replying. */
  status: ReplyStatus | "dead";
  executionCount: number | null;
  /** The nbformat outputs kept, in order (after clear_output and update_display_data). */
  outputs: Output[];
  truncated: boolean;
  error?: KernelError;
}

export interface ExecuteOptions {
  cellId?: string;
  onEvent?: (event: ExecutionEvent) => void;
  /**
   * Default false. With true, an error in this execution aborts every execution queued here before the error
   * (each ends with status "aborted", never sent), as a kernel aborts its queue under Jupyter's `stop_on_error`;
   * executions asked for after it run as usual. The kernel also gets `stop_on_error` for what reaches it meanwhile.
   */
  stopOnError?: boolean;
}

export interface CommInfo {
  commId: string;
  targetName: string;
  /** Who opened it. */
  openedBy: "kernel" | "server";
  /** The cell whose execution (or whose comm's message) led the kernel to open it. */
  cellId?: string;
}

export type CommEvent = {
  type: "comm_open" | "comm_msg" | "comm_close";
  commId: string;
  targetName?: string;
  data: JsonObject;
  metadata: JsonObject;
  buffers: Buffer[];
  cellId?: string;
};

interface RunningExecution {
  msgId: string;
  cellId?: string;
  collector: OutputCollector;
  onEvent: (event: ExecutionEvent) => void;
  reply?: { status: ReplyStatus; executionCount: number | null };
  idle: boolean;
  /** The count the kernel gave in execute_input. */
  inputCount?: number;
  /** An interrupt was sent while this execution ran. */
  interrupted: boolean;
  /** An interrupt came before execute_input: send it again when execute_input comes. */
  interruptOnInput?: boolean;
  /** The iopub connection dropped during this execution: some of its messages were lost. */
  iopubBroke: boolean;
  quietTimer?: NodeJS.Timeout;
  replyTimer?: NodeJS.Timeout;
  finish: (result: ExecutionResult) => void;
}

interface PendingRequest {
  resolve: (message: JupyterMessage) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Remembered message ids of comm messages the server sent, to know which cell a kernel's answer belongs to. */
const SENT_COMM_MEMORY = 1024;

export class Kernel extends EventEmitter {
  readonly id: string;
  readonly spec: KernelSpec;
  readonly timings: KernelTimings;
  readonly outputLimits: OutputLimits;
  /** Messages refused by signature or format, by reason, over every start of this kernel. */
  readonly drops: DropCounts = emptyDropCounts();
  /** Outputs whose content had the wrong shape, over every execution. */
  malformedOutputs = 0;
  /** kernel_info_reply's content of the current start. */
  info: JsonObject = {};
  state: KernelState = "starting";
  /** Why the kernel is dead, when it is. */
  deathReason?: KernelError;

  readonly #options: KernelOptions;
  readonly #comms = new Map<string, CommInfo>();
  readonly #sentComm = new Map<string, string | undefined>();
  readonly #pending = new Map<string, PendingRequest>();
  #runtimeDir?: string;
  #connection?: ConnectionInfo;
  #launched?: LaunchedKernel;
  #channels?: KernelChannels;
  #execution?: RunningExecution;
  #queue: Promise<unknown> = Promise.resolve();
  /**
   * Moves on when queued executions must not run: after an execution with stopOnError fails, and at a restart
   * (what was queued for the old process is not run in the new one). An execution queued under an older value
   * ends "aborted".
   */
  #queueEpoch = 0;
  #heartbeatTimer?: NodeJS.Timeout;
  #missedBeats = 0;
  #stderrTail = "";
  #iopubSeen = false;
  #expectExit = false;

  constructor(options: KernelOptions) {
    super();
    this.#options = options;
    this.id = options.id ?? randomUUID();
    this.spec = options.spec;
    this.timings = { ...DEFAULT_KERNEL_TIMINGS, ...options.timings };
    this.outputLimits = options.outputLimits ?? DEFAULT_OUTPUT_LIMITS;
  }

  /** The kernel process's id, while it runs. */
  get pid(): number | undefined {
    return this.#launched?.child.pid;
  }

  get runtimeDir(): string | undefined {
    return this.#runtimeDir;
  }

  /** Launches the kernel and waits for its sockets and its kernel_info_reply; kernel_start_failed otherwise. */
  async start(): Promise<void> {
    this.#runtimeDir ??= await createRuntimeDir(this.#options.runtimeParent);
    this.#setState(this.state === "restarting" ? "restarting" : "starting");
    const key = newKernelKey();
    this.#connection = connectionInfo(this.#runtimeDir, this.spec.name, key);
    const file = connectionFilePath(this.#runtimeDir);
    await writeConnectionFile(file, this.#connection);
    const argv = this.spec.argv.map((arg) => arg.replaceAll("{connection_file}", file));
    this.#stderrTail = "";
    this.#iopubSeen = false;
    this.#expectExit = false;
    this.#missedBeats = 0;
    let launched: LaunchedKernel;
    try {
      launched = await this.#options.launch({
        argv,
        env: { ...this.spec.env, ...this.#options.env },
        runtimeDir: this.#runtimeDir,
        filesDir: this.#options.filesDir,
      });
    } catch (error) {
      throw this.#startFailed(`the kernel could not be launched: ${(error as Error).message}`);
    }
    this.#launched = launched;
    this.#watchProcess(launched.child);
    const session = new Session(key);
    this.#channels = new KernelChannels(
      this.#connection,
      session,
      (channel, message) => this.#onMessage(channel, message),
      {
        maxIopubMessageBytes: this.#options.maxIopubMessageBytes ?? DEFAULT_MAX_IOPUB_MESSAGE_BYTES,
        heartbeatTimeoutMs: this.timings.heartbeatIntervalMs,
        onIopubDisconnect: () => this.#onIopubDisconnect(),
      },
    );
    try {
      await this.#handshake(launched.child);
    } catch (error) {
      this.#expectExit = true;
      this.#killGroup("SIGKILL");
      this.#closeChannels();
      this.#setState("dead");
      this.deathReason = error as KernelError;
      throw error;
    }
    this.#setState("idle");
    this.#startHeartbeat();
  }

  async #handshake(child: ChildProcess): Promise<void> {
    let settle!: { resolve: () => void; reject: (error: Error) => void };
    const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    const onExit = (code: number | null, signal: string | null) =>
      settle.reject(
        this.#startFailed(`the kernel exited while starting (${describeExit(code, signal)})`, code, signal),
      );
    child.once("exit", onExit);
    const timer = setTimeout(
      () => settle.reject(this.#startFailed(`the kernel did not answer within ${this.timings.startTimeoutMs} ms`)),
      this.timings.startTimeoutMs,
    );
    let stopped = false;
    const loop = async () => {
      // kernel_info_reply proves shell works; a status on iopub proves the subscription is live (ZeroMQ's
      // subscriptions join late, and an execution's first outputs would be lost without this).
      const reply = await this.#request("shell", "kernel_info_request", {}, this.timings.startTimeoutMs);
      this.info = reply.content;
      while (!this.#iopubSeen && !stopped) {
        await this.#request("shell", "kernel_info_request", {}, this.timings.startTimeoutMs).catch(() => undefined);
        if (!this.#iopubSeen) await delay(10);
      }
    };
    loop().then(
      () => settle.resolve(),
      (error: Error) => settle.reject(error),
    );
    try {
      await done;
    } finally {
      stopped = true;
      clearTimeout(timer);
      child.off("exit", onExit);
    }
  }

  #startFailed(message: string, exitCode?: number | null, signal?: string | null): KernelError {
    return new KernelError("kernel_start_failed", message, {
      kernelId: this.id,
      stderrTail: this.#stderrTail,
      ...(exitCode !== undefined ? { exitCode } : {}),
      ...(signal !== undefined ? { signal } : {}),
    });
  }

  #watchProcess(child: ChildProcess): void {
    const keep = (chunk: Buffer) => {
      this.#stderrTail = (this.#stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL_BYTES);
    };
    child.stderr?.on("data", keep);
    // stdout is read and dropped so a chatty kernel never blocks on a full pipe.
    child.stdout?.on("data", () => undefined);
    child.once("exit", (code, signal) => {
      if (this.#launched?.child !== child || this.#expectExit || this.state === "starting") return;
      if (this.state === "restarting" && !this.#channels) return;
      this.#die(
        new KernelError("kernel_died", `the kernel process exited (${describeExit(code, signal)})`, {
          kernelId: this.id,
          exitCode: code,
          signal,
          stderrTail: this.#stderrTail,
        }),
      );
    });
  }

  #startHeartbeat(): void {
    const beat = async () => {
      const channels = this.#channels;
      if (!channels || this.state === "dead") return;
      const alive = await channels.ping();
      if (channels !== this.#channels || (this.state as KernelState) === "dead") return;
      this.#missedBeats = alive ? 0 : this.#missedBeats + 1;
      if (this.#missedBeats >= this.timings.heartbeatMisses) {
        this.#die(
          new KernelError("kernel_died", `the kernel missed ${this.#missedBeats} heartbeats`, { kernelId: this.id }),
        );
        return;
      }
      this.#heartbeatTimer = setTimeout(() => void beat(), this.timings.heartbeatIntervalMs);
      this.#heartbeatTimer.unref();
    };
    this.#heartbeatTimer = setTimeout(() => void beat(), this.timings.heartbeatIntervalMs);
    this.#heartbeatTimer.unref();
  }

  /** Marks the kernel dead: ends the running execution with that error (its outputs kept), kills what is left. */
  #die(reason: KernelError): void {
    if (this.state === "dead") return;
    this.deathReason = reason;
    this.#expectExit = true;
    this.#endExecution(reason);
    this.#killGroup("SIGKILL");
    this.#closeChannels();
    this.#setState("dead");
  }

  #endExecution(error: KernelError): void {
    const execution = this.#execution;
    if (!execution) return;
    execution.onEvent({ type: "kernel_error", error });
    execution.finish({
      status: "dead",
      executionCount: execution.reply?.executionCount ?? null,
      outputs: execution.collector.outputs,
      truncated: execution.collector.truncated,
      error,
    });
  }

  #closeChannels(): void {
    clearTimeout(this.#heartbeatTimer);
    const channels = this.#channels;
    if (channels) {
      for (const reason of DROP_REASONS) this.drops[reason] += channels.session.drops[reason];
      channels.close();
    }
    this.#channels = undefined;
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(
        new KernelError("kernel_not_running", "the kernel stopped before it answered", { kernelId: this.id }),
      );
      this.#pending.delete(id);
    }
  }

  /** Dropped messages by reason, including the current start's. */
  dropCounts(): DropCounts {
    const counts = { ...this.drops };
    const current = this.#channels?.session.drops;
    if (current) for (const reason of DROP_REASONS) counts[reason] += current[reason];
    return counts;
  }

  #setState(state: KernelState): void {
    if (state === this.state) return;
    const previous = this.state;
    this.state = state;
    this.emit("state", state, previous);
  }

  #onMessage(channel: string, message: JupyterMessage): void {
    const parentId = message.parent_header.msg_id;
    if (channel === "iopub") {
      this.#iopubSeen = true;
      this.#onIopub(message, parentId);
      return;
    }
    if (channel === "stdin") {
      if (message.header.msg_type === "input_request") this.#refuseInput(message);
      return;
    }
    const execution = this.#execution;
    if (execution && parentId === execution.msgId && message.header.msg_type === "execute_reply") {
      const status = message.content.status;
      const count = message.content.execution_count;
      execution.reply = {
        status: status === "ok" || status === "aborted" ? status : "error",
        executionCount: typeof count === "number" ? count : null,
      };
      execution.onEvent({ type: "reply", ...execution.reply });
      this.#maybeFinish(execution);
      return;
    }
    const pending = parentId === undefined ? undefined : this.#pending.get(parentId);
    if (pending && parentId !== undefined) {
      this.#pending.delete(parentId);
      clearTimeout(pending.timer);
      pending.resolve(message);
    }
  }

  #onIopub(message: JupyterMessage, parentId: string | undefined): void {
    const type = message.header.msg_type;
    if (type === "comm_open" || type === "comm_msg" || type === "comm_close") {
      this.#onKernelComm(message, parentId);
      return;
    }
    const execution = this.#execution;
    if (!execution || parentId !== execution.msgId) return;
    clearTimeout(execution.quietTimer);
    if (type === "status") {
      const state = message.content.execution_state;
      if (state === "busy" || state === "idle") execution.onEvent({ type: "status", state });
      if (state === "idle") {
        execution.idle = true;
        if (!execution.reply) this.#awaitReplyAfterIdle(execution);
      }
    } else if (type === "execute_input") {
      const count = message.content.execution_count;
      if (typeof count === "number") {
        execution.inputCount = count;
        execution.onEvent({ type: "execute_input", executionCount: count });
      }
      if (execution.interruptOnInput) {
        execution.interruptOnInput = false;
        this.#sendInterrupt().catch(() => undefined);
      }
    } else {
      const before = execution.collector.malformed;
      for (const event of execution.collector.accept(message)) execution.onEvent(event);
      this.malformedOutputs += execution.collector.malformed - before;
    }
    this.#maybeFinish(execution);
  }

  #onIopubDisconnect(): void {
    // Messages in flight were lost. A kernel that exits also drops the connection, so the note is added only
    // when the execution ends with its reply (a live kernel), not when it ends with kernel_died.
    if (this.#execution) this.#execution.iopubBroke = true;
  }

  #maybeFinish(execution: RunningExecution): void {
    if (!execution.reply) return;
    const finish = (result: ExecutionResult) => {
      if (execution.iopubBroke) {
        const limit = this.#options.maxIopubMessageBytes ?? DEFAULT_MAX_IOPUB_MESSAGE_BYTES;
        const text =
          `Output lost: a message from the kernel was larger than ${limit} bytes (or its connection broke), ` +
          "so some of this cell's output did not arrive.";
        for (const event of execution.collector.noteLoss(text)) execution.onEvent(event);
      }
      execution.finish({ ...result, outputs: execution.collector.outputs });
    };
    const result: ExecutionResult = {
      status: execution.reply.status,
      executionCount: execution.reply.executionCount,
      outputs: execution.collector.outputs,
      truncated: execution.collector.truncated,
    };
    if (execution.idle) {
      finish(result);
      return;
    }
    // The idle status can be lost (an oversized iopub message makes ZeroMQ reset the connection): the reply
    // plus a quiet iopub ends the execution.
    clearTimeout(execution.quietTimer);
    execution.quietTimer = setTimeout(() => finish(result), this.timings.iopubQuietMs);
  }

  /**
   * The execution's idle status came and its reply has not. ipykernel can go idle without replying: a SIGINT that
   * lands after the request's handler began but before the cell's code runs (while the cell is transformed) is
   * caught by the kernel's dispatcher, which logs it and answers nothing. The reply comes on shell and the idle
   * status on iopub, so one may pass the other; past replyAfterIdleMs the execution ends as an error with a note,
   * and the queue moves on instead of waiting for a reply that will never come.
   */
  #awaitReplyAfterIdle(execution: RunningExecution): void {
    clearTimeout(execution.replyTimer);
    execution.replyTimer = setTimeout(() => {
      if (execution.reply || this.#execution !== execution) return;
      const text = execution.interrupted
        ? "Interrupted as it started: the kernel stopped this cell before its code ran."
        : "The kernel went idle without answering this cell, so whether all of its code ran is not known.";
      for (const event of execution.collector.note(text)) execution.onEvent(event);
      execution.reply = { status: "error", executionCount: execution.inputCount ?? null };
      execution.onEvent({ type: "reply", ...execution.reply });
      this.#maybeFinish(execution);
    }, this.timings.replyAfterIdleMs);
  }

  #refuseInput(request: JupyterMessage): void {
    // Executions are sent with allow_stdin false; a kernel that asks anyway is told input is not supported.
    const channels = this.#channels;
    if (!channels) return;
    const reply = channels.session.message(
      "input_reply",
      { status: "error", value: "", ename: "StdinNotImplementedError", evalue: "input is not supported here" },
      { parent: request.header },
    );
    reply.identities = request.identities;
    channels.send("stdin", reply).catch(() => undefined);
  }

  #onKernelComm(message: JupyterMessage, parentId: string | undefined): void {
    const content = message.content;
    const commId = content.comm_id;
    if (typeof commId !== "string") return;
    const type = message.header.msg_type as CommEvent["type"];
    const data = isObject(content.data) ? content.data : {};
    let comm = this.#comms.get(commId);
    if (type === "comm_open") {
      if (typeof content.target_name !== "string" || comm) return;
      const cellId =
        parentId === undefined
          ? undefined
          : parentId === this.#execution?.msgId
            ? this.#execution.cellId
            : this.#sentComm.get(parentId);
      comm = { commId, targetName: content.target_name, openedBy: "kernel", ...(cellId ? { cellId } : {}) };
      this.#comms.set(commId, comm);
    }
    if (!comm) return;
    if (type === "comm_close") this.#comms.delete(commId);
    const event: CommEvent = {
      type,
      commId,
      targetName: comm.targetName,
      data,
      metadata: message.metadata,
      buffers: message.buffers,
      ...(comm.cellId ? { cellId: comm.cellId } : {}),
    };
    this.emit("comm", event);
  }

  /** The comm of that id while it is open. */
  comm(commId: string): CommInfo | undefined {
    return this.#comms.get(commId);
  }

  comms(): CommInfo[] {
    return [...this.#comms.values()];
  }

  /** Opens a comm from the server's side. */
  async commOpen(targetName: string, data: JsonObject = {}, cellId?: string): Promise<string> {
    const channels = this.#running();
    const commId = randomUUID();
    this.#comms.set(commId, { commId, targetName, openedBy: "server", ...(cellId ? { cellId } : {}) });
    await channels.send(
      "shell",
      channels.session.message("comm_open", { comm_id: commId, target_name: targetName, data }),
    );
    return commId;
  }

  /** Sends to an open comm; comm_unknown for any other id. */
  async commMsg(commId: string, data: JsonObject, buffers: Buffer[] = []): Promise<void> {
    const comm = this.#knownComm(commId);
    const channels = this.#running();
    const message = channels.session.message("comm_msg", { comm_id: commId, data }, { buffers });
    this.#rememberSentComm(message.header.msg_id, comm.cellId);
    await channels.send("shell", message);
  }

  async commClose(commId: string, data: JsonObject = {}): Promise<void> {
    this.#knownComm(commId);
    const channels = this.#running();
    this.#comms.delete(commId);
    await channels.send("shell", channels.session.message("comm_close", { comm_id: commId, data }));
  }

  #knownComm(commId: string): CommInfo {
    const comm = this.#comms.get(commId);
    if (!comm) throw new KernelError("comm_unknown", `no open comm has the id "${commId}"`, { kernelId: this.id });
    return comm;
  }

  #rememberSentComm(msgId: string, cellId: string | undefined): void {
    this.#sentComm.set(msgId, cellId);
    if (this.#sentComm.size > SENT_COMM_MEMORY) {
      const oldest = this.#sentComm.keys().next().value;
      if (oldest !== undefined) this.#sentComm.delete(oldest);
    }
  }

  #running(): KernelChannels {
    const channels = this.#channels;
    if (!channels || this.state === "dead" || this.state === "starting" || this.state === "restarting") {
      throw new KernelError("kernel_not_running", `the kernel is ${this.state}`, { kernelId: this.id });
    }
    return channels;
  }

  /** Sends a request and waits for the reply whose parent it is. */
  async #request(
    channel: "shell" | "control",
    type: string,
    content: JsonObject,
    timeoutMs: number = this.timings.requestTimeoutMs,
  ): Promise<JupyterMessage> {
    const channels = this.#channels;
    if (!channels) throw new KernelError("kernel_not_running", "the kernel has no channels", { kernelId: this.id });
    const message = channels.session.message(type, content);
    const reply = new Promise<JupyterMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(message.header.msg_id);
        reject(
          new KernelError("kernel_timeout", `no ${type.replace("_request", "_reply")} within ${timeoutMs} ms`, {
            kernelId: this.id,
          }),
        );
      }, timeoutMs);
      this.#pending.set(message.header.msg_id, { resolve, reject, timer });
    });
    await channels.send(channel, message);
    return reply;
  }

  /**
   * Runs code after the executions queued before it. Events arrive in order through onEvent; the result holds
   * the outputs kept. A dead kernel gives status "dead" with kernel_died and the outputs already received.
   */
  execute(code: string, options: ExecuteOptions = {}): Promise<ExecutionResult> {
    const epoch = this.#queueEpoch;
    const run = this.#queue.then(async (): Promise<ExecutionResult> => {
      if (epoch !== this.#queueEpoch) return { status: "aborted", executionCount: null, outputs: [], truncated: false };
      const result = await this.#execute(code, options);
      if (options.stopOnError && result.status === "error") this.#queueEpoch += 1;
      return result;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #execute(code: string, options: ExecuteOptions): Promise<ExecutionResult> {
    if (this.state === "dead" || !this.#channels) {
      const error =
        this.deathReason ?? new KernelError("kernel_not_running", `the kernel is ${this.state}`, { kernelId: this.id });
      return { status: "dead", executionCount: null, outputs: [], truncated: false, error };
    }
    const channels = this.#channels;
    const message = channels.session.message("execute_request", {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: options.stopOnError ?? false,
    });
    const onEvent = options.onEvent ?? (() => undefined);
    const result = new Promise<ExecutionResult>((resolve) => {
      const execution: RunningExecution = {
        msgId: message.header.msg_id,
        ...(options.cellId ? { cellId: options.cellId } : {}),
        collector: new OutputCollector(this.outputLimits),
        onEvent: (event) => {
          try {
            onEvent(event);
          } catch {
            // A listener's failure must not stop the kernel's message loop.
          }
        },
        idle: false,
        interrupted: false,
        iopubBroke: false,
        finish: (value) => {
          if (this.#execution !== execution) return;
          clearTimeout(execution.quietTimer);
          clearTimeout(execution.replyTimer);
          this.#execution = undefined;
          if (this.state === "busy") this.#setState("idle");
          resolve(value);
        },
      };
      this.#execution = execution;
    });
    this.#setState("busy");
    try {
      await channels.send("shell", message);
    } catch {
      this.#endExecution(
        new KernelError("kernel_not_running", "the execute request was not sent", { kernelId: this.id }),
      );
    }
    return result;
  }

  /** Interrupts the running code: SIGINT, or interrupt_request on control, as the kernelspec says. */
  async interrupt(): Promise<void> {
    this.#running();
    const execution = this.#execution;
    if (execution) {
      execution.interrupted = true;
      // Before execute_input the kernel may not have begun the request, and ipykernel ignores SIGINT between
      // requests: the interrupt is sent again once the cell is seen to begin.
      if (execution.inputCount === undefined) execution.interruptOnInput = true;
    }
    await this.#sendInterrupt();
  }

  async #sendInterrupt(): Promise<void> {
    if (this.spec.interruptMode === "message") {
      await this.#request("control", "interrupt_request", {});
      return;
    }
    if (this.#launched?.signal) this.#launched.signal("SIGINT");
    else this.#launched?.child.kill("SIGINT");
  }

  async complete(code: string, cursorPos: number): Promise<JsonObject> {
    this.#running();
    return (await this.#request("shell", "complete_request", { code, cursor_pos: cursorPos })).content;
  }

  async inspect(code: string, cursorPos: number, detailLevel: 0 | 1 = 0): Promise<JsonObject> {
    this.#running();
    return (await this.#request("shell", "inspect_request", { code, cursor_pos: cursorPos, detail_level: detailLevel }))
      .content;
  }

  /** Stops the process (shutdown_request with restart, else kill) and starts a fresh one with a new key. */
  async restart(): Promise<void> {
    this.#queueEpoch += 1;
    this.#setState("restarting");
    await this.#stopProcess(true);
    this.#comms.clear();
    this.deathReason = undefined;
    await this.start();
  }

  /** shutdown_request on control, then SIGTERM, then SIGKILL, each after the grace period; removes the runtime dir. */
  async shutdown(): Promise<void> {
    if (this.state !== "dead") await this.#stopProcess(false);
    this.#setState("dead");
    this.deathReason ??= new KernelError("kernel_not_running", "the kernel was shut down", { kernelId: this.id });
    if (this.#runtimeDir) await rm(this.#runtimeDir, { recursive: true, force: true });
  }

  async #stopProcess(restart: boolean): Promise<void> {
    this.#expectExit = true;
    clearTimeout(this.#heartbeatTimer);
    const child = this.#launched?.child;
    this.#endExecution(
      new KernelError("kernel_not_running", restart ? "the kernel was restarted" : "the kernel was shut down", {
        kernelId: this.id,
      }),
    );
    if (child && !exited(child)) {
      if (this.#channels) {
        await this.#request("control", "shutdown_request", { restart }, this.timings.shutdownGraceMs).catch(
          () => undefined,
        );
      }
      if (!(await waitForExit(child, this.timings.shutdownGraceMs))) {
        this.#killGroup("SIGTERM");
        if (!(await waitForExit(child, this.timings.shutdownGraceMs))) {
          this.#killGroup("SIGKILL");
          await waitForExit(child, this.timings.shutdownGraceMs);
        }
      }
    }
    // Whatever the kernel started in its process group ends with it.
    this.#killGroup("SIGKILL");
    this.#closeChannels();
  }

  /** Signals the kernel's process group (the launcher starts it as a group leader), else the process. Synchronous,
   *  so it can run in a process 'exit' hook. */
  killProcessGroup(signal: NodeJS.Signals = "SIGKILL"): void {
    this.#killGroup(signal);
  }

  #killGroup(signal: NodeJS.Signals): void {
    const child = this.#launched?.child;
    if (!child?.pid) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      try {
        if (!exited(child)) child.kill(signal);
      } catch {
        // Already gone.
      }
    }
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off("exit", onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once("exit", onExit);
  });
}

function describeExit(code: number | null, signal: string | null): string {
  return signal ? `signal ${signal}` : `exit code ${code}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
