import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { NotebookError } from "./errors.ts";
import { parseNotebook } from "./parse.ts";
import type { CodeCell, DisplayDataOutput, ExecuteResultOutput, ParsedNotebook } from "./types.ts";
import { splitLinesLikePython } from "./upgrade.ts";

const notebooks = new URL("../../../shared/corpus/notebooks/", import.meta.url);

function read(json: unknown): ParsedNotebook {
  return parseNotebook(JSON.stringify(json, null, 1), { file: "old.ipynb" });
}

function refusal(json: unknown): NotebookError {
  try {
    read(json);
  } catch (error) {
    assert.ok(error instanceof NotebookError);
    return error;
  }
  assert.fail("expected the notebook to be refused");
}

/** A v3 notebook around some cells, in one worksheet. */
function v3(cells: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    nbformat: 3,
    nbformat_minor: 0,
    metadata: { name: "old", signature: "sha256:abc", kernel_info: { name: "python", language: "python" } },
    worksheets: [{ cells }],
    ...extra,
  };
}

function codeCell(outputs: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    cell_type: "code",
    language: "python",
    collapsed: false,
    metadata: {},
    input: ["x = 1\n", "x"],
    prompt_number: 4,
    outputs,
    ...extra,
  };
}

function plain(value: unknown): unknown {
  return structuredClone(value);
}

test("v3: the notebook becomes nbformat 4.5, metadata moved as nbformat moves it", () => {
  const parsed = read(v3([{ cell_type: "markdown", source: "hi" }], { orig_nbformat: 2, orig_nbformat_minor: 1 }));
  assert.equal(parsed.upgraded, true);
  assert.deepEqual(parsed.original, { major: 3, minor: 0 });
  assert.equal(parsed.notebook.nbformat, 4);
  assert.equal(parsed.notebook.nbformat_minor, 5);
  // name and signature go, the original version is recorded, everything else stays.
  assert.deepEqual(plain(parsed.notebook.metadata), {
    kernel_info: { name: "python", language: "python" },
    orig_nbformat: 2,
    orig_nbformat_minor: 1,
  });
  assert.deepEqual(plain(read(v3([])).notebook.metadata), {
    kernel_info: { name: "python", language: "python" },
    orig_nbformat: 3,
    orig_nbformat_minor: 0,
  });
});

test("v3: worksheets are flattened and every cell gets a stable id", () => {
  const parsed = read({
    ...v3([]),
    worksheets: [
      { cells: [{ cell_type: "raw", source: "a" }] },
      { cells: [] },
      {
        metadata: {},
        cells: [
          { cell_type: "markdown", source: "b" },
          { cell_type: "markdown", source: "c" },
        ],
      },
    ],
  });
  assert.deepEqual(
    parsed.notebook.cells.map((cell) => [cell.id, cell.cell_type, cell.source]),
    [
      ["cell-1", "raw", "a"],
      ["cell-2", "markdown", "b"],
      ["cell-3", "markdown", "c"],
    ],
  );
  assert.deepEqual(plain(parsed.notebook.cells[0]?.metadata), {});
});

test("v3: heading cells become one-line markdown headings", () => {
  const parsed = read(
    v3([
      { cell_type: "heading", level: 1, source: "foo" },
      { cell_type: "heading", level: 4, source: ["foo\n", "bar\n", "multi-line\n"] },
      { cell_type: "heading", level: 2, source: "ünìcö∂e\u2028next\r\nlast" },
      { cell_type: "html", source: "<b>html cells are markdown now</b>" },
    ]),
  );
  assert.deepEqual(
    parsed.notebook.cells.map((cell) => [cell.cell_type, cell.source]),
    [
      ["markdown", "# foo"],
      ["markdown", "#### foo bar multi-line"],
      ["markdown", "## ünìcö∂e next last"],
      ["markdown", "<b>html cells are markdown now</b>"],
    ],
  );
});

test("v3: code cells: input, prompt_number, collapsed, language", () => {
  const parsed = read(
    v3([codeCell([]), codeCell([], { prompt_number: undefined, collapsed: true, metadata: { tags: ["t"] } })]),
  );
  const [first, second] = parsed.notebook.cells as CodeCell[];
  assert.deepEqual(plain(first), {
    cell_type: "code",
    id: "cell-1",
    source: "x = 1\nx",
    metadata: { collapsed: false },
    execution_count: 4,
    outputs: [],
  });
  assert.equal(second?.execution_count, null);
  assert.deepEqual(plain(second?.metadata), { tags: ["t"], collapsed: true });
  assert.equal("language" in (second ?? {}), false);
});

test("v3: outputs are renamed and their data keyed by mime type", () => {
  const parsed = read(
    v3([
      codeCell([
        {
          output_type: "pyout",
          prompt_number: 4,
          text: ["1\n", "2"],
          html: "<b>",
          "text/markdown": ["*a*\n", "b"],
          metadata: { png: { width: 5 } },
        },
        {
          output_type: "display_data",
          png: "iVBO",
          jpeg: "/9j/",
          svg: ["<svg>", "</svg>"],
          latex: "$x$",
          javascript: "alert(1)",
          pdf: "JVBE",
          json: ['{"a":', " [1, 2]}"],
        },
        { output_type: "stream", stream: "stderr", text: ["warn\n", "ing"] },
        { output_type: "pyerr", ename: "ValueError", evalue: "bad", traceback: ["\u001b[0;31mValueError\u001b[0m"] },
      ]),
    ]),
  );
  const [result, display, stream, error] = (parsed.notebook.cells[0] as CodeCell).outputs;
  assert.deepEqual(plain(result), {
    output_type: "execute_result",
    execution_count: 4,
    data: { "text/plain": "1\n2", "text/html": "<b>", "text/markdown": "*a*\nb" },
    metadata: { "image/png": { width: 5 } },
  });
  assert.deepEqual(plain((display as DisplayDataOutput).data), {
    "image/png": "iVBO",
    "image/jpeg": "/9j/",
    // v3 joins lines that do not end in a line break with "\n".
    "image/svg+xml": "<svg>\n</svg>",
    "text/latex": "$x$",
    "application/javascript": "alert(1)",
    "application/pdf": "JVBE",
    "application/json": { a: [1, 2] },
  });
  assert.deepEqual(plain(stream), { output_type: "stream", name: "stderr", text: "warn\ning" });
  assert.deepEqual(plain(error), {
    output_type: "error",
    ename: "ValueError",
    evalue: "bad",
    traceback: ["\u001b[0;31mValueError\u001b[0m"],
  });
});

test("v3: a 'json' output that is not JSON is refused at its place in the file", () => {
  const error = refusal(
    v3([{ cell_type: "markdown", source: "x" }, codeCell([{ output_type: "display_data", json: "{'a': 1}" }])]),
  );
  assert.equal(error.code, "invalid_json");
  assert.equal(error.location.pointer, "/worksheets/0/cells/1/outputs/0/json");
  assert.equal(error.location.cell, 1);
  assert.match(
    error.message,
    /v3 JSON output is not valid JSON \(expected a string key or '}', found ''', at line 1, column 2 of the embedded text\)/,
  );
  assert.equal(typeof error.location.line, "number");
  const duplicate = refusal(
    v3([codeCell([{ output_type: "pyout", prompt_number: 1, "application/json": '{"a": 1, "a": 2}' }])]),
  );
  assert.equal(duplicate.code, "duplicate_key");
  assert.equal(duplicate.location.pointer, "/worksheets/0/cells/0/outputs/0/application~1json");
});

test("v3: a heading too long to build is refused, not built", () => {
  const error = refusal(v3([{ cell_type: "heading", level: 1e12, source: "x" }]));
  assert.equal(error.code, "string_too_long");
  assert.equal(error.location.pointer, "/worksheets/0/cells/0/level");
  assert.equal(error.location.cell, 0);
});

test("v3: rules of v3 are checked before the upgrade, at places in the file", () => {
  const text = JSON.stringify(
    v3([{ cell_type: "markdown", source: "x" }, codeCell([{ output_type: "pyout", text: "1" }])]),
    null,
    1,
  );
  assert.throws(
    () => parseNotebook(text, { file: "old.ipynb" }),
    (error: unknown) => {
      assert.ok(error instanceof NotebookError);
      assert.equal(error.code, "schema_violation");
      assert.equal(error.file, "old.ipynb");
      assert.deepEqual(error.location, { pointer: "/worksheets/0/cells/1/outputs/0", cell: 1, line: 30, column: 7 });
      assert.match(error.message, /a pyout output is missing the required property 'prompt_number'/);
      return true;
    },
  );
});

test("v3: what only v4 constrains is checked after the upgrade and reported at its place in the v3 file", () => {
  const text = JSON.stringify(v3([codeCell([]), codeCell([], { metadata: { scrolled: "yes" } })]), null, 1);
  assert.throws(
    () => parseNotebook(text),
    (error: unknown) => {
      assert.ok(error instanceof NotebookError);
      assert.equal(error.code, "schema_violation");
      assert.equal(error.location.pointer, "/worksheets/0/cells/1/metadata/scrolled");
      assert.equal(error.location.cell, 1);
      assert.equal(error.location.line, 32);
      assert.equal(error.location.column, 19);
      assert.match(
        error.message,
        /^after the upgrade to nbformat 4: metadata 'scrolled' must be true, false or "auto"/,
      );
      return true;
    },
  );
  const kernelspec = refusal(v3([], { metadata: { kernelspec: "python3" } }));
  assert.equal(kernelspec.location.pointer, "/metadata/kernelspec");
});

test("v3 without nbformat_minor is read as 3.0, as nbformat does", () => {
  const parsed = parseNotebook(readFileSync(new URL("nbformat__test3_no_min_version.ipynb", notebooks)));
  assert.deepEqual(parsed.original, { major: 3, minor: null });
  assert.deepEqual(parsed.notebook.cells, []);
});

test("the corpus v3 notebook upgrades as nbformat upgrades it", () => {
  const parsed = parseNotebook(readFileSync(new URL("nbformat__test3.ipynb", notebooks)));
  const cells = parsed.notebook.cells;
  assert.equal(cells.length, 9);
  assert.deepEqual(
    cells.slice(0, 3).map((cell) => cell.source),
    ["# nbconvert latex test", cells[1]?.source, "## Printed Using Python"],
  );
  const pyout = (cells[5] as CodeCell).outputs[0] as ExecuteResultOutput;
  assert.equal(pyout.output_type, "execute_result");
  assert.equal(pyout.execution_count, 3);
  assert.deepEqual(Object.keys(pyout.data).sort(), ["text/html", "text/plain"]);
  assert.ok((pyout.data["text/html"] as string).includes("<script>\n"));
  assert.equal((cells[3] as CodeCell).outputs[0]?.output_type, "stream");
});

test("v2: the corpus notebook is stepped through v3, its lines joined with \\n as v2 wrote them", () => {
  const parsed = parseNotebook(readFileSync(new URL("nbformat__test2.ipynb", notebooks)));
  assert.deepEqual(parsed.original, { major: 2, minor: null });
  assert.equal(parsed.upgraded, true);
  assert.deepEqual(plain(parsed.notebook.metadata), { orig_nbformat: 2, orig_nbformat_minor: 0 });
  assert.equal(parsed.notebook.cells.length, 21);
  const code = parsed.notebook.cells[5] as CodeCell;
  assert.ok(code.source.startsWith('def f(x):\n    """My function\n    x : parameter"""'));
  assert.equal(parsed.notebook.cells[0]?.source.split("\n")[0], "# An introduction to the Jupyter notebook");
  const png = (
    parsed.notebook.cells.find(
      (cell) => cell.cell_type === "code" && cell.outputs.some((o) => o.output_type === "display_data"),
    ) as CodeCell
  ).outputs.find((o) => o.output_type === "display_data") as DisplayDataOutput;
  assert.ok((png.data["image/png"] as string).startsWith("iVBORw0KGgo"));
});

test("v2: cells without metadata get one; text cells join with \\n", () => {
  const parsed = read({
    nbformat: 2,
    metadata: { name: "x" },
    worksheets: [
      {
        cells: [
          { cell_type: "markdown", source: ["# a", "b"] },
          {
            cell_type: "code",
            language: "python",
            input: ["1", "2"],
            outputs: [{ output_type: "stream", stream: "stdout", text: ["a", "b"] }],
          },
        ],
      },
    ],
  });
  assert.deepEqual(
    parsed.notebook.cells.map((cell) => cell.source),
    ["# a\nb", "1\n2"],
  );
  assert.equal(((parsed.notebook.cells[1] as CodeCell).outputs[0] as { text: string }).text, "a\nb");
  // v2 has no schema: it is held to the v3 rules once stepped to v3.
  const error = refusal({
    nbformat: 2,
    metadata: {},
    worksheets: [{ cells: [{ cell_type: "markdown", source: "a", rendered: "<p>a</p>" }] }],
  });
  assert.equal(error.code, "schema_violation");
  assert.equal(error.location.pointer, "/worksheets/0/cells/0/rendered");
});

test("splitLinesLikePython matches Python's str.splitlines()", () => {
  assert.deepEqual(splitLinesLikePython(""), []);
  assert.deepEqual(splitLinesLikePython("\n"), [""]);
  assert.deepEqual(splitLinesLikePython("a\n\nb\n"), ["a", "", "b"]);
  assert.deepEqual(splitLinesLikePython("a\r\nb\rc\vd\fe\x1cf\x1dg\x1eh\x85i\u2028j\u2029k"), [
    "a",
    "b",
    "c",
    "d",
    "e",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
  ]);
});
