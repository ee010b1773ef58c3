// nbformat outputs built from one execution's iopub messages, under that execution's output caps.
//
// The kernel runs untrusted code, so its messages' content is checked like any other input: a stream, display,
// result or error whose fields have the wrong types is dropped (and counted) rather than passed on. The caps bound
// what the server holds for one execution (bytes and number of outputs currently kept); past them the outputs are
// cut and one note output says so, so a kernel that floods cannot grow the server's memory.

import type { JsonObject, JsonValue, MimeBundle, Output } from "../notebook/types.ts";
import type { JupyterMessage } from "./wire.ts";

export interface OutputLimits {
  /** Bytes of output kept for one execution (UTF-8 text and JSON-encoded bundles). */
  maxBytes: number;
  /** Number of outputs kept for one execution (consecutive stream chunks of one name make one output). */
  maxOutputs: number;
}

export const DEFAULT_OUTPUT_LIMITS: OutputLimits = { maxBytes: 8 * 1024 * 1024, maxOutputs: 2000 };

/** The metadata key of the note output that says outputs were cut. */
export const TRUNCATION_MARK = "vitrine_output_truncated";

export type OutputEvent =
  /** A new output, or for streams a new chunk (the same name as the previous stream output continues it). */
  | { type: "output"; output: Output; displayId?: string }
  | { type: "update_display_data"; displayId: string; data: MimeBundle; metadata: JsonObject }
  | { type: "clear_output"; wait: boolean };

export class OutputCollector {
  readonly outputs: Output[] = [];
  readonly limits: OutputLimits;
  /** Messages from the kernel whose content did not have the shape of its type. */
  malformed = 0;
  /** True once outputs were cut (until a clear_output frees what was kept). */
  truncated = false;
  #bytes = 0;
  #sizes: number[] = [];
  #pendingClear = false;
  #lossNoted = false;
  #displays = new Map<string, number[]>();

  constructor(limits: OutputLimits = DEFAULT_OUTPUT_LIMITS) {
    this.limits = limits;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Takes one iopub message of this execution; returns what to pass on, in order. */
  accept(message: JupyterMessage): OutputEvent[] {
    const content = message.content;
    switch (message.header.msg_type) {
      case "stream": {
        if (typeof content.name !== "string" || typeof content.text !== "string") return this.#malformed();
        return this.#addStream(content.name, content.text);
      }
      case "display_data":
      case "execute_result": {
        const data = mimeBundle(content.data);
        const metadata = content.metadata === undefined ? {} : jsonObject(content.metadata);
        if (!data || !metadata) return this.#malformed();
        const displayId = displayIdOf(content.transient);
        if (message.header.msg_type === "execute_result") {
          const count = content.execution_count;
          const executionCount = typeof count === "number" && Number.isInteger(count) ? count : null;
          return this.#add(
            { output_type: "execute_result", execution_count: executionCount, data, metadata },
            displayId,
          );
        }
        return this.#add({ output_type: "display_data", data, metadata }, displayId);
      }
      case "error": {
        const { ename, evalue, traceback } = content;
        if (typeof ename !== "string" || typeof evalue !== "string") return this.#malformed();
        if (!Array.isArray(traceback) || !traceback.every((line) => typeof line === "string")) return this.#malformed();
        return this.#add({ output_type: "error", ename, evalue, traceback: traceback as string[] });
      }
      case "update_display_data": {
        const data = mimeBundle(content.data);
        const metadata = content.metadata === undefined ? {} : jsonObject(content.metadata);
        const displayId = displayIdOf(content.transient);
        if (!data || !metadata || displayId === undefined) return this.#malformed();
        this.#update(displayId, data, metadata);
        return [{ type: "update_display_data", displayId, data, metadata }];
      }
      case "clear_output": {
        const wait = content.wait === true;
        if (wait) this.#pendingClear = true;
        else this.#clear();
        return [{ type: "clear_output", wait }];
      }
      default:
        return [];
    }
  }

  #malformed(): OutputEvent[] {
    this.malformed += 1;
    return [];
  }

  #clear(): void {
    this.outputs.length = 0;
    this.#sizes.length = 0;
    this.#bytes = 0;
    this.#displays.clear();
    this.#pendingClear = false;
    this.truncated = false;
  }

  #applyPendingClear(): void {
    if (this.#pendingClear) this.#clear();
  }

  #addStream(name: string, text: string): OutputEvent[] {
    this.#applyPendingClear();
    if (this.truncated) return [];
    const room = this.limits.maxBytes - this.#bytes;
    let kept = text;
    let size = Buffer.byteLength(text);
    if (size > room) {
      kept = cutToBytes(text, room);
      size = Buffer.byteLength(kept);
    }
    const last = this.outputs.at(-1);
    const events: OutputEvent[] = [];
    if (kept.length > 0) {
      if (last?.output_type === "stream" && last.name === name) {
        last.text += kept;
        this.#sizes[this.#sizes.length - 1]! += size;
        this.#bytes += size;
        events.push({ type: "output", output: { output_type: "stream", name, text: kept } });
      } else if (this.outputs.length < this.limits.maxOutputs) {
        this.outputs.push({ output_type: "stream", name, text: kept });
        this.#sizes.push(size);
        this.#bytes += size;
        events.push({ type: "output", output: { output_type: "stream", name, text: kept } });
      } else {
        return this.#cut();
      }
    }
    if (kept.length < text.length) events.push(...this.#cut());
    return events;
  }

  #add(output: Output, displayId?: string): OutputEvent[] {
    this.#applyPendingClear();
    if (this.truncated) return [];
    const size = outputSize(output);
    if (this.outputs.length >= this.limits.maxOutputs || this.#bytes + size > this.limits.maxBytes) return this.#cut();
    this.outputs.push(output);
    this.#sizes.push(size);
    this.#bytes += size;
    if (displayId !== undefined) {
      const indexes = this.#displays.get(displayId) ?? [];
      indexes.push(this.outputs.length - 1);
      this.#displays.set(displayId, indexes);
      return [{ type: "output", output, displayId }];
    }
    return [{ type: "output", output }];
  }

  #update(displayId: string, data: MimeBundle, metadata: JsonObject): void {
    for (const index of this.#displays.get(displayId) ?? []) {
      const output = this.outputs[index];
      if (!output || (output.output_type !== "display_data" && output.output_type !== "execute_result")) continue;
      const updated = { ...output, data, metadata };
      const size = outputSize(updated);
      // An update that would pass the byte cap leaves the kept output as it was (the event still goes out).
      if (this.#bytes - this.#sizes[index]! + size > this.limits.maxBytes) continue;
      this.#bytes += size - this.#sizes[index]!;
      this.#sizes[index] = size;
      this.outputs[index] = updated;
    }
  }

  /** One note (per execution) that output from the kernel was lost on the way; returns it to pass on. */
  noteLoss(text: string): OutputEvent[] {
    if (this.#lossNoted) return [];
    this.#lossNoted = true;
    return this.note(text);
  }

  /** A note from the studio about this execution (marked, outside the byte cap); returns it to pass on. */
  note(text: string): OutputEvent[] {
    const note: Output = {
      output_type: "display_data",
      data: { "text/plain": text },
      metadata: { [TRUNCATION_MARK]: true },
    };
    this.outputs.push(note);
    this.#sizes.push(0);
    return [{ type: "output", output: note }];
  }

  #cut(): OutputEvent[] {
    this.truncated = true;
    const note: Output = {
      output_type: "display_data",
      data: {
        "text/plain":
          `Output cut: this cell's output passed the limit of ${this.limits.maxBytes} bytes or ` +
          `${this.limits.maxOutputs} outputs, and the rest of it was not kept.`,
      },
      metadata: { [TRUNCATION_MARK]: true },
    };
    this.outputs.push(note);
    this.#sizes.push(0);
    return [{ type: "output", output: note }];
  }
}

/** The longest prefix of text that fits in that many UTF-8 bytes, never splitting a surrogate pair. */
export function cutToBytes(text: string, bytes: number): string {
  if (bytes <= 0) return "";
  let end = Math.min(text.length, bytes);
  while (end > 0 && Buffer.byteLength(text.slice(0, end)) > bytes) end = Math.floor(end * 0.9);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end);
}

function outputSize(output: Output): number {
  switch (output.output_type) {
    case "stream":
      return Buffer.byteLength(output.text);
    case "error":
      return Buffer.byteLength(JSON.stringify([output.ename, output.evalue, output.traceback]));
    default:
      return Buffer.byteLength(JSON.stringify([output.data, output.metadata]));
  }
}

function isJsonMime(mime: string): boolean {
  return mime === "application/json" || mime.endsWith("+json");
}

/** A mime bundle: strings (a list of strings is joined) and, for JSON mime types, any JSON value. */
function mimeBundle(value: unknown): MimeBundle | undefined {
  const object = jsonObject(value);
  if (!object) return undefined;
  const bundle: MimeBundle = {};
  for (const [mime, entry] of Object.entries(object)) {
    if (typeof entry === "string" || isJsonMime(mime)) bundle[mime] = entry;
    else if (Array.isArray(entry) && entry.every((line) => typeof line === "string")) bundle[mime] = entry.join("");
    else return undefined;
  }
  return bundle;
}

function jsonObject(value: unknown): JsonObject | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

function displayIdOf(transient: JsonValue | undefined): string | undefined {
  const object = jsonObject(transient);
  return object && typeof object.display_id === "string" ? object.display_id : undefined;
}
