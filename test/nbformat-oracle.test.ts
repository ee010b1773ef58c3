// nbformat itself as the oracle for the reader's verdicts: Debian's python3-nbformat (which jupyter-nbconvert
// brings; scripts/ensure-test-tools.sh nbconvert installs it) reads every corpus notebook and a set of edits made
// to test the repairs and relaxations, as `nbformat.read` does (read, convert to v4, validate with its repairs),
// and the reader must accept exactly what nbformat accepts, or differ as documented below.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { NotebookError, parseNotebook } from "../src/notebook/index.ts";

const PYTHON = "/usr/bin/python3";
const notebooksDir = new URL("../../shared/corpus/notebooks/", import.meta.url);

// One JSON document a line in; "valid" or "invalid: <why>" a line out.
const NBFORMAT_READS = `
import json, sys, warnings
from nbformat import converter, reader, validator
warnings.simplefilter("ignore")
for line in sys.stdin:
    try:
        nb = converter.convert(reader.reads(json.loads(line)), 4)
        validator.validate(nb)
        print("valid")
    except Exception as error:
        print("invalid: " + type(error).__name__ + ": " + str(error).split("\\n")[0][:200])
    sys.stdout.flush()
`;

function nbformatAvailable(): boolean {
  return spawnSync(PYTHON, ["-c", "import nbformat"], { stdio: "ignore" }).status === 0;
}

/** nbformat's verdict on each text: true when it reads and validates it. */
function nbformatVerdicts(texts: readonly string[]): { valid: boolean; why: string }[] {
  const input = texts.map((text) => JSON.stringify(text)).join("\n") + "\n";
  const run = spawnSync(PYTHON, ["-c", NBFORMAT_READS], { input, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trimEnd().split("\n");
  assert.equal(lines.length, texts.length, run.stderr);
  return lines.map((line) => ({ valid: line === "valid", why: line }));
}

function ours(text: string): { valid: boolean; why: string } {
  try {
    parseNotebook(text, { file: "case.ipynb" });
    return { valid: true, why: "accepted" };
  } catch (error) {
    if (error instanceof NotebookError) return { valid: false, why: error.format() };
    throw error;
  }
}

/**
 * Where the reader's verdict is not Debian's nbformat's (5.5), on purpose. A v3 notebook without nbformat_minor:
 * nbformat 5.5 refuses it in its upgrade; newer nbformat (5.11) reads the minor as 0, as Vitrine does.
 */
const DOCUMENTED: Record<string, { nbformat: boolean; ours: boolean }> = {
  "nbformat__test3_no_min_version.ipynb": { nbformat: false, ours: true },
  // nbformat's relaxation lets a mime bundle hold any value; Vitrine keeps them text (src/notebook/validate.ts).
  "4.6 display_data text/html 5": { nbformat: true, ours: false },
  "4.99 display_data text/html 5": { nbformat: true, ours: false },
};

type Json = Record<string, unknown>;

function base(minor: number): Json {
  const withId = (id: string) => (minor >= 5 ? { id } : {});
  return {
    nbformat: 4,
    nbformat_minor: minor,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3" } },
    cells: [
      { ...withId("m"), cell_type: "markdown", metadata: {}, source: "# t" },
      { ...withId("r"), cell_type: "raw", metadata: {}, source: "raw" },
      {
        ...withId("c"),
        cell_type: "code",
        metadata: {},
        source: "1",
        execution_count: 1,
        outputs: [
          { output_type: "stream", name: "stdout", text: "1\n" },
          { output_type: "display_data", data: { "text/plain": "x" }, metadata: {} },
        ],
      },
    ],
  };
}

/** Edits that reach the repairs and the relaxations, each on every minor from 4.4 to 4.6 and on 4.99. */
const EDITS: Record<string, (nb: { cells: Json[] } & Json) => void> = {
  unchanged: () => {},
  "no id on the first cell": (nb) => delete nb.cells[0]!["id"],
  "no id on any cell": (nb) => nb.cells.forEach((cell) => delete cell["id"]),
  "a repeated id": (nb) => (nb.cells[1]!["id"] = "m"),
  "every id repeated": (nb) => nb.cells.forEach((cell) => (cell["id"] = "same")),
  "a repeated id that is not valid": (nb) => nb.cells.forEach((cell) => (cell["id"] = "bad id!")),
  "an id of null": (nb) => (nb.cells[0]!["id"] = null),
  "an id of 65 characters": (nb) => (nb.cells[0]!["id"] = "a".repeat(65)),
  "an unknown top-level property": (nb) => (nb["extra"] = 1),
  "an unknown cell property": (nb) => (nb.cells[0]!["extra"] = 1),
  "an unknown output property": (nb) => ((nb.cells[2]!["outputs"] as Json[])[0]!["extra"] = 1),
  "an unknown cell type": (nb) => nb.cells.push({ id: "f", cell_type: "future", metadata: {} }),
  "an unknown cell type without metadata": (nb) => nb.cells.push({ id: "f", cell_type: "future" }),
  "an unknown cell type with bad tags": (nb) =>
    nb.cells.push({ id: "f", cell_type: "future", metadata: { tags: ["a,b"] } }),
  "a cell type that is a number": (nb) => nb.cells.push({ id: "f", cell_type: 5, metadata: {} }),
  "an unknown output type": (nb) => (nb.cells[2]!["outputs"] as Json[]).push({ output_type: "future" }),
  "a stream without a name": (nb) => delete (nb.cells[2]!["outputs"] as Json[])[0]!["name"],
  "display_data text/html 5": (nb) => (((nb.cells[2]!["outputs"] as Json[])[1]!["data"] as Json)["text/html"] = 5),
  "a markdown source that is a number": (nb) => (nb.cells[0]!["source"] = 5),
};

test("the reader accepts what nbformat accepts: the corpus, and edits that reach the repairs and relaxations", (t) => {
  if (!nbformatAvailable()) {
    t.skip("Debian's python3-nbformat is not installed (scripts/ensure-test-tools.sh nbconvert)");
    return;
  }
  const cases: [string, string][] = readdirSync(notebooksDir)
    .filter((name) => name.endsWith(".ipynb"))
    .sort()
    .map((name) => [name, readFileSync(new URL(name, notebooksDir), "utf8")]);
  for (const minor of [4, 5, 6, 99]) {
    for (const [edit, apply] of Object.entries(EDITS)) {
      const notebook = base(minor) as { cells: Json[] } & Json;
      apply(notebook);
      cases.push([`4.${minor} ${edit}`, JSON.stringify(notebook)]);
    }
  }
  const theirs = nbformatVerdicts(cases.map(([, text]) => text));
  const problems: string[] = [];
  let accepted = 0;
  cases.forEach(([name, text], i) => {
    const nbformat = theirs[i]!;
    const mine = ours(text);
    if (mine.valid) accepted++;
    const documented = DOCUMENTED[name];
    if (documented) {
      if (documented.nbformat !== nbformat.valid || documented.ours !== mine.valid)
        problems.push(`${name}: the documented difference changed: nbformat ${nbformat.why}; ours ${mine.why}`);
    } else if (nbformat.valid !== mine.valid) {
      problems.push(`${name}: nbformat ${nbformat.why}; ours ${mine.why}`);
    }
  });
  assert.deepEqual(problems, []);
  for (const name of Object.keys(DOCUMENTED))
    assert.ok(
      cases.some(([n]) => n === name),
      `${name} was not tried`,
    );
  assert.ok(accepted > 50, `only ${accepted} of ${cases.length} accepted`);
});
