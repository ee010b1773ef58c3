// The official nbformat JSON schemas, run by Ajv the way nbformat's validate() runs them, are the oracle for
// Vitrine's reading of notebooks: for every corpus notebook our verdict must be nbformat's, or be listed below with
// the reason it differs. nbformat's validate() first repairs cell ids (a cell of a 4.5 or newer notebook without
// one gets one, a repeated id is replaced: `_normalize`) and, for a minor newer than the newest schema, relaxes
// the schema (every `additionalProperties` made true, unknown cell and output types allowed: `get_validator`).
// The oracle does the same here, written from nbformat's validator.py, apart from Vitrine's code. A second test
// mutates valid notebooks at random (deterministically) and holds the validators to the same standard.
//
// One relaxation of nbformat's is not the oracle's: its `_relax_additional_properties` also makes a mime bundle's
// values any JSON (the bundle's `additionalProperties` is its value schema); Vitrine keeps them text (see
// src/notebook/validate.ts), and so does the oracle's relaxed schema. No corpus notebook has such a value.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import AjvDraft04 from "ajv-draft-04";
import type { ValidateFunction } from "ajv";
import {
  NotebookError,
  parseNotebook,
  ReadingNoteList,
  repairCellIds,
  validateNotebookV3,
  validateNotebookV4,
} from "../src/notebook/index.ts";
import type { JsonObject, JsonValue, NotebookErrorCode } from "../src/notebook/index.ts";

const corpus = new URL("../../shared/corpus/", import.meta.url);
const notebooksDir = new URL("notebooks/", corpus);
const schemaDir = new URL("schema/", corpus);

// strict: false because the v4.2+ schemas contain an unknown keyword ("item" for "items"); strictNumbers keeps
// Infinity (what JSON.parse makes of 1e400) from counting as an integer.
// ajv-draft-04 is CommonJS: Node's default import is its module.exports, whose `default` is the class.
const ajv = new AjvDraft04.default({ strict: false, strictNumbers: true, allErrors: false });
const validators = new Map<string, ValidateFunction>();

const NEWEST_MINOR = 5;

function minorOf(notebook: object): number | undefined {
  const minor = (notebook as { nbformat_minor?: unknown }).nbformat_minor;
  return typeof minor === "number" && Number.isInteger(minor) && minor >= 0 ? minor : undefined;
}

/** The schema nbformat would pick: v3, or v4.<minor> with a missing minor read as 0 and newer minors as 4.5. */
function schemaNameFor(notebook: unknown): string | undefined {
  if (typeof notebook !== "object" || notebook === null) return undefined;
  const { nbformat } = notebook as { nbformat?: unknown };
  if (nbformat === 3) return "nbformat.v3.schema.json";
  if (nbformat !== 4) return undefined;
  const minor = minorOf(notebook) ?? 0;
  return minor > NEWEST_MINOR ? "relaxed 4.5" : `nbformat.v4.${minor}.schema.json`;
}

/** nbformat's `_relax_additional_properties`, except for the mime bundle's value schema (see the top). */
function relaxAdditionalProperties(value: unknown, path: string): unknown {
  if (Array.isArray(value)) return value.map((item, i) => relaxAdditionalProperties(item, `${path}/${i}`));
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const at = `${path}/${key}`;
    if (key === "additionalProperties" && at !== "/definitions/misc/mimebundle/additionalProperties")
      record[key] = true;
    else record[key] = relaxAdditionalProperties(record[key], at);
  }
  return record;
}

/** The 4.5 schema as nbformat relaxes it for a newer minor: `_relax_additional_properties` and `_allow_undefined`. */
function relaxedSchema(): object {
  const schema = JSON.parse(readFileSync(new URL("nbformat.v4.5.schema.json", schemaDir), "utf8")) as {
    definitions: Record<string, { oneOf: unknown[] }>;
  };
  relaxAdditionalProperties(schema, "");
  schema.definitions["cell"]!.oneOf.push({ $ref: "#/definitions/unrecognized_cell" });
  schema.definitions["output"]!.oneOf.push({ $ref: "#/definitions/unrecognized_output" });
  return schema;
}

/**
 * nbformat's `_normalize` with repair_duplicate_cell_ids, on a copy: for 4.5 and newer, every cell object without
 * an "id" gets one, then every cell whose id an earlier cell had gets a new one. Its new ids are random; the
 * oracle's are counted, and never an id of the notebook.
 */
function repairedAsNbformatDoes(notebook: unknown): unknown {
  if (typeof notebook !== "object" || notebook === null) return notebook;
  const minor = minorOf(notebook);
  const cells = (notebook as { cells?: unknown }).cells;
  if ((notebook as { nbformat?: unknown }).nbformat !== 4 || minor === undefined || minor < NEWEST_MINOR)
    return notebook;
  if (!Array.isArray(cells)) return notebook;
  const copy = structuredClone(notebook) as { cells: unknown[] };
  let next = 0;
  const fresh = () => `oracle-${next++}`;
  const objects = copy.cells.filter(
    (cell): cell is Record<string, unknown> => typeof cell === "object" && cell !== null && !Array.isArray(cell),
  );
  for (const cell of objects) if (!Object.hasOwn(cell, "id")) cell["id"] = fresh();
  const seen = new Set<string>();
  for (const cell of objects) {
    const key = JSON.stringify(cell["id"]);
    if (seen.has(key)) cell["id"] = fresh();
    seen.add(key);
  }
  return copy;
}

/** Whether `notebook` as nbformat reads it is valid: its cell ids repaired first, then the schema it picks. */
function schemaVerdict(notebook: unknown): boolean | undefined {
  const name = schemaNameFor(notebook);
  if (name === undefined) return undefined;
  let validate = validators.get(name);
  if (validate === undefined) {
    const schema =
      name === "relaxed 4.5" ? relaxedSchema() : (JSON.parse(readFileSync(new URL(name, schemaDir), "utf8")) as object);
    validate = ajv.compile(schema);
    validators.set(name, validate);
  }
  return validate(repairedAsNbformatDoes(notebook));
}

type Verdict = "accepted" | NotebookErrorCode;

function ourVerdict(bytes: Uint8Array, file: string): { verdict: Verdict; error?: NotebookError } {
  try {
    parseNotebook(bytes, { file });
    return { verdict: "accepted" };
  } catch (error) {
    if (error instanceof NotebookError) return { verdict: error.code, error };
    throw error;
  }
}

/**
 * Where our verdict is not the official schema's, on purpose. Each entry is checked: the file exists, the
 * schema really says `schema`, and we really say `ours`.
 */
const DOCUMENTED_DIFFERENCES: Record<
  string,
  { schema: "valid" | "invalid" | "no schema"; ours: Verdict; why: string }
> = {
  // nbformat reads a missing v3 nbformat_minor as 0 and upgrades the notebook; the v3 schema requires it.
  "nbformat__test3_no_min_version.ipynb": {
    schema: "invalid",
    ours: "accepted",
    why: "v3 without nbformat_minor, upgraded as nbformat does",
  },
  // There is no schema for nbformat 2: it is stepped to v3 as nbformat does, checked by the v3 rules, upgraded.
  "nbformat__test2.ipynb": { schema: "no schema", ours: "accepted", why: "nbformat 2, upgraded through v3" },
};

/** Every corpus notebook we refuse, with the code and the place. */
const EXPECTED_REJECTIONS: Record<string, { code: NotebookErrorCode; pointer: string; line: number; column: number }> =
  {
    "nbformat__invalid.ipynb": { code: "schema_violation", pointer: "/cells/0", line: 3, column: 3 },
    "nbformat__invalid_cell_id.ipynb": { code: "schema_violation", pointer: "/cells/0/id", line: 4, column: 10 },
    "nbformat__no_min_version.ipynb": { code: "schema_violation", pointer: "", line: 1, column: 1 },
    "nbformat__test3_no_worksheets.ipynb": { code: "schema_violation", pointer: "", line: 1, column: 1 },
    "nbformat__test3_worksheet_with_no_cells.ipynb": {
      code: "schema_violation",
      pointer: "/worksheets/0",
      line: 8,
      column: 3,
    },
    "nbformat__v4_5_invalid_metadata.ipynb": {
      code: "schema_violation",
      pointer: "/metadata/kernelspec",
      line: 59,
      column: 17,
    },
  };

const files = readdirSync(notebooksDir)
  .filter((name) => name.endsWith(".ipynb"))
  .sort();

test("the corpus is there and the tables name only corpus files", () => {
  assert.ok(files.length >= 50, `expected the shared corpus at ${notebooksDir.pathname}`);
  for (const name of [...Object.keys(DOCUMENTED_DIFFERENCES), ...Object.keys(EXPECTED_REJECTIONS)]) {
    assert.ok(files.includes(name), `${name} is not in the corpus`);
  }
});

for (const file of files) {
  test(`oracle: ${file}`, () => {
    const bytes = readFileSync(new URL(file, notebooksDir));
    const schema = schemaVerdict(JSON.parse(new TextDecoder().decode(bytes)));
    const schemaSays = schema === undefined ? "no schema" : schema ? "valid" : "invalid";
    const { verdict, error } = ourVerdict(bytes, file);

    const difference = DOCUMENTED_DIFFERENCES[file];
    if (difference) {
      assert.equal(schemaSays, difference.schema, `the schema's verdict on ${file} changed`);
      assert.equal(verdict, difference.ours, `our verdict on ${file} changed: ${error?.format() ?? ""}`);
    } else {
      assert.equal(
        verdict === "accepted" ? "valid" : "invalid",
        schemaSays,
        `${file}: ours ${verdict}, schema ${schemaSays}: ${error?.format() ?? ""}`,
      );
    }

    const expected = EXPECTED_REJECTIONS[file];
    if (expected === undefined) {
      assert.equal(verdict, "accepted", error?.format());
      return;
    }
    assert.ok(error, `${file} should be refused with ${expected.code}`);
    assert.equal(error.code, expected.code, error.format());
    assert.equal(error.file, file);
    assert.deepEqual(
      { pointer: error.location.pointer, line: error.location.line, column: error.location.column },
      { pointer: expected.pointer, line: expected.line, column: expected.column },
    );
  });
}

// ------------------------------------------------------------------------------------------------------
// Mutation testing: small edits of valid notebooks, judged by our validators and by the schemas. Every single
// edit (set a key to one of VALUES, or delete it) is tried on every object and array of small notebooks, then
// random pairs of edits on larger ones.

type Container = Record<string, unknown> | unknown[];

const DELETE = Symbol("delete");
const VALUES: unknown[] = [
  DELETE,
  null,
  true,
  false,
  0,
  2,
  4,
  5,
  99,
  -1,
  1.5,
  "",
  "x",
  "a,b",
  "two\nlines",
  "auto",
  "code",
  "markdown",
  "raw",
  "heading",
  "html",
  "stream",
  "execute_result",
  "display_data",
  "error",
  "pyout",
  "pyerr",
  "bad id!",
  "ok-id_1",
  "a".repeat(65),
  [],
  ["line\n"],
  [1],
  ["a", "a"],
  {},
  { name: "x" },
  { name: "x", display_name: "X" },
  { "text/plain": "t" },
  { "text/plain": 1 },
  { "application/json": { a: [1] } },
  { "a\nb": 1 },
];
const EXTRA_KEYS = [
  "zz",
  "id",
  "attachments",
  "transient",
  "execution",
  "jupyter",
  "tags",
  "name",
  "collapsed",
  "scrolled",
  "format",
  "text/plain",
  "application/json",
  "application/vnd.x+json",
  "json",
  "png",
  "pdf",
  "image/png",
  "prompt_number",
  "level",
  "language",
  "title",
  "authors",
  "kernelspec",
  "language_info",
  "kernel_info",
  "signature",
  "orig_nbformat",
  "orig_nbformat_minor",
  "codemirror_mode",
  "display_name",
  "metadata",
  "nbformat_minor",
  "x y/z",
  "a/b\n",
  "application/xjson",
];

/** A v4.5 notebook that uses every part of the schema, so that edits reach every rule. */
const KITCHEN_SINK_V4: Record<string, unknown> = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {
    kernelspec: { name: "python3", display_name: "Python 3" },
    language_info: {
      name: "python",
      codemirror_mode: { name: "ipython" },
      file_extension: ".py",
      mimetype: "text/x-python",
      pygments_lexer: "ipython3",
    },
    orig_nbformat: 3,
    title: "t",
    authors: [{ name: "a" }],
  },
  cells: [
    {
      id: "m1",
      cell_type: "markdown",
      metadata: { name: "n", tags: ["a", "b"], jupyter: { source_hidden: true } },
      source: ["# t\n", "x"],
      attachments: { "a.png": { "image/png": "iVBO", "application/json": { k: 1 } } },
    },
    { id: "r1", cell_type: "raw", metadata: { format: "text/latex", jupyter: {} }, source: "raw" },
    {
      id: "c1",
      cell_type: "code",
      metadata: {
        collapsed: false,
        scrolled: "auto",
        execution: { "iopub.status.busy": "2020-01-01T00:00:00Z" },
        tags: [],
      },
      source: "print(1)",
      execution_count: 1,
      outputs: [
        { output_type: "stream", name: "stdout", text: ["1\n"] },
        {
          output_type: "execute_result",
          execution_count: 1,
          data: { "text/plain": ["1"], "application/vnd.x+json": [1] },
          metadata: {},
        },
        { output_type: "display_data", data: { "text/html": "<b>" }, metadata: { isolated: true } },
        { output_type: "error", ename: "E", evalue: "v", traceback: ["t"] },
      ],
    },
  ],
};

/** A v3 notebook with every cell and output type. */
const KITCHEN_SINK_V3: Record<string, unknown> = {
  nbformat: 3,
  nbformat_minor: 0,
  orig_nbformat: 2,
  metadata: {
    name: "",
    signature: "sha256:x",
    kernel_info: { name: "python", language: "python", codemirror_mode: "python" },
  },
  worksheets: [
    {
      metadata: {},
      cells: [
        { cell_type: "heading", level: 2, metadata: {}, source: ["Title"] },
        { cell_type: "markdown", metadata: { name: "n", tags: ["a"] }, source: "md" },
        { cell_type: "html", source: "<b>" },
        { cell_type: "raw", metadata: { format: "text/plain" }, source: "raw" },
        {
          cell_type: "code",
          language: "python",
          collapsed: false,
          metadata: {},
          input: ["1\n"],
          prompt_number: 1,
          outputs: [
            {
              output_type: "pyout",
              prompt_number: 1,
              text: ["1"],
              html: "<b>",
              "text/markdown": "**",
              metadata: { png: { width: 1 } },
            },
            { output_type: "display_data", png: "iVBO", json: "{}", "image/svg+xml": ["<svg>"] },
            { output_type: "stream", stream: "stdout", text: "1\n" },
            { output_type: "pyerr", ename: "E", evalue: "v", traceback: ["t"] },
          ],
        },
      ],
    },
  ],
};

function containersOf(root: unknown): Container[] {
  const found: Container[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== "object" || value === null) continue;
    found.push(value as Container);
    for (const child of Object.values(value)) stack.push(child);
  }
  return found;
}

/** Compares the two verdicts on a notebook; returns a description of the disagreement, if any. */
function disagreement(notebook: Record<string, unknown>): string | undefined {
  const schema = schemaVerdict(notebook);
  if (schema === undefined) return undefined; // nbformat edited away: version detection's job, not the validators'
  const isV3 = notebook["nbformat"] === 3;
  // Our reader's order, as parse.ts has it: cell ids repaired (on a copy here), then validated.
  let v4 = notebook as JsonValue;
  if (!isV3) {
    v4 = structuredClone(notebook) as JsonObject;
    repairCellIds(v4, new ReadingNoteList());
  }
  const violations = isV3 ? validateNotebookV3(notebook as JsonValue) : validateNotebookV4(v4);
  const ours = violations.every((violation) => violation.code !== "schema_violation");
  if (ours === schema) return undefined;
  // The one documented way the v3 validator is stricter: the v3 schema lets a worksheet be any non-object.
  const worksheets = notebook["worksheets"];
  if (
    isV3 &&
    !ours &&
    Array.isArray(worksheets) &&
    worksheets.some((w) => typeof w !== "object" || w === null || Array.isArray(w))
  )
    return undefined;
  const schemaError = validators.get(schemaNameFor(notebook) ?? "")?.errors?.[0];
  return `ours ${ours ? "valid" : JSON.stringify(violations[0])}, schema ${schema ? "valid" : JSON.stringify(schemaError)}`;
}

/** Applies `value` at container[key], runs `check`, and puts the container back as it was. */
function withEdit(container: Container, key: string | number, value: unknown, check: () => void): void {
  const record = container as Record<string | number, unknown>;
  const had = Object.hasOwn(record, key);
  const before = record[key];
  const length = Array.isArray(container) ? container.length : 0;
  if (Array.isArray(container) && value === DELETE) container.splice(Number(key), 1);
  else if (value === DELETE) delete record[key];
  else record[key] = typeof value === "object" && value !== null ? structuredClone(value) : value;
  try {
    check();
  } finally {
    if (Array.isArray(container) && value === DELETE) container.splice(Number(key), 0, before);
    else if (Array.isArray(container) && !had) container.length = length;
    else if (had) record[key] = before;
    else delete record[key];
  }
}

/** The v4.5 kitchen sink as it would be written at an older minor: the same content, no cell ids. */
function kitchenSinkAtMinor(minor: number): Record<string, unknown> {
  const notebook = structuredClone(KITCHEN_SINK_V4);
  notebook["nbformat_minor"] = minor;
  if (minor < 5) for (const cell of notebook["cells"] as Record<string, unknown>[]) delete cell["id"];
  return notebook;
}

/** The kitchen sink as a newer minor writes it: extra properties, a cell and an output of types 4.5 lacks. */
function kitchenSinkFromTheFuture(): Record<string, unknown> {
  const notebook = kitchenSinkAtMinor(99);
  notebook["extra"] = { any: ["thing"] };
  const cells = notebook["cells"] as Record<string, unknown>[];
  cells[0]!["extra"] = 5;
  const code = cells[2] as { outputs: Record<string, unknown>[] };
  code.outputs[0]!["extra"] = "x";
  code.outputs.push({ output_type: "future output", data: { anything: 1 } });
  cells.push({ id: "f1", cell_type: "future cell", metadata: { tags: ["t"], name: "n" }, source: 5 });
  return notebook;
}

const SMALL_BASES = ["nbformat__test4jupyter_metadata_timings.ipynb", "nbformat__test3.ipynb"];

test("every single edit of small notebooks: our validators agree with the official schemas", () => {
  const bases: [string, Record<string, unknown>][] = [
    ...[0, 1, 2, 3, 4, 5].map((minor): [string, Record<string, unknown>] => [
      `kitchen sink v4.${minor}`,
      kitchenSinkAtMinor(minor),
    ]),
    ["kitchen sink v4.99", kitchenSinkFromTheFuture()],
    ["kitchen sink v3", KITCHEN_SINK_V3],
    ...SMALL_BASES.map((name): [string, Record<string, unknown>] => [
      name,
      JSON.parse(readFileSync(new URL(name, notebooksDir), "utf8")),
    ]),
  ];
  const found: string[] = [];
  let checked = 0;
  for (const [name, original] of bases) {
    const notebook = structuredClone(original);
    assert.equal(disagreement(notebook), undefined, `${name} itself`);
    assert.equal(schemaVerdict(notebook), true, `${name} is a valid base`);
    for (const container of containersOf(notebook)) {
      const keys: (string | number)[] = Array.isArray(container)
        ? [...container.keys()].slice(0, 3).concat(container.length)
        : [...new Set([...Object.keys(container), ...EXTRA_KEYS])];
      for (const key of keys) {
        for (const value of VALUES) {
          if (value === DELETE && Array.isArray(container) && key === container.length) continue;
          withEdit(container, key, value, () => {
            checked++;
            const problem = disagreement(notebook);
            if (problem !== undefined && found.length < 5)
              found.push(
                `${name}: ${JSON.stringify(key)} = ${String(value === DELETE ? "<deleted>" : JSON.stringify(value))}: ${problem}`,
              );
          });
        }
      }
    }
    assert.deepEqual(notebook, original, `${name} was restored after its edits`);
  }
  assert.ok(checked > 100_000, `only ${checked} edits were checked`);
  assert.deepEqual(found, []);
});

/** mulberry32: a tiny seeded PRNG, so every run tries the same edits. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LARGER_BASES = [
  "nbformat__test4.ipynb",
  "nbformat__test4.5.ipynb",
  "nbconvert__attachment.ipynb",
  "jupyterlab__simple_test.ipynb",
  "nbformat__test3.ipynb",
];

test("random pairs of edits of larger notebooks: our validators agree with the official schemas", () => {
  const random = seededRandom(20240611);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const found: string[] = [];
  for (const base of LARGER_BASES) {
    const original = JSON.parse(readFileSync(new URL(base, notebooksDir), "utf8")) as Record<string, unknown>;
    for (let k = 0; k < 500; k++) {
      const mutant = structuredClone(original);
      for (let edit = 0; edit < 2; edit++) {
        const container = pick(containersOf(mutant));
        const keys: (string | number)[] = Array.isArray(container)
          ? [...container.keys()]
          : [...Object.keys(container), ...EXTRA_KEYS];
        if (keys.length === 0) continue;
        const key = pick(keys);
        const value = pick(VALUES);
        if (Array.isArray(container) && value === DELETE) container.splice(Number(key), 1);
        else if (value === DELETE) delete (container as Record<string, unknown>)[key];
        else (container as Record<string | number, unknown>)[key] = structuredClone(value);
      }
      const problem = disagreement(mutant);
      if (problem !== undefined && found.length < 5) found.push(`${base} mutant ${k}: ${problem}`);
    }
  }
  assert.deepEqual(found, []);
});
