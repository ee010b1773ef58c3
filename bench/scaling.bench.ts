// Benchmark (not a test): render time against input size for the input families that were once super-linear
// (nesting depth, `\r` runs, escape sequences, highlighted tokens, cell count). Each family's notebook is built at
// four sizes, each doubling the last, and read and exported in process along the path of `vitrine render`
// (parseNotebook, then exportNotebookParts). The peer, measured in the same run on the same bytes, is the strict
// reader alone (parseNotebook), which is linear by construction. Printed per family: the export's time per KB at
// each size, its slope (ms per KB at the largest size), and its growth: the time per KB at the largest size over
// that at the smallest. A linear stage stays near 1; a quadratic one doubles with every step, to 8 here. The code
// family stays under MAX_HIGHLIGHT_CHARS at every size, so that what is timed is highlighting, not its fallback.
//   npm run bench:scaling        (ROUNDS=3 by default; each figure is the median round)
import { parseNotebook } from "../src/notebook/index.ts";
import { exportNotebookParts } from "../src/render/export.ts";

const ROUNDS = Math.max(1, Number(process.env.ROUNDS ?? 3));
const STEPS = 4;

function notebook(cells: object[]): Uint8Array {
  return Buffer.from(
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
      cells: cells.map((cell, i) => ({ id: `c${i}`, metadata: {}, ...cell })),
    }),
  );
}

function codeCell(source: string, outputs: object[] = []): object {
  return { cell_type: "code", execution_count: 1, source, outputs };
}

const stream = (text: string) => ({ output_type: "stream", name: "stdout", text });
const html = (markup: string) => ({ output_type: "display_data", metadata: {}, data: { "text/html": markup } });

/** Each family's notebook at size n (the smallest size is n = 1). */
const FAMILIES: { name: string; unit: string; make: (n: number) => Uint8Array }[] = [
  {
    name: "nested HTML",
    unit: "4,000 levels",
    make: (n) => notebook([codeCell("x", [html("<div>".repeat(4000 * n))])]),
  },
  {
    name: "carriage returns",
    unit: "100,000 \\r",
    make: (n) => notebook([codeCell("x", [stream(`${"\r".repeat(100_000 * n)}done\n`)])]),
  },
  {
    name: "escape sequences",
    unit: "10,000 bold and colour escapes",
    make: (n) => notebook([codeCell("x", [stream("\x1b[1m\x1b[31ma".repeat(10_000 * n))])]),
  },
  {
    name: "highlighted tokens",
    unit: "500 lines of code",
    make: (n) =>
      notebook([
        codeCell(Array.from({ length: 500 * n }, (_, i) => `value_${i} = f"{x!r:>{w}}" + str(${i})`).join("\n")),
      ]),
  },
  {
    name: "nested f-strings",
    unit: "20 strings 50 deep",
    make: (n) =>
      notebook([
        codeCell(Array.from({ length: 20 * n }, () => `y = ${'f"{'.repeat(50)}x${'}"'.repeat(50)}`).join("\n")),
      ]),
  },
  {
    name: "cell count",
    unit: "1,000 short cells",
    make: (n) =>
      notebook(
        Array.from({ length: 1000 * n }, (_, i) =>
          i % 2
            ? { cell_type: "markdown", source: `Step ${i}: *see* [docs](#top)` }
            : codeCell(`x = ${i}`, [stream(`${i}\n`)]),
        ),
      ),
  },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(work: () => void): number {
  const start = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const pad = (text: string, width: number) => text.padStart(width);
console.log(`render time against input size, median of ${ROUNDS} rounds; sizes 1, 2, 4 and 8 times the unit`);
console.log(
  `${"family (unit)".padEnd(50)}${pad("KB at 8x", 10)}${pad("ms/KB 1x..8x", 28)}${pad("slope", 12)}${pad("growth", 8)}${pad("peer growth", 13)}`,
);
for (const family of FAMILIES) {
  const perKb: number[] = [];
  const peerPerKb: number[] = [];
  let largestKb = 0;
  for (let step = 0; step < STEPS; step++) {
    const bytes = family.make(2 ** step);
    const kb = bytes.byteLength / 1024;
    largestKb = kb;
    // One untimed run first, so that each size is timed warm.
    exportNotebookParts(parseNotebook(bytes, { file: "scaling.ipynb" }));
    const render: number[] = [];
    const peer: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      peer.push(time(() => parseNotebook(bytes, { file: "scaling.ipynb" })));
      render.push(time(() => exportNotebookParts(parseNotebook(bytes, { file: "scaling.ipynb" }))));
    }
    perKb.push(median(render) / kb);
    peerPerKb.push(median(peer) / kb);
  }
  const growth = perKb[STEPS - 1]! / perKb[0]!;
  const peerGrowth = peerPerKb[STEPS - 1]! / peerPerKb[0]!;
  console.log(
    `${`${family.name} (${family.unit})`.padEnd(50)}${pad(largestKb.toFixed(0), 10)}${pad(perKb.map((v) => v.toFixed(2)).join(" "), 28)}${pad(`${perKb[STEPS - 1]!.toFixed(2)} ms/KB`, 12)}${pad(`${growth.toFixed(2)}x`, 8)}${pad(`${peerGrowth.toFixed(2)}x`, 13)}`,
  );
}
