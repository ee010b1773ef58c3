// What search finds in a stored file: its path, and for a notebook the text of each markdown and code cell and of
// each code cell's text outputs; a text file's content as one entry. Text is what a reader sees, not markup:
//
// - outputs give their stream text, their text/plain and their error's name, value and traceback, with terminal
//   escapes (ANSI colours) removed and carriage returns applied as a terminal would;
// - text/html, SVG and JavaScript outputs are left out: their markup (tag and attribute names, scripts, styles)
//   would match words no reader sees, a snippet of it means nothing on the results page, and nearly every rich
//   output carries a text/plain beside it that says what it shows;
// - raw cells are left out: they are passed through to nbconvert, not shown to a reader.
//
// Control characters are replaced by spaces, so that the snippet markers (SNIPPET_START, SNIPPET_END) cannot appear
// in indexed text. Each entry and each file are bounded, so that one notebook of megabytes of printed output cannot
// fill the index: what is past the bounds is not found.
import { NotebookError, parseNotebook } from "../../notebook/index.ts";
import { parseAcceptedNotebook } from "../../notebook/parse.ts";
import type { Cell, Output, ParsedNotebook } from "../../notebook/types.ts";
import { applyTerminalControls } from "../../render/terminal.ts";
import { isCellId } from "../../contract/cell-anchors.ts";

export type EntryKind = "name" | "markdown" | "code" | "output" | "text";

export interface SearchEntry {
  kind: EntryKind;
  /** The cell's place in the notebook (0-based); null for the name and a text file's content. */
  cellIndex: number | null;
  /**
   * The cell's nbformat id, when the notebook gives its cells ids (nbformat 4.5 and later) and the id has nbformat's
   * form (contract/cell-anchors.ts): a result leads to `#cell-{id}`, so an id of any other form is not kept.
   */
  cellId: string | null;
  text: string;
}

/** Characters kept of one entry (a cell's source, or one cell's outputs together). */
export const MAX_ENTRY_CHARS = 64 * 1024;
/** Characters kept of one file, over all of its entries. */
export const MAX_FILE_CHARS = 2 * 1024 * 1024;

/** Marks where a match starts and ends in a snippet made by the index; never present in indexed text. */
export const SNIPPET_START = "\u0001";
export const SNIPPET_END = "\u0002";

export interface StoredContent {
  path: string;
  kind: "notebook" | "text";
  bytes: Uint8Array;
  /** The notebook as a reader has already read these bytes (a file job's reading), so it is not read again. */
  parsed?: ParsedNotebook;
}

/** The entries of one stored file, in the file's order, the name first. */
export function searchEntries(file: StoredContent): SearchEntry[] {
  const entries: SearchEntry[] = [{ kind: "name", cellIndex: null, cellId: null, text: plainText(file.path) }];
  let budget = MAX_FILE_CHARS;
  const add = (entry: SearchEntry) => {
    if (budget <= 0) return;
    const text = plainText(entry.text).slice(0, Math.min(MAX_ENTRY_CHARS, budget));
    if (text.trim() === "") return;
    budget -= text.length;
    entries.push({ ...entry, text });
  };
  if (file.kind === "text") {
    add({ kind: "text", cellIndex: null, cellId: null, text: new TextDecoder().decode(file.bytes) });
    return entries;
  }
  // The bytes were accepted when they were stored: the fast reader takes them. A notebook stored under an earlier
  // reader's rules that today's refuses is found by its name only.
  let parsed: ParsedNotebook;
  try {
    parsed =
      file.parsed ??
      parseAcceptedNotebook(file.bytes, { file: file.path }) ??
      parseNotebook(file.bytes, { file: file.path });
  } catch (error) {
    if (error instanceof NotebookError) return entries;
    throw error;
  }
  parsed.notebook.cells.forEach((cell, index) => {
    for (const entry of cellEntries(cell, index)) add(entry);
  });
  return entries;
}

function cellEntries(cell: Cell, index: number): SearchEntry[] {
  const cellId = isCellId(cell.id) ? cell.id : null;
  if (cell.cell_type === "markdown") return [{ kind: "markdown", cellIndex: index, cellId, text: cell.source }];
  if (cell.cell_type !== "code") return [];
  const entries: SearchEntry[] = [{ kind: "code", cellIndex: index, cellId, text: cell.source }];
  const outputs = cell.outputs.map(outputText).filter((text) => text !== "");
  if (outputs.length > 0) entries.push({ kind: "output", cellIndex: index, cellId, text: outputs.join("\n") });
  return entries;
}

function outputText(output: Output): string {
  switch (output.output_type) {
    case "stream":
      return terminalText(output.text);
    case "error":
      return terminalText([`${output.ename}: ${output.evalue}`, ...output.traceback].join("\n"));
    default: {
      const plain = output.data["text/plain"];
      return typeof plain === "string" ? terminalText(plain) : "";
    }
  }
}

// ESC [ … final byte (CSI: colours, cursor moves), ESC ] … BEL or ESC \ (OSC: titles, links), and any other ESC pair.
// eslint-disable-next-line no-control-regex -- terminal escapes are what this removes
const TERMINAL_ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?/g;

function terminalText(text: string): string {
  return applyTerminalControls(text.slice(0, MAX_ENTRY_CHARS * 2)).replace(TERMINAL_ESCAPES, "");
}

// Every C0 and C1 control character but tab and newline.
// eslint-disable-next-line no-control-regex -- control characters are what this replaces
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function plainText(text: string): string {
  return text.replace(CONTROLS, " ");
}
