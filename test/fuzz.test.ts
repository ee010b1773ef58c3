// A bounded, reproducible share of the fuzzer (`npm run fuzz` runs many more cases). A failure prints fast-check's
// shrunk counterexample and the seed that replays it.
import { test } from "node:test";
import fc from "fast-check";
import { notebookFamilies, renderStageFamilies, type Family, type NotebookInput } from "./fuzz/families.ts";
import { msPerKb, runNotebookCase, runUrlCase, SOFT_CASE_MS, totalMs, urlCases } from "./fuzz/harness.ts";
import { loadSeeds } from "./fuzz/seeds.ts";

const SEED = 20_261_204;
const CASES_PER_FAMILY = 500;
/** The render-stage families build inputs of tens of kilobytes each: fewer cases keep them to seconds. */
const CASES_PER_RENDER_STAGE_FAMILY = 60;
const URL_CASES = 3_000;
const SEED_MAX_BYTES = 140 * 1024;

const seeds = loadSeeds(SEED_MAX_BYTES);

const families: [Family, number][] = [
  ...notebookFamilies().map((f): [Family, number] => [f, CASES_PER_FAMILY]),
  ...renderStageFamilies().map((f): [Family, number] => [f, CASES_PER_RENDER_STAGE_FAMILY]),
];

for (const [family, numRuns] of families) {
  test(`fuzz ${family.name}: ${family.about}`, (t) => {
    const slow: { ms: number; perKb: number; bytes: number }[] = [];
    fc.assert(
      fc.property(family.arbitrary(seeds), (input: NotebookInput) => {
        const result = runNotebookCase(input);
        if (result.failure) throw new Error(result.failure);
        if (totalMs(result) > SOFT_CASE_MS)
          slow.push({ ms: Math.round(totalMs(result)), perKb: msPerKb(result), bytes: result.inputBytes });
      }),
      { seed: SEED, numRuns },
    );
    for (const s of slow) t.diagnostic(`slow case: ${s.ms} ms for ${s.bytes} bytes (${s.perKb.toFixed(1)} ms/KB)`);
  });
}

test("fuzz checkUrl: every verdict has a reason code and a message, and nothing throws", () => {
  fc.assert(
    fc.property(urlCases, (c) => {
      const failure = runUrlCase(c);
      if (failure) throw new Error(failure);
    }),
    { seed: SEED, numRuns: URL_CASES },
  );
});
