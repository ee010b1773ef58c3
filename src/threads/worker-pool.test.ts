// The pool with real worker threads: jobs answer in turn, a defect is reported without losing the worker, and a
// job over its time or memory budget is ended, its worker replaced, while the process and the next jobs carry on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BudgetExceeded, PoolBusy, WorkerFailed, WorkerPool, type PoolOptions } from "./worker-pool.ts";
import type { TestJob } from "./worker-pool.test-worker.ts";

const WORKER = new URL("./worker-pool.test-worker.ts", import.meta.url);

function pool(size = 1, bounds: Pick<PoolOptions, "maxQueued" | "maxQueuedPerOwner" | "replaceAboveBytes"> = {}) {
  return new WorkerPool<TestJob, string>(WORKER, {
    size,
    budget: { timeMs: 1000, maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 },
    ...bounds,
  });
}

/** Runs jobs and lists their answers in the order they arrive. */
function arrivals(runs: Promise<string>[]): Promise<string[]> {
  const order: string[] = [];
  return Promise.all(runs.map((run) => run.then((answer) => void order.push(answer)))).then(() => order);
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

test("owners take turns: one owner's queue of slow jobs leaves a worker for another owner's job", async () => {
  const p = pool(2);
  const gate = new Int32Array(new SharedArrayBuffer(4));
  try {
    await p.start();
    const held = (value: string) => p.run({ kind: "hold", value, gate }, { owner: "alice" });
    const alice = arrivals([held("a1"), held("a2"), held("a3")]);
    // Alice holds one of the two workers at a time; Bob's job takes the other at once and answers while Alice's
    // first job still runs and her other two wait.
    assert.match(await p.run({ kind: "echo", value: "b" }, { owner: "bob" }), /^b /);
    assert.deepEqual(p.load, { running: 1, queued: 2 });
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    assert.deepEqual(await alice, ["a1", "a2", "a3"]);
  } finally {
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    await p.close();
  }
});

test("the next free worker goes to the waiting owner whose last job started longest ago", async () => {
  const p = pool(1);
  try {
    await p.start();
    const job = (owner: string, value: string) => p.run({ kind: "sleep", value, ms: 20 }, { owner });
    const order = arrivals([job("a", "a1"), job("a", "a2"), job("a", "a3"), job("b", "b1"), job("b", "b2")]);
    assert.deepEqual(await order, ["a1", "b1", "a2", "b2", "a3"]);
  } finally {
    await p.close();
  }
});

test("waiting jobs are bounded per owner and in all; a refused job is refused at once and nothing else changes", async () => {
  const p = pool(2, { maxQueuedPerOwner: 1, maxQueued: 2 });
  try {
    await p.start();
    const run = (owner: string, value: string) => p.run({ kind: "sleep", value, ms: 200 }, { owner });
    const running = run("a", "a1"); // starts: Alice's share is one worker
    const waiting = run("a", "a2"); // waits for Alice's share
    await assert.rejects(run("a", "a3"), (error: unknown) => error instanceof PoolBusy && error.scope === "owner");
    const bob = run("b", "b1"); // starts on the other worker
    const bobWaits = run("b", "b2"); // waits: the pool now has two waiting
    await assert.rejects(run("c", "c1"), (error: unknown) => error instanceof PoolBusy && error.scope === "pool");
    assert.deepEqual(p.load, { running: 2, queued: 2 });
    assert.deepEqual(await Promise.all([running, waiting, bob, bobWaits]), ["a1", "a2", "b1", "b2"]);
    assert.deepEqual(p.load, { running: 0, queued: 0 });
  } finally {
    await p.close();
  }
});

test("a worker left holding more than replaceAboveBytes after a job is replaced; one that stays small is kept", async () => {
  const p = pool(1, { replaceAboveBytes: 64 * 1024 * 1024 });
  try {
    await p.start();
    const small = await p.run({ kind: "keep", mb: 1 });
    assert.equal(await p.run({ kind: "keep", mb: 1 }), small, "a worker holding little keeps its place");
    assert.equal(p.replaced, 0);
    const big = await p.run({ kind: "keep", mb: 100 });
    assert.equal(big, small);
    assert.equal(p.replaced, 1);
    const next = (await p.run({ kind: "echo", value: "after" })).split(" from ")[1];
    assert.notEqual(next, big, "the next job ran on a fresh worker");
  } finally {
    await p.close();
  }
});
