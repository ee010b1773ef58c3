// `npm run fuzz`: many fuzz cases over every family, the ones that fail today included, each in a worker thread
// that is ended when a case runs past FUZZ_TIMEOUT_MS. Case i of a run draws its input from seed FUZZ_SEED + i, so
// `FUZZ_FAMILIES=name FUZZ_SEED=that FUZZ_CASES=1 npm run fuzz` replays one case.
//
// FUZZ_CASES        notebook cases (default 2000), shared round-robin by the families
// FUZZ_URL_CASES    URL engine cases (default 20000)
// FUZZ_SEED         first seed (default: the time, printed)
// FUZZ_FAMILIES     comma-separated family names (default: all)
// FUZZ_TIMEOUT_MS   a case running longer is a stall (default 20000)
// FUZZ_SHRINK       "0" to skip shrinking the first failure of each kind
import { mkdirSync, writeFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import fc from "fast-check";
import { allFamilies } from "./families.ts";
import { type CaseResult, msPerKb, runUrlCase, totalMs, urlCases } from "./harness.ts";
import { loadSeeds } from "./seeds.ts";
import type { WorkerReply, WorkerRequest } from "./worker.ts";

const SEED_MAX_BYTES = 400 * 1024;
const OUT = new URL("../../.tmp/fuzz/", import.meta.url);

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a whole number, not ${raw}`);
  return n;
}

const cases = envInt("FUZZ_CASES", 2_000);
const urlCaseCount = envInt("FUZZ_URL_CASES", 20_000);
const firstSeed = envInt("FUZZ_SEED", Date.now() % 1_000_000_007);
const timeoutMs = envInt("FUZZ_TIMEOUT_MS", 20_000);
const shrink = process.env.FUZZ_SHRINK !== "0";
const families = allFamilies().filter(
  (f) => !process.env.FUZZ_FAMILIES || process.env.FUZZ_FAMILIES.split(",").includes(f.name),
);
if (families.length === 0)
  throw new Error(`FUZZ_FAMILIES names no family; there are ${allFamilies().map((f) => f.name)}`);

/** One worker at a time, replaced when a case outlives the time bound. */
class CaseRunner {
  private worker: Worker | undefined;

  private start(): Worker {
    // A thread's default stack is four times the main thread's; the CLI renders on the main thread, so the fuzzer
    // gives each case the stack the CLI has, or it would miss the deep-nesting crashes the CLI has.
    this.worker = new Worker(new URL("./worker.ts", import.meta.url), {
      workerData: { seedMaxBytes: SEED_MAX_BYTES },
      resourceLimits: { stackSizeMb: 1, maxOldGenerationSizeMb: 1_536 },
    });
    return this.worker;
  }

  ask(request: WorkerRequest, limitMs: number): Promise<WorkerReply | "timeout" | { died: string }> {
    const worker = this.worker ?? this.start();
    return new Promise((resolve) => {
      const done = (value: WorkerReply | "timeout" | { died: string }) => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
        resolve(value);
      };
      const onMessage = (reply: WorkerReply) => done(reply);
      const onError = (error: Error) => {
        this.worker = undefined;
        done({ died: `${error.name}: ${error.message}`.slice(0, 300) });
      };
      const timer = setTimeout(() => {
        this.worker = undefined;
        void worker.terminate();
        done("timeout");
      }, limitMs);
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}

interface Record_ {
  family: string;
  seed: number;
  result?: CaseResult;
  failure?: string;
  ms: number;
  bytes: number;
}

const runner = new CaseRunner();
const records: Record_[] = [];
const started = performance.now();
let lastReport = started;
const seeds = loadSeeds(SEED_MAX_BYTES);
const arbitraries = new Map(families.map((f) => [f.name, f.arbitrary(seeds)]));

function inputOf(family: string, seed: number): string | Uint8Array {
  return fc.sample(arbitraries.get(family)!, { seed, numRuns: 1 })[0] ?? "";
}

console.log(
  `fuzz: ${cases} notebook cases over ${families.length} families, seed ${firstSeed}, timeout ${timeoutMs} ms`,
);
for (let i = 0; i < cases; i++) {
  const family = families[i % families.length]!.name;
  const seed = firstSeed + i;
  const t = performance.now();
  const reply = await runner.ask({ kind: "run", family, seed }, timeoutMs);
  const ms = performance.now() - t;
  if (reply === "timeout" || "died" in reply) {
    const bytes = Buffer.byteLength(inputOf(family, seed) as string);
    const failure = reply === "timeout" ? `stall: still running after ${timeoutMs} ms` : `worker died: ${reply.died}`;
    records.push({ family, seed, failure, ms, bytes });
  } else if (reply.kind === "result") {
    records.push({
      family,
      seed,
      result: reply.result,
      failure: reply.result.failure,
      ms,
      bytes: reply.result.inputBytes,
    });
  }
  if (performance.now() - lastReport > 60_000) {
    lastReport = performance.now();
    const failed = records.filter((r) => r.failure).length;
    console.log(`  ${i + 1}/${cases} cases, ${failed} failing, ${Math.round((lastReport - started) / 1000)} s`);
  }
}

let urlFailures = 0;
const urlStarted = performance.now();
fc.check(
  fc.property(urlCases, (c) => {
    const failure = runUrlCase(c);
    if (failure) {
      urlFailures++;
      if (urlFailures <= 5) console.log(`url failure: ${failure} for ${JSON.stringify(c)}`);
    }
    return true;
  }),
  { seed: firstSeed, numRuns: urlCaseCount },
);
const urlMs = performance.now() - urlStarted;

// The summary.
const rendered = records.filter((r) => r.result?.outcome === "rendered" && !r.failure).length;
const refusedCodes = new Map<string, number>();
for (const r of records)
  if (r.result?.outcome === "refused" && !r.failure)
    refusedCodes.set(r.result.code!, (refusedCodes.get(r.result.code!) ?? 0) + 1);
const failures = records.filter((r) => r.failure);
console.log(`\ncases run: ${records.length} in ${Math.round((performance.now() - started) / 1000)} s`);
console.log(
  `refused with located errors: ${[...refusedCodes.values()].reduce((a, b) => a + b, 0)} (${[...refusedCodes]
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${code} ${n}`)
    .join(", ")})`,
);
console.log(`rendered: ${rendered}`);
console.log(`failures (crashes, stalls, blowups): ${failures.length}`);

function perKbOf(r: Record_): number {
  return r.result ? msPerKb(r.result) : r.ms / Math.max(1, r.bytes / 1024);
}

const columns = ["family", "cases", "failing", "rendered", "median ms", "max ms", "max ms/KB", "max out/in"];
const rows = families.flatMap((f) => {
  const mine = records.filter((r) => r.family === f.name);
  if (mine.length === 0) return [];
  const times = mine.map((r) => (r.result ? totalMs(r.result) : r.ms)).sort((a, b) => a - b);
  const ratios = mine.map((r) => (r.result?.outputChars ? r.result.outputChars / r.result.inputBytes : 0));
  return [
    [
      f.name,
      mine.length,
      mine.filter((r) => r.failure).length,
      mine.filter((r) => r.result?.outcome === "rendered").length,
      Math.round(times[Math.floor(times.length / 2)] ?? 0),
      Math.round(times.at(-1) ?? 0),
      Math.max(...mine.map(perKbOf)).toFixed(1),
      Math.max(...ratios).toFixed(1),
    ].map(String),
  ];
});
console.log("");
for (const row of [columns, ...rows])
  console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(26) : cell.padStart(11))).join(""));

console.log("\nslowest cases by time per KB of input:");
const bySpeed = records
  .map((r) => ({ r, perKb: perKbOf(r) }))
  .sort((a, b) => b.perKb - a.perKb)
  .slice(0, 10);
for (const { r, perKb } of bySpeed)
  console.log(
    `  ${perKb.toFixed(1).padStart(8)} ms/KB  ${(r.result ? totalMs(r.result) : r.ms).toFixed(0).padStart(6)} ms  ${String(r.bytes).padStart(8)} bytes  ${r.family} seed ${r.seed}${r.failure ? `  ${r.failure.slice(0, 60)}` : ""}`,
  );

console.log(`\nURL engine: ${urlCaseCount} cases in ${Math.round(urlMs)} ms, ${urlFailures} failures`);

// The first failure of each family and kind, written out and shrunk.
const firstOfKind = new Map<string, Record_>();
for (const r of failures) {
  const kind = `${r.family}: ${r.failure!.replace(/\d+/g, "N").slice(0, 80)}`;
  if (!firstOfKind.has(kind)) firstOfKind.set(kind, r);
}
if (firstOfKind.size > 0) {
  mkdirSync(OUT, { recursive: true });
  console.log(`\nfailures by kind (inputs in .tmp/fuzz/):`);
}
for (const [kind, r] of firstOfKind) {
  const count = failures.filter((f) => `${f.family}: ${f.failure!.replace(/\d+/g, "N").slice(0, 80)}` === kind).length;
  const file = `${r.family}-${r.seed}.ipynb`;
  writeFileSync(new URL(file, OUT), inputOf(r.family, r.seed));
  console.log(
    `- ${kind} (${count}x)\n  ${r.failure}\n  replay: FUZZ_FAMILIES=${r.family} FUZZ_SEED=${r.seed} FUZZ_CASES=1 npm run fuzz; input ${file}, ${r.bytes} bytes`,
  );
  if (!shrink || r.failure!.startsWith("stall") || r.failure!.startsWith("worker died")) continue;
  const reply = await runner.ask({ kind: "shrink", family: r.family, seed: r.seed }, 120_000);
  if (reply === "timeout" || "died" in reply || reply.kind !== "shrunk" || reply.input === null) {
    console.log("  shrinking gave nothing");
    continue;
  }
  const bytes = reply.base64 ? Buffer.from(reply.input, "base64") : Buffer.from(reply.input, "utf8");
  writeFileSync(new URL(`${r.family}-${r.seed}.min.ipynb`, OUT), bytes);
  console.log(
    `  shrunk in ${reply.steps} steps to ${bytes.byteLength} bytes: ${r.family}-${r.seed}.min.ipynb${bytes.byteLength <= 400 ? `\n  ${bytes.toString("utf8")}` : ""}\n  ${reply.failure}`,
  );
}
await runner.close();

const failed = failures.length + urlFailures;
process.exitCode = failed > 0 ? 1 : 0;
