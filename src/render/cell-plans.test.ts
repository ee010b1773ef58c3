import assert from "node:assert/strict";
import { test } from "node:test";
import { parseNotebook } from "../notebook/parse.ts";
import { buildRenderPlan, planHeading } from "./plan.ts";
import { planCellRange } from "./cell-plans.ts";
import { renderMarkdown } from "./markdown.ts";
import { readableCorpusNotebooks } from "../../test/corpus-notebooks.ts";

test("planning a notebook in ranges gives the whole notebook's plan, cell for cell, on every corpus notebook", () => {
  let compared = 0;
  for (const { name, parsed } of readableCorpusNotebooks()) {
    const options = { fileName: name, original: parsed.original, markdown: renderMarkdown };
    const whole = buildRenderPlan(parsed.notebook, options);
    const ranged = [];
    // Uneven ranges (1, 2, 3, ... cells) so that range edges fall everywhere.
    for (let start = 0, size = 1; start < parsed.notebook.cells.length; start += size, size++) {
      ranged.push(...planCellRange(parsed.notebook, options, start, start + size));
    }
    assert.deepEqual(ranged, whole.cells, name);
    const { cells: _cells, ...heading } = whole;
    assert.deepEqual(planHeading(parsed.notebook, options), heading, name);
    compared++;
  }
  assert.ok(compared >= 30, `only ${compared} corpus notebooks compared`);
});

test("a range past the end plans nothing, and cells keep their place in the notebook", () => {
  const notebook = parseNotebook(
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: ["a", "b", "c"].map((s, i) => ({ cell_type: "markdown", id: `m${i}`, metadata: {}, source: `# ${s}` })),
    }),
  ).notebook;
  assert.deepEqual(
    planCellRange(notebook, { markdown: renderMarkdown }, 1, 3).map((c) => c.index),
    [1, 2],
  );
  assert.deepEqual(planCellRange(notebook, { markdown: renderMarkdown }, 3, 10), []);
});
