// The difference between two versions of a notebook, cell by cell, as a reader wants to see it: which cells were
// added, removed, moved or changed, a changed cell's source as a line diff, whether its outputs changed, and what
// changed in the notebook's and the cells' metadata, each change at its JSON pointer with the old and new value.
//
// Cells are matched across the versions the way nbdime aligns them, most certain first: by cell id (nbformat 4.5),
// then by identical source, then by similar source of the same cell type (nbdime's threshold of 0.7, and short
// sources of the same type align freely, as nbdime's do). Unlike nbdime, which reports a cell that changed place
// as removed and added again, a matched cell whose order relative to the others changed is reported as moved: the
// matched pairs that keep their order are the longest increasing run of their places, and the rest moved.
//
// The work is bounded so that any two notebooks the studio holds compare in a bounded time: matching by id and
// by source is a hash lookup per cell; a similarity test reads at most SIMILARITY_PREFIX characters of each source,
// a cell is compared with at most MAX_CANDIDATES others, and all cells together with at most MAX_COMPARISONS; the
// order is an O(n log n) longest increasing subsequence; each line diff is bounded by MAX_EDIT_LINES
// (notebook-diff-lines.ts). A notebook past the comparison budget still diffs correctly, with cells that could
// not be compared shown as removed and added.
import { lineDiff, type LineDiff } from "./notebook-diff-lines.ts";
import { joinPointer } from "./pointer.ts";
import type { Cell, JsonValue, Notebook } from "./types.ts";

/** Sources compared for similarity are read up to this many characters. */
export const SIMILARITY_PREFIX = 600;
/** Unmatched cells of the older version one cell is compared with for similarity, at most. */
export const MAX_CANDIDATES = 32;
/** Candidates still compared once one similar enough is found, in case a later one is more similar. */
export const LOOKAHEAD = 4;
/** Similarity tests in one notebook diff, at most. */
export const MAX_COMPARISONS = 30_000;
/** Sources at least this similar (bigram Dice coefficient, 0 to 1) are the same cell edited. */
export const SIMILARITY_THRESHOLD = 0.7;
/** Sources both shorter than this align with any source of the same cell type when nothing better is found. */
const SHORT_SOURCE = 10;
/** Changed values listed for one place (the notebook, or one cell), at most; `more` counts the rest. */
export const MAX_VALUE_CHANGES = 200;

/** A value that changed, at its JSON pointer; a missing `before` was added, a missing `after` removed. */
export interface ValueChange {
  path: string;
  before?: JsonValue;
  after?: JsonValue;
}

export interface ValueChanges {
  changes: ValueChange[];
  /** Changes not listed past MAX_VALUE_CHANGES. */
  more: number;
}

export type CellStatus = "added" | "removed" | "changed" | "unchanged";

/** How a cell was found in both versions. */
export type CellMatch = "id" | "source" | "similar";

/** One cell of either version, in the order a reader meets them: the newer version's, removed cells where they were. */
export interface CellDiff {
  status: CellStatus;
  /** A cell in both versions whose place among the others changed. */
  moved: boolean;
  match: CellMatch | null;
  /** The cell in the older version and its index there; null when added. */
  before: { index: number; cell: Cell } | null;
  /** The cell in the newer version and its index there; null when removed. */
  after: { index: number; cell: Cell } | null;
  /** The source's line diff when it changed; null when it did not, or the cell is only in one version. */
  source: LineDiff | null;
  /** Whether a code cell's outputs differ (execution counts inside them included). */
  outputsChanged: boolean;
  /** Whether a markdown or raw cell's attachments differ. */
  attachmentsChanged: boolean;
  /** The cell's metadata, execution count and cell type, at pointers into the cell ("/metadata/tags"). */
  values: ValueChanges;
}

export interface NotebookDiff {
  cells: CellDiff[];
  /** The notebook's metadata and nbformat minor version, at pointers into the notebook ("/metadata/kernelspec"). */
  values: ValueChanges;
  counts: { added: number; removed: number; moved: number; changed: number; unchanged: number };
  /** Whether the similarity budget ran out, so that some cells that might have been matched are shown as removed and added. */
  budgetSpent: boolean;
}

export interface NotebookDiffOptions {
  /**
   * Ids that do not name a cell across versions: those a reader gave to cells that had none, from their place
   * (cell-ids.ts). Such an id says only where a cell was, so matching on it would pair unrelated cells.
   */
  placeIds?: { before: (id: string) => boolean; after: (id: string) => boolean };
}

/** The reading notes of a notebook whose cells were given ids (reading-notes.ts), as a reading sends them. */
export interface IdNotes {
  notes?: readonly { code: string; cellId?: string }[];
  noteCounts?: Readonly<Record<string, number>>;
}

const ID_NOTES = ["cell_id_added", "duplicate_cell_id_repaired"];
/** The form of the ids a reading gives (cell-ids.ts): "cell-" and the cell's place, with "-2", "-3"... if taken. */
const PLACE_ID = /^cell-[1-9][0-9]*(-[1-9][0-9]*)?$/;

/**
 * Whether an id of a notebook was made by its reading, from the cell's place: those its notes name, and, when the
 * notes were cut short (MAX_NOTES_PER_CODE), any id of the reading's own form as well.
 */
export function placeIdsOf(read: IdNotes): (id: string) => boolean {
  const named = new Set<string>();
  let listed = 0;
  for (const note of read.notes ?? []) {
    if (!ID_NOTES.includes(note.code) || note.cellId === undefined) continue;
    named.add(note.cellId);
    listed++;
  }
  const total = ID_NOTES.reduce((sum, code) => sum + (read.noteCounts?.[code] ?? 0), 0);
  if (total > listed) return (id) => named.has(id) || PLACE_ID.test(id);
  return (id) => named.has(id);
}

export function diffNotebooks(before: Notebook, after: Notebook, options: NotebookDiffOptions = {}): NotebookDiff {
  const a = before.cells;
  const b = after.cells;
  // pairOfB[j] is the older cell matched to the newer cell j, or -1; pairOfA the other way round.
  const pairOfA = new Int32Array(a.length).fill(-1);
  const pairOfB = new Int32Array(b.length).fill(-1);
  const how = new Array<CellMatch | null>(b.length).fill(null);
  const pair = (i: number, j: number, match: CellMatch) => {
    pairOfA[i] = j;
    pairOfB[j] = i;
    how[j] = match;
  };

  matchByIds(a, b, options, pair);
  matchBySource(a, b, pairOfA, pairOfB, pair);
  const budgetSpent = matchBySimilarity(a, b, pairOfA, pairOfB, pair);

  const inPlace = inOrderPairs(pairOfB);
  const nextStayingA = nextAnchors(inPlace, pairOfB, a.length);
  const cells: CellDiff[] = [];
  let nextA = 0;
  const removedUpTo = (end: number) => {
    for (; nextA < end; nextA++) {
      if (pairOfA[nextA] === -1) cells.push(onlyIn("removed", nextA, a[nextA]!));
    }
  };
  for (let j = 0; j < b.length; j++) {
    const i = pairOfB[j]!;
    if (i === -1) {
      // Removed cells come before the cells added in their place, as a line diff shows them.
      removedUpTo(nextStayingA[j]!);
      cells.push(onlyIn("added", j, b[j]!));
      continue;
    }
    const stays = inPlace.has(j);
    if (stays) {
      removedUpTo(i);
      nextA = i + 1;
    }
    cells.push(bothIn(i, a[i]!, j, b[j]!, how[j]!, !stays));
  }
  removedUpTo(a.length);

  const counts = { added: 0, removed: 0, moved: 0, changed: 0, unchanged: 0 };
  for (const cell of cells) {
    counts[cell.status]++;
    if (cell.moved) counts.moved++;
  }
  const values = new ValueChangeList();
  if (before.nbformat_minor !== after.nbformat_minor)
    values.add({ path: "/nbformat_minor", before: before.nbformat_minor, after: after.nbformat_minor });
  diffJson("/metadata", before.metadata, after.metadata, values);
  return { cells, values: values.done(), counts, budgetSpent };
}

function matchByIds(
  a: readonly Cell[],
  b: readonly Cell[],
  options: NotebookDiffOptions,
  pair: (i: number, j: number, match: CellMatch) => void,
): void {
  const byId = new Map<string, number>();
  a.forEach((cell, i) => {
    if (cell.id !== undefined && !options.placeIds?.before(cell.id)) byId.set(cell.id, i);
  });
  b.forEach((cell, j) => {
    if (cell.id === undefined || options.placeIds?.after(cell.id)) return;
    const i = byId.get(cell.id);
    if (i === undefined) return;
    // Ids are unique in a notebook as read (cell-ids.ts repairs repeats), so each id pairs once.
    byId.delete(cell.id);
    pair(i, j, "id");
  });
}

/** Cells with the same type and source: the k-th such newer cell pairs with the k-th unmatched such older cell. */
function matchBySource(
  a: readonly Cell[],
  b: readonly Cell[],
  pairOfA: Int32Array,
  pairOfB: Int32Array,
  pair: (i: number, j: number, match: CellMatch) => void,
): void {
  const bySource = new Map<string, { older: number[]; next: number }>();
  a.forEach((cell, i) => {
    if (pairOfA[i] !== -1) return;
    const key = `${cell.cell_type}\0${cell.source}`;
    const found = bySource.get(key);
    if (found) found.older.push(i);
    else bySource.set(key, { older: [i], next: 0 });
  });
  b.forEach((cell, j) => {
    if (pairOfB[j] !== -1) return;
    const found = bySource.get(`${cell.cell_type}\0${cell.source}`);
    if (!found || found.next === found.older.length) return;
    pair(found.older[found.next++]!, j, "source");
  });
}

/**
 * Pairs the cells still unmatched with the most similar unmatched older cell of the same type between the matched
 * cells around them, keeping their order. Returns whether the comparison budget ran out.
 */
function matchBySimilarity(
  a: readonly Cell[],
  b: readonly Cell[],
  pairOfA: Int32Array,
  pairOfB: Int32Array,
  pair: (i: number, j: number, match: CellMatch) => void,
): boolean {
  // The cells matched so far that keep their order bound the stretch of older cells each newer cell is looked for in.
  const anchors = inOrderPairs(pairOfB);
  const nextAnchorA = nextAnchors(anchors, pairOfB, a.length);
  const grams = new Map<number, Map<number, number>>();
  const gramsOf = (side: "a" | "b", index: number, source: string) => {
    const key = side === "a" ? index : -index - 1;
    let found = grams.get(key);
    if (!found) grams.set(key, (found = bigrams(source)));
    return found;
  };
  let comparisons = 0;
  let floor = 0;
  for (let j = 0; j < b.length; j++) {
    if (anchors.has(j)) {
      floor = pairOfB[j]! + 1;
      continue;
    }
    if (pairOfB[j] !== -1) continue;
    const cell = b[j]!;
    const end = nextAnchorA[j + 1]!;
    let best = -1;
    let bestScore = SIMILARITY_THRESHOLD;
    let shortFallback = -1;
    let looked = 0;
    let lookedPastBest = 0;
    for (let i = floor; i < end && looked < MAX_CANDIDATES && lookedPastBest <= LOOKAHEAD; i++) {
      const other = a[i]!;
      if (pairOfA[i] !== -1 || other.cell_type !== cell.cell_type) continue;
      looked++;
      if (best !== -1) lookedPastBest++;
      if (cell.source.length < SHORT_SOURCE && other.source.length < SHORT_SOURCE) {
        if (shortFallback === -1) shortFallback = i;
        continue;
      }
      if (comparisons >= MAX_COMPARISONS) return true;
      comparisons++;
      const score = dice(
        gramsOf("a", i, other.source),
        gramsOf("b", j, cell.source),
        bigramCount(other.source),
        bigramCount(cell.source),
      );
      if (score >= bestScore) {
        best = i;
        bestScore = score;
        if (score === 1) break;
      }
    }
    const chosen = best !== -1 ? best : shortFallback;
    if (chosen === -1) continue;
    pair(chosen, j, "similar");
    floor = chosen + 1;
  }
  return false;
}

/** For each newer cell, the older index of the first cell at or after it that keeps its order (a.length if none). */
function nextAnchors(anchors: ReadonlySet<number>, pairOfB: Int32Array, olderCount: number): Int32Array {
  const next = new Int32Array(pairOfB.length + 1).fill(olderCount);
  for (let j = pairOfB.length - 1; j >= 0; j--) next[j] = anchors.has(j) ? pairOfB[j]! : next[j + 1]!;
  return next;
}

/** Character bigrams of a source's first SIMILARITY_PREFIX characters, with their counts. */
function bigrams(source: string): Map<number, number> {
  const end = Math.min(source.length, SIMILARITY_PREFIX);
  const counts = new Map<number, number>();
  for (let k = 0; k + 1 < end; k++) {
    // Two UTF-16 code units as one number: cheaper to hash than a two-character string.
    const gram = source.charCodeAt(k) * 0x10000 + source.charCodeAt(k + 1);
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

const bigramCount = (source: string) => Math.max(0, Math.min(source.length, SIMILARITY_PREFIX) - 1);

/** Dice's coefficient of two bigram multisets: 1 for the same text, 0 for nothing in common. */
function dice(x: Map<number, number>, y: Map<number, number>, xs: number, ys: number): number {
  if (xs + ys === 0) return 1;
  const [small, large] = x.size <= y.size ? [x, y] : [y, x];
  let shared = 0;
  for (const [gram, n] of small) shared += Math.min(n, large.get(gram) ?? 0);
  return (2 * shared) / (xs + ys);
}

/**
 * The newer cells whose matched older cells keep their relative order: a longest increasing subsequence of the
 * older indices in the newer order (patience sorting, O(n log n)). Every other matched cell moved.
 */
export function inOrderPairs(pairOfB: Int32Array): Set<number> {
  const tails: number[] = []; // tails[k]: the newer index ending the best run of length k + 1
  const previous = new Int32Array(pairOfB.length).fill(-1);
  for (let j = 0; j < pairOfB.length; j++) {
    const i = pairOfB[j]!;
    if (i === -1) continue;
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (pairOfB[tails[mid]!]! < i) low = mid + 1;
      else high = mid;
    }
    if (low > 0) previous[j] = tails[low - 1]!;
    tails[low] = j;
  }
  const kept = new Set<number>();
  for (let j = tails.at(-1) ?? -1; j !== -1; j = previous[j]!) kept.add(j);
  return kept;
}

function onlyIn(status: "added" | "removed", index: number, cell: Cell): CellDiff {
  const place = { index, cell };
  return {
    status,
    moved: false,
    match: null,
    before: status === "removed" ? place : null,
    after: status === "added" ? place : null,
    source: null,
    outputsChanged: false,
    attachmentsChanged: false,
    values: { changes: [], more: 0 },
  };
}

function bothIn(i: number, x: Cell, j: number, y: Cell, match: CellMatch, moved: boolean): CellDiff {
  const values = new ValueChangeList();
  if (x.cell_type !== y.cell_type) values.add({ path: "/cell_type", before: x.cell_type, after: y.cell_type });
  const xCount = x.cell_type === "code" ? x.execution_count : undefined;
  const yCount = y.cell_type === "code" ? y.execution_count : undefined;
  if (xCount !== yCount) values.add(change("/execution_count", xCount, yCount));
  diffJson("/metadata", x.metadata, y.metadata, values);
  const outputsChanged = !sameJson(outputsOf(x), outputsOf(y));
  const attachmentsChanged = !sameJson(attachmentsOf(x), attachmentsOf(y));
  const source = x.source === y.source ? null : lineDiff(x.source, y.source);
  const listed = values.done();
  const changed = source !== null || outputsChanged || attachmentsChanged || listed.changes.length > 0;
  return {
    status: changed ? "changed" : "unchanged",
    moved,
    match,
    before: { index: i, cell: x },
    after: { index: j, cell: y },
    source,
    outputsChanged,
    attachmentsChanged,
    values: listed,
  };
}

const outputsOf = (cell: Cell): JsonValue =>
  cell.cell_type === "code" ? (cell.outputs as unknown as JsonValue) : null;
const attachmentsOf = (cell: Cell): JsonValue =>
  cell.cell_type !== "code" && cell.attachments ? (cell.attachments as unknown as JsonValue) : null;

function change(path: string, before: JsonValue | undefined, after: JsonValue | undefined): ValueChange {
  return { path, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) };
}

class ValueChangeList {
  private readonly changes: ValueChange[] = [];
  private more = 0;
  add(value: ValueChange): void {
    if (this.changes.length < MAX_VALUE_CHANGES) this.changes.push(value);
    else this.more++;
  }
  done(): ValueChanges {
    return { changes: this.changes, more: this.more };
  }
}

const isPlainObject = (value: JsonValue | undefined): value is { [key: string]: JsonValue } =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The changes from one JSON value to another: objects are followed key by key, so a change is named at its own
 * pointer; any other value (arrays included, such as a cell's tags) is one value that changed or did not.
 */
export function diffJson(
  path: string,
  before: JsonValue | undefined,
  after: JsonValue | undefined,
  into: { add(value: ValueChange): void },
): void {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const key of [...keys].sort()) {
      diffJson(
        joinPointer(path, key),
        Object.hasOwn(before, key) ? before[key] : undefined,
        Object.hasOwn(after, key) ? after[key] : undefined,
        into,
      );
    }
    return;
  }
  if (before === undefined && after === undefined) return;
  if (before !== undefined && after !== undefined && sameJson(before, after)) return;
  into.add(change(path, before, after));
}

/** Whether two JSON values are equal, whatever the order of their objects' keys. */
export function sameJson(x: JsonValue | undefined, y: JsonValue | undefined): boolean {
  if (x === y) return true;
  if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    for (let k = 0; k < x.length; k++) if (!sameJson(x[k], y[k])) return false;
    return true;
  }
  const xKeys = Object.keys(x);
  if (xKeys.length !== Object.keys(y).length) return false;
  for (const key of xKeys) {
    if (!Object.hasOwn(y, key) || !sameJson(x[key], y[key])) return false;
  }
  return true;
}
