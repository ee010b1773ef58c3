import { test } from "node:test";
import assert from "node:assert/strict";
import type { Notebook } from "../notebook/types.ts";
import { findInText } from "./search-in-notebook.ts";
import { editorFindText, matchAtOrAfter } from "./editor-find-text.ts";

const notebook: Notebook = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    { cell_type: "markdown", id: "m", metadata: {}, source: "# Plot **the** data" },
    {
      cell_type: "code",
      id: "c",
      metadata: {},
      execution_count: 1,
      source: "data = load()\nprint(data)",
      outputs: [
        { output_type: "stream", name: "stdout", text: "\u001b[31mDATA\u001b[0m ok\n" },
        { output_type: "display_data", metadata: {}, data: { "text/html": "<b>data</b>" } },
        { output_type: "error", ename: "ValueError", evalue: "bad data", traceback: [] },
      ],
    },
    { cell_type: "raw", id: "r", metadata: {}, source: "raw data" },
  ],
};

test("the editor's find text is each cell's source and its text outputs as drawn, not markup in frames", () => {
  const text = editorFindText(notebook);
  assert.deepEqual(
    text.map((cell) => cell.parts),
    [
      [{ part: "markdown", text: "# Plot **the** data" }],
      [
        { part: "source", text: "data = load()\nprint(data)" },
        { part: "output:0", text: "DATA ok\n" },
        { part: "output:2", text: "ValueError: bad data" },
      ],
      [{ part: "raw", text: "raw data" }],
    ],
  );
  // The markdown source's own characters count, as the editor shows them; case is ignored.
  assert.equal(findInText(text, "**the**").length, 1);
  const matches = findInText(text, "Data");
  assert.deepEqual(
    matches.map((m) => [m.cell, m.part, m.start]),
    [
      [0, 0, 15],
      [1, 0, 0],
      [1, 0, 20],
      [1, 1, 0],
      [1, 2, 16],
      [2, 0, 4],
    ],
  );
});

test("the match kept after a change is the first at or after the old place, wrapping to the first", () => {
  const matches = findInText(editorFindText(notebook), "data");
  assert.equal(matchAtOrAfter(matches, { cell: 1, part: 0, start: 0 }), 1);
  assert.equal(matchAtOrAfter(matches, { cell: 1, part: 0, start: 1 }), 2);
  assert.equal(matchAtOrAfter(matches, { cell: 1, part: 1, start: 0 }), 3);
  assert.equal(matchAtOrAfter(matches, { cell: 2, part: 0, start: 5 }), 0);
  assert.equal(matchAtOrAfter(matches, { cell: 0, part: 0, start: 0 }), 0);
  assert.equal(matchAtOrAfter([], { cell: 0, part: 0, start: 0 }), -1);
});
