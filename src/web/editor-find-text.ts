// What the editor's find box (editor-find.tsx) searches, and where it goes on when the text changes. The text is
// the edit model's, not the page's: every cell's source as it is now (unsaved typing included, since the editors
// write each change into the model) and its text outputs as the reading path draws them (terminal controls
// applied), so cells without a live editor and cells far from the window count like the others. A markdown cell
// is searched in its source, as the editor shows it while edited; the studio's own words (prompts, run states)
// are not the notebook's and are not searched. Outputs in sandboxed frames are other documents: not searched.
import type { Notebook } from "../notebook/types.ts";
import { notebookText, type CellText, type TextMatch } from "./search-in-notebook.ts";

/** The parts of a cell's text that are its source (the others are outputs, "output:k"). */
export const SOURCE_PARTS: ReadonlySet<string> = new Set(["source", "markdown", "raw"]);

/** The notebook's text for the editor's find: each cell's source, then its text outputs. */
export function editorFindText(notebook: Notebook): CellText[] {
  return notebookText(notebook, (source) => source);
}

/** A place in the notebook's text: a cell (by index), one of its parts, an offset in that part. */
export interface TextPlace {
  cell: number;
  part: number;
  start: number;
}

/**
 * The index of the first match at or after `at`, in reading order; 0 (the first) when none is after it, as a find
 * wraps around. -1 when there are no matches.
 */
export function matchAtOrAfter(matches: readonly TextMatch[], at: TextPlace): number {
  if (matches.length === 0) return -1;
  const index = matches.findIndex(
    (m) =>
      m.cell > at.cell || (m.cell === at.cell && (m.part > at.part || (m.part === at.part && m.start >= at.start))),
  );
  return index < 0 ? 0 : index;
}
