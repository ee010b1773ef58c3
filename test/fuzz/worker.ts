// Runs fuzz cases for run.ts in a thread it can terminate: a stage that stalls on an input cannot be interrupted
// from inside, so the runner's only way past a stall is to end this thread and start another.
import { parentPort, workerData } from "node:worker_threads";
import fc from "fast-check";
import { allFamilies, type Family } from "./families.ts";
import { runNotebookCase } from "./harness.ts";
import { loadSeeds } from "./seeds.ts";

export type WorkerRequest =
  { kind: "run"; family: string; seed: number } | { kind: "shrink"; family: string; seed: number };

export type WorkerReply =
  | { kind: "result"; result: ReturnType<typeof runNotebookCase> }
  | { kind: "shrunk"; input: string | null; base64: boolean; failure: string | null; steps: number };

const seeds = loadSeeds((workerData as { seedMaxBytes: number }).seedMaxBytes);
const arbitraries = new Map(allFamilies().map((f: Family) => [f.name, f.arbitrary(seeds)]));

function arbitraryOf(name: string) {
  const arbitrary = arbitraries.get(name);
  if (!arbitrary) throw new Error(`no family ${name}`);
  return arbitrary;
}

parentPort!.on("message", (request: WorkerRequest) => {
  const arbitrary = arbitraryOf(request.family);
  if (request.kind === "run") {
    // The same value fast-check's runner draws first for this seed, so a case replays as a one-run fc.check.
    const input = fc.sample(arbitrary, { seed: request.seed, numRuns: 1 })[0] ?? "";
    parentPort!.postMessage({ kind: "result", result: runNotebookCase(input) } satisfies WorkerReply);
    return;
  }
  let failure: string | null = null;
  const details = fc.check(
    fc.property(arbitrary, (input) => {
      const result = runNotebookCase(input);
      if (result.failure) failure = result.failure;
      return result.failure === undefined;
    }),
    { seed: request.seed, numRuns: 1, interruptAfterTimeLimit: 60_000 },
  );
  const example = details.counterexample?.[0];
  const reply: WorkerReply =
    example === undefined
      ? { kind: "shrunk", input: null, base64: false, failure: null, steps: details.numShrinks }
      : typeof example === "string"
        ? { kind: "shrunk", input: example, base64: false, failure, steps: details.numShrinks }
        : {
            kind: "shrunk",
            input: Buffer.from(example).toString("base64"),
            base64: true,
            failure,
            steps: details.numShrinks,
          };
  parentPort!.postMessage(reply);
});
