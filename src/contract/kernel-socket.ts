// The kernel socket: the one websocket of the app origin (`KERNEL_SOCKET_PATH`) over which the studio page runs cells
// and receives their outputs. The page never speaks the Jupyter protocol: it asks the server for a few things, by
// name, and the server builds and signs every kernel message itself (DESIGN.md, "Running code").
//
// The first message must be `hello` with the session's CSRF token; nothing else is read before it. Every message
// is one JSON text frame of at most MAX_KERNEL_SOCKET_MESSAGE_BYTES, checked against ClientMessage; `id` is the
// page's own request id, echoed on every answer the request leads to.
import { Type, type Static } from "typebox";
import { MAX_PATH_BYTES, UUID_PATTERN } from "./limits.ts";

export const KERNEL_SOCKET_PATH = "/api/kernels/socket";

/** Largest message either way, in bytes of UTF-8 (a cell's source, a comm's data, one output). */
export const MAX_KERNEL_SOCKET_MESSAGE_BYTES = 4 * 1024 * 1024;
/** Longest cell source the page may ask to run, in characters. */
export const MAX_CELL_SOURCE_CHARS = 1_000_000;
/** Most findings a run may confirm at once. */
export const MAX_CONFIRMED_FINDINGS = 1000;

/** The websocket close codes the server uses, beyond the standard ones. */
export const KERNEL_SOCKET_CLOSE = Object.freeze({
  /** The first message was not a hello with the session's CSRF token. */
  csrfRequired: 4401,
  /** The session ended while the socket was open. */
  signedOut: 4403,
  /** A message did not parse, was too large or did not match ClientMessage. */
  badMessage: 4400,
});

const RequestId = Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_.:-]+$" });
const KernelId = Type.String({ pattern: UUID_PATTERN });
/** nbformat 4.5's cell id. */
const CellId = Type.String({ minLength: 1, maxLength: 64, pattern: "^[a-zA-Z0-9-_]+$" });
const CommId = Type.String({ minLength: 1, maxLength: 128 });
const Source = Type.String({ maxLength: MAX_CELL_SOURCE_CHARS });
const Cursor = Type.Integer({ minimum: 0, maximum: MAX_CELL_SOURCE_CHARS });
const CommData = Type.Record(Type.String(), Type.Unknown());

export const HelloMessage = Type.Object(
  { type: Type.Literal("hello"), csrf: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);

export const ExecuteMessage = Type.Object(
  {
    type: Type.Literal("execute"),
    id: RequestId,
    kernel: KernelId,
    /** The file the cell belongs to, in the kernel's workspace. */
    path: Type.String({ minLength: 1, maxLength: MAX_PATH_BYTES }),
    cellId: CellId,
    /** The source the page shows for the cell: what runs, and what the audit log's SHA-256 is of. */
    source: Source,
    /** Ids of the file's high-severity review findings the person confirmed (see review_required). */
    confirmFindings: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: MAX_CONFIRMED_FINDINGS })),
    /**
     * Whether an error in this cell aborts the runs queued after it in the kernel (Jupyter's `stop_on_error`), as
     * JupyterLab asks for every cell: "run all" stops at the first failure. False by default.
     */
    stopOnError: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const KernelRequest = <T extends string>(type: T) =>
  Type.Object({ type: Type.Literal(type), id: RequestId, kernel: KernelId }, { additionalProperties: false });

export const InterruptMessage = KernelRequest("interrupt");
export const RestartMessage = KernelRequest("restart");
/** Asks for the kernel's status now, and its changes from then on. */
export const WatchMessage = KernelRequest("watch");

export const CompleteMessage = Type.Object(
  { type: Type.Literal("complete"), id: RequestId, kernel: KernelId, source: Source, cursor: Cursor },
  { additionalProperties: false },
);

export const InspectMessage = Type.Object(
  {
    type: Type.Literal("inspect"),
    id: RequestId,
    kernel: KernelId,
    source: Source,
    cursor: Cursor,
    detail: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1)])),
  },
  { additionalProperties: false },
);

/**
 * The person chose not to run a file whose review came back with findings (the review prompt's "Cancel"): the
 * server records the choice in the audit log, as it records a confirmation, and answers `declined`.
 */
export const DeclineRunMessage = Type.Object(
  {
    type: Type.Literal("decline_run"),
    id: RequestId,
    kernel: KernelId,
    path: Type.String({ minLength: 1, maxLength: MAX_PATH_BYTES }),
    findings: Type.Array(Type.String({ maxLength: 64 }), { maxItems: MAX_CONFIRMED_FINDINGS }),
  },
  { additionalProperties: false },
);

export const CommMessage = Type.Object(
  { type: Type.Literal("comm_msg"), id: RequestId, kernel: KernelId, commId: CommId, data: CommData },
  { additionalProperties: false },
);

export const CommCloseMessage = Type.Object(
  {
    type: Type.Literal("comm_close"),
    id: RequestId,
    kernel: KernelId,
    commId: CommId,
    data: Type.Optional(CommData),
  },
  { additionalProperties: false },
);

/** Everything the page may send after its hello. */
export const ClientMessage = Type.Union([
  ExecuteMessage,
  InterruptMessage,
  RestartMessage,
  WatchMessage,
  CompleteMessage,
  InspectMessage,
  DeclineRunMessage,
  CommMessage,
  CommCloseMessage,
]);
export type ClientMessage = Static<typeof ClientMessage>;
export type HelloMessage = Static<typeof HelloMessage>;
export type ExecuteMessage = Static<typeof ExecuteMessage>;

/** An nbformat 4 output, as the server built it from the kernel's messages. */
export type NotebookOutput = { output_type: string } & Record<string, unknown>;

/** A high-severity finding of the file's review that a run must confirm. */
export interface RunFinding {
  id: string;
  rule: string;
  message: string;
  place: Record<string, unknown>;
}

export type KernelStateName = "starting" | "idle" | "busy" | "restarting" | "dead";

/** Longest completion text, kind and signature the server passes on in `types`; longer ones are left out. */
export const MAX_COMPLETION_TYPE_CHARS = Object.freeze({ text: 1000, type: 64, signature: 500 });

/** What the kernel says of one completion (IPython's `_jupyter_types_experimental`), bounded by the server. */
export interface CompletionType {
  text: string;
  /** "function", "module", "instance", "keyword"... */
  type: string;
  signature?: string;
}

/** Everything the server sends. `id` is the page's request id, on answers to a request. */
export type ServerMessage =
  | { type: "ready"; user: string }
  | { type: "status"; kernel: string; state: KernelStateName; reason?: string }
  | { type: "queued"; id: string; kernel: string; cellId: string }
  | { type: "declined"; id: string; kernel: string }
  | { type: "execute_input"; id: string; kernel: string; cellId: string; executionCount: number }
  /** displayId: the output's display id (display_data or execute_result with transient.display_id), for updates. */
  | { type: "output"; id: string; kernel: string; cellId: string; output: NotebookOutput; displayId?: string }
  | { type: "clear_output"; id: string; kernel: string; cellId: string; wait: boolean }
  /** Replaces, wherever it is shown, the output whose display id is displayId. */
  | { type: "update_display"; id: string; kernel: string; cellId: string; displayId: string; output: NotebookOutput }
  | {
      type: "done";
      id: string;
      kernel: string;
      cellId: string;
      status: "ok" | "error" | "aborted" | "dead";
      executionCount: number | null;
      /** Outputs were cut at the per-cell cap; the last output says so. */
      truncated: boolean;
    }
  | { type: "review_required"; id: string; kernel: string; path: string; findings: RunFinding[] }
  | {
      type: "complete_reply";
      id: string;
      matches: string[];
      /** Offsets in Unicode code points, as the Jupyter protocol counts them. */
      cursorStart: number;
      cursorEnd: number;
      /** The kinds of the matches, when the kernel names them (at most as many as the matches). */
      types?: CompletionType[];
    }
  | { type: "inspect_reply"; id: string; found: boolean; data: Record<string, unknown> }
  | { type: "interrupted"; id: string; kernel: string }
  | { type: "restarted"; id: string; kernel: string }
  | {
      type: "comm_open" | "comm_msg" | "comm_close";
      kernel: string;
      commId: string;
      targetName?: string;
      cellId?: string;
      data: Record<string, unknown>;
    }
  | { type: "error"; id?: string; error: string; message: string };
