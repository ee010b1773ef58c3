// Benchmark (not a test): `vitrine render` against `jupyter nbconvert --to html --HTMLExporter.sanitize_html=True`
// on every corpus notebook both can read, in the same run. Two ways:
//  - per notebook: each tool runs as its own process per notebook, as a person would run it once;
//  - the whole corpus in one invocation of each tool (both accept many notebooks), where start-up counts once.
// Wall time and peak memory (max RSS from GNU time) are the median of RUNS runs; the size of each tool's page is
// beside them (vitrine's carries the output libraries it draws with, once per file; nbconvert's links its own).
//   npm run bench:render            (RUNS=3 by default; RUNS=5 npm run bench:render for steadier figures)
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./processes.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const corpus = fileURLToPath(new URL("../../shared/corpus/notebooks/", import.meta.url));
const runs = Math.max(1, Number(process.env.RUNS ?? 3));
const out = mkdtempSync(join(tmpdir(), "vitrine-bench-"));

interface Sample {
  ok: boolean;
  seconds: number;
  rssKb: number;
}

function measure(command: string, args: string[]): Sample {
  const start = process.hrtime.bigint();
  const r = spawnSync("/usr/bin/time", ["-f", "%M", command, ...args], { encoding: "utf8", cwd: out });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const lines = r.stderr.trim().split("\n");
  const rssKb = Number(lines[lines.length - 1]);
  return { ok: r.status === 0, seconds, rssKb };
}

function medianOf(command: string, args: string[]): Sample | undefined {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const s = measure(command, args);
    if (!s.ok) return undefined;
    samples.push(s);
  }
  return { ok: true, seconds: median(samples.map((s) => s.seconds)), rssKb: median(samples.map((s) => s.rssKb)) };
}

const vitrine = join(root, "bin", "vitrine");
const names = readdirSync(corpus)
  .filter((n) => n.endsWith(".ipynb"))
  .sort();
const rows: { name: string; bytes: number; v: Sample; n: Sample; vOut: number; nOut: number }[] = [];
const skipped: string[] = [];
// One warm-up run of each, so neither pays for a cold disk cache or Node's first compile-cache fill.
measure(vitrine, ["render", join(corpus, names[0]!), "-o", join(out, "warm.html")]);
measure("jupyter-nbconvert", [
  "--to",
  "html",
  "--HTMLExporter.sanitize_html=True",
  join(corpus, names[0]!),
  "--output-dir",
  out,
  "--output",
  "warm",
]);

for (const name of names) {
  const path = join(corpus, name);
  const v = medianOf(vitrine, ["render", path, "-o", join(out, "v.html")]);
  const n = medianOf("jupyter-nbconvert", [
    "--log-level=ERROR",
    "--to",
    "html",
    "--HTMLExporter.sanitize_html=True",
    path,
    "--output-dir",
    out,
    "--output",
    "n",
  ]);
  if (!v || !n) {
    skipped.push(`${name} (${!v ? "vitrine refused it" : ""}${!v && !n ? ", " : ""}${!n ? "nbconvert failed" : ""})`);
    continue;
  }
  const vOut = statSync(join(out, "v.html")).size;
  const nOut = statSync(join(out, "n.html")).size;
  rows.push({ name, bytes: readFileSync(path).length, v, n, vOut, nOut });
}

// The whole corpus, one invocation of each tool.
const paths = rows.map((r) => join(corpus, r.name));
const batchV = medianOf(vitrine, ["render", ...paths, "--output-dir", out]);
const batchN = medianOf("jupyter-nbconvert", [
  "--log-level=ERROR",
  "--to",
  "html",
  "--HTMLExporter.sanitize_html=True",
  ...paths,
  "--output-dir",
  out,
]);
rmSync(out, { recursive: true, force: true });

const pad = (s: string, n: number) => s.padEnd(n);
const num = (x: number, d = 2) => x.toFixed(d).padStart(8);
console.log(
  `vitrine render vs jupyter nbconvert --to html --HTMLExporter.sanitize_html=True (median of ${runs} runs each)\n`,
);
console.log(
  `${pad("notebook", 52)} ${"KB".padStart(7)} ${"vit s".padStart(8)} ${"nbc s".padStart(8)} ${"speed×".padStart(8)} ${"vit MB".padStart(8)} ${"nbc MB".padStart(8)} ${"mem ratio".padStart(9)} ${"vit out KB".padStart(10)} ${"nbc out KB".padStart(10)} ${"size×".padStart(7)}`,
);
for (const r of rows) {
  console.log(
    `${pad(r.name.slice(0, 52), 52)} ${(r.bytes / 1024).toFixed(0).padStart(7)} ${num(r.v.seconds)} ${num(r.n.seconds)} ${num(r.n.seconds / r.v.seconds)} ${num(r.v.rssKb / 1024, 1)} ${num(r.n.rssKb / 1024, 1)} ${num(r.v.rssKb / r.n.rssKb).padStart(9)} ${(r.vOut / 1024).toFixed(0).padStart(10)} ${(r.nOut / 1024).toFixed(0).padStart(10)} ${(r.vOut / r.nOut).toFixed(2).padStart(7)}`,
  );
}
const totalV = rows.reduce((a, r) => a + r.v.seconds, 0);
const totalN = rows.reduce((a, r) => a + r.n.seconds, 0);
const largest = rows.reduce((a, r) => (r.bytes > a.bytes ? r : a), rows[0]!);
console.log(
  `\ntotal over ${rows.length} notebooks: vitrine ${totalV.toFixed(2)} s, nbconvert ${totalN.toFixed(2)} s, nbconvert/vitrine = ${(totalN / totalV).toFixed(2)}×`,
);
console.log(
  `peak memory, largest notebook (${largest.name}): vitrine ${(largest.v.rssKb / 1024).toFixed(1)} MB, nbconvert ${(largest.n.rssKb / 1024).toFixed(1)} MB, vitrine/nbconvert = ${(largest.v.rssKb / largest.n.rssKb).toFixed(2)}`,
);
console.log(
  `peak memory, max over corpus: vitrine ${(Math.max(...rows.map((r) => r.v.rssKb)) / 1024).toFixed(1)} MB, nbconvert ${(Math.max(...rows.map((r) => r.n.rssKb)) / 1024).toFixed(1)} MB`,
);
if (batchV && batchN) {
  console.log(
    `whole corpus in one invocation each: vitrine ${batchV.seconds.toFixed(2)} s / ${(batchV.rssKb / 1024).toFixed(1)} MB, nbconvert ${batchN.seconds.toFixed(2)} s / ${(batchN.rssKb / 1024).toFixed(1)} MB; nbconvert/vitrine time = ${(batchN.seconds / batchV.seconds).toFixed(2)}×, vitrine/nbconvert memory = ${(batchV.rssKb / batchN.rssKb).toFixed(2)}`,
  );
}
if (skipped.length) console.log(`\nnot compared: ${skipped.join("; ")}`);
