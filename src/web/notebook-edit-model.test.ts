import { test } from "node:test";
import assert from "node:assert/strict";
import { parseNotebook } from "../notebook/parse.ts";
import { readableCorpusNotebooks } from "../../test/corpus-notebooks.ts";
import type { Cell, Notebook } from "../notebook/types.ts";
import { EditModelError, NotebookEditModel, randomCellId, serializeNotebook } from "./notebook-edit-model.ts";

function counterIds(): () => string {
  let n = 0;
  return () => `new-${++n}`;
}

function code(id: string, source: string, extra: Partial<Cell> = {}): Cell {
  return {
    cell_type: "code",
    id,
    source,
    metadata: {},
    execution_count: 1,
    outputs: [{ output_type: "stream", name: "stdout", text: `${source} out\n` }],
    ...extra,
  } as Cell;
}

function md(id: string, source: string): Cell {
  return { cell_type: "markdown", id, source, metadata: {} };
}

function notebook(cells: Cell[], minor = 5): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: minor,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    cells,
  };
}

function model(cells: Cell[], minor = 5): NotebookEditModel {
  return new NotebookEditModel(notebook(cells, minor), { newId: counterIds() });
}

/** The reader's objects have no prototype; compared as JSON values. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
const ids = (m: NotebookEditModel) => m.cells.map((c) => c.id);
const sources = (m: NotebookEditModel) => m.cells.map((c) => c.source);

test("cells keep their ids; a notebook from before 4.5 gets a valid id for each cell and is saved as 4.5", () => {
  const m = model([code("a", "1"), md("b", "# B")]);
  assert.deepEqual(ids(m), ["a", "b"]);
  const old = new NotebookEditModel(notebook([md("", "x"), code("", "y")].map(stripId), 4));
  assert.equal(old.cells.length, 2);
  for (const cell of old.cells) assert.match(cell.id, /^[a-zA-Z0-9_-]{1,64}$/);
  assert.notEqual(old.cells[0]?.id, old.cells[1]?.id);
  assert.equal(old.toNotebook().nbformat_minor, 5);
  const reread = parseNotebook(old.serialize());
  assert.deepEqual(
    reread.notebook.cells.map((c) => c.id),
    old.cells.map((c) => c.id),
  );
});

function stripId(cell: Cell): Cell {
  const { id: _id, ...rest } = cell;
  return rest as Cell;
}

test("an empty notebook opens with one empty code cell", () => {
  const m = model([]);
  assert.equal(m.cells.length, 1);
  assert.equal(m.cells[0]?.cell_type, "code");
  assert.equal(m.dirty, false, "the blank cell is what the empty notebook shows, not a change");
});

test("insert above and below the selection, as new empty code cells that become active", () => {
  const m = model([code("a", "1"), code("b", "2")]);
  m.insertBelow();
  assert.deepEqual(ids(m), ["a", "new-1", "b"]);
  assert.equal(m.state.active, 1);
  m.insertAbove("markdown");
  assert.deepEqual(ids(m), ["a", "new-2", "new-1", "b"]);
  assert.equal(m.activeCell.cell_type, "markdown");
  assert.equal(m.state.active, 1);
});

test("delete removes the selected range; deleting every cell leaves one empty code cell", () => {
  const m = model([code("a", "1"), code("b", "2"), code("c", "3")]);
  m.select(1);
  m.extendSelection(1);
  assert.deepEqual(m.selection, { first: 1, last: 2 });
  m.deleteSelected();
  assert.deepEqual(ids(m), ["a"]);
  assert.equal(m.state.active, 0);
  m.deleteSelected();
  assert.equal(m.cells.length, 1);
  assert.equal(m.cells[0]?.source, "");
  assert.notEqual(m.cells[0]?.id, "a");
});

test("move up and down moves the whole selection and keeps it selected; at an edge nothing happens", () => {
  const m = model([code("a", "1"), code("b", "2"), code("c", "3"), code("d", "4")]);
  m.select(1);
  m.extendSelection(1);
  m.moveSelected(1);
  assert.deepEqual(ids(m), ["a", "d", "b", "c"]);
  assert.deepEqual(m.selection, { first: 2, last: 3 });
  m.moveSelected(1);
  assert.deepEqual(ids(m), ["a", "d", "b", "c"]);
  assert.equal(m.canUndo, true);
  m.moveSelected(-1);
  m.moveSelected(-1);
  assert.deepEqual(ids(m), ["b", "c", "a", "d"]);
  m.moveSelected(-1);
  assert.deepEqual(ids(m), ["b", "c", "a", "d"]);
});

test("copy, cut and paste several cells; pasted cells get new ids every time", () => {
  const m = model([code("a", "1"), md("b", "two"), code("c", "3")]);
  m.select(0);
  m.extendSelection(1);
  m.copy();
  m.select(2);
  m.paste();
  assert.deepEqual(sources(m), ["1", "two", "3", "1", "two"]);
  assert.deepEqual(ids(m).slice(3), ["new-1", "new-2"]);
  assert.deepEqual(m.selection, { first: 3, last: 4 });
  m.paste("above");
  assert.deepEqual(sources(m), ["1", "two", "3", "1", "two", "1", "two"]);
  assert.equal(new Set(ids(m)).size, 7);
  m.select(2);
  m.cut();
  assert.deepEqual(sources(m), ["1", "two", "1", "two", "1", "two"]);
  m.select(0);
  m.paste("above");
  assert.deepEqual(sources(m), ["3", "1", "two", "1", "two", "1", "two"]);
  assert.notEqual(m.cells[0]?.id, "c");
  // The copies keep outputs, as JupyterLab's do.
  assert.equal(m.cells[0]?.cell_type === "code" && m.cells[0].outputs.length, 1);
});

test("cells pasted from elsewhere get new ids, whatever ids they came with, and are one undoable operation", () => {
  const m = model([code("a", "1"), code("b", "2")]);
  m.select(0);
  m.pasteCells([md("free", "x"), md("a", "y"), md("bad id!", "z"), { cell_type: "raw", source: "w", metadata: {} }]);
  assert.deepEqual(ids(m), ["a", "new-1", "new-2", "new-3", "new-4", "b"]);
  assert.deepEqual(sources(m), ["1", "x", "y", "z", "w", "2"]);
  assert.deepEqual(m.selection, { first: 1, last: 4 });
  assert.equal(m.state.mode, "command");
  assert.equal(m.undoLabel, "paste cells");
  m.pasteCells([md("p", "above")], "above");
  assert.deepEqual(sources(m), ["1", "above", "x", "y", "z", "w", "2"]);
  m.undo();
  m.undo();
  assert.deepEqual(ids(m), ["a", "b"]);
  m.redo();
  assert.deepEqual(sources(m), ["1", "x", "y", "z", "w", "2"]);
  // Nothing to paste is no operation.
  m.pasteCells([]);
  assert.equal(m.undoLabel, "paste cells");
  assert.equal(m.canRedo, true);
});

test("split at the cursor, and around a selection, as JupyterLab does", () => {
  const m = model([code("a", "x = 1\ny = 2\nz = 3")]);
  m.split([6]);
  assert.deepEqual(sources(m), ["x = 1", "y = 2\nz = 3"]);
  assert.deepEqual(ids(m), ["a", "new-1"]);
  for (const cell of m.cells) {
    assert.equal(cell.cell_type === "code" && cell.outputs.length, 0);
    assert.equal(cell.cell_type === "code" && cell.execution_count, null);
  }
  assert.equal(m.state.active, 1);
  const sel = model([md("m", "one two three")]);
  sel.split([4, 7]);
  assert.deepEqual(sources(sel), ["one ", "two", " three"]);
  assert.ok(sel.cells.every((c) => c.cell_type === "markdown"));
});

test("merge joins the selection into its first cell, or the active cell with the one below", () => {
  const m = model([code("a", "1"), code("b", "2"), md("c", "three")]);
  m.merge();
  assert.deepEqual(sources(m), ["1\n\n2", "three"]);
  assert.deepEqual(ids(m), ["a", "c"]);
  assert.equal(m.cells[0]?.cell_type === "code" && m.cells[0].outputs.length, 0);
  m.selectAll();
  m.merge();
  assert.deepEqual(sources(m), ["1\n\n2\n\nthree"]);
  assert.equal(m.cells[0]?.cell_type, "code");
  // Nothing below the last cell: nothing to merge.
  m.merge();
  assert.equal(m.cells.length, 1);
  assert.equal(m.undoLabel, "merge cells");
});

test("merging markdown cells keeps the attachments of all of them", () => {
  const attached = (id: string, name: string): Cell => ({
    cell_type: "markdown",
    id,
    source: `![](attachment:${name})`,
    metadata: {},
    attachments: { [name]: { "image/png": "iVBORw0KGgo=" } },
  });
  const m = model([attached("a", "one.png"), attached("b", "two.png")]);
  m.merge();
  const cell = m.cells[0];
  assert.ok(cell?.cell_type === "markdown");
  assert.deepEqual(Object.keys(cell.attachments ?? {}), ["one.png", "two.png"]);
});

test("change type drops outputs, execution count and code-only metadata, and keeps id, source and the rest", () => {
  const m = model([
    code("a", "# Title", { metadata: { collapsed: true, scrolled: false, tags: ["keep"] } } as Partial<Cell>),
    md("b", "text"),
  ]);
  m.changeType("markdown");
  const a = m.cells[0];
  assert.deepEqual(a, { cell_type: "markdown", id: "a", source: "# Title", metadata: { tags: ["keep"] } });
  m.changeType("raw");
  assert.equal(m.cells[0]?.cell_type, "raw");
  m.select(1);
  m.changeType("code");
  assert.deepEqual(m.cells[1], {
    cell_type: "code",
    id: "b",
    source: "text",
    metadata: {},
    execution_count: null,
    outputs: [],
  });
  const before = m.undoLabel;
  m.changeType("code");
  assert.equal(m.undoLabel, before, "a cell already of that type is no operation");
});

test("clear outputs clears the selected code cells, or all of them", () => {
  const m = model([code("a", "1"), md("b", "x"), code("c", "3")]);
  m.clearOutputs();
  assert.equal(m.cells[0]?.cell_type === "code" && m.cells[0].outputs.length, 0);
  assert.equal(m.cells[2]?.cell_type === "code" && m.cells[2].outputs.length, 1);
  m.clearOutputs(true);
  assert.equal(m.cells[2]?.cell_type === "code" && m.cells[2].execution_count, null);
  m.undo();
  assert.equal(m.cells[2]?.cell_type === "code" && m.cells[2].outputs.length, 1);
});

test("undo and redo walk one history of cell operations, with the selection of each step", () => {
  const m = model([code("a", "1"), code("b", "2")]);
  m.insertBelow();
  m.select(2);
  m.deleteSelected();
  m.select(0);
  m.changeType("markdown");
  assert.deepEqual(ids(m), ["a", "new-1"]);
  assert.ok(m.undo());
  assert.equal(m.cells[0]?.cell_type, "code");
  assert.ok(m.undo());
  assert.deepEqual(ids(m), ["a", "new-1", "b"]);
  assert.equal(m.state.active, 2, "the selection goes back to where the deletion was");
  assert.ok(m.undo());
  assert.deepEqual(ids(m), ["a", "b"]);
  assert.equal(m.undo(), false);
  assert.ok(m.redo());
  assert.ok(m.redo());
  assert.ok(m.redo());
  assert.deepEqual(ids(m), ["a", "new-1"]);
  assert.equal(m.cells[0]?.cell_type, "markdown");
  assert.equal(m.redo(), false);
  // A new operation after an undo drops what could have been redone.
  m.undo();
  m.insertAbove();
  assert.equal(m.canRedo, false);
});

test("text typed since an operation survives undoing and redoing it; the cells it changed go back", () => {
  const m = model([code("a", "1"), code("b", "2")]);
  m.insertBelow();
  m.setSource("b", "2 typed later");
  m.setOutputs("b", [{ output_type: "stream", name: "stdout", text: "later\n" }], 7);
  m.undo();
  assert.deepEqual(ids(m), ["a", "b"]);
  assert.equal(m.cells[1]?.source, "2 typed later");
  m.redo();
  assert.equal(m.cells[2]?.source, "2 typed later");
  assert.equal(m.cells[2]?.cell_type === "code" && m.cells[2].execution_count, 7);
  // The merged cells' text goes back to what it was when they were merged.
  m.select(0);
  m.merge();
  m.setSource("a", "edited after the merge");
  m.undo();
  assert.deepEqual(sources(m).slice(0, 2), ["1", ""]);
  // Typing is not in this history.
  const typed = model([code("a", "1")]);
  typed.setSource("a", "12");
  assert.equal(typed.canUndo, false);
});

test("the history keeps its last MAX_HISTORY operations", async () => {
  const { MAX_HISTORY } = await import("./notebook-edit-model.ts");
  const m = model([code("a", "1")]);
  for (let i = 0; i < MAX_HISTORY + 5; i++) m.insertBelow();
  let undone = 0;
  while (m.undo()) undone++;
  assert.equal(undone, MAX_HISTORY);
  assert.equal(m.cells.length, 6);
});

test("dirty follows the saved version, and undoing back to it is clean again", () => {
  const m = model([code("a", "1"), md("b", "x")]);
  assert.equal(m.dirty, false);
  m.setSource("a", "1 + 1");
  assert.equal(m.dirty, true);
  m.setSource("a", "1");
  assert.equal(m.dirty, false, "text typed back to the saved text is not a change");
  m.insertBelow();
  assert.equal(m.dirty, true);
  m.undo();
  assert.equal(m.dirty, false);
  m.moveSelected(1);
  m.markSaved();
  assert.equal(m.dirty, false);
  m.undo();
  assert.equal(m.dirty, true);
});

test("metadata (the kernel chosen) is a change until saved, and a save marks only the metadata it sent", () => {
  const m = model([code("a", "1")]);
  const python = { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } };
  m.setMetadata(python);
  assert.equal(m.dirty, true);
  assert.deepEqual(m.toNotebook().metadata, python);
  const { json, savePoint } = m.saveRequest();
  assert.deepEqual((JSON.parse(json) as { metadata: unknown }).metadata, python);
  const other = { kernelspec: { name: "ir", display_name: "R", language: "R" } };
  m.setMetadata(other);
  m.markSaved(savePoint);
  assert.equal(m.dirty, true, "chosen while the save was under way: still unsaved");
  m.markSaved(m.saveRequest().savePoint);
  assert.equal(m.dirty, false);
});

test("a save marks saved only what it sent: text typed while it was under way stays unsaved", () => {
  const m = model([code("a", "1")]);
  m.setSource("a", "1 + 1");
  const { json, savePoint } = m.saveRequest();
  assert.equal((JSON.parse(json) as { cells: { source: string[] }[] }).cells[0]?.source.join(""), "1 + 1");
  m.setSource("a", "1 + 1 + 1");
  m.markSaved(savePoint);
  assert.equal(m.dirty, true);
  m.setSource("a", "1 + 1");
  assert.equal(m.dirty, false);
});

test("selection: select, move, extend, select all, clamped at the edges; bad indexes are errors", () => {
  const m = model([code("a", "1"), code("b", "2"), code("c", "3")]);
  m.moveActive(-1);
  assert.deepEqual(m.selection, { first: 0, last: 0 });
  m.moveActive(5);
  assert.equal(m.state.active, 2);
  m.extendSelection(-1);
  assert.deepEqual(m.selection, { first: 1, last: 2 });
  assert.deepEqual(
    m.selectedCells.map((c) => c.id),
    ["b", "c"],
  );
  m.moveActive(0);
  assert.deepEqual(m.selection, { first: 1, last: 1 });
  m.selectAll();
  assert.deepEqual(m.selection, { first: 0, last: 2 });
  assert.throws(
    () => m.select(3),
    (e: unknown) => e instanceof EditModelError && e.code === "bad_cell_index",
  );
  assert.throws(
    () => m.setSource("zzz", ""),
    (e: unknown) => e instanceof EditModelError && e.code === "unknown_cell",
  );
});

test("modes: Enter edits the active cell (a markdown cell shows its source until it is run)", () => {
  const m = model([md("a", "# A"), code("b", "2")]);
  assert.equal(m.state.mode, "command");
  m.selectAll();
  m.enterEdit();
  assert.equal(m.state.mode, "edit");
  assert.deepEqual(m.selection, { first: 1, last: 1 }, "editing collapses the selection to the active cell");
  m.enterCommand();
  m.select(0);
  m.enterEdit();
  assert.ok(m.state.editingMarkdown.has("a"));
  m.enterCommand();
  assert.ok(m.state.editingMarkdown.has("a"), "leaving edit mode does not render it");
  m.markRun("a");
  assert.equal(m.state.editingMarkdown.has("a"), false);
});

test("the find box shows a markdown cell's source and renders it again, without touching the mode or the selection", () => {
  const m = model([code("a", "1"), md("b", "[docs](https://docs.example/)"), code("c", "3")]);
  m.select(2);
  const before = { mode: m.state.mode, active: m.state.active, anchor: m.state.anchor };
  m.showMarkdownSource("b");
  assert.ok(m.state.editingMarkdown.has("b"));
  assert.deepEqual({ mode: m.state.mode, active: m.state.active, anchor: m.state.anchor }, before);
  m.showMarkdownSource("a");
  assert.equal(m.state.editingMarkdown.has("a"), false, "a code cell has no rendered view to leave");
  m.renderMarkdown("b");
  assert.equal(m.state.editingMarkdown.has("b"), false);
  assert.deepEqual({ mode: m.state.mode, active: m.state.active, anchor: m.state.anchor }, before);
});

test("Shift-Enter's move: the next cell, or a new code cell after the last one", () => {
  const m = model([code("a", "1"), code("b", "2")]);
  assert.equal(m.selectNextOrInsert(), 1);
  assert.equal(m.cells.length, 2);
  assert.equal(m.selectNextOrInsert(), 2);
  assert.equal(m.cells.length, 3);
  assert.equal(m.state.mode, "edit");
});

test("subscribers hear of each change with a new state object", () => {
  const m = model([code("a", "1")]);
  const states: unknown[] = [];
  const stop = m.subscribe(() => states.push(m.state));
  m.insertBelow();
  m.setSource("a", "2");
  stop();
  m.insertBelow();
  assert.equal(states.length, 2);
  assert.notEqual(states[0], states[1]);
});

test("new ids are nbformat-valid and unique: a source that repeats or returns bad ids is asked again", () => {
  const bad = ["a", "has space", "x".repeat(65), "", "ok-1", "ok-1", "ok-2"];
  const m = new NotebookEditModel(notebook([code("a", "1")]), { newId: () => bad.shift() ?? "never" });
  m.insertBelow();
  m.insertBelow();
  assert.deepEqual(ids(m), ["a", "ok-1", "ok-2"]);
  for (let i = 0; i < 200; i++) assert.match(randomCellId(), /^[A-Za-z0-9_-]{16}$/);
  const stuck = new NotebookEditModel(notebook([code("a", "1")]), { newId: () => "a" });
  assert.throws(
    () => stuck.insertBelow(),
    (e: unknown) => e instanceof EditModelError && e.code === "bad_cell_id",
  );
});

test("serialize writes nbformat's layout, which the strict reader reads back into the same notebook", () => {
  const m = model([
    code("a", "import json\nprint(1)\n", {
      outputs: [
        { output_type: "stream", name: "stdout", text: "1\n2" },
        {
          output_type: "execute_result",
          execution_count: 3,
          data: { "text/plain": "{'a': 1}", "application/json": { a: [1, 2] }, "text/html": "<b>x</b>\n<i>y</i>" },
          metadata: {},
        },
        {
          output_type: "display_data",
          data: { "image/png": "iVBORw0KGgo=" },
          metadata: { "image/png": { width: 10 } },
          transient: { display_id: "d1" },
        },
        { output_type: "error", ename: "ValueError", evalue: "bad", traceback: ["\u001b[31mValueError\u001b[0m"] },
      ],
      execution_count: 3,
    } as Partial<Cell>),
    md("b", "# Heading\n\ntext"),
    { cell_type: "raw", id: "c", source: "", metadata: { format: "text/x-rst" } },
  ]);
  m.insertBelow("markdown");
  m.setSource(m.activeCell.id, "new cell");
  const text = m.serialize();
  const json = JSON.parse(text) as { cells: { source: string[] }[]; nbformat_minor: number };
  assert.deepEqual(json.cells[0]?.source, ["import json\n", "print(1)\n"]);
  assert.deepEqual(json.cells[3]?.source, []);
  assert.ok(text.endsWith("}\n"));
  assert.ok(text.startsWith('{\n "cells": [\n'));
  const reread = parseNotebook(text, { file: "saved.ipynb" });
  const expected = m.toNotebook();
  // The live-only `transient` is not stored.
  const out = expected.cells[0]?.cell_type === "code" ? expected.cells[0].outputs[2] : undefined;
  if (out?.output_type === "display_data") delete out.transient;
  assert.deepEqual(plain(reread.notebook), plain(expected));
  assert.equal(reread.original.minor, 5);
});

test("every corpus notebook the reader reads survives the model and serialize unchanged, ids added", () => {
  const corpus = readableCorpusNotebooks();
  assert.ok(corpus.length > 10);
  for (const { name, parsed } of corpus) {
    const m = new NotebookEditModel(parsed.notebook);
    const expected = m.toNotebook();
    for (const cell of expected.cells) {
      if (cell.cell_type !== "code") continue;
      for (const o of cell.outputs) if (o.output_type === "display_data") delete o.transient;
    }
    const again = parseNotebook(serializeNotebook(expected), { file: name });
    assert.deepEqual(plain(again.notebook), plain(expected), name);
    assert.equal(m.dirty, false, name);
  }
});

test("replacing sources is one operation: undone and redone together, outputs and untouched cells kept", () => {
  const m = model([code("a", "needle = 1"), md("b", "a needle"), code("c", "other")]);
  const outputs = m.cells[0]!.cell_type === "code" ? m.cells[0]!.outputs : [];
  m.replaceSources(
    new Map([
      ["a", "pin = 1"],
      ["b", "a pin"],
      ["c", "other"],
    ]),
    "replace all",
  );
  assert.deepEqual(
    m.cells.map((c) => c.source),
    ["pin = 1", "a pin", "other"],
  );
  assert.equal(m.dirty, true);
  assert.equal(m.undoLabel, "replace all");
  assert.deepEqual(m.cells[0]!.cell_type === "code" ? m.cells[0]!.outputs : null, outputs, "outputs are not replaced");
  assert.equal(m.undo(), true);
  assert.deepEqual(
    m.cells.map((c) => c.source),
    ["needle = 1", "a needle", "other"],
  );
  assert.equal(m.dirty, false);
  assert.equal(m.redo(), true);
  assert.deepEqual(
    m.cells.map((c) => c.source),
    ["pin = 1", "a pin", "other"],
  );
  // Nothing to change: nothing recorded.
  const label = m.undoLabel;
  m.replaceSources(new Map([["a", "pin = 1"]]), "replace");
  assert.equal(m.undoLabel, label);
  assert.throws(() => m.replaceSources(new Map([["nope", "x"]]), "replace"), EditModelError);
});
