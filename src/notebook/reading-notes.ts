// What the reader did to a notebook it accepted, where nbformat repairs or relaxes rather than refusing: cells
// given ids, duplicate ids replaced, properties of a newer minor version left out, cells and outputs of types
// newer than Vitrine knows shown as a sentence. The file's bytes stay as they are; only the reading differs.
// Each note has a stable code and its place, so that callers (the studio page, `vitrine render`) can say so.

export type ReadingNoteCode =
  /** A cell's id repeated an earlier cell's: the later cell is read with a new id (nbformat's validate does so). */
  | "duplicate_cell_id_repaired"
  /** A cell of an nbformat 4.5 or newer notebook had no id: it is read with one (nbformat's validate does so). */
  | "cell_id_added"
  /** A notebook newer than 4.5 has properties 4.5 does not know: they are left out of the reading, not refused. */
  | "newer_minor_relaxed"
  /** A cell of a type newer than Vitrine knows (in a notebook newer than 4.5): shown as a sentence saying so. */
  | "unknown_cell_type"
  /** The same for an output. */
  | "unknown_output_type";

export interface ReadingNote {
  code: ReadingNoteCode;
  /** One sentence about this place. */
  message: string;
  /** RFC 6901 pointer into the file (v4 notebooks only: v2 and v3 files are upgraded and get no notes). */
  pointer: string;
  /** 0-based index of the cell, when the note is about one. */
  cell?: number;
  /** The id the cell is read with, when the note is about its id. */
  cellId?: string;
}

/**
 * Notes kept of each code, at most. A file of a few bytes a place (an unknown output is 17 bytes) can have millions
 * of places to note: each note costs far more than its bytes, so past this many only the count goes on.
 */
export const MAX_NOTES_PER_CODE = 1000;

export type ReadingNoteCounts = Partial<Record<ReadingNoteCode, number>>;

/** The notes of one reading, as they are added: every one counted, the first MAX_NOTES_PER_CODE of a code kept. */
export class ReadingNoteList {
  readonly items: ReadingNote[] = [];
  readonly counts: ReadingNoteCounts = {};

  /** `note` is only called for a note that is kept. */
  add(code: ReadingNoteCode, note: () => Omit<ReadingNote, "code">): void {
    const n = (this.counts[code] ?? 0) + 1;
    this.counts[code] = n;
    if (n <= MAX_NOTES_PER_CODE) this.items.push({ code, ...note() });
  }
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The notes as a few short sentences, one for each kind, for a person reading the notebook: what Vitrine did,
 * and that nbformat (and so JupyterLab) does the same.
 */
export function summarizeReadingNotes(notes: readonly ReadingNote[], counts?: ReadingNoteCounts): string[] {
  const of = (code: ReadingNoteCode) => counts?.[code] ?? notes.filter((note) => note.code === code).length;
  const lines: string[] = [];
  const repaired = of("duplicate_cell_id_repaired");
  if (repaired > 0) {
    lines.push(
      repaired === 1
        ? "Vitrine gave 1 cell a new id: its id repeated an earlier one (nbformat does the same)."
        : `Vitrine gave ${repaired} cells new ids: their ids repeated earlier ones (nbformat does the same).`,
    );
  }
  const added = of("cell_id_added");
  if (added > 0) {
    lines.push(
      `Vitrine gave ${count(added, "cell", "cells")} an id: nbformat 4.5 gives every cell one, and ${added === 1 ? "it had" : "they had"} none (nbformat does the same).`,
    );
  }
  const relaxed = notes.find((note) => note.code === "newer_minor_relaxed");
  if (relaxed) lines.push(relaxed.message);
  const cells = of("unknown_cell_type");
  if (cells > 0) {
    lines.push(
      `${count(cells, "cell is", "cells are")} of a type newer than Vitrine knows: ${cells === 1 ? "it is" : "they are"} not shown.`,
    );
  }
  const outputs = of("unknown_output_type");
  if (outputs > 0) {
    lines.push(
      `${count(outputs, "output is", "outputs are")} of a type newer than Vitrine knows: ${outputs === 1 ? "it is" : "they are"} not shown.`,
    );
  }
  return lines;
}
