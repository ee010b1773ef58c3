// The Jupyter messaging protocol's wire format (v5.3) and its signatures.
//
// A message is a list of frames: the routing identities, the delimiter "<IDS|MSG>", the HMAC-SHA256 signature
// (hex), then four JSON frames (header, parent_header, metadata, content) and any binary buffers. The signature
// covers the four JSON frames in that order; buffers are not signed (as the protocol says). The key is the
// connection file's `key` string, used as its UTF-8 bytes, as jupyter_client does.
//
// Receiving never throws: a message with a missing or wrong signature, too few frames, malformed JSON, a header
// without msg_id/msg_type, or a signature seen before (a replay) is dropped and counted by reason, so a kernel
// (or anything else that reaches its sockets) cannot make the server act on a message it did not sign.

import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import type { JsonObject } from "../notebook/types.ts";

export const PROTOCOL_VERSION = "5.3";
export const DELIMITER = "<IDS|MSG>";
const DELIMITER_BYTES = Buffer.from(DELIMITER);

export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  [key: string]: unknown;
}

export interface JupyterMessage<Content = JsonObject> {
  identities: Buffer[];
  header: MessageHeader;
  /** The header of the request this message answers; {} when it answers nothing. */
  parent_header: Partial<MessageHeader>;
  metadata: JsonObject;
  content: Content;
  buffers: Buffer[];
}

export type DropReason =
  | "missing_signature"
  | "bad_signature"
  | "replayed_signature"
  | "no_delimiter"
  | "wrong_frame_count"
  | "malformed_json"
  | "bad_header";

export const DROP_REASONS: readonly DropReason[] = [
  "missing_signature",
  "bad_signature",
  "replayed_signature",
  "no_delimiter",
  "wrong_frame_count",
  "malformed_json",
  "bad_header",
];

export type DropCounts = Record<DropReason, number>;

export function emptyDropCounts(): DropCounts {
  return Object.fromEntries(DROP_REASONS.map((reason) => [reason, 0])) as DropCounts;
}

export type Decoded = { ok: true; message: JupyterMessage } | { ok: false; reason: DropReason };

/** How many recent signatures are remembered to refuse replays (jupyter_client keeps 2^16). */
const SIGNATURE_HISTORY = 65536;

export class Session {
  readonly id: string;
  readonly username: string;
  readonly #key: Buffer;
  readonly #recentSignatures = new Set<string>();
  readonly drops: DropCounts = emptyDropCounts();

  constructor(key: string, options: { id?: string; username?: string } = {}) {
    // An empty key turns signing off in Jupyter; the studio never runs a kernel without one.
    if (key.length === 0) throw new Error("a Jupyter session needs a non-empty key");
    this.#key = Buffer.from(key, "utf8");
    this.id = options.id ?? randomUUID();
    this.username = options.username ?? "vitrine";
  }

  /** The number of messages dropped so far, all reasons together. */
  get dropped(): number {
    return DROP_REASONS.reduce((sum, reason) => sum + this.drops[reason], 0);
  }

  message<Content = JsonObject>(
    msgType: string,
    content: Content,
    options: { parent?: Partial<MessageHeader>; metadata?: JsonObject; buffers?: Buffer[] } = {},
  ): JupyterMessage<Content> {
    return {
      identities: [],
      header: {
        msg_id: randomUUID(),
        session: this.id,
        username: this.username,
        date: new Date().toISOString(),
        msg_type: msgType,
        version: PROTOCOL_VERSION,
      },
      parent_header: options.parent ?? {},
      metadata: options.metadata ?? {},
      content,
      buffers: options.buffers ?? [],
    };
  }

  sign(frames: readonly (Buffer | string)[]): string {
    const hmac = createHmac("sha256", this.#key);
    for (const frame of frames) hmac.update(frame);
    return hmac.digest("hex");
  }

  /** The frames to send: identities, delimiter, signature, the four JSON frames, buffers. */
  encode(message: JupyterMessage<unknown>): Buffer[] {
    const json = [
      Buffer.from(JSON.stringify(message.header)),
      Buffer.from(JSON.stringify(message.parent_header)),
      Buffer.from(JSON.stringify(message.metadata)),
      Buffer.from(JSON.stringify(message.content)),
    ];
    return [...message.identities, DELIMITER_BYTES, Buffer.from(this.sign(json)), ...json, ...message.buffers];
  }

  /** Verifies and parses received frames; a refused message is counted in `drops`, never thrown. */
  decode(frames: readonly Buffer[]): Decoded {
    const result = this.#decode(frames);
    if (!result.ok) this.drops[result.reason] += 1;
    return result;
  }

  #decode(frames: readonly Buffer[]): Decoded {
    const at = frames.findIndex((frame) => frame.equals(DELIMITER_BYTES));
    if (at < 0) return { ok: false, reason: "no_delimiter" };
    if (frames.length - at - 1 < 5) return { ok: false, reason: "wrong_frame_count" };
    const signature = frames[at + 1]!;
    const json = frames.slice(at + 2, at + 6);
    if (signature.length === 0) return { ok: false, reason: "missing_signature" };
    const expected = Buffer.from(this.sign(json));
    // timingSafeEqual: the comparison's duration does not tell a forger how many leading characters match.
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      return { ok: false, reason: "bad_signature" };
    }
    const signatureText = expected.toString();
    if (this.#recentSignatures.has(signatureText)) return { ok: false, reason: "replayed_signature" };
    this.#remember(signatureText);
    let header: unknown, parent: unknown, metadata: unknown, content: unknown;
    try {
      [header, parent, metadata, content] = json.map((frame) => JSON.parse(frame.toString("utf8")) as unknown);
    } catch {
      return { ok: false, reason: "malformed_json" };
    }
    if (!isObject(header) || typeof header.msg_id !== "string" || typeof header.msg_type !== "string") {
      return { ok: false, reason: "bad_header" };
    }
    if (!isObject(parent) || !isObject(metadata) || !isObject(content)) return { ok: false, reason: "malformed_json" };
    return {
      ok: true,
      message: {
        identities: frames.slice(0, at),
        header: header as MessageHeader,
        parent_header: parent as Partial<MessageHeader>,
        metadata: metadata as JsonObject,
        content: content as JsonObject,
        buffers: frames.slice(at + 6),
      },
    };
  }

  #remember(signature: string): void {
    this.#recentSignatures.add(signature);
    if (this.#recentSignatures.size > SIGNATURE_HISTORY) {
      const oldest = this.#recentSignatures.values().next().value;
      if (oldest !== undefined) this.#recentSignatures.delete(oldest);
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
