// The pool with real worker threads: jobs answer in turn, a defect is reported without losing the worker, and a
// job over its time or memory budget is ended, its worker replaced, while the process and the next jobs carry on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BudgetExceeded, WorkerFailed, WorkerPool } from "./worker-pool.ts";
import type { TestJob } from "./worker-pool.test-worker.ts";

const WORKER = new URL("./worker-pool.test-worker.ts", import.meta.url);

function pool(size = 1) {
  return new WorkerPool<TestJob, string>(WORKER, {
    size,
    budget: { timeMs: 1000, maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 },
  });
}

test("jobs queue for the pool's workers and each gets its own answer", async () => {
  const p = pool(2);
  try {
    const answers = await Promise.all(["a", "b", "c", "d"].map((value) => p.run({ kind: "echo", value })));
    assert.deepEqual(
      answers.map((a) => a.split(" ")[0]),
      ["a", "b", "c", "d"],
    );
  } finally {
    await p.close();
  }
});

test("a job that throws is refused as a defect and its worker takes the next job", async () => {
  const p = pool();
  try {
    await assert.rejects(p.run({ kind: "throw" }), (error: unknown) => error instanceof WorkerFailed);
    assert.match(await p.run({ kind: "echo", value: "next" }), /^next/);
  } finally {
    await p.close();
  }
});

test("a job over its time budget is ended with the step it reached; the job queued behind it runs", async () => {
  const p = pool();
  try {
    const spin = p.run({ kind: "spin" });
    const next = p.run({ kind: "echo", value: "after" });
    await assert.rejects(spin, (error: unknown) => {
      assert.ok(error instanceof BudgetExceeded);
      assert.equal(error.limit, "time");
      assert.equal(error.phase, "spinning");
      assert.equal(error.message, "took longer than 1 s");
      return true;
    });
    assert.match(await next, /^after/);
    assert.deepEqual(p.load, { running: 0, queued: 0 });
  } finally {
    await p.close();
  }
});

test("a job over its memory budget ends its worker, not the process", async () => {
  const p = pool();
  try {
    await assert.rejects(p.run({ kind: "grow" }), (error: unknown) => {
      assert.ok(error instanceof BudgetExceeded);
      assert.equal(error.limit, "memory");
      assert.equal(error.message, "needed more than 32 MB of memory");
      return true;
    });
    assert.match(await p.run({ kind: "echo", value: "alive" }), /^alive/);
  } finally {
    await p.close();
  }
});

test("closing the pool refuses the jobs still waiting", async () => {
  const p = pool();
  const spin = p.run({ kind: "spin" });
  const waiting = p.run({ kind: "echo", value: "never" });
  const refusals = Promise.all([assert.rejects(spin, /closed/), assert.rejects(waiting, /closed/)]);
  await p.close();
  await refusals;
  await assert.rejects(p.run({ kind: "echo", value: "late" }), /closed/);
});
