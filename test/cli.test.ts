// The `vitrine` command as a person runs it: bin/vitrine on the project's Node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "bin", "vitrine");
const corpus = fileURLToPath(new URL("../../shared/corpus/", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "vitrine-cli-"));

function run(...args: string[]) {
  const r = spawnSync(bin, args, { cwd: work, encoding: "utf8", env: { ...process.env, PATH: "/usr/bin:/bin" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("--help and --version work on the project's Node even with an older node first on PATH", () => {
  const help = run("--help");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /render NOTEBOOK/);
  const version = run("--version");
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^vitrine \d+\.\d+\.\d+/);
});

test("render writes a self-contained file, atomically, named after the notebook by default", () => {
  const r = run("render", join(root, "examples", "tour.ipynb"));
  assert.equal(r.code, 0, r.stderr);
  const html = readFileSync(join(work, "tour.html"), "utf8");
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /Content-Security-Policy/);
  const out = join(work, "chosen.html");
  assert.equal(run("render", join(root, "examples", "tour.ipynb"), "-o", out).code, 0);
  assert.ok(existsSync(out));
});

test("render to stdout with -o -", () => {
  const r = run("render", join(root, "examples", "tour.ipynb"), "-o", "-");
  assert.equal(r.code, 0);
  assert.match(r.stdout, /A tour of Vitrine/);
});

test("a file that is not a notebook exits 2 with the located error", () => {
  const bad = join(work, "bad.ipynb");
  writeFileSync(bad, '{\n  "cells": [],\n  "nbformat": 4,\n  "nbformat": 4\n}\n');
  const r = run("render", bad, "-o", join(work, "bad.html"));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.ipynb:4:3: .*\[duplicate_key\]/);
  assert.equal(existsSync(join(work, "bad.html")), false, "nothing written");
});

test("invalid corpus notebooks are refused with their code and place", () => {
  const r = run("render", join(corpus, "notebooks", "nbformat__invalid_cell_id.ipynb"), "-o", join(work, "x.html"));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /nbformat__invalid_cell_id\.ipynb:\d+:\d+: .* \[schema_violation\] at \/cells\/0\/id/);
});

test("bad options say which option is wrong", () => {
  const unknown = run("render", "x.ipynb", "--frobnicate");
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /--frobnicate/);
  const badValue = run("render", "x.ipynb", "--remote-images=sometimes");
  assert.equal(badValue.code, 2);
  assert.match(badValue.stderr, /--remote-images must be "block" or "allow"/);
  const missing = run("render", "does-not-exist.ipynb");
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read does-not-exist\.ipynb: no such file/);
  const command = run("frobnicate");
  assert.equal(command.code, 2);
  assert.match(command.stderr, /unknown command "frobnicate"/);
});

test("several notebooks render into --output-dir; an unreadable one is reported and the rest are written", () => {
  const dir = mkdtempSync(join(tmpdir(), "vitrine-cli-batch-"));
  const bad = join(work, "broken.ipynb");
  writeFileSync(bad, "{");
  const r = run(
    "render",
    join(root, "examples", "tour.ipynb"),
    bad,
    join(corpus, "notebooks", "nbformat__test4.ipynb"),
    "--output-dir",
    dir,
  );
  assert.equal(r.code, 2);
  assert.match(r.stderr, /broken\.ipynb:1:2: .*\[invalid_json\]/);
  assert.ok(existsSync(join(dir, "tour.html")));
  assert.ok(existsSync(join(dir, "nbformat__test4.html")));
  assert.equal(existsSync(join(dir, "broken.html")), false);
  const both = run("render", "a.ipynb", "b.ipynb", "-o", "x.html");
  assert.equal(both.code, 2);
  assert.match(both.stderr, /with several notebooks use --output-dir/);
});

test("a notebook over its memory budget gets a located one-line error, and the rest of the batch is written", () => {
  const dir = mkdtempSync(join(tmpdir(), "vitrine-cli-budget-"));
  // Thousands of cells with outputs: a few MB of JSON that jsdom turns into far more than 64 MB of documents.
  const cells = Array.from({ length: 4000 }, (_, i) => ({
    cell_type: "code",
    id: `c${i}`,
    execution_count: 1,
    metadata: {},
    source: `print(${i})`,
    outputs: [{ output_type: "stream", name: "stdout", text: `line ${i}\n`.repeat(50) }],
  }));
  const heavy = join(work, "heavy.ipynb");
  writeFileSync(heavy, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }));
  const r = run(
    "render",
    join(root, "examples", "tour.ipynb"),
    heavy,
    join(corpus, "notebooks", "nbformat__test4.ipynb"),
    "--output-dir",
    dir,
    "--max-memory-mb",
    "64",
  );
  assert.equal(r.code, 2, r.stderr);
  assert.equal(
    r.stderr,
    `vitrine render: ${heavy}: rendering it needed more than 64 MB of memory and was stopped (--max-memory-mb) [memory_budget_exceeded]\n`,
  );
  assert.ok(existsSync(join(dir, "tour.html")));
  assert.ok(existsSync(join(dir, "nbformat__test4.html")));
  assert.equal(existsSync(join(dir, "heavy.html")), false);
  const badBudget = run("render", heavy, "--max-seconds", "0");
  assert.equal(badBudget.code, 2);
  assert.match(badBudget.stderr, /--max-seconds must be a positive whole number/);
});

test("a page that cannot be written is one located line, not a stack trace", () => {
  const r = run("render", join(root, "examples", "tour.ipynb"), "-o", join(work, "no-such-folder", "tour.html"));
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr,
    `vitrine render: cannot write ${join(work, "no-such-folder", "tour.html")}: its folder does not exist [folder_missing]\n`,
  );
});
