// Errors a user can cause by handing Vitrine a file. Each has a stable code (for programs and the API),
// a sentence a person can act on, and where in the file it is.

export type NotebookErrorCode =
  | "invalid_utf8"
  | "invalid_json"
  | "duplicate_key"
  | "too_deep"
  | "string_too_long"
  | "file_too_large"
  | "too_many_cells"
  | "too_many_outputs"
  | "not_a_notebook"
  | "unsupported_version"
  | "schema_violation"
  | "duplicate_cell_id";

export interface SourceLocation {
  /** RFC 6901 JSON pointer into the document, "" for the whole document. */
  pointer: string;
  /** 1-based line and column in the file, when the place is known. */
  line?: number;
  column?: number;
  /** 0-based index of the cell, when the place is inside a cell (after upgrade to v4). */
  cell?: number;
}

export class NotebookError extends Error {
  readonly code: NotebookErrorCode;
  readonly location: SourceLocation;
  file: string | undefined;

  constructor(code: NotebookErrorCode, message: string, location: SourceLocation, file?: string) {
    super(message);
    this.name = "NotebookError";
    this.code = code;
    this.location = location;
    this.file = file;
  }

  /** "file.ipynb:12:5: cell 3: message [code] at /cells/3/source" */
  format(): string {
    const { line, column, pointer, cell } = this.location;
    const where = [
      this.file ?? "<input>",
      line !== undefined ? String(line) : undefined,
      column !== undefined ? String(column) : undefined,
    ]
      .filter((p) => p !== undefined)
      .join(":");
    const cellPart = cell !== undefined ? ` cell ${cell + 1}:` : "";
    return `${where}:${cellPart} ${this.message} [${this.code}]${pointer ? ` at ${pointer}` : ""}`;
  }

  toJSON(): Record<string, unknown> {
    return { error: this.code, message: this.message, file: this.file, ...this.location };
  }
}
