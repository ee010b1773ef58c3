// The studio's editor model and the reader agree on the cell ids of the notebooks nbformat repairs: the editor keeps
// every id the reader gives, and what it would save reads back with no repair to make. (The editor gives ids of its
// own only to cells the reader leaves without one: those of notebooks before 4.5.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseNotebook } from "../src/notebook/parse.ts";
import { NotebookEditModel } from "../src/web/notebook-edit-model.ts";

const corpus = new URL("../../shared/corpus/notebooks/", import.meta.url);

for (const name of ["jupyterlab__windowed_notebook.ipynb", "nbformat__v4_5_no_cell_id.ipynb"]) {
  test(`the editor keeps the reader's ids of ${name}, and its save needs no repair`, () => {
    const parsed = parseNotebook(readFileSync(new URL(name, corpus)), { file: name });
    assert.ok((parsed.notes ?? []).length > 0, "the reader repaired something");
    const model = new NotebookEditModel(parsed.notebook, { newId: () => "from-the-editor" });
    assert.deepEqual(
      model.cells.map((cell) => cell.id),
      parsed.notebook.cells.map((cell) => cell.id),
    );
    const saved = parseNotebook(model.serialize(), { file: name });
    assert.deepEqual(saved.notes, []);
    assert.deepEqual(
      saved.notebook.cells.map((cell) => cell.id),
      parsed.notebook.cells.map((cell) => cell.id),
    );
  });
}
