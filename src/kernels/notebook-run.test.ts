// Parameters as papermill reads and writes them, checked against the real Python that will run them: every
// rendered literal is evaluated by /usr/bin/python3 and must give back the value meant. Also where the injected
// cell goes, and how the result notebook is written.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { parseNotebook } from "../notebook/parse.ts";
import type { Cell, Notebook } from "../notebook/types.ts";
import {
  injectParameters,
  isPythonIdentifier,
  ParameterError,
  parseParameterValue,
  pythonLiteral,
  renderPythonParameters,
  serializeNotebook,
  type NotebookParameter,
} from "./notebook-run.ts";

/** What Python makes of a literal: its type name and repr. */
function python(literals: string[]): string[] {
  const program = `for v in [${literals.join(", ")}]:\n    print(type(v).__name__, ascii(v))\n`;
  return execFileSync("/usr/bin/python3", ["-I", "-c", program], { encoding: "utf8" }).trimEnd().split("\n");
}

test("-p values are read as papermill's command line reads them", () => {
  assert.equal(parseParameterValue("True"), true);
  assert.equal(parseParameterValue("False"), false);
  assert.equal(parseParameterValue("None"), null);
  // Only those exact spellings: papermill compares the text as it is.
  assert.equal(parseParameterValue("true"), "true");
  assert.equal(parseParameterValue("none"), "none");
  assert.equal(parseParameterValue("42"), 42n);
  assert.equal(parseParameterValue(" -7 "), -7n);
  assert.equal(parseParameterValue("1_000"), 1000n);
  assert.equal(parseParameterValue("007"), 7n);
  assert.equal(parseParameterValue("123456789012345678901234567890"), 123456789012345678901234567890n);
  assert.equal(parseParameterValue("2.5"), 2.5);
  assert.equal(parseParameterValue("1e3"), 1000);
  assert.equal(parseParameterValue(".5"), 0.5);
  assert.equal(parseParameterValue("5."), 5);
  assert.ok(Number.isNaN(parseParameterValue("nan") as number));
  assert.equal(parseParameterValue("-Infinity"), Number.NEGATIVE_INFINITY);
  assert.equal(parseParameterValue("1e400"), Number.POSITIVE_INFINITY);
  for (const text of ["", "1_", "_1", "0x10", "1.2.3", "abc", "1 2", "e5", "'quoted'"]) {
    assert.equal(parseParameterValue(text), text, text);
  }
});

test("every value reads as the same number or the same string as papermill's int() and float() in real Python", () => {
  const texts = ["42", " -7 ", "1_000", "007", "2.5", "1e3", ".5", "5.", "1e400", "-inf", "nan", "1e-7", "1e16"];
  const ours = python(texts.map((text) => pythonLiteral(parseParameterValue(text))));
  const theirs = execFileSync(
    "/usr/bin/python3",
    [
      "-I",
      "-c",
      "import sys\n" +
        "def resolve(v):\n" +
        "    try:\n        return int(v)\n    except ValueError:\n        pass\n" +
        "    try:\n        return float(v)\n    except ValueError:\n        return v\n" +
        "for text in sys.argv[1:]:\n    v = resolve(text)\n    print(type(v).__name__, ascii(v))\n",
      ...texts,
    ],
    { encoding: "utf8" },
  )
    .trimEnd()
    .split("\n");
  assert.deepEqual(ours, theirs);
});

test("Python literals: None, booleans, ints of any size, floats that stay floats, escaped strings", () => {
  const values = [
    null,
    true,
    false,
    -3n,
    10n ** 30n,
    5,
    0.1,
    1e21,
    -0,
    Number.NaN,
    Number.NEGATIVE_INFINITY,
    'quote " backslash \\ newline \n tab \t',
    "é 漢 😀 \u202e bidi \u0000 nul \u007f del",
    "",
  ];
  assert.deepEqual(python(values.map(pythonLiteral)), [
    "NoneType None",
    "bool True",
    "bool False",
    "int -3",
    "int 1000000000000000000000000000000",
    "float 5.0",
    "float 0.1",
    "float 1e+21",
    "float 0.0",
    "float nan",
    "float -inf",
    "str 'quote \" backslash \\\\ newline \\n tab \\t'",
    "str '\\xe9 \\u6f22 \\U0001f600 \\u202e bidi \\x00 nul \\x7f del'",
    "str ''",
  ]);
  // Only printable ASCII in the cell's source: no invisible or direction-changing character is shown to a reader.
  assert.match(pythonLiteral("é\u202e😀"), /^[\x20-\x7e]*$/);
});

test("names must be Python identifiers that are not keywords", () => {
  for (const name of ["x", "_private", "alpha_2", "été", "match", "case", "_"])
    assert.ok(isPythonIdentifier(name), name);
  for (const name of ["", "1st", "a-b", "a b", "class", "None", "True", "x;import os", "ﬁle", "a.b"]) {
    assert.equal(isPythonIdentifier(name), false, name);
  }
  assert.throws(
    () => renderPythonParameters([{ name: "x = 1\nimport os\ny", value: 1n }]),
    (error: unknown) =>
      error instanceof ParameterError && error.code === "parameter_name_invalid" && error.place.startsWith("x = 1"),
  );
  assert.equal(
    renderPythonParameters([
      { name: "a", value: 1n },
      { name: "b", value: "x" },
    ]),
    '# Parameters\na = 1\nb = "x"\n',
  );
});

function notebook(cells: Cell[], minor = 5): Notebook {
  return { nbformat: 4, nbformat_minor: minor, metadata: {}, cells };
}

function codeCell(id: string, tags: string[] = []): Cell {
  return {
    cell_type: "code",
    id,
    source: `# ${id}`,
    metadata: tags.length ? { tags } : {},
    execution_count: null,
    outputs: [],
  };
}

const PARAMS: NotebookParameter[] = [{ name: "n", value: 3n }];

test("the injected cell goes right after the cell tagged parameters, else first, replacing an earlier one", () => {
  const tagged = injectParameters(
    notebook([codeCell("imports"), codeCell("defaults", ["parameters", "other"]), codeCell("work")]),
    PARAMS,
    "python",
  );
  assert.deepEqual(
    tagged.cells.map((cell) => cell.id),
    ["imports", "defaults", "injected-parameters", "work"],
  );
  assert.deepEqual(tagged.cells[2]?.metadata, { tags: ["injected-parameters"] });
  assert.equal(tagged.cells[2]?.source, "# Parameters\nn = 3\n");

  const untagged = injectParameters(notebook([codeCell("a"), codeCell("b")]), PARAMS, "Python");
  assert.deepEqual(
    untagged.cells.map((cell) => cell.id),
    ["injected-parameters", "a", "b"],
  );

  // A notebook written by an earlier run: its injected cell is replaced, not kept beside the new one.
  const again = injectParameters(tagged, [{ name: "n", value: 4n }], "python");
  assert.deepEqual(
    again.cells.map((cell) => cell.id),
    ["imports", "defaults", "injected-parameters", "work"],
  );
  assert.equal(again.cells[2]?.source, "# Parameters\nn = 4\n");

  // A cell already named injected-parameters (not tagged) keeps its id; the new cell gets a free one.
  const clash = injectParameters(notebook([codeCell("injected-parameters")]), PARAMS, "python");
  assert.deepEqual(
    clash.cells.map((cell) => cell.id),
    ["injected-parameters-2", "injected-parameters"],
  );

  // Before nbformat 4.5 cells have no ids, and the injected one gets none either.
  const old = injectParameters(notebook([{ ...codeCell("x"), id: undefined } as unknown as Cell], 4), PARAMS, "python");
  assert.equal("id" in (old.cells[0] as Cell), false);
});

test("parameters are refused for a kernel whose language is not Python", () => {
  assert.throws(
    () => injectParameters(notebook([codeCell("a")]), PARAMS, "R"),
    (error: unknown) => error instanceof ParameterError && error.code === "parameters_unsupported_language",
  );
});

test("the written notebook is what nbformat writes, and the strict reader reads it back unchanged", () => {
  const input: Notebook = notebook([
    {
      cell_type: "code",
      id: "c",
      source: "print(1)\nx",
      metadata: {},
      execution_count: 2,
      outputs: [
        { output_type: "stream", name: "stdout", text: "1\n2\n" },
        {
          output_type: "execute_result",
          execution_count: 2,
          data: { "text/plain": "a\nb", "application/json": { k: [1, "x\ny"] } },
          metadata: {},
        },
        { output_type: "error", ename: "E", evalue: "v", traceback: ["line 1", "line 2"] },
      ],
    },
    { cell_type: "markdown", id: "m", source: "", metadata: {} },
  ]);
  const text = serializeNotebook(input);
  const json = JSON.parse(text) as { cells: { source: unknown; outputs?: { text?: unknown; data?: unknown }[] }[] };
  assert.deepEqual(json.cells[0]?.source, ["print(1)\n", "x"]);
  assert.deepEqual(json.cells[0]?.outputs?.[0]?.text, ["1\n", "2\n"]);
  assert.deepEqual(json.cells[0]?.outputs?.[1]?.data, {
    "text/plain": ["a\n", "b"],
    "application/json": { k: [1, "x\ny"] },
  });
  assert.deepEqual(json.cells[1]?.source, []);
  assert.ok(text.startsWith('{\n "nbformat": 4,') && text.endsWith("}\n"));
  // The reader's objects have no prototype; JSON compares their content.
  assert.deepEqual(JSON.parse(JSON.stringify(parseNotebook(text).notebook)), input);
});
