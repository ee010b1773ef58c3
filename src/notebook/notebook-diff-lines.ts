// Line diffs of two texts (a cell's source, a script), by jsdiff's Myers diff, with the work bounded.
import { diffLines } from "diff";

/** One line of a line diff: kept, removed from the older text or added in the newer one, with its line numbers. */
export interface DiffLine {
  kind: "same" | "removed" | "added";
  text: string;
  /** 1-based line in the older text (same and removed lines). */
  before?: number;
  /** 1-based line in the newer text (same and added lines). */
  after?: number;
}

export interface LineDiff {
  lines: DiffLine[];
  /**
   * True when the texts differ in more lines than a line diff is worked out for (`maxEditLines`): the older text is
   * then shown removed and the newer one added, whole, which is true but not the shortest story.
   */
  whole: boolean;
}

/**
 * The most removed plus added lines a line diff looks for. Myers' algorithm costs O((N+M)·D) for D edits, so this
 * bounds one diff to a few times the texts' length, whatever they hold; texts that differ more are shown whole.
 */
export const MAX_EDIT_LINES = 2000;

/** Splits a text into lines without their line breaks; a final line break does not make an empty last line. */
export function textLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** The line diff from `before` to `after`. */
export function lineDiff(before: string, after: string, maxEditLines = MAX_EDIT_LINES): LineDiff {
  const lines: DiffLine[] = [];
  let beforeLine = 1;
  let afterLine = 1;
  const push = (kind: DiffLine["kind"], texts: readonly string[]) => {
    for (const text of texts) {
      if (kind === "same") lines.push({ kind, text, before: beforeLine++, after: afterLine++ });
      else if (kind === "removed") lines.push({ kind, text, before: beforeLine++ });
      else lines.push({ kind, text, after: afterLine++ });
    }
  };
  if (before === after) {
    push("same", textLines(before));
    return { lines, whole: false };
  }
  // A last line with and without its line break are the same line here: the texts are compared line by line, and a
  // missing final newline is not a change worth a line of its own.
  const changes = diffLines(normalizeEnd(before), normalizeEnd(after), { maxEditLength: maxEditLines });
  if (changes === undefined) {
    push("removed", textLines(before));
    push("added", textLines(after));
    return { lines, whole: true };
  }
  for (const change of changes) {
    push(change.added ? "added" : change.removed ? "removed" : "same", textLines(change.value));
  }
  return { lines, whole: false };
}

function normalizeEnd(text: string): string {
  return text === "" || text.endsWith("\n") ? text : `${text}\n`;
}

/** How many lines a diff adds and removes. */
export function lineCounts(diff: LineDiff): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of diff.lines) {
    if (line.kind === "added") added++;
    else if (line.kind === "removed") removed++;
  }
  return { added, removed };
}
