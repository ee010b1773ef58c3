// A bounded, reproducible share of the fuzzer (`npm run fuzz` runs many more cases, and the families below that
// fail today). A failure prints fast-check's shrunk counterexample and the seed that replays it.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { knownFailingFamilies, passingFamilies, type NotebookInput } from "./fuzz/families.ts";
import { msPerKb, runNotebookCase, runUrlCase, SOFT_CASE_MS, totalMs, urlCases } from "./fuzz/harness.ts";
import { loadSeeds } from "./fuzz/seeds.ts";

const SEED = 20_261_204;
const CASES_PER_FAMILY = 500;
const URL_CASES = 3_000;
const SEED_MAX_BYTES = 140 * 1024;

const seeds = loadSeeds(SEED_MAX_BYTES);

/**
 * Families that fail today, each for a known render-stage bug; `npm run fuzz` runs them and reports how. A family
 * moves to passingFamilies() when its stage is fixed, so that `npm test` guards the fix.
 */
const KNOWN_FAILING = ["deep-nesting", "plaintext-html", "cr-runs", "ansi-flood", "long-code", "nested-fstrings"];

test("the known failing families are the ones families.ts keeps out of the bounded run", () => {
  assert.deepEqual(
    knownFailingFamilies().map((f) => f.name),
    KNOWN_FAILING,
  );
});

for (const family of passingFamilies()) {
  test(`fuzz ${family.name}: ${family.about}`, (t) => {
    const slow: { ms: number; perKb: number; bytes: number }[] = [];
    fc.assert(
      fc.property(family.arbitrary(seeds), (input: NotebookInput) => {
        const result = runNotebookCase(input);
        if (result.failure) throw new Error(result.failure);
        if (totalMs(result) > SOFT_CASE_MS)
          slow.push({ ms: Math.round(totalMs(result)), perKb: msPerKb(result), bytes: result.inputBytes });
      }),
      { seed: SEED, numRuns: CASES_PER_FAMILY },
    );
    for (const s of slow) t.diagnostic(`slow case: ${s.ms} ms for ${s.bytes} bytes (${s.perKb.toFixed(1)} ms/KB)`);
  });
}

for (const name of KNOWN_FAILING)
  test(`fuzz ${name}`, { todo: "fails today on a known render-stage bug; run by npm run fuzz" });

test("fuzz checkUrl: every verdict has a reason code and a message, and nothing throws", () => {
  fc.assert(
    fc.property(urlCases, (c) => {
      const failure = runUrlCase(c);
      if (failure) throw new Error(failure);
    }),
    { seed: SEED, numRuns: URL_CASES },
  );
});
