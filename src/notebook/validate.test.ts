import { test } from "node:test";
import assert from "node:assert/strict";
import type { JsonObject, JsonValue } from "./types.ts";
import { isNewerMinor, schemaMinorFor, validateNotebookV4 } from "./validate.ts";
import type { Violation } from "./validate.ts";
import { validateNotebookV3 } from "./validate-v3.ts";

type Edit = (notebook: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

function notebookV4(minor: number): Record<string, unknown> {
  const withId = minor >= 5;
  const id = (value: string): Record<string, string> => (withId ? { id: value } : {});
  return {
    nbformat: 4,
    nbformat_minor: minor,
    metadata: {
      kernelspec: { name: "python3", display_name: "Python 3" },
      language_info: { name: "python" },
      custom: { anything: [1] },
    },
    cells: [
      {
        ...id("md"),
        cell_type: "markdown",
        metadata: { tags: ["a"] },
        source: ["# Title\n", "text"],
        attachments: { "x.png": { "image/png": "iVBO" } },
      },
      { ...id("raw"), cell_type: "raw", metadata: { format: "text/latex" }, source: "raw" },
      {
        ...id("code"),
        cell_type: "code",
        metadata: { collapsed: true, scrolled: "auto" },
        source: "print(1)",
        execution_count: 1,
        outputs: [
          { output_type: "stream", name: "stdout", text: ["1\n"] },
          {
            output_type: "execute_result",
            execution_count: 1,
            data: { "text/plain": "1", "application/vnd.x+json": { a: 1 } },
            metadata: {},
          },
          { output_type: "display_data", data: { "image/png": ["iVBO"] }, metadata: { "image/png": { width: 1 } } },
          { output_type: "error", ename: "E", evalue: "v", traceback: ["line"] },
        ],
      },
    ],
  };
}

function violationsAfter(edit: Edit, minor = 5): Violation[] {
  const notebook = notebookV4(minor);
  edit(notebook);
  return validateNotebookV4(notebook as JsonValue);
}

function assertFirst(
  edit: Edit,
  expected: { pointer: string; message: RegExp; cell?: number; code?: string },
  minor = 5,
): void {
  const [first] = violationsAfter(edit, minor);
  assert.ok(first, "expected a violation");
  assert.equal(first.pointer, expected.pointer, first.message);
  assert.match(first.message, expected.message);
  assert.equal(first.cell, expected.cell);
  assert.equal(first.code, expected.code ?? "schema_violation");
}

test("a well-formed notebook passes at every minor from 4.0 to 4.5, and beyond", () => {
  for (const minor of [0, 1, 2, 3, 4, 5, 99])
    assert.deepEqual(
      violationsAfter(() => {}, minor),
      [],
      `4.${minor}`,
    );
});

test("the notebook's own shape", () => {
  assertFirst((nb) => delete nb.cells, { pointer: "", message: /missing the required property 'cells'/ });
  assertFirst((nb) => (nb.worksheets = []), { pointer: "/worksheets", message: /unknown property "worksheets"/ });
  assertFirst((nb) => (nb.nbformat = 5), {
    pointer: "/nbformat",
    message: /'nbformat' must be an integer equal to 4, found 5/,
  });
  assertFirst((nb) => (nb.nbformat_minor = "5"), {
    pointer: "/nbformat_minor",
    message: /must be an integer >= 0, found "5"/,
  });
  assertFirst((nb) => (nb.nbformat_minor = -1), {
    pointer: "/nbformat_minor",
    message: /must be an integer >= 0, found -1/,
  });
  assertFirst((nb) => (nb.cells = {}), { pointer: "/cells", message: /'cells' must be an array, found an object/ });
  assertFirst((nb) => (nb.metadata = []), {
    pointer: "/metadata",
    message: /notebook 'metadata' must be an object, found an array/,
  });
  assert.deepEqual(
    validateNotebookV4([] as JsonValue).map((v) => v.pointer),
    [""],
  );
});

test("notebook metadata the schema constrains", () => {
  assertFirst((nb) => (nb.metadata.kernelspec = "python3"), {
    pointer: "/metadata/kernelspec",
    message: /must be an object/,
  });
  assertFirst((nb) => delete nb.metadata.kernelspec.display_name, {
    pointer: "/metadata/kernelspec",
    message: /missing the required property 'display_name'/,
  });
  assertFirst((nb) => (nb.metadata.kernelspec.name = 3), {
    pointer: "/metadata/kernelspec/name",
    message: /kernelspec 'name' must be a string, found 3/,
  });
  assertFirst((nb) => (nb.metadata.language_info = {}), {
    pointer: "/metadata/language_info",
    message: /missing the required property 'name'/,
  });
  assertFirst((nb) => (nb.metadata.language_info.codemirror_mode = 3), {
    pointer: "/metadata/language_info/codemirror_mode",
    message: /string or an object/,
  });
  assertFirst((nb) => (nb.metadata.language_info.file_extension = null), {
    pointer: "/metadata/language_info/file_extension",
    message: /must be a string/,
  });
  assertFirst((nb) => (nb.metadata.orig_nbformat = 0), {
    pointer: "/metadata/orig_nbformat",
    message: /integer >= 1, found 0/,
  });
  assertFirst((nb) => (nb.metadata.title = 1), { pointer: "/metadata/title", message: /'title' must be a string/ });
  assertFirst((nb) => (nb.metadata.authors = "me"), {
    pointer: "/metadata/authors",
    message: /'authors' must be an array/,
  });
  // The schema's authors items are described under a misspelt keyword, so they are not checked.
  assert.deepEqual(
    violationsAfter((nb) => (nb.metadata.authors = [1, "x"])),
    [],
  );
  // Before 4.2, title and authors were not part of the schema: free metadata.
  assert.deepEqual(
    violationsAfter((nb) => (nb.metadata.title = 1), 1),
    [],
  );
  // Unknown metadata is anyone's.
  assert.deepEqual(
    violationsAfter((nb) => (nb.metadata.widgets = { state: [null, 1, { deep: true }] })),
    [],
  );
});

test("cells: type, required keys, unknown keys", () => {
  assertFirst((nb) => (nb.cells[1] = "cell"), {
    pointer: "/cells/1",
    message: /a cell must be an object, found "cell"/,
    cell: 1,
  });
  assertFirst((nb) => delete nb.cells[1].cell_type, {
    pointer: "/cells/1",
    message: /missing the required property 'cell_type'/,
    cell: 1,
  });
  assertFirst((nb) => (nb.cells[1].cell_type = "heading"), {
    pointer: "/cells/1/cell_type",
    message: /unknown cell_type "heading"/,
    cell: 1,
  });
  assertFirst((nb) => delete nb.cells[2].outputs, {
    pointer: "/cells/2",
    message: /a code cell is missing the required property 'outputs'/,
    cell: 2,
  });
  assertFirst((nb) => delete nb.cells[2].execution_count, {
    pointer: "/cells/2",
    message: /'execution_count'/,
    cell: 2,
  });
  assertFirst((nb) => delete nb.cells[0].metadata, { pointer: "/cells/0", message: /'metadata'/, cell: 0 });
  assertFirst((nb) => delete nb.cells[0].source, { pointer: "/cells/0", message: /'source'/, cell: 0 });
  assertFirst((nb) => (nb.cells[2].attachments = {}), {
    pointer: "/cells/2/attachments",
    message: /a code cell has the unknown property "attachments"/,
    cell: 2,
  });
  assertFirst((nb) => (nb.cells[0].outputs = []), {
    pointer: "/cells/0/outputs",
    message: /unknown property "outputs"/,
    cell: 0,
  });
  assertFirst((nb) => (nb.cells[0].source = ["a", 1]), {
    pointer: "/cells/0/source/1",
    message: /item 1 is 1/,
    cell: 0,
  });
  assertFirst((nb) => (nb.cells[0].source = null), {
    pointer: "/cells/0/source",
    message: /string or a list of strings, found null/,
    cell: 0,
  });
});

test("execution_count is an integer >= 0 or null", () => {
  for (const ok of [0, 7, null, 1.0])
    assert.deepEqual(
      violationsAfter((nb) => (nb.cells[2].execution_count = ok)),
      [],
    );
  for (const bad of [-1, 1.5, "1", true]) {
    assertFirst((nb) => (nb.cells[2].execution_count = bad), {
      pointer: "/cells/2/execution_count",
      message: /integer >= 0 or null/,
      cell: 2,
    });
    assertFirst((nb) => (nb.cells[2].outputs[1].execution_count = bad), {
      pointer: "/cells/2/outputs/1/execution_count",
      message: /integer >= 0 or null/,
      cell: 2,
    });
  }
});

test("cell ids: required from 4.5, an unknown property before", () => {
  assertFirst((nb) => delete nb.cells[0].id, {
    pointer: "/cells/0",
    message: /missing the required property 'id'/,
    cell: 0,
  });
  for (const bad of ["", "a b", "$x", "é", "a".repeat(65), 12]) {
    assertFirst((nb) => (nb.cells[0].id = bad), { pointer: "/cells/0/id", message: /cell id|'id'/, cell: 0 });
  }
  for (const ok of ["a", "A-_9", "a".repeat(64)])
    assert.deepEqual(
      violationsAfter((nb) => (nb.cells[0].id = ok)),
      [],
    );
  assertFirst(
    (nb) => (nb.cells[0].id = "x"),
    {
      pointer: "/cells/0/id",
      message: /unknown property "id" \(cell ids arrived in nbformat 4.5; this notebook says 4.4\)/,
      cell: 0,
    },
    4,
  );
});

test("duplicate cell ids are their own error, at the second cell", () => {
  assertFirst((nb) => (nb.cells[2].id = "md"), {
    pointer: "/cells/2/id",
    message: /cell id "md" is already the id of cell 1/,
    cell: 2,
    code: "duplicate_cell_id",
  });
  // Schema problems in an earlier cell come first.
  const violations = violationsAfter((nb) => {
    nb.cells[1].cell_type = 3;
    nb.cells[2].id = "md";
  });
  assert.deepEqual(
    violations.map((v) => [v.code, v.pointer]),
    [
      ["schema_violation", "/cells/1/cell_type"],
      ["duplicate_cell_id", "/cells/2/id"],
    ],
  );
});

test("cell metadata the schema constrains, per cell type and minor", () => {
  assertFirst((nb) => (nb.cells[2].metadata.collapsed = "yes"), {
    pointer: "/cells/2/metadata/collapsed",
    message: /true or false/,
    cell: 2,
  });
  assertFirst((nb) => (nb.cells[2].metadata.scrolled = "yes"), {
    pointer: "/cells/2/metadata/scrolled",
    message: /true, false or "auto"/,
    cell: 2,
  });
  for (const ok of [true, false, "auto"])
    assert.deepEqual(
      violationsAfter((nb) => (nb.cells[2].metadata.scrolled = ok)),
      [],
    );
  // collapsed and scrolled mean nothing to markdown cells.
  assert.deepEqual(
    violationsAfter((nb) => (nb.cells[0].metadata.scrolled = "yes")),
    [],
  );
  assertFirst((nb) => (nb.cells[1].metadata.format = 1), {
    pointer: "/cells/1/metadata/format",
    message: /'format' must be a string/,
    cell: 1,
  });
  assert.deepEqual(
    violationsAfter((nb) => (nb.cells[0].metadata.format = 1)),
    [],
  );
  assertFirst((nb) => (nb.cells[0].metadata.name = ""), {
    pointer: "/cells/0/metadata/name",
    message: /non-empty and on one line/,
    cell: 0,
  });
  assertFirst((nb) => (nb.cells[0].metadata.name = "a\nb"), {
    pointer: "/cells/0/metadata/name",
    message: /one line/,
    cell: 0,
  });
  assertFirst((nb) => (nb.cells[0].metadata.name = 5), {
    pointer: "/cells/0/metadata/name",
    message: /must be a string/,
    cell: 0,
  });
  assertFirst((nb) => (nb.cells[0].metadata.tags = "a,b"), {
    pointer: "/cells/0/metadata/tags",
    message: /must be an array/,
    cell: 0,
  });
  assertFirst((nb) => (nb.cells[0].metadata.tags = ["a", "a"]), {
    pointer: "/cells/0/metadata/tags/1",
    message: /appears twice/,
    cell: 0,
  });
  assertFirst((nb) => (nb.cells[0].metadata.tags = ["a,b"]), {
    pointer: "/cells/0/metadata/tags/0",
    message: /no comma/,
    cell: 0,
  });
  assertFirst((nb) => (nb.cells[0].metadata.tags = [""]), {
    pointer: "/cells/0/metadata/tags/0",
    message: /non-empty/,
    cell: 0,
  });
  assertFirst((nb) => (nb.cells[0].metadata.tags = [1]), {
    pointer: "/cells/0/metadata/tags/0",
    message: /must be a string/,
    cell: 0,
  });
  // jupyter arrived in 4.3, execution in 4.4.
  assertFirst(
    (nb) => (nb.cells[0].metadata.jupyter = []),
    { pointer: "/cells/0/metadata/jupyter", message: /must be an object/, cell: 0 },
    3,
  );
  assert.deepEqual(
    violationsAfter((nb) => (nb.cells[0].metadata.jupyter = []), 2),
    [],
  );
  // The schema puts source_hidden beside jupyter's properties, so it constrains nothing.
  assert.deepEqual(
    violationsAfter((nb) => (nb.cells[0].metadata.jupyter = { source_hidden: "x" })),
    [],
  );
  assertFirst(
    (nb) => (nb.cells[2].metadata.execution = { "iopub.status.busy": 1 }),
    { pointer: "/cells/2/metadata/execution/iopub.status.busy", message: /must be a string/, cell: 2 },
    4,
  );
  assertFirst((nb) => (nb.cells[2].metadata.execution = { custom: null }), {
    pointer: "/cells/2/metadata/execution/custom",
    message: /must be a string/,
    cell: 2,
  });
  assert.deepEqual(
    violationsAfter((nb) => (nb.cells[2].metadata.execution = "x"), 3),
    [],
  );
  // Ajv's "^.*$" does not match a key with a line break, so such a key is free.
  assert.deepEqual(
    violationsAfter((nb) => (nb.cells[2].metadata.execution = { "a\nb": 1 })),
    [],
  );
});

test("outputs", () => {
  assertFirst((nb) => (nb.cells[2].outputs[0] = []), {
    pointer: "/cells/2/outputs/0",
    message: /an output must be an object/,
    cell: 2,
  });
  assertFirst((nb) => delete nb.cells[2].outputs[0].output_type, {
    pointer: "/cells/2/outputs/0",
    message: /missing the required property 'output_type'/,
    cell: 2,
  });
  assertFirst((nb) => (nb.cells[2].outputs[1].output_type = "pyout"), {
    pointer: "/cells/2/outputs/1/output_type",
    message: /unknown output_type "pyout"/,
    cell: 2,
  });
  assertFirst((nb) => delete nb.cells[2].outputs[0].name, {
    pointer: "/cells/2/outputs/0",
    message: /a stream output is missing the required property 'name'/,
    cell: 2,
  });
  assertFirst((nb) => (nb.cells[2].outputs[0].text = [1]), {
    pointer: "/cells/2/outputs/0/text/0",
    message: /item 0 is 1/,
    cell: 2,
  });
  assertFirst((nb) => (nb.cells[2].outputs[2].transient = {}), {
    pointer: "/cells/2/outputs/2/transient",
    message: /a display_data output has the unknown property "transient"/,
    cell: 2,
  });
  assertFirst((nb) => delete nb.cells[2].outputs[2].metadata, {
    pointer: "/cells/2/outputs/2",
    message: /'metadata'/,
    cell: 2,
  });
  assertFirst((nb) => (nb.cells[2].outputs[3].traceback = "x"), {
    pointer: "/cells/2/outputs/3/traceback",
    message: /must be an array/,
    cell: 2,
  });
  assertFirst((nb) => (nb.cells[2].outputs[3].traceback = ["x", null]), {
    pointer: "/cells/2/outputs/3/traceback/1",
    message: /only strings/,
    cell: 2,
  });
  assertFirst((nb) => (nb.cells[2].outputs[3].ename = 1), {
    pointer: "/cells/2/outputs/3/ename",
    message: /must be a string/,
    cell: 2,
  });
});

test("mime bundles: JSON types hold any value, others a string or lines", () => {
  for (const mime of [
    "application/json",
    "application/vnd.plotly.v1+json",
    "application/geo+json",
    "application/a/b+json",
  ]) {
    assert.deepEqual(
      violationsAfter((nb) => (nb.cells[2].outputs[1].data[mime] = { any: [1, null] })),
      [],
      mime,
    );
  }
  for (const mime of ["text/plain", "application/jsonx", "text/x+json", "application/x+json\n", "constructor"]) {
    assertFirst((nb) => (nb.cells[2].outputs[1].data[mime] = { any: 1 }), {
      pointer: `/cells/2/outputs/1/data/${mime.replaceAll("/", "~1")}`,
      message: /string or a list of strings/,
      cell: 2,
    });
  }
  assertFirst((nb) => (nb.cells[2].outputs[1].data = []), {
    pointer: "/cells/2/outputs/1/data",
    message: /output 'data' must be an object/,
    cell: 2,
  });
  assertFirst((nb) => (nb.cells[0].attachments["x.png"] = "iVBO"), {
    pointer: "/cells/0/attachments/x.png",
    message: /attachment "x.png" must be an object/,
    cell: 0,
  });
  assertFirst((nb) => (nb.cells[0].attachments["a/b"] = { "image/png": 1 }), {
    pointer: "/cells/0/attachments/a~1b/image~1png",
    message: /string or a list/,
    cell: 0,
  });
  assertFirst((nb) => (nb.cells[0].attachments = []), {
    pointer: "/cells/0/attachments",
    message: /must be an object/,
    cell: 0,
  });
});

test("minors newer than 4.5 follow the 4.5 rules relaxed as nbformat relaxes them", () => {
  const accepted: Edit[] = [
    (nb) => (nb.extra = 1),
    (nb) => (nb.cells[0].extra = { any: "thing" }),
    (nb) => (nb.cells[2].outputs[0].extra = [1]),
    // Another output type's property is only an unknown one here: its value is not checked.
    (nb) => (nb.cells[2].outputs[0].metadata = null),
    (nb) => (nb.cells[2].outputs[0].data = 5),
    (nb) => (nb.cells[1] = { id: "f", cell_type: "future cell", metadata: { tags: ["t"] }, anything: [1] }),
    // The schema's unrecognized_cell does not constrain the id, and any cell_type that is not a known one will do.
    (nb) => (nb.cells[1] = { id: 5, cell_type: 7, metadata: {} }),
    (nb) => (nb.cells[2].outputs[0] = { output_type: "future output" }),
  ];
  for (const [index, edit] of accepted.entries()) {
    assert.deepEqual(violationsAfter(edit, 99), [], `edit ${index} at 4.99`);
    assert.notDeepEqual(violationsAfter(edit, 5), [], `edit ${index} at 4.5`);
  }
  // What the relaxed schema still requires.
  assertFirst((nb) => delete nb.cells[0].id, { pointer: "/cells/0", message: /'id'/, cell: 0 }, 99);
  assertFirst((nb) => delete nb.cells[1].cell_type, { pointer: "/cells/1", message: /'cell_type'/, cell: 1 }, 99);
  assertFirst(
    (nb) => (nb.cells[1] = { cell_type: "future cell" }),
    { pointer: "/cells/1", message: /missing the required property 'metadata'/, cell: 1 },
    99,
  );
  assertFirst(
    (nb) => (nb.cells[1] = { cell_type: "future cell", metadata: { tags: ["a,b"] } }),
    { pointer: "/cells/1/metadata/tags/0", message: /no comma/, cell: 1 },
    99,
  );
  assertFirst(
    (nb) => (nb.cells[2].outputs[0].text = 5),
    { pointer: "/cells/2/outputs/0/text", message: /string or a list of strings/, cell: 2 },
    99,
  );
  // nbformat's relaxation lets a mime bundle hold any value; Vitrine keeps them text.
  assertFirst(
    (nb) => (nb.cells[2].outputs[1].data["text/html"] = 5),
    { pointer: "/cells/2/outputs/1/data/text~1html", message: /string or a list of strings/, cell: 2 },
    99,
  );
  // newerMinor: "strict" holds such a notebook to the 4.5 rules as they are, and marks what relaxing lets through.
  const strict = (edit: Edit): Violation[] => {
    const notebook = notebookV4(99);
    edit(notebook);
    return validateNotebookV4(notebook as JsonValue, { newerMinor: "strict" });
  };
  const [extra] = strict((nb) => (nb.extra = 1));
  assert.equal(extra?.pointer, "/extra");
  assert.match(extra?.message ?? "", /an nbformat 4.5 notebook has the unknown property "extra"/);
  assert.equal(extra?.relaxable, "unknown_property");
  const [cellType] = strict((nb) => (nb.cells[1] = { id: "f", cell_type: "future cell", metadata: {} }));
  assert.equal(cellType?.pointer, "/cells/1/cell_type");
  assert.equal(cellType?.relaxable, "unknown_type");
  const [outputType] = strict((nb) => (nb.cells[2].outputs[0] = { output_type: "future output" }));
  assert.equal(outputType?.pointer, "/cells/2/outputs/0/output_type");
  assert.equal(outputType?.relaxable, "unknown_type");
  assert.equal(isNewerMinor(6), true);
  assert.equal(isNewerMinor(5), false);
  assert.equal(isNewerMinor("6"), false);
  assert.equal(schemaMinorFor(99), 5);
  assert.equal(schemaMinorFor(3), 3);
  assert.equal(schemaMinorFor(undefined), 0);
  assert.equal(schemaMinorFor(-2), 0);
  assert.equal(schemaMinorFor(2.5), 0);
});

test("violations are capped", () => {
  const notebook = notebookV4(5);
  (notebook["cells"] as JsonObject[]).push(...Array.from({ length: 500 }, () => ({ cell_type: "nope" })));
  assert.equal(validateNotebookV4(notebook as JsonValue).length, 100);
  assert.equal(validateNotebookV4(notebook as JsonValue, { maxViolations: 3 }).length, 3);
});

function notebookV3(): Record<string, unknown> {
  return {
    nbformat: 3,
    nbformat_minor: 0,
    metadata: { name: "n", kernel_info: { name: "python", language: "python" } },
    worksheets: [
      {
        cells: [
          { cell_type: "heading", level: 1, source: "T" },
          { cell_type: "html", metadata: { tags: ["x"] }, source: ["<b>"] },
          {
            cell_type: "code",
            language: "python",
            collapsed: true,
            input: "1",
            prompt_number: null,
            outputs: [
              { output_type: "pyout", prompt_number: 1, text: "1", "text/markdown": ["*"], metadata: {} },
              { output_type: "display_data", png: "iVBO", "any prefix text/x-y.z": "ok" },
              { output_type: "stream", stream: "stdout", text: "x" },
              { output_type: "pyerr", ename: "E", evalue: "v", traceback: [] },
            ],
          },
        ],
      },
    ],
  };
}

function assertFirstV3(edit: Edit, expected: { pointer: string; message: RegExp; cell?: number }): void {
  const notebook = notebookV3();
  edit(notebook);
  const [first] = validateNotebookV3(notebook as JsonValue);
  assert.ok(first, "expected a violation");
  assert.equal(first.pointer, expected.pointer, first.message);
  assert.match(first.message, expected.message);
  assert.equal(first.cell, expected.cell);
}

test("v3 rules, as the v3 schema has them", () => {
  assert.deepEqual(validateNotebookV3(notebookV3() as JsonValue), []);
  assertFirstV3((nb) => delete nb.worksheets, { pointer: "", message: /missing the required property 'worksheets'/ });
  assertFirstV3((nb) => delete nb.nbformat_minor, { pointer: "", message: /'nbformat_minor'/ });
  assertFirstV3((nb) => (nb.cells = []), { pointer: "/cells", message: /unknown property "cells"/ });
  assertFirstV3((nb) => (nb.metadata.kernel_info = { name: "p" }), {
    pointer: "/metadata/kernel_info",
    message: /'language'/,
  });
  assertFirstV3((nb) => (nb.worksheets[0] = 1), { pointer: "/worksheets/0", message: /a worksheet must be an object/ });
  assertFirstV3((nb) => delete nb.worksheets[0].cells, { pointer: "/worksheets/0", message: /'cells'/ });
  assertFirstV3((nb) => (nb.worksheets[0].cells[0].level = 0), {
    pointer: "/worksheets/0/cells/0/level",
    message: /integer >= 1/,
    cell: 0,
  });
  assertFirstV3((nb) => (nb.worksheets[0].cells[1].cell_type = "plaintext"), {
    pointer: "/worksheets/0/cells/1/cell_type",
    message: /unknown cell_type "plaintext"/,
    cell: 1,
  });
  assertFirstV3((nb) => (nb.worksheets[0].cells[1].metadata.tags = ["x", "x"]), {
    pointer: "/worksheets/0/cells/1/metadata/tags/1",
    message: /twice/,
    cell: 1,
  });
  assertFirstV3((nb) => (nb.worksheets[0].cells[1].rendered = "<b>"), {
    pointer: "/worksheets/0/cells/1/rendered",
    message: /unknown property "rendered"/,
    cell: 1,
  });
  assertFirstV3((nb) => delete nb.worksheets[0].cells[2].language, {
    pointer: "/worksheets/0/cells/2",
    message: /'language'/,
    cell: 2,
  });
  assertFirstV3((nb) => (nb.worksheets[0].cells[2].source = "x"), {
    pointer: "/worksheets/0/cells/2/source",
    message: /unknown property "source"/,
    cell: 2,
  });
  // A code cell's prompt_number may be null; a pyout's may not.
  assertFirstV3((nb) => (nb.worksheets[0].cells[2].outputs[0].prompt_number = null), {
    pointer: "/worksheets/0/cells/2/outputs/0/prompt_number",
    message: /integer >= 0, found null/,
    cell: 2,
  });
  assertFirstV3((nb) => (nb.worksheets[0].cells[2].outputs[0]["not a mime"] = "x"), {
    pointer: "/worksheets/0/cells/2/outputs/0/not a mime",
    message: /unknown property/,
    cell: 2,
  });
  // pyout's mime-key pattern is anchored at both ends; display_data's only at the end (as the schema has it).
  assertFirstV3((nb) => (nb.worksheets[0].cells[2].outputs[0]["any prefix text/x-y.z"] = "x"), {
    pointer: "/worksheets/0/cells/2/outputs/0/any prefix text~1x-y.z",
    message: /unknown property/,
    cell: 2,
  });
  assertFirstV3((nb) => (nb.worksheets[0].cells[2].outputs[1].png = 1), {
    pointer: "/worksheets/0/cells/2/outputs/1/png",
    message: /string or a list/,
    cell: 2,
  });
  assertFirstV3((nb) => (nb.worksheets[0].cells[2].outputs[2].name = "stdout"), {
    pointer: "/worksheets/0/cells/2/outputs/2/name",
    message: /unknown property "name"/,
    cell: 2,
  });
  assertFirstV3((nb) => (nb.worksheets[0].cells[2].outputs[3].output_type = "error"), {
    pointer: "/worksheets/0/cells/2/outputs/3/output_type",
    message: /unknown output_type "error"/,
    cell: 2,
  });
  // Cells are counted across worksheets.
  assertFirstV3((nb) => nb.worksheets.push({ cells: [{ cell_type: "raw" }] }), {
    pointer: "/worksheets/1/cells/0",
    message: /'source'/,
    cell: 3,
  });
});
