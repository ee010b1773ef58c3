// Benchmark (not a test): `scanFile` over every corpus notebook, in megabytes per second on one thread, against
// two peers measured in the same run on the same bytes: `parseNotebook` (the strict reader every scan starts with)
// and a bare `JSON.parse`. Everything is read into memory first and warmed up, so the figures are the scanner's
// own work, not disk or module loading.
//   npm run bench:scan        (ROUNDS=5 by default; each figure is the median round)
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { NotebookError, parseNotebook } from "../src/notebook/index.ts";
import { scanFile } from "../src/scan/index.ts";

const ROUNDS = Math.max(1, Number(process.env.ROUNDS ?? 5));
const TARGET_MB_PER_S = 20;
const corpus = fileURLToPath(new URL("../../shared/corpus/notebooks/", import.meta.url));
const files = readdirSync(corpus)
  .filter((name) => name.endsWith(".ipynb"))
  .sort()
  .map((name) => ({ path: name, bytes: readFileSync(corpus + name) }));
const totalBytes = files.reduce((sum, file) => sum + file.bytes.byteLength, 0);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function round(work: (file: (typeof files)[number]) => void): number {
  const start = process.hrtime.bigint();
  for (const file of files) work(file);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const peers: Record<string, (file: (typeof files)[number]) => void> = {
  "scanFile (vitrine scan)": (file) => {
    scanFile(file);
  },
  "parseNotebook (strict reader)": (file) => {
    try {
      parseNotebook(file.bytes, { file: file.path });
    } catch (error) {
      if (!(error instanceof NotebookError)) throw error;
    }
  },
  "JSON.parse": (file) => {
    try {
      JSON.parse(file.bytes.toString("utf8"));
    } catch {
      // the corpus holds deliberately broken notebooks
    }
  },
};

// Warm-up: load every lazily created part (jsdom, the sanitizer, the URL engine) and let the JIT settle.
for (const work of Object.values(peers)) for (let i = 0; i < 2; i++) round(work);

const seconds: Record<string, number> = {};
for (const [name, work] of Object.entries(peers)) {
  seconds[name] = median(Array.from({ length: ROUNDS }, () => round(work)));
}

const megabytes = totalBytes / 1e6;
console.log(`corpus: ${files.length} notebooks, ${megabytes.toFixed(1)} MB; median of ${ROUNDS} rounds, one thread`);
const scanSeconds = seconds["scanFile (vitrine scan)"]!;
for (const [name, time] of Object.entries(seconds)) {
  const ratio = name === "scanFile (vitrine scan)" ? "" : `   scan takes ${(scanSeconds / time).toFixed(1)}x its time`;
  console.log(
    `${name.padEnd(32)} ${(megabytes / time).toFixed(1).padStart(7)} MB/s  ${(time * 1000).toFixed(0).padStart(6)} ms${ratio}`,
  );
}
const rate = megabytes / scanSeconds;
console.log(
  `scan: ${rate.toFixed(1)} MB/s, target ${TARGET_MB_PER_S} MB/s: ${rate >= TARGET_MB_PER_S ? "met" : "NOT met"}`,
);
