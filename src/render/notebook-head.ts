// A notebook's head: its metadata and its first cells, as a small nbformat 4 document, so that a studio page can
// draw the first screen of a large notebook without waiting for all of its bytes (4 MB and more when outputs carry
// figures) to arrive and be read. The server makes heads from stored notebooks (server/head-cache.ts); the page
// reads one through the same model and checks as a whole file (readHead), and draws the rest once the bytes are in.
// With its cells a head carries what the page would otherwise work out before drawing them, made by the same code
// on the server: the code cells highlighted, and the markdown cells' HTML, which the page sanitizes as its own.
// The head's wire format, its type and constants, is the API's (contract/notebook-head-format.ts); this module
// makes heads and reads them.
import type { NotebookHead } from "../contract/notebook-head-format.ts";
import { HEAD_MAX_CELL_BYTES, HEAD_MAX_CELLS, PENDING_OUTPUT } from "../contract/notebook-head-constants.ts";
import { readAcceptedDocument } from "../notebook/parse.ts";
import { summarizeReadingNotes } from "../notebook/reading-notes.ts";
import type { Cell, ParsedNotebook } from "../notebook/types.ts";
import type { TextRun } from "./terminal.ts";
import { checkedRuns, compactRuns, highlightCode, type Highlighted } from "./highlight.ts";
import { ACTIVE_MIME_TYPES } from "./output-types.ts";
import { notebookLanguage, type MarkdownToHtml } from "./plan.ts";

/** Frame contents longer than this (characters) are left out of a cell that would not fit in the head otherwise. */
const PENDING_OVER_CHARS = 16 * 1024;

/**
 * The head of a parsed notebook: cells from the first while their serialized size stays within
 * HEAD_MAX_CELL_BYTES (and their number within HEAD_MAX_CELLS). A cell that does not fit goes in without its large
 * frame contents (PENDING_OUTPUT) when it then fits; otherwise the head ends before it, possibly with no cells: the
 * page then waits for the whole file, as it would without a head.
 */
export function notebookHead(parsed: ParsedNotebook, sha256: string, markdown: MarkdownToHtml): NotebookHead {
  const { notebook } = parsed;
  const cells: unknown[] = [];
  let bytes = 0;
  for (const cell of notebook.cells) {
    if (cells.length === HEAD_MAX_CELLS) break;
    let size = JSON.stringify(cell).length;
    let taken: Cell = cell;
    if (bytes + size > HEAD_MAX_CELL_BYTES) {
      taken = withPendingOutputs(cell);
      size = JSON.stringify(taken).length;
      if (bytes + size > HEAD_MAX_CELL_BYTES) break;
    }
    bytes += size;
    cells.push(taken);
  }
  const language = notebookLanguage(notebook);
  const taken = notebook.cells.slice(0, cells.length);
  // The sentences, not the notes: a file can have thousands of places noted, and the page shows only these.
  const readingNotes = summarizeReadingNotes(parsed.notes ?? [], parsed.noteCounts);
  const highlighted = taken.map((cell) =>
    cell.cell_type === "code" ? compactRuns(highlightCode(cell.source, language)) : null,
  );
  return {
    sha256,
    original: parsed.original,
    upgraded: parsed.upgraded,
    cellCount: notebook.cells.length,
    notebook: { nbformat: 4, nbformat_minor: notebook.nbformat_minor, metadata: notebook.metadata, cells },
    highlighted: { language, cells: highlighted },
    markdown: taken.map((cell) => (cell.cell_type === "markdown" ? markdown(cell.source) : null)),
    ...(readingNotes.length > 0 ? { readingNotes } : {}),
  };
}

/** A head read into the model: its first cells as a ParsedNotebook of their own, and the whole notebook's size. */
export interface ReadHead {
  sha256: string;
  /** `notebook.cells` are the whole notebook's first cells; `original` and `upgraded` are the whole file's. */
  parsed: ParsedNotebook;
  cellCount: number;
  /** The head's code cells highlighted by the server, those that passed checkedRuns; none when the head sent none. */
  highlighted?: Highlighted;
  /** The head's markdown cells' HTML (not safe yet), by source: every markdown cell's, or none. */
  markdown?: ReadonlyMap<string, string>;
  /** What the reading of the whole file repaired or relaxed, as sentences to show (text only); none when nothing. */
  readingNotes: string[];
}

/**
 * A head from the server (JSON.parse'd, and taken over), read by the notebook model's own checks as a notebook
 * the server has accepted (readAcceptedDocument); null when it is not a head or not a valid notebook.
 */
export function readHead(value: unknown): ReadHead | null {
  if (value === null || typeof value !== "object") return null;
  const head = value as Partial<NotebookHead>;
  const { sha256, original, cellCount } = head;
  if (typeof sha256 !== "string" || typeof cellCount !== "number" || typeof head.upgraded !== "boolean") return null;
  if (original === null || typeof original !== "object" || typeof original.major !== "number") return null;
  const parsed = readAcceptedDocument(head.notebook);
  if (!parsed || cellCount < parsed.notebook.cells.length) return null;
  const read: ReadHead = {
    sha256,
    cellCount,
    readingNotes: readReadingNotes(head.readingNotes),
    parsed: {
      notebook: parsed.notebook,
      original: { major: original.major, minor: original.minor },
      upgraded: head.upgraded,
    },
  };
  const highlighted = readHighlighted(head.highlighted, parsed.notebook.cells);
  if (highlighted) read.highlighted = highlighted;
  const markdown = readMarkdown(head.markdown, parsed.notebook.cells);
  if (markdown) read.markdown = markdown;
  return read;
}

/** At most a few sentences, each a bounded string; anything else is no notes. */
function readReadingNotes(value: unknown): string[] {
  if (!Array.isArray(value) || value.length > 8) return [];
  return value.every((line) => typeof line === "string" && line.length <= 1000) ? (value as string[]) : [];
}

/** The server's HTML for the head's markdown cells, when there is a string for each of them. */
function readMarkdown(value: unknown, cells: readonly Cell[]): ReadonlyMap<string, string> | undefined {
  if (!Array.isArray(value) || value.length !== cells.length) return undefined;
  const bySource = new Map<string, string>();
  for (const [i, cell] of cells.entries()) {
    if (cell.cell_type !== "markdown") continue;
    const html: unknown = value[i];
    if (typeof html !== "string") return undefined;
    bySource.set(cell.source, html);
  }
  return bySource;
}

/**
 * The server's runs for the head's code cells, each checked against its cell's source (checkedRuns): a run that
 * does not check out is left out, and that cell is highlighted by the page as any other. Nothing here can change
 * what text a cell shows, and classes are only ever set as class names.
 */
function readHighlighted(value: unknown, cells: readonly Cell[]): Highlighted | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const { language, cells: runsOfCells } = value as { language?: unknown; cells?: unknown };
  if (typeof language !== "string" || !Array.isArray(runsOfCells) || runsOfCells.length !== cells.length)
    return undefined;
  const bySource = new Map<string, TextRun[]>();
  cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    const runs = checkedRuns(runsOfCells[i], cell.source);
    if (runs) bySource.set(cell.source, runs);
  });
  return { language, bySource };
}

/** The cell with every large frame content (string-valued active types) replaced by PENDING_OUTPUT. */
function withPendingOutputs(cell: Cell): Cell {
  if (cell.cell_type !== "code") return cell;
  const outputs = cell.outputs.map((output) => {
    if (output.output_type !== "display_data" && output.output_type !== "execute_result") return output;
    let data: typeof output.data | undefined;
    for (const [mime, value] of Object.entries(output.data)) {
      if (!ACTIVE_MIME_TYPES.has(mime) || typeof value !== "string" || value.length <= PENDING_OVER_CHARS) continue;
      data ??= { ...output.data };
      data[mime] = PENDING_OUTPUT;
    }
    return data ? { ...output, data } : output;
  });
  return { ...cell, outputs };
}
