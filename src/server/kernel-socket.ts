// The kernel socket (src/contract/kernel-socket.ts): one websocket per page and workspace, on the app origin.
//
// Who may open it: a signed-in session (the cookie; the authenticated scope's hook refuses the upgrade without one),
// from a page of the app origin exactly (Origin checked before the upgrade: a page elsewhere cannot open it with
// the user's cookie), an editor or owner of the workspace named in the address (a viewer is refused before the
// upgrade). Then the first message must carry the session's CSRF token; nothing else is read before it. Every
// message after is parsed against the contract, bounded in size, and re-checked against the session and the role,
// which may have ended or changed since the socket opened.
//
// What it may do: run a cell of the file a kernel was started for, with the source the page shows; interrupt;
// restart; complete and inspect; and speak to comms that the kernel opened for cells this socket ran. The server
// builds and signs every kernel message (src/kernels); the page never sees channels, keys or connection files.
import { createHash } from "node:crypto";
import type { WebSocket } from "ws";
import { Compile } from "typebox/compile";
import type { FastifyRequest } from "fastify";
import {
  ClientMessage,
  HelloMessage,
  KERNEL_SOCKET_CLOSE,
  KERNEL_SOCKET_PATH,
  MAX_COMPLETION_TYPE_CHARS,
  MAX_KERNEL_SOCKET_MESSAGE_BYTES,
  type CompletionType,
  type ExecuteMessage,
  type NotebookOutput,
  type ServerMessage,
} from "../contract/kernel-socket.ts";
import { WorkspaceParams } from "../contract/api-workspaces.ts";
import type { ExecutionEvent } from "../kernels/kernel.ts";
import type { KernelStatusEvent, ManagedKernel } from "../kernels/kernel-manager.ts";
import type { CommEvent } from "../kernels/kernel.ts";
import { recordAudit, type AuditContext } from "./audit.ts";
import { csrfTokenMatches, findSession } from "./auth/sessions.ts";
import { AppError } from "./errors.ts";
import { kernelAppError } from "./kernels.ts";
import { sessionToken } from "./request-guards.ts";
import type { StudioRoutePlugin } from "./studio.ts";
import { requireRole } from "./workspaces.ts";
import { auditContext, signedIn, signedInSession } from "./routes/audit-context.ts";

const checkHello = Compile(HelloMessage);
const checkMessage = Compile(ClientMessage);

/**
 * Bytes waiting to reach a page past which it is too slow to follow its kernels, and its socket is closed: at least
 * two cells' worth of output at the per-cell cap, so that one capped cell alone never closes it.
 */
const MIN_BUFFERED_BYTES = 64 * 1024 * 1024;
/** Completion matches sent at most. */
const MAX_COMPLETIONS = 1000;

export const kernelSocketRoutes: StudioRoutePlugin = async (app, { studio }) => {
  const appOrigin = studio.config.appUrl.origin;
  const maxBuffered = Math.max(MIN_BUFFERED_BYTES, 2 * studio.config.kernelOutputMb * 1024 * 1024 + 1024 * 1024);
  const timeouts = {
    idleSeconds: studio.config.sessionIdleSeconds,
    absoluteSeconds: studio.config.sessionAbsoluteSeconds,
  };

  app.get(
    KERNEL_SOCKET_PATH,
    {
      websocket: true,
      schema: { hide: true, querystring: WorkspaceParams },
      preHandler: async (request) => {
        // Browsers always send Origin on a websocket handshake; a page of another origin names itself there.
        if (request.headers.origin !== appOrigin)
          throw new AppError(403, "cross_site_request", "the kernel socket opens only from the studio's own pages");
        const { ws } = request.query as WorkspaceParams;
        await requireRole(studio.db, ws, signedIn(request), "editor");
      },
    },
    (socket: WebSocket, request: FastifyRequest) => {
      const { ws } = request.query as WorkspaceParams;
      new KernelConnection(socket, request, ws, studio, timeouts, maxBuffered);
    },
  );
};

type Studio = Parameters<StudioRoutePlugin>[1]["studio"];

class KernelConnection {
  readonly #socket: WebSocket;
  readonly #request: FastifyRequest;
  readonly #workspace: string;
  readonly #studio: Studio;
  readonly #timeouts: { idleSeconds: number; absoluteSeconds: number };
  #greeted = false;
  readonly #maxBuffered: number;
  /** Kernels whose status this page follows. */
  readonly #watched = new Set<string>();
  /** Per kernel, the cells this page ran: comms the kernel opens for them are this page's to speak to. */
  readonly #cells = new Map<string, Set<string>>();
  readonly #comms = new Map<string, Set<string>>();
  readonly #unsubscribe: (() => void)[] = [];
  /** Messages are handled one at a time, in order. */
  #queue: Promise<void> = Promise.resolve();

  constructor(
    socket: WebSocket,
    request: FastifyRequest,
    workspace: string,
    studio: Studio,
    timeouts: { idleSeconds: number; absoluteSeconds: number },
    maxBuffered: number,
  ) {
    this.#maxBuffered = maxBuffered;
    this.#socket = socket;
    this.#request = request;
    this.#workspace = workspace;
    this.#studio = studio;
    this.#timeouts = timeouts;
    socket.on("message", (data, isBinary) => {
      this.#queue = this.#queue.then(() => this.#receive(data as Buffer, isBinary));
    });
    socket.on("close", () => this.#closed());
    socket.on("error", () => socket.terminate());
    const onStatus = (event: KernelStatusEvent) => {
      if (!this.#watched.has(event.kernelId)) return;
      this.#send({
        type: "status",
        kernel: event.kernelId,
        state: event.state,
        ...(event.reason ? { reason: event.reason } : {}),
      });
    };
    studio.kernels.manager.on("status", onStatus);
    this.#unsubscribe.push(() => studio.kernels.manager.off("status", onStatus));
  }

  #closed(): void {
    for (const stop of this.#unsubscribe.splice(0)) stop();
  }

  #send(message: ServerMessage): void {
    if (this.#socket.readyState !== this.#socket.OPEN) return;
    if (this.#socket.bufferedAmount > this.#maxBuffered) {
      this.#socket.close(1008, "the page does not keep up with its kernels");
      return;
    }
    this.#socket.send(JSON.stringify(message));
  }

  #fail(code: number, reason: string): void {
    this.#socket.close(code, reason);
  }

  async #receive(data: Buffer, isBinary: boolean): Promise<void> {
    if (this.#socket.readyState !== this.#socket.OPEN) return;
    if (isBinary || data.byteLength > MAX_KERNEL_SOCKET_MESSAGE_BYTES)
      return this.#fail(KERNEL_SOCKET_CLOSE.badMessage, "messages are JSON text");
    let message: unknown;
    try {
      message = JSON.parse(data.toString("utf8"));
    } catch {
      return this.#fail(KERNEL_SOCKET_CLOSE.badMessage, "a message is not JSON");
    }
    const session = signedInSession(this.#request);
    if (!this.#greeted) {
      if (!checkHello.Check(message) || !csrfTokenMatches(session.csrfToken, message.csrf))
        return this.#fail(KERNEL_SOCKET_CLOSE.csrfRequired, "the first message must carry the session's CSRF token");
      this.#greeted = true;
      this.#send({ type: "ready", user: session.user.name });
      return;
    }
    if (!checkMessage.Check(message)) return this.#fail(KERNEL_SOCKET_CLOSE.badMessage, "unknown message");
    // The session may have ended, and the role changed, since the socket opened.
    const token = sessionToken(this.#request);
    const current = token ? await findSession(this.#studio.db, token, this.#timeouts) : undefined;
    if (!current || current.id !== session.id) return this.#fail(KERNEL_SOCKET_CLOSE.signedOut, "the session ended");
    try {
      const access = await requireRole(this.#studio.db, this.#workspace, current.user, "editor");
      await this.#handle(message, access, current.user);
    } catch (error) {
      const failure = kernelAppError(error);
      if (failure instanceof AppError)
        this.#send({ type: "error", id: message.id, error: failure.code, message: failure.message });
      else {
        this.#request.log.error({ err: failure }, "kernel socket message failed");
        this.#send({ type: "error", id: message.id, error: "internal_error", message: "the request failed" });
      }
    }
  }

  async #handle(
    message: ClientMessage,
    access: Awaited<ReturnType<typeof requireRole>>,
    user: ReturnType<typeof signedIn>,
  ): Promise<void> {
    const kernels = this.#studio.kernels;
    const managed = kernels.get(access.id, message.kernel);
    kernels.manager.touch(managed.id);
    this.#watch(managed);
    const context: AuditContext = { ...auditContext(this.#request), actor: { id: user.id, name: user.name } };
    switch (message.type) {
      case "watch":
        this.#send({ type: "status", kernel: managed.id, state: managed.kernel.state });
        return;
      case "execute":
        return this.#execute(message, managed, access, user, context);
      case "interrupt":
        await kernels.interrupt(access.id, managed.id);
        this.#send({ type: "interrupted", id: message.id, kernel: managed.id });
        return;
      case "restart":
        await kernels.restart(access.id, managed.id, context);
        this.#comms.delete(managed.id);
        this.#send({ type: "restarted", id: message.id, kernel: managed.id });
        return;
      case "complete": {
        const reply = await managed.kernel.complete(message.source, message.cursor);
        const matches = Array.isArray(reply.matches) ? reply.matches.filter((m) => typeof m === "string") : [];
        const types = completionTypes(reply.metadata);
        this.#send({
          type: "complete_reply",
          id: message.id,
          matches: (matches as string[]).slice(0, MAX_COMPLETIONS),
          cursorStart: boundedCursor(reply.cursor_start, message.cursor),
          cursorEnd: boundedCursor(reply.cursor_end, message.cursor),
          ...(types.length > 0 ? { types } : {}),
        });
        return;
      }
      case "inspect": {
        const reply = await managed.kernel.inspect(message.source, message.cursor, message.detail ?? 0);
        const data = isObject(reply.data) ? reply.data : {};
        this.#send({ type: "inspect_reply", id: message.id, found: reply.found === true, data });
        return;
      }
      case "decline_run": {
        if (message.path !== managed.file)
          throw new AppError(400, "wrong_file", `this kernel runs ${managed.file}, not ${message.path}`);
        await kernels.recordDeclinedRun(access, message.path, message.findings, context);
        this.#send({ type: "declined", id: message.id, kernel: managed.id });
        return;
      }
      case "comm_msg":
      case "comm_close": {
        if (!this.#comms.get(managed.id)?.has(message.commId))
          throw new AppError(404, "comm_unknown", "no comm of this page has that id");
        if (message.type === "comm_msg") await managed.kernel.commMsg(message.commId, message.data as never);
        else await managed.kernel.commClose(message.commId, (message.data ?? {}) as never);
        return;
      }
    }
  }

  #watch(managed: ManagedKernel): void {
    if (this.#watched.has(managed.id)) return;
    this.#watched.add(managed.id);
    const onComm = (event: CommEvent) => {
      const cells = this.#cells.get(managed.id);
      let comms = this.#comms.get(managed.id);
      if (event.type === "comm_open") {
        if (event.cellId === undefined || !cells?.has(event.cellId)) return;
        if (!comms) this.#comms.set(managed.id, (comms = new Set()));
        comms.add(event.commId);
      } else if (!comms?.has(event.commId)) return;
      if (event.type === "comm_close") comms?.delete(event.commId);
      this.#send({
        type: event.type,
        kernel: managed.id,
        commId: event.commId,
        ...(event.targetName ? { targetName: event.targetName } : {}),
        ...(event.cellId ? { cellId: event.cellId } : {}),
        data: event.data,
      });
    };
    managed.kernel.on("comm", onComm);
    this.#unsubscribe.push(() => managed.kernel.off("comm", onComm));
  }

  async #execute(
    message: ExecuteMessage,
    managed: ManagedKernel,
    access: Awaited<ReturnType<typeof requireRole>>,
    user: ReturnType<typeof signedIn>,
    context: AuditContext,
  ): Promise<void> {
    if (message.path !== managed.file)
      throw new AppError(400, "wrong_file", `this kernel runs ${managed.file}, not ${message.path}`);
    const kernels = this.#studio.kernels;
    const findings = await kernels.unconfirmedFindings(access, user, message.path, message.confirmFindings, context);
    if (findings.length > 0) {
      this.#send({ type: "review_required", id: message.id, kernel: managed.id, path: message.path, findings });
      return;
    }
    const sha256 = createHash("sha256").update(message.source).digest("hex");
    await recordAudit(
      this.#studio.db,
      context,
      "cell_executed",
      { kernel: managed.id, path: message.path, cellId: message.cellId, sha256 },
      access.id,
    );
    let cells = this.#cells.get(managed.id);
    if (!cells) this.#cells.set(managed.id, (cells = new Set()));
    cells.add(message.cellId);
    const base = { id: message.id, kernel: managed.id, cellId: message.cellId };
    this.#send({ type: "queued", ...base });
    // Not awaited: the page may interrupt, complete or queue more while this runs.
    void managed.kernel
      .execute(message.source, {
        cellId: message.cellId,
        stopOnError: message.stopOnError === true,
        onEvent: (event) => this.#forward(base, event),
      })
      .then((result) => {
        this.#send({
          type: "done",
          ...base,
          status: result.status,
          executionCount: result.executionCount,
          truncated: result.truncated,
        });
      });
  }

  #forward(base: { id: string; kernel: string; cellId: string }, event: ExecutionEvent): void {
    switch (event.type) {
      case "output":
        this.#send({
          type: "output",
          ...base,
          output: event.output as unknown as NotebookOutput,
          ...(event.displayId !== undefined ? { displayId: event.displayId } : {}),
        });
        return;
      case "update_display_data":
        this.#send({
          type: "update_display",
          ...base,
          displayId: event.displayId,
          output: { output_type: "display_data", data: event.data, metadata: event.metadata },
        });
        return;
      case "clear_output":
        this.#send({ type: "clear_output", ...base, wait: event.wait });
        return;
      case "execute_input":
        this.#send({ type: "execute_input", ...base, executionCount: event.executionCount });
        return;
      case "kernel_error":
        this.#send({ type: "error", id: base.id, error: event.error.code, message: event.error.message });
        return;
      default:
        return;
    }
  }
}

/**
 * The kinds IPython gives its completions in the reply's metadata (`_jupyter_types_experimental`: a list of
 * {start, end, text, type, signature}), as plain bounded strings: at most MAX_COMPLETIONS of them, and an entry
 * whose strings are missing or too long is left out rather than cut (a cut text would name no match).
 */
function completionTypes(metadata: unknown): CompletionType[] {
  const list = isObject(metadata) ? metadata["_jupyter_types_experimental"] : undefined;
  if (!Array.isArray(list)) return [];
  const types: CompletionType[] = [];
  const max = MAX_COMPLETION_TYPE_CHARS;
  for (const entry of list.slice(0, MAX_COMPLETIONS)) {
    if (!isObject(entry)) continue;
    const { text, type, signature } = entry;
    if (typeof text !== "string" || typeof type !== "string") continue;
    if (text.length > max.text || type.length > max.type) continue;
    const withSignature = typeof signature === "string" && signature !== "" && signature.length <= max.signature;
    types.push(withSignature ? { text, type, signature } : { text, type });
  }
  return types;
}

function boundedCursor(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : fallback;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
