// The outputs of the notebook's cells as the page shows them while cells run: pure data, no DOM. The kernel
// session feeds it the kernel socket's events; the editor reads each cell's outputs and draws them with the
// notebook renderer.
//
// It applies the events as JupyterLab's OutputArea does:
// - a stream chunk whose name is the last output's name continues that output; otherwise it is a new output;
// - `clear_output` clears at once, or with `wait` when the cell's next output (stream, display, result or error)
//   arrives, so a progress bar redraws without flicker; an update of a display does not trigger a waiting clear;
// - `update_display` replaces the data and metadata of every output shown with that display id, in any cell,
//   keeping each output's type (an execute_result stays one, with its count).
// Listeners hear which cells changed. In a page they hear it at most once per animation frame, however many events
// came meanwhile: a cell may update a display or print thousands of times a second, and the page would otherwise
// redraw the cell as often, with a person's keys and clicks waiting behind the redraws (the data itself is always
// up to date; only the news of it is gathered). Where there is no frame clock (Node), they hear it at once.
// Stream text is kept compacted by the renderer's own terminal rules (src/render/terminal.ts): lines that ended
// are reduced to what they show, and the open line to what follows its last "\r", so a progress bar that redraws
// a million times keeps one line, and the page shows exactly what the renderer shows of the uncompacted text.
import type { JsonObject, MimeBundle, Output } from "../notebook/types.ts";
import { applyTerminalControls } from "../render/terminal.ts";

/** What the page keeps for one cell at most; past either, the rest is dropped and a note says so. */
export interface PageOutputLimits {
  /** Outputs kept for one cell (a stream's merged chunks are one output). */
  maxOutputs: number;
  /** Characters kept for one cell: stream text, and each bundle's JSON length. */
  maxChars: number;
}

/**
 * The server cuts one run's outputs at `--kernel-output-mb` (8 MiB by default) and 2,000 outputs, and sends a note
 * past them. The page's own bounds sit above those defaults so that what a run sends is kept whole; they hold
 * what the server does not bound per cell: updates of displays from other cells' runs, and a server configured
 * beyond the page's means.
 */
export const DEFAULT_PAGE_OUTPUT_LIMITS: PageOutputLimits = { maxOutputs: 2_100, maxChars: 32 * 1024 * 1024 };

/** The metadata key of a note output that says outputs were cut (the server's notes carry the same key). */
export const OUTPUT_CUT_MARK = "vitrine_output_truncated";

interface CellState {
  outputs: Output[];
  /** Characters each output counts for, in order. */
  sizes: number[];
  chars: number;
  /** A clear_output(wait=True) waits for the cell's next output. */
  clearPending: boolean;
  /** Outputs were cut (by the server or by the page) since the cell was last cleared. */
  truncated: boolean;
  /** Display id → indexes of this cell's outputs shown with it. */
  displays: Map<string, number[]>;
}

export type OutputListener = (cellId: string) => void;

/** Calls `flush` once, later; the model's listeners then hear every cell that changed since it was asked. */
export type ChangeScheduler = (flush: () => void) => void;

/** The page's frame clock when there is one; none (listeners hear each change at once) elsewhere. */
function defaultScheduler(): ChangeScheduler | null {
  const frame = globalThis.requestAnimationFrame as ((callback: () => void) => number) | undefined;
  return typeof frame === "function" ? (flush) => void frame(flush) : null;
}

export class OutputModel {
  readonly limits: PageOutputLimits;
  readonly #cells = new Map<string, CellState>();
  readonly #listeners = new Set<OutputListener>();
  readonly #schedule: ChangeScheduler | null;
  /** Cells changed since the scheduled flush was asked for, in the order they first changed. */
  readonly #unheard = new Set<string>();

  /**
   * `schedule` gathers changes until it calls back (by default the page's animation frames, see above); null
   * tells every change at once.
   */
  constructor(limits: Partial<PageOutputLimits> = {}, schedule: ChangeScheduler | null = defaultScheduler()) {
    this.limits = { ...DEFAULT_PAGE_OUTPUT_LIMITS, ...limits };
    this.#schedule = schedule;
  }

  /** The cell's outputs now, in order; an empty list for a cell never run. Do not change the list. */
  outputs(cellId: string): readonly Output[] {
    return this.#cells.get(cellId)?.outputs ?? [];
  }

  /** Whether the cell's outputs were cut since it was last cleared. */
  truncated(cellId: string): boolean {
    return this.#cells.get(cellId)?.truncated ?? false;
  }

  /** Whether a clear_output(wait=True) waits for the cell's next output. */
  clearPending(cellId: string): boolean {
    return this.#cells.get(cellId)?.clearPending ?? false;
  }

  /** Calls the listener with a cell's id whenever that cell's outputs change; returns how to stop. */
  onChange(listener: OutputListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A run of the cell starts: its previous outputs go, as JupyterLab clears a cell when it executes. */
  startRun(cellId: string): void {
    this.#reset(this.#cell(cellId));
    this.#changed(cellId);
  }

  /** Sets a cell's outputs as stored (a notebook opened with outputs), so later updates of displays find them. */
  load(cellId: string, outputs: readonly Output[], displayIds: readonly (string | undefined)[] = []): void {
    const cell = this.#cell(cellId);
    this.#reset(cell);
    outputs.forEach((output, i) => this.#append(cell, structuredClone(output), displayIds[i]));
    this.#changed(cellId);
  }

  /** Forgets a cell (deleted, or its outputs cleared by the person). */
  forget(cellId: string): void {
    if (this.#cells.delete(cellId)) this.#changed(cellId);
  }

  /** An output of the cell's run; a stream chunk continues the last output when it is the same stream. */
  add(cellId: string, output: Output, displayId?: string): void {
    const cell = this.#cell(cellId);
    if (cell.clearPending) this.#reset(cell);
    // Once cut, nothing more is kept until the cell is cleared (as the server does).
    if (!cell.truncated) {
      if (output.output_type === "stream") this.#addStream(cell, output.name, output.text);
      else this.#append(cell, structuredClone(output), displayId);
      if (isCutNote(output)) cell.truncated = true;
    }
    this.#changed(cellId);
  }

  /** clear_output: at once, or with wait when the cell's next output arrives. */
  clear(cellId: string, wait: boolean): void {
    const cell = this.#cell(cellId);
    if (wait) {
      cell.clearPending = true;
      return;
    }
    this.#reset(cell);
    this.#changed(cellId);
  }

  /** update_display: every output shown with that display id, in every cell, takes the new data and metadata. */
  updateDisplay(displayId: string, data: MimeBundle, metadata: JsonObject): void {
    for (const [cellId, cell] of this.#cells) {
      const indexes = cell.displays.get(displayId);
      if (!indexes) continue;
      let changed = false;
      for (const index of indexes) {
        const output = cell.outputs[index];
        if (!output || (output.output_type !== "display_data" && output.output_type !== "execute_result")) continue;
        const updated = { ...output, data: structuredClone(data), metadata: structuredClone(metadata) };
        const size = outputChars(updated);
        // An update that would pass the cell's bound leaves the output as it was.
        if (cell.chars - cell.sizes[index]! + size > this.limits.maxChars) {
          cell.truncated = true;
          continue;
        }
        cell.chars += size - cell.sizes[index]!;
        cell.sizes[index] = size;
        cell.outputs[index] = updated;
        changed = true;
      }
      if (changed) this.#changed(cellId);
    }
  }

  #cell(cellId: string): CellState {
    let cell = this.#cells.get(cellId);
    if (!cell) {
      cell = { outputs: [], sizes: [], chars: 0, clearPending: false, truncated: false, displays: new Map() };
      this.#cells.set(cellId, cell);
    }
    return cell;
  }

  #reset(cell: CellState): void {
    cell.outputs = [];
    cell.sizes = [];
    cell.chars = 0;
    cell.clearPending = false;
    cell.truncated = false;
    cell.displays.clear();
  }

  #addStream(cell: CellState, name: string, text: string): void {
    const last = cell.outputs.at(-1);
    if (last?.output_type === "stream" && last.name === name) {
      const index = cell.outputs.length - 1;
      const merged = appendStreamText(last.text, text);
      const size = merged.length;
      if (cell.chars - cell.sizes[index]! + size > this.limits.maxChars) return this.#cut(cell);
      cell.chars += size - cell.sizes[index]!;
      cell.sizes[index] = size;
      cell.outputs[index] = { output_type: "stream", name, text: merged };
      return;
    }
    this.#append(cell, { output_type: "stream", name, text: appendStreamText("", text) });
  }

  #append(cell: CellState, output: Output, displayId?: string): void {
    const size = outputChars(output);
    const note = isCutNote(output);
    if (!note && (cell.outputs.length >= this.limits.maxOutputs || cell.chars + size > this.limits.maxChars))
      return this.#cut(cell);
    cell.outputs.push(output);
    cell.sizes.push(note ? 0 : size);
    cell.chars += note ? 0 : size;
    if (displayId !== undefined && (output.output_type === "display_data" || output.output_type === "execute_result")) {
      const indexes = cell.displays.get(displayId) ?? [];
      indexes.push(cell.outputs.length - 1);
      cell.displays.set(displayId, indexes);
    }
  }

  #cut(cell: CellState): void {
    if (cell.truncated) return;
    cell.truncated = true;
    cell.outputs.push({
      output_type: "display_data",
      data: {
        "text/plain":
          `Output cut: this cell's output passed what the page keeps (${this.limits.maxOutputs} outputs or ` +
          `${this.limits.maxChars} characters), and the rest of it is not shown.`,
      },
      metadata: { [OUTPUT_CUT_MARK]: true },
    });
    cell.sizes.push(0);
  }

  #changed(cellId: string): void {
    if (!this.#schedule) {
      for (const listener of this.#listeners) listener(cellId);
      return;
    }
    if (this.#unheard.size === 0) this.#schedule(() => this.#flush());
    this.#unheard.add(cellId);
  }

  #flush(): void {
    const cells = [...this.#unheard];
    this.#unheard.clear();
    for (const cellId of cells) for (const listener of this.#listeners) listener(cellId);
  }
}

/**
 * A stream's text with a chunk appended, compacted: the lines that ended show what a terminal shows, and the open
 * line keeps only what follows its last "\r" (which returns to the line's start) after the compacted text before
 * it. Only the open line of the existing text is read again, so appending costs the chunk and that line.
 */
export function appendStreamText(existing: string, chunk: string): string {
  // A chunk with no line end, return or backspace changes nothing before it: the open line stays as compacted as
  // it was. This keeps a long line printed in many chunks linear rather than read again at each chunk.
  if (!/[\n\r\b]/.test(chunk)) return existing + chunk;
  const lineStart = existing.lastIndexOf("\n") + 1;
  const done = existing.slice(0, lineStart);
  const tail = existing.slice(lineStart) + chunk;
  const lastNewline = tail.lastIndexOf("\n");
  const ended = tail.slice(0, lastNewline + 1);
  const open = tail.slice(lastNewline + 1);
  return done + applyTerminalControls(ended) + compactOpenLine(open);
}

/** The open line with what precedes its last "\r" reduced to what it shows; the "\r" and what follows it stay. */
function compactOpenLine(line: string): string {
  const lastReturn = line.lastIndexOf("\r");
  if (lastReturn <= 0) return line;
  const before = applyTerminalControls(line.slice(0, lastReturn) + "\n").slice(0, -1);
  return before + line.slice(lastReturn);
}

function isCutNote(output: Output): boolean {
  return output.output_type === "display_data" && output.metadata?.[OUTPUT_CUT_MARK] === true;
}

function outputChars(output: Output): number {
  switch (output.output_type) {
    case "stream":
      return output.text.length;
    case "error":
      return JSON.stringify([output.ename, output.evalue, output.traceback]).length;
    default:
      return JSON.stringify([output.data, output.metadata]).length;
  }
}
