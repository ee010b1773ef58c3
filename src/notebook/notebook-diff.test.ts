import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parseNotebook } from "./parse.ts";
import {
  diffNotebooks,
  inOrderPairs,
  MAX_COMPARISONS,
  MAX_VALUE_CHANGES,
  placeIdsOf,
  type CellDiff,
} from "./notebook-diff.ts";
import { lineDiff, textLines } from "./notebook-diff-lines.ts";
import type { Cell, CodeCell, Notebook } from "./types.ts";

const CORPUS = new URL("../../../shared/corpus/notebooks/", import.meta.url);
const corpus = (name: string): Notebook => parseNotebook(readFileSync(new URL(name, CORPUS))).notebook;

const code = (source: string, extra: Partial<CodeCell> = {}): CodeCell => ({
  cell_type: "code",
  source,
  metadata: {},
  execution_count: null,
  outputs: [],
  ...extra,
});
const markdown = (source: string, id?: string): Cell => ({
  cell_type: "markdown",
  source,
  metadata: {},
  ...(id ? { id } : {}),
});
const notebook = (cells: Cell[], metadata = {}): Notebook => ({ nbformat: 4, nbformat_minor: 5, metadata, cells });
const summary = (cells: CellDiff[]) =>
  cells.map((c) => `${c.status}${c.moved ? "+moved" : ""}:${c.before?.index ?? "-"}>${c.after?.index ?? "-"}`);

test("a line diff keeps, removes and adds lines with their numbers in each text", () => {
  const diff = lineDiff("a\nb\nc\n", "a\nB\nc\nd");
  assert.equal(diff.whole, false);
  assert.deepEqual(diff.lines, [
    { kind: "same", text: "a", before: 1, after: 1 },
    { kind: "removed", text: "b", before: 2 },
    { kind: "added", text: "B", after: 2 },
    { kind: "same", text: "c", before: 3, after: 3 },
    { kind: "added", text: "d", after: 4 },
  ]);
});

test("a missing final line break is not a change, and empty texts have no lines", () => {
  assert.deepEqual(
    lineDiff("x\n", "x").lines.map((l) => l.kind),
    ["same"],
  );
  assert.deepEqual(lineDiff("", "").lines, []);
  assert.deepEqual(textLines("a\r\nb\rc\n"), ["a", "b", "c"]);
  assert.deepEqual(
    lineDiff("", "new").lines.map((l) => l.kind),
    ["added"],
  );
});

test("texts that differ in more lines than the bound are shown whole: all removed, then all added", () => {
  const before = Array.from({ length: 50 }, (_, k) => `old ${k}`).join("\n");
  const after = Array.from({ length: 50 }, (_, k) => `new ${k}`).join("\n");
  const diff = lineDiff(before, after, 10);
  assert.equal(diff.whole, true);
  assert.equal(diff.lines.filter((l) => l.kind === "removed").length, 50);
  assert.equal(diff.lines.filter((l) => l.kind === "added").length, 50);
  assert.equal(diff.lines[0]!.kind, "removed");
  assert.equal(diff.lines[50]!.kind, "added");
  assert.equal(lineDiff(before, after).whole, false);
});

test("the longest run of matched cells in order stays; the others moved", () => {
  assert.deepEqual([...inOrderPairs(Int32Array.from([0, 3, 1, 2, -1, 4]))].sort(), [0, 2, 3, 5]);
  assert.deepEqual([...inOrderPairs(Int32Array.from([]))], []);
});

test("cells are matched by id before anything else, even when their source was rewritten", () => {
  const before = notebook([markdown("# Title", "t"), markdown("first words of a paragraph", "p")]);
  const after = notebook([markdown("# Title", "t"), markdown("entirely different text now", "p")]);
  const diff = diffNotebooks(before, after);
  assert.deepEqual(summary(diff.cells), ["unchanged:0>0", "changed:1>1"]);
  assert.equal(diff.cells[1]!.match, "id");
  assert.deepEqual(
    diff.cells[1]!.source!.lines.map((l) => l.kind),
    ["removed", "added"],
  );
});

test("ids a reader made from a cell's place do not match cells; their content does", () => {
  // Both versions lack ids on disk: a reader named them by place, so cell-2 in one is not cell-2 in the other.
  const before = notebook([markdown("alpha alpha alpha", "cell-1"), markdown("beta beta beta", "cell-2")]);
  const after = notebook([markdown("beta beta beta", "cell-1"), markdown("alpha alpha alpha", "cell-2")]);
  const placeIds = { before: (id: string) => id.startsWith("cell-"), after: (id: string) => id.startsWith("cell-") };
  const diff = diffNotebooks(before, after, { placeIds });
  // Two cells swapped: one of them keeps its place relative to the other, and the other moved.
  assert.deepEqual(summary(diff.cells), ["unchanged+moved:1>0", "unchanged:0>1"]);
  assert.ok(diff.cells.every((c) => c.match === "source"));
  // Trusted, the same ids pair the cells by place and say both were rewritten.
  assert.deepEqual(summary(diffNotebooks(before, after).cells), ["changed:0>0", "changed:1>1"]);
});

test("ids a reading gave 4.5 cells that had none are known from its notes, and do not pair cells", () => {
  const file = (sources: string[]) =>
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: sources.map((source) => ({ cell_type: "markdown", metadata: {}, source })),
    });
  const before = parseNotebook(file(["first paragraph here", "second paragraph here"]));
  const after = parseNotebook(file(["a new opening paragraph", "first paragraph here", "second paragraph here"]));
  assert.equal(after.notebook.cells[0]!.id, "cell-1");
  const placeIds = { before: placeIdsOf(before), after: placeIdsOf(after) };
  const diff = diffNotebooks(before.notebook, after.notebook, { placeIds });
  assert.deepEqual(summary(diff.cells), ["added:->0", "unchanged:0>1", "unchanged:1>2"]);
  // Taken as ids, the reading's names would pair the first cells by place.
  assert.equal(diffNotebooks(before.notebook, after.notebook).cells[0]!.match, "id");
});

test("past the notes a reading keeps, any id of the reading's own form is taken for a place id", () => {
  const cut = placeIdsOf({ notes: [{ code: "cell_id_added", cellId: "cell-1" }], noteCounts: { cell_id_added: 3 } });
  assert.equal(cut("cell-1"), true);
  assert.equal(cut("cell-3"), true);
  assert.equal(cut("cell-3-2"), true);
  assert.equal(cut("9f1c2a7e"), false);
  const whole = placeIdsOf({ notes: [{ code: "cell_id_added", cellId: "cell-1" }], noteCounts: { cell_id_added: 1 } });
  assert.equal(whole("cell-3"), false);
  assert.equal(placeIdsOf({})("cell-1"), false);
});

test("an edited cell is matched by similarity, and unrelated cells are removed and added", () => {
  const before = notebook([
    code("import numpy as np\nx = np.arange(10)\nprint(x.sum())"),
    code("completely unrelated old content here"),
  ]);
  const after = notebook([
    code("import numpy as np\nx = np.arange(20)\nprint(x.sum())"),
    code("#### brand new cell with other words ####"),
  ]);
  const diff = diffNotebooks(before, after);
  assert.deepEqual(summary(diff.cells), ["changed:0>0", "removed:1>-", "added:->1"]);
  assert.equal(diff.cells[0]!.match, "similar");
  assert.deepEqual(
    diff.cells[0]!.source!.lines.map((l) => `${l.kind} ${l.text}`),
    ["same import numpy as np", "removed x = np.arange(10)", "added x = np.arange(20)", "same print(x.sum())"],
  );
  assert.deepEqual(diff.counts, { added: 1, removed: 1, moved: 0, changed: 1, unchanged: 0 });
});

test("cells of another type are never matched by content", () => {
  const diff = diffNotebooks(notebook([markdown("same words")]), notebook([code("same words")]));
  assert.deepEqual(summary(diff.cells), ["removed:0>-", "added:->0"]);
});

test("removed cells are listed where they were, before the next cell that stayed", () => {
  const before = notebook([markdown("one one one"), markdown("two two two"), markdown("three three")]);
  const after = notebook([markdown("one one one"), markdown("three three")]);
  assert.deepEqual(summary(diffNotebooks(before, after).cells), ["unchanged:0>0", "removed:1>-", "unchanged:2>1"]);
});

test("outputs, execution counts, metadata and attachments are told apart", () => {
  const before = notebook(
    [
      code("print(1)", {
        id: "a",
        execution_count: 1,
        metadata: { tags: ["x"], jupyter: { source_hidden: false } },
        outputs: [{ output_type: "stream", name: "stdout", text: "1\n" }],
      }),
      { cell_type: "markdown", id: "m", source: "![i](attachment:i.png)", metadata: {}, attachments: {} },
    ],
    { kernelspec: { name: "python3" }, title: "old" },
  );
  const after = notebook(
    [
      code("print(1)", {
        id: "a",
        execution_count: 2,
        metadata: { tags: ["x", "y"], jupyter: { source_hidden: true }, "a/b~": 1 },
        outputs: [{ output_type: "stream", name: "stdout", text: "2\n" }],
      }),
      {
        cell_type: "markdown",
        id: "m",
        source: "![i](attachment:i.png)",
        metadata: {},
        attachments: { "i.png": { "image/png": "AAAA" } },
      },
    ],
    { kernelspec: { name: "python3" } },
  );
  const diff = diffNotebooks(before, after);
  const [cell, note] = diff.cells;
  assert.equal(cell!.status, "changed");
  assert.equal(cell!.source, null);
  assert.equal(cell!.outputsChanged, true);
  assert.deepEqual(cell!.values.changes, [
    { path: "/execution_count", before: 1, after: 2 },
    { path: "/metadata/a~1b~0", after: 1 },
    { path: "/metadata/jupyter/source_hidden", before: false, after: true },
    { path: "/metadata/tags", before: ["x"], after: ["x", "y"] },
  ]);
  assert.equal(note!.attachmentsChanged, true);
  assert.equal(note!.outputsChanged, false);
  assert.deepEqual(diff.values.changes, [{ path: "/metadata/title", before: "old" }]);
});

test("metadata changes past the bound are counted, not listed", () => {
  const many = Object.fromEntries(Array.from({ length: MAX_VALUE_CHANGES + 5 }, (_, k) => [`k${k}`, k]));
  const diff = diffNotebooks(notebook([], {}), notebook([], many));
  assert.equal(diff.values.changes.length, MAX_VALUE_CHANGES);
  assert.equal(diff.values.more, 5);
});

test("two real notebooks that share their cells: nbformat's test4 (4.0) and test4.5", () => {
  const before = corpus("nbformat__test4.ipynb");
  const after = corpus("nbformat__test4.5.ipynb");
  const diff = diffNotebooks(before, after);
  assert.equal(diff.cells.length, 9);
  // The same nine cells in the same order: no ids in the 4.0 file, so every pair is by source.
  assert.deepEqual(
    diff.cells.map((c) => [c.before?.index, c.after?.index, c.match, c.moved]),
    Array.from({ length: 9 }, (_, k) => [k, k, "source", false]),
  );
  assert.ok(diff.cells.every((c) => c.source === null));
  // What differs: the 4.0 file's "collapsed" cell metadata is gone, and the newer file names its kernel.
  const collapsed = diff.cells.filter((c) => c.values.changes.some((v) => v.path === "/metadata/collapsed"));
  assert.deepEqual(
    collapsed.map((c) => c.before!.index),
    [3, 5, 6, 8],
  );
  assert.deepEqual(collapsed[0]!.values.changes, [{ path: "/metadata/collapsed", before: false }]);
  assert.deepEqual(diff.values.changes[0], { path: "/nbformat_minor", before: 0, after: 5 });
  assert.ok(diff.values.changes.some((v) => v.path === "/metadata/kernelspec" && v.before === undefined));
});

test("two real notebooks with the same markdown cells: Working_With_Markdown_Cells and markdownCells", () => {
  const before = corpus("notebook__Working_With_Markdown_Cells.ipynb");
  const after = corpus("jupyterlab__markdownCells.ipynb");
  const diff = diffNotebooks(before, after);
  assert.equal(diff.counts.added + diff.counts.removed + diff.counts.moved, 0);
  for (const cell of diff.cells) {
    const same = cell.before!.cell.source === cell.after!.cell.source;
    assert.equal(cell.match, same ? "source" : "similar");
    assert.equal(cell.source === null, same, `cell ${cell.after!.index}`);
  }
});

test("a corpus notebook and a second version: edited, moved, deleted and added cells, an output and metadata", () => {
  const before = corpus("nbformat__test4.5.ipynb");
  const after: Notebook = structuredClone(before);
  const cells = after.cells;
  // Edit cell 3's code, change its output and tag it; move cell 7 to the top; delete cell 1; add a cell after 4.
  const printing = cells[3] as CodeCell;
  printing.source = printing.source.replace('print("hello")', 'print("hello, world")');
  printing.outputs = [{ output_type: "stream", name: "stdout", text: "hello, world\n" }];
  printing.metadata = { tags: ["greeting"] };
  const [moved] = cells.splice(7, 1);
  cells.unshift(moved!);
  cells.splice(2, 1); // the old cell 1, now at 2
  cells.splice(5, 0, markdown("A new paragraph, written for version two.", "new-cell"));
  after.metadata = { ...after.metadata, authors: [{ name: "ada" }] };
  const diff = diffNotebooks(before, after);
  assert.deepEqual(summary(diff.cells), [
    "unchanged+moved:7>0",
    "unchanged:0>1",
    "removed:1>-",
    "unchanged:2>2",
    "changed:3>3",
    "unchanged:4>4",
    "added:->5",
    "unchanged:5>6",
    "unchanged:6>7",
    "unchanged:8>8",
  ]);
  const edited = diff.cells[4]!;
  assert.equal(edited.match, "id");
  assert.equal(edited.outputsChanged, true);
  assert.deepEqual(
    edited.source!.lines.filter((l) => l.kind !== "same").map((l) => `${l.kind} ${l.text}`),
    ['removed print("hello")', 'added print("hello, world")'],
  );
  assert.deepEqual(edited.values.changes, [{ path: "/metadata/tags", after: ["greeting"] }]);
  assert.deepEqual(diff.values.changes, [{ path: "/metadata/authors", after: [{ name: "ada" }] }]);
  assert.deepEqual(diff.counts, { added: 1, removed: 1, moved: 1, changed: 1, unchanged: 7 });
});

test("5,000 cells without ids, every one edited, each pair with its own older version by similarity", () => {
  const size = 5000;
  const source = (k: number, edit: string) => `# cell ${k}\nvalue_${k} = compute(${k}, "${edit}")\nshow(value_${k})`;
  const before = notebook(Array.from({ length: size }, (_, k) => code(source(k, "first"))));
  const after = notebook(Array.from({ length: size }, (_, k) => code(source(k, "second"))));
  const diff = diffNotebooks(before, after);
  assert.equal(diff.budgetSpent, false);
  assert.equal(diff.cells.length, size);
  assert.ok(diff.cells.every((c, k) => c.match === "similar" && c.before!.index === k && c.after!.index === k));
  assert.deepEqual(diff.counts, { added: 0, removed: 0, moved: 0, changed: size, unchanged: 0 });
});

test("5,000 cells in blocks of 100 put in reverse order: one block stays, the others moved", () => {
  const size = 5000;
  const before = notebook(Array.from({ length: size }, (_, k) => code(`value_${k} = ${k}`)));
  const blocks = Array.from({ length: size / 100 }, (_, b) => before.cells.slice(b * 100, b * 100 + 100)).reverse();
  const diff = diffNotebooks(before, notebook(blocks.flat()));
  assert.deepEqual(diff.counts, { added: 0, removed: 0, moved: size - 100, changed: 0, unchanged: size });
  assert.ok(diff.cells.every((c) => c.match === "source"));
});

test("repeated sources pair in order: the k-th empty cell with the k-th", () => {
  const before = notebook([code(""), markdown("between the empty cells"), code("")]);
  const after = notebook([code(""), code("")]);
  assert.deepEqual(summary(diffNotebooks(before, after).cells), ["unchanged:0>0", "removed:1>-", "unchanged:2>1"]);
});

test("past the comparison budget, cells left uncompared are removed and added, and the diff says so", () => {
  // Distinct sources with nothing in common and no ids: every newer cell is compared with its candidates.
  const words = (k: number, salt: string) => `${salt}${k.toString(36)}`.repeat(4) + ` ${salt} block ${k}`;
  const count = Math.ceil(MAX_COMPARISONS / 32) + 200;
  const before = notebook(Array.from({ length: count }, (_, k) => code(words(k, "q"))));
  const after = notebook(Array.from({ length: count }, (_, k) => code(words(k, "z"))));
  const diff = diffNotebooks(before, after);
  assert.equal(diff.budgetSpent, true);
  assert.equal(diff.counts.added, count);
  assert.equal(diff.counts.removed, count);
});
