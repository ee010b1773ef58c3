import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { readableCorpusNotebooks } from "../../test/corpus-notebooks.ts";
import { NotebookError } from "./errors.ts";
import type { NotebookErrorCode, SourceLocation } from "./errors.ts";
import type { NotebookLimits } from "./limits.ts";
import { parseAcceptedNotebook, parseNotebook } from "./parse.ts";
import type { CodeCell, DisplayDataOutput, ExecuteResultOutput, MarkdownCell } from "./types.ts";

const notebooks = new URL("../../../shared/corpus/notebooks/", import.meta.url);
const encoder = new TextEncoder();

function refusal(input: Uint8Array | string, limits?: Partial<NotebookLimits>): NotebookError {
  try {
    parseNotebook(input, { file: "up.ipynb", limits });
  } catch (error) {
    assert.ok(error instanceof NotebookError, String(error));
    return error;
  }
  assert.fail("expected the notebook to be refused");
}

function assertRefused(
  input: Uint8Array | string,
  code: NotebookErrorCode,
  location: SourceLocation,
  message?: RegExp,
  limits?: Partial<NotebookLimits>,
): NotebookError {
  const error = refusal(input, limits);
  assert.equal(error.code, code, error.format());
  assert.equal(error.file, "up.ipynb");
  assert.deepEqual(error.location, location, error.format());
  if (message) assert.match(error.message, message);
  return error;
}

function plain(value: unknown): unknown {
  return structuredClone(value);
}

/** A small valid v4.5 notebook; `cells` replaces its cells. */
function v45(cells?: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3" }, "vitrine.test": { keep: ["me", 1, null] } },
    cells: cells ?? [{ id: "a", cell_type: "markdown", metadata: {}, source: "hello" }],
    ...extra,
  };
}

function code(id: string, outputs: unknown[] = []): Record<string, unknown> {
  return { id, cell_type: "code", metadata: {}, source: "", execution_count: null, outputs };
}

test("reads a v4 notebook into the typed model, joining multi-line strings", () => {
  const text = JSON.stringify(
    v45([
      {
        id: "m",
        cell_type: "markdown",
        metadata: { tags: ["x"] },
        source: ["# Title\n", "\n", "text"],
        attachments: { "a.png": { "image/png": ["iVBO", "Rw0K"], "application/json": ["kept", "as is"] } },
      },
      { id: "r", cell_type: "raw", metadata: { format: "text/x-rst" }, source: [] },
      code("c", [
        { output_type: "stream", name: "stdout", text: ["a\n", "b\n"] },
        {
          output_type: "execute_result",
          execution_count: 3,
          metadata: { isolated: true },
          data: {
            "text/plain": ["1\n", "2"],
            "application/json": ["not", "joined"],
            "application/vnd.vegalite.v4+json": { mark: "bar" },
            "text/html": "<b>x</b>",
          },
        },
        { output_type: "display_data", metadata: {}, data: { "image/svg+xml": ["<svg>\n", "</svg>"] } },
        { output_type: "error", ename: "E", evalue: "v", traceback: ["t1", "t2"] },
      ]),
    ]),
  );
  const parsed = parseNotebook(text);
  assert.equal(parsed.upgraded, false);
  assert.deepEqual(parsed.original, { major: 4, minor: 5 });
  const [markdown, raw, codeCell] = parsed.notebook.cells;
  assert.deepEqual(plain(markdown), {
    cell_type: "markdown",
    id: "m",
    source: "# Title\n\ntext",
    metadata: { tags: ["x"] },
    attachments: { "a.png": { "image/png": "iVBORw0K", "application/json": ["kept", "as is"] } },
  });
  assert.deepEqual(plain(raw), { cell_type: "raw", id: "r", source: "", metadata: { format: "text/x-rst" } });
  const outputs = (codeCell as CodeCell).outputs;
  assert.deepEqual(plain(outputs[0]), { output_type: "stream", name: "stdout", text: "a\nb\n" });
  assert.deepEqual(plain(outputs[1]), {
    output_type: "execute_result",
    execution_count: 3,
    data: {
      "text/plain": "1\n2",
      "application/json": ["not", "joined"],
      "application/vnd.vegalite.v4+json": { mark: "bar" },
      "text/html": "<b>x</b>",
    },
    metadata: { isolated: true },
  });
  assert.equal((outputs[2] as DisplayDataOutput).data["image/svg+xml"], "<svg>\n</svg>");
  assert.deepEqual(plain(outputs[3]), { output_type: "error", ename: "E", evalue: "v", traceback: ["t1", "t2"] });
});

test("unknown metadata is kept as it is", () => {
  const parsed = parseNotebook(
    JSON.stringify(
      v45(undefined, {
        metadata: {
          widgets: { "application/vnd.jupyter.widget-state+json": { state: {} } },
          custom: [1, { a: null }],
          orig_nbformat: 3,
        },
      }),
    ),
  );
  assert.deepEqual(plain(parsed.notebook.metadata), {
    widgets: { "application/vnd.jupyter.widget-state+json": { state: {} } },
    custom: [1, { a: null }],
    orig_nbformat: 3,
  });
  const cellMeta = parseNotebook(readFileSync(new URL("nbformat__test4jupyter_metadata_timings.ipynb", notebooks)))
    .notebook.cells[0]?.metadata;
  assert.ok(cellMeta && typeof cellMeta["execution"] === "object");
});

test("keys from the file never reach a prototype", () => {
  const text = JSON.stringify(
    v45([code("c", [{ output_type: "display_data", metadata: { __proto__x: 1 }, data: {} }])]),
  )
    .replace('"data":{}', '"data":{"__proto__":"<b>x</b>","constructor":["a","b"]}')
    .replace('"metadata":{"kernelspec"', '"metadata":{"__proto__":{"polluted":true},"kernelspec"');
  const parsed = parseNotebook(text);
  const data = ((parsed.notebook.cells[0] as CodeCell).outputs[0] as DisplayDataOutput).data;
  assert.deepEqual(Object.keys(data), ["__proto__", "constructor"]);
  assert.equal(data["__proto__"], "<b>x</b>");
  assert.equal(data["constructor"], "ab");
  assert.equal(Object.getPrototypeOf(data), null);
  assert.equal(Object.getPrototypeOf(parsed.notebook.metadata), null);
  assert.deepEqual(plain(parsed.notebook.metadata["__proto__"]), { polluted: true });
  assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
});

test("bytes and text give the same notebook; a byte order mark is dropped", () => {
  const text = JSON.stringify(v45(), null, 1);
  const fromText = parseNotebook(text);
  assert.deepEqual(plain(parseNotebook(encoder.encode(text))), plain(fromText));
  assert.deepEqual(plain(parseNotebook(new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode(text)]))), plain(fromText));
  assert.deepEqual(plain(parseNotebook("\ufeff" + text)), plain(fromText));
  // Positions after a BOM are counted as an editor shows them: the BOM takes no column.
  assertRefused(new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode("[}")]), "invalid_json", {
    pointer: "/0",
    line: 1,
    column: 2,
  });
  assertRefused("\ufeff[}", "invalid_json", { pointer: "/0", line: 1, column: 2 });
});

test("a file over maxFileBytes is refused before it is read", () => {
  const text = JSON.stringify(v45());
  assertRefused(
    encoder.encode(text),
    "file_too_large",
    { pointer: "" },
    new RegExp(`the file is ${encoder.encode(text).length} bytes, more than the limit of 100 bytes`),
    { maxFileBytes: 100 },
  );
  assertRefused(text, "file_too_large", { pointer: "" }, /more than 100 bytes as UTF-8/, { maxFileBytes: 100 });
  // Text is measured in UTF-8 bytes, not characters: 40 "é" are 80 bytes.
  const accents = JSON.stringify(v45([{ id: "a", cell_type: "markdown", metadata: {}, source: "é".repeat(40) }]));
  const size = encoder.encode(accents).length;
  assert.ok(parseNotebook(accents, { limits: { maxFileBytes: size } }));
  assertRefused(accents, "file_too_large", { pointer: "" }, undefined, { maxFileBytes: size - 1 });
  // Invalid bytes beyond the limit are never looked at.
  assert.equal(refusal(new Uint8Array([0xff, ...encoder.encode(text)]), { maxFileBytes: 10 }).code, "file_too_large");
});

test("invalid UTF-8 is refused at its first bad byte, with line, column and pointer", () => {
  const prefix = encoder.encode('{\n "cells": [\n  {"source": ["ok", "x');
  const suffix = encoder.encode('"]}]\n}');
  const cases: [number[], RegExp][] = [
    [[0x80], /continuation byte 0x80 without a lead byte/],
    [[0xc0, 0xaf], /0xC0 only ever starts an overlong encoding/],
    [[0xc1, 0xbf], /0xC1/],
    [[0xe0, 0x80, 0xaf], /0xE0 0x80: an overlong encoding/],
    [[0xf0, 0x80, 0x80, 0xaf], /0xF0 0x80: an overlong encoding/],
    [[0xed, 0xa0, 0x80], /0xED 0xA0: a UTF-16 surrogate/],
    [[0xed, 0xbf, 0xbf], /surrogate/],
    [[0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80], /surrogate/], // CESU-8 for U+1F600
    [[0xf4, 0x90, 0x80, 0x80], /above U\+10FFFF/],
    [[0xf5, 0x80, 0x80, 0x80], /0xF5 never appears in UTF-8/],
    [[0xff], /0xFF never appears/],
    [[0xc3, 0x28], /0xC3 0x28: byte 0x28 where a continuation byte belongs/],
    [[0xe2, 0x82], /0xE2 0x82 0x22: byte 0x22 where a continuation byte belongs/],
  ];
  for (const [bad, message] of cases) {
    const bytes = new Uint8Array([...prefix, ...bad, ...suffix]);
    // "é" before the bad byte: two bytes, one column.
    const withAccent = new Uint8Array([...encoder.encode('{\n "cells": [\n  {"source": ["ok", "é'), ...bad, ...suffix]);
    assertRefused(
      bytes,
      "invalid_utf8",
      { pointer: "/cells/0/source/1", line: 3, column: 23, cell: 0 },
      new RegExp(`at byte ${prefix.length}: .*${message.source}`),
    );
    assertRefused(
      withAccent,
      "invalid_utf8",
      { pointer: "/cells/0/source/1", line: 3, column: 23, cell: 0 },
      new RegExp(`at byte ${prefix.length + 1}:`),
    );
  }
  // A sequence cut off by the end of the file.
  assertRefused(
    new Uint8Array([0x7b, 0x0a, 0xe2, 0x82]),
    "invalid_utf8",
    { pointer: "", line: 2, column: 1 },
    /at byte 2: a 3-byte sequence starting with 0xE2 is cut off by the end of the file/,
  );
  // Well-formed 4-byte characters are fine.
  assert.equal(
    parseNotebook(
      encoder.encode(JSON.stringify(v45([{ id: "a", cell_type: "markdown", metadata: {}, source: "😀 \u{10FFFF}" }]))),
    ).notebook.cells[0]?.source,
    "😀 \u{10FFFF}",
  );
});

test("JSON problems in a notebook carry the cell and the file", () => {
  const text =
    '{\n "cells": [\n  {"id": "a", "cell_type": "markdown", "metadata": {"x": 1, "x": 2}, "source": ""}\n ]\n}';
  const error = assertRefused(text, "duplicate_key", { pointer: "/cells/0/metadata/x", line: 3, column: 61, cell: 0 });
  assert.equal(
    error.format(),
    'up.ipynb:3:61: cell 1: duplicate key "x": a later value would silently replace the earlier one [duplicate_key] at /cells/0/metadata/x',
  );
  assert.deepEqual(error.toJSON(), {
    error: "duplicate_key",
    message: error.message,
    file: "up.ipynb",
    pointer: "/cells/0/metadata/x",
    line: 3,
    column: 61,
    cell: 0,
  });
  assertRefused(
    '{"cells": [{"source": "' + "x".repeat(20) + '"}]}',
    "string_too_long",
    { pointer: "/cells/0/source", line: 1, column: 23, cell: 0 },
    undefined,
    { maxStringLength: 10 },
  );
  assertRefused('{"metadata": ' + "[".repeat(100_000), "too_deep", {
    pointer: "/metadata" + "/0".repeat(63),
    line: 1,
    column: 77,
  });
});

test("JSON that is not a notebook, or a version we cannot read", () => {
  assertRefused(
    "[1, 2]",
    "not_a_notebook",
    { pointer: "", line: 1, column: 1 },
    /a notebook is an object, this is an array/,
  );
  assertRefused("null", "not_a_notebook", { pointer: "", line: 1, column: 1 }, /this is a null/);
  assertRefused('{"cells": []}', "not_a_notebook", { pointer: "", line: 1, column: 1 }, /no 'nbformat'/);
  assertRefused(
    '{"nbformat": 1, "cells": []}',
    "unsupported_version",
    { pointer: "/nbformat", line: 1, column: 14 },
    /nbformat 1 is not supported/,
  );
  assertRefused(
    '{\n "nbformat": 5}',
    "unsupported_version",
    { pointer: "/nbformat", line: 2, column: 14 },
    /nbformat 5/,
  );
  assertRefused(
    '{"nbformat": "4"}',
    "unsupported_version",
    { pointer: "/nbformat", line: 1, column: 14 },
    /must be an integer major version, found "4"/,
  );
  assertRefused('{"nbformat": 0}', "unsupported_version", { pointer: "/nbformat", line: 1, column: 14 });
  assertRefused('{"nbformat": 4.5}', "unsupported_version", { pointer: "/nbformat", line: 1, column: 14 });
});

test("schema violations are located by pointer, line, column and cell", () => {
  const text = JSON.stringify(v45([code("a"), { ...code("b"), execution_count: -1 }]), null, 1);
  const error = assertRefused(
    text,
    "schema_violation",
    { pointer: "/cells/1/execution_count", cell: 1, line: 31, column: 23 },
    /'execution_count' must be an integer >= 0 or null, found -1/,
  );
  assert.equal(
    error.format(),
    "up.ipynb:31:23: cell 2: 'execution_count' must be an integer >= 0 or null, found -1 [schema_violation] at /cells/1/execution_count",
  );
  // A missing key is reported at the object that lacks it.
  assertRefused(
    JSON.stringify(v45([{ id: "a", cell_type: "markdown", metadata: {} }])),
    "schema_violation",
    { pointer: "/cells/0", cell: 0, line: 1, column: 152 },
    /missing the required property 'source'/,
  );
});

test("more cells than maxCells, or outputs than maxOutputsPerCell, are refused at the first one too many", () => {
  const cells = Array.from({ length: 5 }, (_, i) =>
    code(`c${i}`, [{ output_type: "stream", name: "stdout", text: "" }]),
  );
  const text = JSON.stringify(v45(cells), null, 1);
  assert.equal(parseNotebook(text, { limits: { maxCells: 5, maxOutputsPerCell: 1 } }).notebook.cells.length, 5);
  assertRefused(
    text,
    "too_many_cells",
    { pointer: "/cells/4", cell: 4, line: 74, column: 3 },
    /5 cells, more than the limit of 4/,
    { maxCells: 4 },
  );
  const many = JSON.stringify(
    v45([
      code("a"),
      code(
        "b",
        [1, 2, 3].map(() => ({ output_type: "stream", name: "stdout", text: "" })),
      ),
    ]),
    null,
    1,
  );
  assertRefused(
    many,
    "too_many_outputs",
    { pointer: "/cells/1/outputs/2", cell: 1, line: 43, column: 5 },
    /3 outputs, more than the limit of 2/,
    { maxOutputsPerCell: 2 },
  );
  // v3 cells are counted across worksheets.
  const v3 = {
    nbformat: 3,
    nbformat_minor: 0,
    metadata: {},
    worksheets: [
      { cells: [{ cell_type: "raw", source: "" }] },
      {
        cells: [
          { cell_type: "raw", source: "" },
          { cell_type: "raw", source: "" },
        ],
      },
    ],
  };
  assertRefused(
    JSON.stringify(v3),
    "too_many_cells",
    { pointer: "/worksheets/1/cells/1", cell: 2, line: 1, column: 148 },
    undefined,
    { maxCells: 2 },
  );
});

test("limits must be positive integers", () => {
  assert.throws(() => parseNotebook("{}", { limits: { maxDepth: 0 } }), RangeError);
  assert.throws(() => parseNotebook("{}", { limits: { maxCells: 1.5 } }), RangeError);
});

test("large real notebooks keep their JSON outputs parsed", () => {
  const parsed = parseNotebook(readFileSync(new URL("plotly_express__gallery.ipynb", notebooks)), {
    file: "plotly_express__gallery.ipynb",
  });
  const figure = parsed.notebook.cells
    .flatMap((cell) => (cell.cell_type === "code" ? cell.outputs : []))
    .map((output) =>
      output.output_type === "display_data" || output.output_type === "execute_result"
        ? (output as ExecuteResultOutput).data["application/vnd.plotly.v1+json"]
        : undefined,
    )
    .find((value) => value !== undefined);
  assert.ok(figure && typeof figure === "object" && !Array.isArray(figure) && "data" in figure);
  const attachment = parseNotebook(readFileSync(new URL("nbconvert__attachment.ipynb", notebooks))).notebook.cells.find(
    (cell) => cell.cell_type === "markdown" && cell.attachments,
  ) as MarkdownCell;
  assert.equal(typeof attachment.attachments?.["image.png"]?.["image/png"], "string");
});

/** parseNotebook's result, or null where it refuses. */
function strictly(bytes: Uint8Array, limits?: Partial<NotebookLimits>) {
  try {
    return parseNotebook(bytes, { limits });
  } catch (error) {
    assert.ok(error instanceof NotebookError, String(error));
    return null;
  }
}

test("parseAcceptedNotebook reads every corpus notebook the strict parser accepts into the same notebook", () => {
  const accepted = readableCorpusNotebooks();
  assert.ok(accepted.length > 40);
  for (const { name, bytes, parsed } of accepted) {
    // deepStrictEqual compares prototypes too: every object must have the strict parser's null prototype.
    assert.deepStrictEqual(parseAcceptedNotebook(bytes, { file: name }), parsed, name);
  }
});

test("parseAcceptedNotebook gives the strict parser's null-prototype objects, keys like __proto__ included", () => {
  const text = JSON.stringify(v45([code("c", [{ output_type: "display_data", metadata: {}, data: {} }])])).replace(
    '"data":{}',
    '"data":{"__proto__":"<b>x</b>","constructor":["a","b"]}',
  );
  const fast = parseAcceptedNotebook(encoder.encode(text));
  assert.deepStrictEqual(fast, parseNotebook(text));
  const data = ((fast?.notebook.cells[0] as CodeCell).outputs[0] as DisplayDataOutput).data;
  assert.equal(Object.getPrototypeOf(data), null);
  assert.equal(data["__proto__"], "<b>x</b>");
  assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
});

test("parseAcceptedNotebook returns null for what the strict parser refuses on limits, JSON, UTF-8 or the schema", () => {
  const refused: [Uint8Array, Partial<NotebookLimits>?][] = [
    [encoder.encode('{"metadata": ' + "[".repeat(100_000) + "]".repeat(100_000) + "}")],
    [
      encoder.encode(JSON.stringify(v45([{ id: "a", cell_type: "markdown", metadata: {}, source: "x".repeat(20) }]))),
      { maxStringLength: 10 },
    ],
    [encoder.encode(JSON.stringify(v45()).replace('"vitrine.test"', `"${"k".repeat(20)}"`)), { maxStringLength: 10 }],
    [encoder.encode(JSON.stringify(v45())), { maxFileBytes: 100 }],
    [encoder.encode(JSON.stringify(v45([code("a"), code("b")]))), { maxCells: 1 }],
    [encoder.encode("[1, 2]")],
    [encoder.encode('{"cells": [}')],
    [new Uint8Array([...encoder.encode('{"nbformat": 4, "x": "'), 0xff, ...encoder.encode('"}')])],
    [encoder.encode(JSON.stringify(v45([{ ...code("b"), execution_count: -1 }])))],
    [encoder.encode(JSON.stringify(v45([{ ...code("b"), id: "bad id" }])))],
  ];
  for (const [index, [bytes, limits]] of refused.entries()) {
    assert.equal(strictly(bytes, limits), null, `case ${index}: the strict parser refuses it too`);
    assert.equal(parseAcceptedNotebook(bytes, { limits }), null, `case ${index}`);
  }
  // The depth limit is the same: 64 levels (the notebook, its metadata, one key's object, then 61 arrays) pass both.
  const deep = encoder.encode(
    JSON.stringify(v45()).replace('"keep":["me",1,null]', '"keep":' + "[".repeat(61) + "]".repeat(61)),
  );
  assert.ok(strictly(deep));
  assert.deepStrictEqual(parseAcceptedNotebook(deep), strictly(deep));
  const tooDeep = encoder.encode(
    JSON.stringify(v45()).replace('"keep":["me",1,null]', '"keep":' + "[".repeat(62) + "]".repeat(62)),
  );
  assert.equal(strictly(tooDeep), null);
  assert.equal(parseAcceptedNotebook(tooDeep), null);
});

test("parseAcceptedNotebook upgrades v3 notebooks as the strict parser does", () => {
  const v3 = encoder.encode(
    JSON.stringify({
      nbformat: 3,
      nbformat_minor: 0,
      metadata: { name: "old" },
      worksheets: [
        {
          cells: [{ cell_type: "code", language: "python", input: ["print(1)\n", "x"], outputs: [], prompt_number: 1 }],
        },
      ],
    }),
  );
  const strict = strictly(v3);
  assert.ok(strict?.upgraded);
  assert.deepStrictEqual(parseAcceptedNotebook(v3), strict);
});
