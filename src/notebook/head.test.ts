import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { HEAD_MAX_CELL_BYTES, HEAD_MAX_CELLS, notebookHead, readHead } from "./head.ts";
import { NotebookError } from "./errors.ts";
import { parseNotebook } from "./parse.ts";

const notebooks = new URL("../../../shared/corpus/notebooks/", import.meta.url);

/** The head as the page gets it: serialized by the server, JSON.parse'd by the browser. */
const sent = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

test("a head read back is the notebook's first cells, metadata and version, for every corpus notebook", () => {
  let read = 0;
  for (const name of readdirSync(notebooks).filter((n) => n.endsWith(".ipynb"))) {
    let parsed;
    try {
      parsed = parseNotebook(readFileSync(new URL(name, notebooks)), { file: name });
    } catch (error) {
      assert.ok(error instanceof NotebookError);
      continue;
    }
    const head = readHead(sent(notebookHead(parsed, "f".repeat(64))));
    assert.ok(head, name);
    const cells = head.parsed.notebook.cells;
    assert.equal(head.cellCount, parsed.notebook.cells.length, name);
    assert.ok(cells.length <= HEAD_MAX_CELLS && JSON.stringify(cells).length <= HEAD_MAX_CELL_BYTES + cells.length, name);
    // The same model as the whole file's (null prototypes included), and the whole file's version.
    assert.deepStrictEqual(cells, parsed.notebook.cells.slice(0, cells.length), name);
    assert.deepStrictEqual(head.parsed.notebook.metadata, parsed.notebook.metadata, name);
    assert.deepStrictEqual(head.parsed.original, parsed.original, name);
    assert.equal(head.parsed.upgraded, parsed.upgraded, name);
    read++;
  }
  assert.ok(read > 40);
});

test("a head carries cells while they fit, and none when the first alone is too large", () => {
  const cell = (i: number, size: number) => ({ id: `c${i}`, cell_type: "markdown", metadata: {}, source: "x".repeat(size) });
  const text = (cells: unknown[]) => JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });
  const big = parseNotebook(text([cell(0, 100_000), cell(1, 100_000), cell(2, 100_000), cell(3, 10)]));
  assert.equal(notebookHead(big, "a").notebook.cells.length, 2);
  const huge = parseNotebook(text([cell(0, HEAD_MAX_CELL_BYTES), cell(1, 10)]));
  const empty = notebookHead(huge, "a");
  assert.equal(empty.notebook.cells.length, 0);
  assert.equal(empty.cellCount, 2);
  assert.equal(readHead(sent(empty))?.parsed.notebook.cells.length, 0);
  const many = parseNotebook(text(Array.from({ length: HEAD_MAX_CELLS + 5 }, (_, i) => cell(i, 1))));
  assert.equal(notebookHead(many, "a").notebook.cells.length, HEAD_MAX_CELLS);
});

test("readHead refuses what is not a head of a valid notebook", () => {
  const parsed = parseNotebook(JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ id: "a", cell_type: "markdown", metadata: {}, source: "# A" }] }));
  const good = notebookHead(parsed, "a");
  assert.ok(readHead(sent(good)));
  const broken: unknown[] = [
    null,
    "head",
    { ...good, sha256: 1 },
    { ...good, cellCount: "1" },
    { ...good, cellCount: 0 },
    { ...good, upgraded: "no" },
    { ...good, original: null },
    { ...good, notebook: { ...good.notebook, cells: [{ cell_type: "markdown", metadata: {}, source: 1 }] } },
    { ...good, notebook: { ...good.notebook, nbformat: 3 } },
  ];
  for (const value of broken) assert.equal(readHead(sent(value)), null, JSON.stringify(value));
});
