import { test } from "node:test";
import assert from "node:assert/strict";
import { HEAD_MAX_CELL_BYTES, HEAD_MAX_CELLS, PENDING_OUTPUT } from "../contract/notebook-head-constants.ts";
import { notebookHead, readHead } from "./notebook-head.ts";
import { planCellRange } from "./cell-plans.ts";
import type { CodeCell, DisplayDataOutput } from "../notebook/types.ts";
import { parseNotebook } from "../notebook/parse.ts";
import { readableCorpusNotebooks } from "../../test/corpus-notebooks.ts";
import { renderMarkdown } from "./markdown.ts";

/** The head as the page gets it: serialized by the server, JSON.parse'd by the browser. */
const sent = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

test("a head read back is the notebook's first cells, metadata and version, for every corpus notebook", () => {
  const corpus = readableCorpusNotebooks();
  assert.ok(corpus.length > 40);
  for (const { name, parsed } of corpus) {
    const head = readHead(sent(notebookHead(parsed, "f".repeat(64), renderMarkdown)));
    assert.ok(head, name);
    const cells = head.parsed.notebook.cells;
    assert.equal(head.cellCount, parsed.notebook.cells.length, name);
    assert.ok(
      cells.length <= HEAD_MAX_CELLS && JSON.stringify(cells).length <= HEAD_MAX_CELL_BYTES + cells.length,
      name,
    );
    // The same model as the whole file's (null prototypes included), except for frame contents left out, and the
    // whole file's version.
    cells.forEach((cell, i) => {
      const whole = parsed.notebook.cells[i]!;
      if (!JSON.stringify(cell).includes(PENDING_OUTPUT))
        return assert.deepStrictEqual(cell, whole, `${name} cell ${i}`);
      assert.equal(cell.source, whole.source);
      assert.equal((cell as CodeCell).outputs.length, (whole as CodeCell).outputs.length);
    });
    assert.deepStrictEqual(head.parsed.notebook.metadata, parsed.notebook.metadata, name);
    assert.deepStrictEqual(head.parsed.original, parsed.original, name);
    assert.equal(head.parsed.upgraded, parsed.upgraded, name);
  }
});

test("a head carries cells while they fit, and none when the first alone is too large", () => {
  const cell = (i: number, size: number) => ({
    id: `c${i}`,
    cell_type: "markdown",
    metadata: {},
    source: "x".repeat(size),
  });
  const text = (cells: unknown[]) => JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });
  const big = parseNotebook(text([cell(0, 100_000), cell(1, 100_000), cell(2, 100_000), cell(3, 10)]));
  assert.equal(notebookHead(big, "a", renderMarkdown).notebook.cells.length, 2);
  const huge = parseNotebook(text([cell(0, HEAD_MAX_CELL_BYTES), cell(1, 10)]));
  const empty = notebookHead(huge, "a", renderMarkdown);
  assert.equal(empty.notebook.cells.length, 0);
  assert.equal(empty.cellCount, 2);
  assert.equal(readHead(sent(empty))?.parsed.notebook.cells.length, 0);
  const many = parseNotebook(text(Array.from({ length: HEAD_MAX_CELLS + 5 }, (_, i) => cell(i, 1))));
  assert.equal(notebookHead(many, "a", renderMarkdown).notebook.cells.length, HEAD_MAX_CELLS);
});

test("readHead refuses what is not a head of a valid notebook", () => {
  const parsed = parseNotebook(
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [{ id: "a", cell_type: "markdown", metadata: {}, source: "# A" }],
    }),
  );
  const good = notebookHead(parsed, "a", renderMarkdown);
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

test("a cell too large for the head goes in without its large frame contents, drawn as pending", () => {
  const html = "<div>" + "x".repeat(300_000) + "</div>";
  const text = JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      {
        id: "a",
        cell_type: "code",
        metadata: {},
        source: "show(p)",
        execution_count: 1,
        outputs: [
          {
            output_type: "display_data",
            metadata: {},
            data: { "text/html": html, "text/plain": "<Figure>", "image/png": "iVBORw0KGgo=" },
          },
        ],
      },
      { id: "b", cell_type: "markdown", metadata: {}, source: "after" },
    ],
  });
  const parsed = parseNotebook(text);
  const head = readHead(sent(notebookHead(parsed, "a", renderMarkdown)));
  assert.ok(head);
  assert.equal(head.parsed.notebook.cells.length, 2);
  const output = (head.parsed.notebook.cells[0] as CodeCell).outputs[0] as DisplayDataOutput;
  // Only the large frame content is left out; the bundle's other types and the cell's source stay.
  assert.equal(output.data["text/html"], PENDING_OUTPUT);
  assert.equal(output.data["text/plain"], "<Figure>");
  assert.equal(head.parsed.notebook.cells[0]?.source, "show(p)");
  // The plan still chooses the frame, so the page draws the output's place.
  const plan = planCellRange(head.parsed.notebook, { fileName: "a.ipynb", markdown: renderMarkdown }, 0, 1)[0];
  const outputs = plan && "outputs" in plan ? (plan.outputs as { kind: string; content?: unknown }[]) : [];
  assert.deepEqual(
    outputs.map((o) => [o.kind, o.content]),
    [["frame", PENDING_OUTPUT]],
  );
});

test("a head's code cells come highlighted and its markdown cells as HTML, exactly as the page would make them, for every corpus notebook", () => {
  let highlightedCells = 0;
  let markdownCells = 0;
  for (const { name, parsed } of readableCorpusNotebooks()) {
    const head = readHead(sent(notebookHead(parsed, "f".repeat(64), renderMarkdown)));
    assert.ok(head?.highlighted && head.markdown, name);
    const { notebook } = head.parsed;
    const sources = (type: string) => new Set(notebook.cells.filter((c) => c.cell_type === type).map((c) => c.source));
    assert.equal(head.highlighted.bySource.size, sources("code").size, name);
    assert.equal(head.markdown.size, sources("markdown").size, name);
    highlightedCells += head.highlighted.bySource.size;
    markdownCells += head.markdown.size;
    const made = head.markdown;
    const fromHead = {
      fileName: name,
      original: head.parsed.original,
      highlighted: head.highlighted,
      markdown: (source: string) => made.get(source) ?? assert.fail(`${name}: no HTML for ${source}`),
    };
    const drawn = planCellRange(notebook, fromHead, 0, notebook.cells.length);
    const own = { fileName: name, original: head.parsed.original, markdown: renderMarkdown };
    assert.deepStrictEqual(drawn, planCellRange(notebook, own, 0, notebook.cells.length), name);
  }
  assert.ok(
    highlightedCells > 200 && markdownCells > 200,
    `only ${highlightedCells} code and ${markdownCells} markdown cells`,
  );
});

test("a head whose markdown HTML does not line up with its cells is read without it", () => {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { id: "a", cell_type: "markdown", metadata: {}, source: "# T" },
      { id: "b", cell_type: "code", metadata: {}, source: "1", outputs: [], execution_count: 1 },
    ],
  };
  const head = notebookHead(parseNotebook(JSON.stringify(notebook)), "a", renderMarkdown);
  assert.deepStrictEqual(head.markdown, [renderMarkdown("# T"), null]);
  assert.equal(readHead(sent(head))?.markdown?.get("# T"), renderMarkdown("# T"));
  for (const markdown of [[renderMarkdown("# T")], [null, null], [1, null], "x", undefined]) {
    const read = readHead(sent({ ...head, markdown }));
    assert.ok(read, JSON.stringify(markdown));
    assert.equal(read.markdown, undefined, JSON.stringify(markdown));
  }
});

test("runs in a head that do not spell the cell's source, or carry other classes, are not used", () => {
  const source = "import os\nprint('hi')";
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { id: "a", cell_type: "code", metadata: {}, source, outputs: [], execution_count: 1 },
      { id: "b", cell_type: "markdown", metadata: {}, source: "# T" },
    ],
  };
  const head = notebookHead(parseNotebook(JSON.stringify(notebook)), "a", renderMarkdown);
  const good = head.highlighted.cells[0]!;
  assert.ok(good.some(([, classes]) => classes.includes("hljs-keyword")));
  const withRuns = (runs: unknown, cells?: unknown[]) =>
    readHead(
      sent({ ...head, highlighted: { language: "python", cells: cells ?? [runs, null] } }),
    )?.highlighted?.bySource.get(source);
  assert.deepStrictEqual(
    withRuns(good)
      ?.map((r) => r.text)
      .join(""),
    source,
  );
  const tampered: unknown[] = [
    [...good, ["<img src=x onerror=alert(1)>", ""]], // text the source does not have
    good.slice(1), // text missing
    good.map(([text, classes], i) => (i === 0 ? [text, "vt-toolbar"] : [text, classes])), // a studio class
    good.map(([text, classes], i) => (i === 0 ? [text, `${classes} x"y`] : [text, classes])),
    good.map(([text]) => [text]),
    good.map(([text, classes]) => ({ text, classes })),
    "import os",
    null,
  ];
  for (const runs of tampered) assert.equal(withRuns(runs), undefined, JSON.stringify(runs));
  // Entries that do not line up with the head's cells are all ignored; the head itself is still read.
  assert.equal(withRuns(undefined, [good]), undefined);
  assert.equal(readHead(sent({ ...head, highlighted: { language: "python", cells: [good] } }))?.highlighted, undefined);
  assert.ok(readHead(sent({ ...head, highlighted: "x" })));
});

test("runs made for another language than the notebook's are not used", () => {
  const source = "x = 1";
  const nb = parseNotebook(
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [{ id: "a", cell_type: "code", metadata: {}, source, outputs: [], execution_count: 1 }],
    }),
  );
  const marked = { language: "r", bySource: new Map([[source, [{ text: source, classes: ["hljs-string"] }]]]) };
  assert.deepStrictEqual(
    planCellRange(nb.notebook, { highlighted: marked, markdown: renderMarkdown }, 0, 1),
    planCellRange(nb.notebook, { markdown: renderMarkdown }, 0, 1),
  );
  const python = { ...marked, language: "python" };
  const [cell] = planCellRange(nb.notebook, { highlighted: python, markdown: renderMarkdown }, 0, 1);
  assert.deepStrictEqual(cell?.kind === "code" && cell.sourceRuns, [{ text: source, classes: ["hljs-string"] }]);
});

test("a head carries the reading's notes as the sentences the page shows; a malformed list is no notes", () => {
  const cell = (id: string) => ({ cell_type: "markdown", id, metadata: {}, source: id });
  const bytes = new TextEncoder().encode(
    JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [cell("a"), cell("a"), cell("b")] }),
  );
  const parsed = parseNotebook(bytes, { file: "repaired.ipynb" });
  const wire = sent(notebookHead(parsed, "f".repeat(64), renderMarkdown)) as Record<string, unknown>;
  assert.deepEqual(wire.readingNotes, [
    "Vitrine gave 1 cell a new id: its id repeated an earlier one (nbformat does the same).",
  ]);
  assert.deepEqual(readHead(wire)?.readingNotes, wire.readingNotes);
  // Nothing repaired, nothing sent.
  const plain = new TextEncoder().encode(
    JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [cell("a")] }),
  );
  const clean = sent(notebookHead(parseNotebook(plain, { file: "a.ipynb" }), "f".repeat(64), renderMarkdown));
  assert.equal(Object.hasOwn(clean as object, "readingNotes"), false);
  assert.deepEqual(readHead(clean)?.readingNotes, []);
  for (const readingNotes of ["a sentence", [1], ["x".repeat(1001)], Array(9).fill("x"), { 0: "x" }])
    assert.deepEqual(readHead({ ...wire, readingNotes })?.readingNotes, [], JSON.stringify(readingNotes).slice(0, 40));
});
