// Typed nbformat v4 notebooks. Every notebook Vitrine handles is upgraded to this shape first;
// multi-line strings are joined (nbformat allows a string or a list of strings).

import type { ReadingNote, ReadingNoteCounts } from "./reading-notes.ts";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A mime bundle with multi-line strings joined; JSON mime types keep their parsed value. */
export type MimeBundle = Record<string, string | JsonValue>;

export interface StreamOutput {
  output_type: "stream";
  name: string;
  text: string;
}

export interface DisplayDataOutput {
  output_type: "display_data";
  data: MimeBundle;
  metadata: JsonObject;
  transient?: JsonObject;
}

export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: MimeBundle;
  metadata: JsonObject;
}

export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}

export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CodeCell {
  cell_type: "code";
  id?: string;
  source: string;
  metadata: JsonObject;
  execution_count: number | null;
  outputs: Output[];
}

export interface MarkdownCell {
  cell_type: "markdown";
  id?: string;
  source: string;
  metadata: JsonObject;
  attachments?: Record<string, MimeBundle>;
}

export interface RawCell {
  cell_type: "raw";
  id?: string;
  source: string;
  metadata: JsonObject;
  attachments?: Record<string, MimeBundle>;
}

export type Cell = CodeCell | MarkdownCell | RawCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: JsonObject;
  cells: Cell[];
}

/** What `parseNotebook` returns: the v4 notebook and what the file said it was. */
export interface ParsedNotebook {
  notebook: Notebook;
  /** The version in the file before any upgrade, e.g. { major: 3, minor: 0 }. */
  original: { major: number; minor: number | null };
  upgraded: boolean;
  /**
   * What the reading repaired or relaxed where nbformat does (reading-notes.ts), in the file's order; empty for
   * most notebooks. Absent where a reading did not keep them (a notebook head's).
   */
  notes?: ReadingNote[];
  /** How many notes of each code there were: `notes` keeps the first MAX_NOTES_PER_CODE of each. */
  noteCounts?: ReadingNoteCounts;
}
