// Notebooks nbformat repairs or relaxes, which JupyterLab opens, through the studio's server: uploaded as they are,
// stored byte for byte, and read whole through the notebook route (and the head route) as the model reads them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { readHead } from "../src/render/notebook-head.ts";
import { multipart, startTestStudio, type Caller, type TestStudio } from "./server-helpers.ts";

const corpus = new URL("../../shared/corpus/notebooks/", import.meta.url);
const NOTEBOOKS = [
  "jupyterlab__windowed_notebook.ipynb",
  "nbformat__v4_5_no_cell_id.ipynb",
  "nbformat__test4plus.ipynb",
] as const;

let t: TestStudio;
let owner: Caller;
let ws: string;

before(async () => {
  t = await startTestStudio();
  owner = await t.addUser("olivia");
  ws = (await t.call(owner, { method: "POST", url: "/api/workspaces", payload: { name: "Lab" } })).json().id;
  const files = NOTEBOOKS.map((name) => ({ path: name, content: readFileSync(new URL(name, corpus)) }));
  const r = await t.call(owner, {
    method: "POST",
    url: `/api/workspaces/${ws}/files`,
    ...multipart("trusted-source-v1", files),
  });
  assert.equal(r.statusCode, 201, r.body);
});
after(() => t.close());

interface Model {
  notebook: {
    nbformat_minor: number;
    cells: { id?: string; cell_type: string; source: string; outputs?: unknown[] }[];
  };
  notes?: { code: string; pointer: string; cell?: number }[];
}

async function model(name: string): Promise<Model> {
  const r = await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/notebook/${name}` });
  assert.equal(r.statusCode, 200, r.body);
  return r.json() as Model;
}

test("the stored bytes are the uploaded bytes: only the reading repairs", async () => {
  for (const name of NOTEBOOKS) {
    const raw = await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/raw/${name}` });
    assert.equal(raw.statusCode, 200);
    assert.deepEqual(raw.rawPayload, readFileSync(new URL(name, corpus)), name);
  }
});

test("each is read whole: every cell, with ids that are unique", async () => {
  for (const name of NOTEBOOKS) {
    const file = JSON.parse(readFileSync(new URL(name, corpus), "utf8")) as { cells: unknown[] };
    const { notebook } = await model(name);
    assert.equal(notebook.cells.length, file.cells.length, name);
    const ids = notebook.cells.map((cell) => cell.id);
    assert.ok(
      ids.every((id) => typeof id === "string"),
      name,
    );
    assert.equal(new Set(ids).size, ids.length, `${name}: the ids are unique`);
  }
  const windowed = (await model("jupyterlab__windowed_notebook.ipynb")).notebook;
  assert.equal(windowed.cells[3]?.id, "e3ba1ca5-8358-462c-bf90-131d6dba9790", "the first cell with the id keeps it");
  assert.deepEqual(
    windowed.cells.slice(13, 18).map((cell) => cell.id),
    ["cell-14", "cell-15", "cell-16", "cell-17", "cell-18"],
  );
  assert.equal((await model("nbformat__v4_5_no_cell_id.ipynb")).notebook.cells[0]?.id, "cell-1");
  const future = (await model("nbformat__test4plus.ipynb")).notebook;
  assert.equal(future.nbformat_minor, 99);
  assert.equal(future.cells[9]?.cell_type, "raw");
  assert.match(future.cells[9]?.source ?? "", /^This cell's type, "future cell", is newer than Vitrine knows/);
  assert.deepEqual((future.cells[10]?.outputs ?? [])[1], {
    output_type: "display_data",
    data: {
      "text/plain": 'This output\'s type, "future output", is newer than Vitrine knows: Vitrine does not show it.',
    },
    metadata: {},
  });
});

test("their heads are made and read back by the page's own reader", async () => {
  for (const name of NOTEBOOKS) {
    const r = await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/notebook-head/${name}` });
    assert.equal(r.statusCode, 200, r.body);
    const head = readHead(r.json());
    assert.ok(head, `${name}: the head reads`);
    assert.ok(head.parsed.notebook.cells.length > 0, name);
  }
});

// The notebook route sends the file job's model: {original, upgraded, notes, noteCounts, notebook}.
test("the notebook route sends the reading's notes", async () => {
  assert.deepEqual(
    (await model("jupyterlab__windowed_notebook.ipynb")).notes?.map((note) => note.code),
    Array(5).fill("duplicate_cell_id_repaired"),
  );
  assert.deepEqual(
    (await model("nbformat__v4_5_no_cell_id.ipynb")).notes?.map((note) => note.code),
    ["cell_id_added"],
  );
  assert.deepEqual(
    (await model("nbformat__test4plus.ipynb")).notes?.map((note) => note.code),
    ["newer_minor_relaxed", "unknown_cell_type", "unknown_output_type"],
  );
});
