import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_CELL_SOURCE_CHARS } from "../contract/kernel-socket.ts";
import { parseNotebook } from "../notebook/parse.ts";
import type { Cell } from "../notebook/types.ts";
import {
  CELLS_MIME,
  CellClipboardError,
  cellFromText,
  cellsFromClipboard,
  cellsFromJson,
  clipboardPayload,
  MAX_PASTED_CELLS,
  MAX_PASTED_CHARS,
} from "./cell-clipboard.ts";
import { NotebookEditModel } from "./notebook-edit-model.ts";

const copied: Cell[] = [
  {
    cell_type: "code",
    id: "one",
    source: "import os\nos.getcwd()",
    metadata: { tags: ["setup"], collapsed: true },
    execution_count: 3,
    outputs: [{ output_type: "stream", name: "stdout", text: "/home\n" }],
  },
  { cell_type: "markdown", id: "two", source: "# Title\n\nText", metadata: {}, attachments: { "a.png": {} } },
  { cell_type: "raw", id: "three", source: "", metadata: {} },
];

/** A paste event's data, as the browser's DataTransfer gives it to the page. */
function pasted(items: Record<string, string>): Pick<DataTransfer, "getData" | "types"> {
  return { types: Object.keys(items), getData: (type: string) => items[type] ?? "" };
}

function refusal(action: () => unknown): CellClipboardError {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof CellClipboardError, String(error));
    return error;
  }
  assert.fail("not refused");
}

test("copied cells are their sources as text and an nbformat notebook the strict reader reads, without outputs", () => {
  const { text, json } = clipboardPayload(copied);
  assert.equal(text, "import os\nos.getcwd()\n\n# Title\n\nText\n\n");
  const read = parseNotebook(new TextEncoder().encode(json), { file: "clipboard.ipynb" }).notebook;
  assert.deepEqual(
    read.cells.map((c) => [c.cell_type, c.source]),
    copied.map((c) => [c.cell_type, c.source]),
  );
  const code = read.cells[0];
  assert.ok(code?.cell_type === "code");
  assert.deepEqual(code.outputs, []);
  assert.equal(code.execution_count, null);
  // And pasted back: the same types and sources, tags kept, other metadata, outputs and attachments not.
  const back = cellsFromJson(json);
  assert.deepEqual(back, [
    {
      cell_type: "code",
      source: "import os\nos.getcwd()",
      metadata: { tags: ["setup"] },
      execution_count: null,
      outputs: [],
    },
    { cell_type: "markdown", source: "# Title\n\nText", metadata: {} },
    { cell_type: "raw", source: "", metadata: {} },
  ]);
});

test("a paste takes Vitrine's cells first, else the text as one code cell, and nothing from an empty clipboard", () => {
  const { text, json } = clipboardPayload(copied);
  assert.equal(cellsFromClipboard(pasted({ "text/plain": text, [CELLS_MIME]: json }))?.length, 3);
  assert.deepEqual(cellsFromClipboard(pasted({ "text/plain": "x = 1\r\ny = 2" })), [
    { cell_type: "code", source: "x = 1\ny = 2", metadata: {}, execution_count: null, outputs: [] },
  ]);
  assert.equal(cellsFromClipboard(pasted({ "text/plain": "" })), null);
  assert.equal(cellsFromClipboard(pasted({ "text/html": "<b>x</b>" })), null);
});

test("pasted markup and script in sources stay text: they are sources, never parsed", () => {
  const hostile = '<img src=x onerror="document.documentElement.dataset.pwned=1">';
  const cells = cellsFromJson(
    JSON.stringify({
      nbformat: 4,
      cells: [
        { cell_type: "markdown", source: [hostile, "\n", "<script>alert(1)</script>"], metadata: { trusted: true } },
        {
          cell_type: "code",
          source: hostile,
          outputs: [{ output_type: "display_data", data: { "text/html": hostile } }],
        },
      ],
    }),
  );
  assert.equal(cells[0]?.source, `${hostile}\n<script>alert(1)</script>`);
  assert.deepEqual(cells[0]?.metadata, {});
  assert.ok(cells[1]?.cell_type === "code");
  assert.deepEqual(cells[1].outputs, [], "outputs are dropped");
  // __proto__ in the JSON is an own key of the parsed object, and is not kept either.
  const proto = cellsFromJson(
    '{"nbformat":4,"cells":[{"cell_type":"raw","source":"s","metadata":{"__proto__":{"x":1}}}]}',
  );
  assert.deepEqual(proto[0]?.metadata, {});
  assert.equal(({} as Record<string, unknown>)["x"], undefined);
});

test("a clipboard of the wrong shape, too many cells or too much text is refused with a code and a place", () => {
  const cases: [string, string, string][] = [
    ["not json {", "clipboard_not_json", ""],
    ["[]", "clipboard_bad_shape", ""],
    ['{"nbformat":3,"cells":[]}', "clipboard_bad_shape", ""],
    ['{"nbformat":4,"cells":{}}', "clipboard_bad_shape", ""],
    ['{"nbformat":4,"cells":[1]}', "clipboard_bad_cell", "/cells/0"],
    ['{"nbformat":4,"cells":[{"cell_type":"script","source":""}]}', "clipboard_bad_cell", "/cells/0/cell_type"],
    [
      '{"nbformat":4,"cells":[{"cell_type":"code","source":""},{"cell_type":"code","source":7}]}',
      "clipboard_bad_cell",
      "/cells/1/source",
    ],
    ['{"nbformat":4,"cells":[{"cell_type":"code","source":["a",null]}]}', "clipboard_bad_cell", "/cells/0/source"],
    ['{"nbformat":4,"cells":[{"cell_type":"code"}]}', "clipboard_bad_cell", "/cells/0/source"],
  ];
  for (const [json, code, place] of cases) {
    const error = refusal(() => cellsFromJson(json));
    assert.equal(error.code, code, json);
    assert.equal(error.place, place, json);
  }
  const many = JSON.stringify({
    nbformat: 4,
    cells: Array.from({ length: 100_000 }, () => ({ cell_type: "code", source: "" })),
  });
  const tooMany = refusal(() => cellsFromJson(many));
  assert.equal(tooMany.code, "clipboard_too_many_cells");
  assert.match(tooMany.message, /100000 cells; at most 1000/);
  assert.equal(
    cellsFromJson(
      JSON.stringify({ nbformat: 4, cells: Array(MAX_PASTED_CELLS).fill({ cell_type: "raw", source: "" }) }),
    ).length,
    MAX_PASTED_CELLS,
  );
  assert.equal(refusal(() => cellsFromJson(" ".repeat(MAX_PASTED_CHARS + 1))).code, "clipboard_too_large");
  const longSource = JSON.stringify({
    nbformat: 4,
    cells: [{ cell_type: "code", source: "x".repeat(MAX_CELL_SOURCE_CHARS + 1) }],
  });
  assert.equal(refusal(() => cellsFromJson(longSource)).place, "/cells/0/source");
  assert.equal(refusal(() => cellFromText("x".repeat(MAX_CELL_SOURCE_CHARS + 1))).code, "clipboard_too_large");
});

test("tags stay only when nbformat allows them", () => {
  const tagsOf = (tags: unknown) =>
    cellsFromJson(JSON.stringify({ nbformat: 4, cells: [{ cell_type: "raw", source: "", metadata: { tags } }] }))[0]
      ?.metadata;
  assert.deepEqual(tagsOf(["a", "b"]), { tags: ["a", "b"] });
  assert.deepEqual(tagsOf(["a", "a"]), {});
  assert.deepEqual(tagsOf(["a,b"]), {});
  assert.deepEqual(tagsOf([1]), {});
  assert.deepEqual(tagsOf("a"), {});
  assert.deepEqual(tagsOf(Array.from({ length: 101 }, (_, i) => `t${i}`)), {});
});

test("cells copied from one notebook paste into another as new cells, and the saved notebook reads back", () => {
  const from = new NotebookEditModel({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: copied });
  from.selectAll();
  const { json } = clipboardPayload(from.selectedCells);
  const into = new NotebookEditModel({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [{ cell_type: "code", id: "one", source: "first", metadata: {}, execution_count: null, outputs: [] }],
  });
  into.pasteCells(cellsFromJson(json));
  assert.deepEqual(
    into.cells.map((c) => c.source),
    ["first", "import os\nos.getcwd()", "# Title\n\nText", ""],
  );
  assert.equal(new Set(into.cells.map((c) => c.id)).size, 4, "every id is new and distinct");
  assert.ok(!into.cells.slice(1).some((c) => ["one", "two", "three"].includes(c.id)));
  const saved = parseNotebook(new TextEncoder().encode(into.serialize()), { file: "into.ipynb" }).notebook;
  assert.equal(saved.cells.length, 4);
});
