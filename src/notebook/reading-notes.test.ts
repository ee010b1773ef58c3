import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { NotebookError } from "./errors.ts";
import type { NotebookErrorCode } from "./errors.ts";
import { parseAcceptedNotebook, parseNotebook } from "./parse.ts";
import { MAX_NOTES_PER_CODE, summarizeReadingNotes } from "./reading-notes.ts";
import type { CodeCell, DisplayDataOutput, ParsedNotebook, RawCell } from "./types.ts";

const notebooks = new URL("../../../shared/corpus/notebooks/", import.meta.url);
const encoder = new TextEncoder();

function notebook(minor: number, cells: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ nbformat: 4, nbformat_minor: minor, metadata: {}, cells, ...extra });
}

function markdown(id?: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...(id === undefined ? {} : { id }), cell_type: "markdown", metadata: {}, source: "text", ...extra };
}

function code(id: string, outputs: unknown[]): Record<string, unknown> {
  return { id, cell_type: "code", metadata: {}, source: "1", execution_count: 1, outputs };
}

function read(text: string): ParsedNotebook {
  const parsed = parseNotebook(text, { file: "up.ipynb" });
  // The fast reading of accepted bytes gives the same notebook and the same notes.
  assert.deepStrictEqual(parseAcceptedNotebook(encoder.encode(text), { file: "up.ipynb" }), parsed);
  return parsed;
}

function refusedWith(text: string, code: NotebookErrorCode, pointer: string): void {
  try {
    parseNotebook(text, { file: "up.ipynb" });
  } catch (error) {
    assert.ok(error instanceof NotebookError, String(error));
    assert.equal(error.code, code, error.format());
    assert.equal(error.location.pointer, pointer, error.format());
    return;
  }
  assert.fail("expected a refusal");
}

test("a repeated cell id: the later cells get new ids that no cell has, the first keeps its own", () => {
  // "cell-2" is taken by a later cell, so the second cell's new id goes on to "cell-2-2".
  const parsed = read(notebook(5, [markdown("dup"), markdown("dup"), markdown("dup"), markdown("cell-2")]));
  assert.deepEqual(
    parsed.notebook.cells.map((cell) => cell.id),
    ["dup", "cell-2-2", "cell-3", "cell-2"],
  );
  assert.deepEqual(parsed.notes, [
    {
      code: "duplicate_cell_id_repaired",
      message: 'cell 2 has the id "dup" of cell 1; it is read with the id "cell-2-2"',
      pointer: "/cells/1/id",
      cell: 1,
      cellId: "cell-2-2",
    },
    {
      code: "duplicate_cell_id_repaired",
      message: 'cell 3 has the id "dup" of cell 1; it is read with the id "cell-3"',
      pointer: "/cells/2/id",
      cell: 2,
      cellId: "cell-3",
    },
  ]);
  assert.deepEqual(summarizeReadingNotes(parsed.notes ?? []), [
    "Vitrine gave 2 cells new ids: their ids repeated earlier ones (nbformat does the same).",
  ]);
  // The same bytes read the same ids every time.
  assert.deepEqual(read(notebook(5, [markdown("dup"), markdown("dup"), markdown("dup"), markdown("cell-2")])), parsed);
});

test("cells without ids in 4.5 and newer get ids; before 4.5 cells have none and get none", () => {
  const parsed = read(notebook(5, [markdown(), markdown("cell-1"), markdown()]));
  assert.deepEqual(
    parsed.notebook.cells.map((cell) => cell.id),
    ["cell-1-2", "cell-1", "cell-3"],
  );
  assert.deepEqual(
    parsed.notes?.map((note) => [note.code, note.pointer, note.cell, note.cellId]),
    [
      ["cell_id_added", "/cells/0", 0, "cell-1-2"],
      ["cell_id_added", "/cells/2", 2, "cell-3"],
    ],
  );
  assert.deepEqual(summarizeReadingNotes(parsed.notes ?? []), [
    "Vitrine gave 2 cells an id: nbformat 4.5 gives every cell one, and they had none (nbformat does the same).",
  ]);
  assert.equal(read(notebook(99, [markdown()])).notebook.cells[0]?.id, "cell-1");
  const older = read(notebook(4, [markdown(), markdown()]));
  assert.deepEqual(older.notes, []);
  assert.deepEqual(
    older.notebook.cells.map((cell) => cell.id),
    [undefined, undefined],
  );
});

test("what a repair would have to guess stays refused, with its code and place", () => {
  // An id that is there but not a valid id is not replaced, repeated or not: the first one is refused.
  refusedWith(notebook(5, [markdown("bad id!"), markdown("bad id!")]), "schema_violation", "/cells/0/id");
  refusedWith(notebook(5, [markdown(null)]), "schema_violation", "/cells/0/id");
  refusedWith(notebook(5, [markdown("")]), "schema_violation", "/cells/0/id");
  // Before 4.5 an id is an unknown property, repeated or not.
  refusedWith(notebook(4, [markdown("a"), markdown("a")]), "schema_violation", "/cells/0/id");
  // Unknown properties, cell and output types are only relaxed in a minor newer than 4.5.
  refusedWith(notebook(5, [markdown("a")], { extra: 1 }), "schema_violation", "/extra");
  refusedWith(
    notebook(5, [{ id: "f", cell_type: "future cell", metadata: {} }]),
    "schema_violation",
    "/cells/0/cell_type",
  );
  refusedWith(
    notebook(5, [code("c", [{ output_type: "future output" }])]),
    "schema_violation",
    "/cells/0/outputs/0/output_type",
  );
  // In a newer minor, what the 4.5 rules say of the known parts still holds; a mime bundle's values stay text.
  refusedWith(notebook(99, [markdown("a", { source: 5 })]), "schema_violation", "/cells/0/source");
  refusedWith(
    notebook(99, [code("c", [{ output_type: "display_data", metadata: {}, data: { "text/html": 5 } }])]),
    "schema_violation",
    "/cells/0/outputs/0/data/text~1html",
  );
  refusedWith(notebook(99, [{ id: "f", cell_type: "future cell" }]), "schema_violation", "/cells/0");
  refusedWith(notebook(99, [{ id: "f", metadata: {} }]), "schema_violation", "/cells/0");
});

test("a newer minor: unknown properties are left out, unknown cells and outputs are read as a sentence", () => {
  const parsed = read(
    notebook(
      99,
      [
        markdown("m", { extra: 5 }),
        {
          id: "f",
          cell_type: "future cell",
          metadata: { jupyter: { source_hidden: true } },
          source: "<script>alert(1)</script>",
        },
        { id: ["not", "an", "id"], cell_type: "<b>x</b>", metadata: {} },
        code("c", [
          { output_type: "stream", name: "stdout", text: "1\n", extra: true },
          { output_type: "future output", data: { "text/html": "<img src=x onerror=alert(1)>" } },
        ]),
      ],
      { extra: "future" },
    ),
  );
  assert.equal(parsed.notebook.nbformat_minor, 99);
  assert.equal(Object.hasOwn(parsed.notebook, "extra"), false);
  assert.equal(Object.hasOwn(parsed.notebook.cells[0]!, "extra"), false);
  const future = parsed.notebook.cells[1] as RawCell;
  assert.deepEqual(
    { ...future, metadata: { ...future.metadata } },
    {
      cell_type: "raw",
      id: "f",
      source: 'This cell\'s type, "future cell", is newer than Vitrine knows: Vitrine does not show it.',
      metadata: {},
    },
  );
  // An id a known cell could not have is not kept; nothing of the unknown cell's content is.
  const odd = parsed.notebook.cells[2] as RawCell;
  assert.equal(odd.id, undefined);
  assert.equal(odd.source, 'This cell\'s type, "<b>x</b>", is newer than Vitrine knows: Vitrine does not show it.');
  const outputs = (parsed.notebook.cells[3] as CodeCell).outputs;
  assert.deepEqual(outputs[0], { output_type: "stream", name: "stdout", text: "1\n" });
  const standIn = outputs[1] as DisplayDataOutput;
  assert.equal(standIn.output_type, "display_data");
  assert.deepEqual(Object.keys(standIn.data), ["text/plain"]);
  assert.equal(
    standIn.data["text/plain"],
    'This output\'s type, "future output", is newer than Vitrine knows: Vitrine does not show it.',
  );
  assert.deepEqual(
    parsed.notes?.map((note) => [note.code, note.pointer, note.cell]),
    [
      ["newer_minor_relaxed", "/extra", undefined],
      ["unknown_cell_type", "/cells/1/cell_type", 1],
      ["unknown_cell_type", "/cells/2/cell_type", 2],
      ["unknown_output_type", "/cells/3/outputs/1/output_type", 3],
    ],
  );
  assert.deepEqual(summarizeReadingNotes(parsed.notes ?? []), [
    "This notebook is nbformat 4.99, newer than the 4.5 Vitrine knows: Vitrine leaves out 3 properties that 4.5 does not have (nbformat accepts them too).",
    "2 cells are of a type newer than Vitrine knows: they are not shown.",
    "1 output is of a type newer than Vitrine knows: it is not shown.",
  ]);
  // A newer minor with nothing 4.5 lacks reads without notes.
  assert.deepEqual(read(notebook(6, [markdown("a")])).notes, []);
});

test("the three corpus notebooks nbformat repairs or relaxes are read, with their notes", () => {
  const codes = (name: string) => {
    const parsed = parseNotebook(readFileSync(new URL(name, notebooks)), { file: name });
    return parsed.notes?.map((note) => note.code);
  };
  assert.deepEqual(codes("jupyterlab__windowed_notebook.ipynb"), Array(5).fill("duplicate_cell_id_repaired"));
  assert.deepEqual(codes("nbformat__v4_5_no_cell_id.ipynb"), ["cell_id_added"]);
  assert.deepEqual(codes("nbformat__test4plus.ipynb"), [
    "newer_minor_relaxed",
    "unknown_cell_type",
    "unknown_output_type",
  ]);
  // Upgraded notebooks get ids from the upgrade, and no notes.
  assert.deepEqual(codes("nbformat__test3.ipynb"), []);
});

test("a file with many places to note keeps the first notes of each kind, and counts them all", () => {
  const outputs = Array.from({ length: 3000 }, () => ({ output_type: 1 }));
  const cells = [
    ...Array.from({ length: 1500 }, () => markdown()),
    { id: "c", cell_type: "code", metadata: {}, source: "", execution_count: null, outputs },
  ];
  const parsed = read(notebook(99, cells));
  assert.equal(parsed.notes?.length, 2 * MAX_NOTES_PER_CODE);
  assert.deepEqual(parsed.noteCounts, { cell_id_added: 1500, unknown_output_type: 3000 });
  assert.equal(parsed.notebook.cells[1499]?.id, "cell-1500", "every cell has its id all the same");
  assert.deepEqual(summarizeReadingNotes(parsed.notes ?? [], parsed.noteCounts), [
    "Vitrine gave 1500 cells an id: nbformat 4.5 gives every cell one, and they had none (nbformat does the same).",
    "3000 outputs are of a type newer than Vitrine knows: they are not shown.",
  ]);
});
