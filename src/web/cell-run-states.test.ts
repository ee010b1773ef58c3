import assert from "node:assert/strict";
import { test } from "node:test";
import { CellRunStates, describeRun, formatDuration } from "./cell-run-states.ts";

function clockAt(start: number) {
  const clock = { now: start };
  return { clock, states: new CellRunStates(() => clock.now) };
}

test("a run goes queued, running, done, with its times", () => {
  const { clock, states } = clockAt(1_000);
  let heard = 0;
  states.subscribe(() => (heard += 1));
  states.queued("a");
  assert.equal(states.get("a")?.phase, "queued");
  assert.equal(states.unfinished, 1);
  clock.now = 1_500;
  states.running("a");
  clock.now = 1_910;
  assert.equal(describeRun(states.get("a")!, clock.now), "Running, 0.41 s");
  states.finished("a", "ok");
  assert.deepEqual(states.get("a"), { phase: "done", queuedAt: 1_000, startedAt: 1_500, endedAt: 1_910 });
  assert.equal(states.unfinished, 0);
  assert.equal(heard, 3);
  assert.match(describeRun(states.get("a")!, clock.now), /^Done in 0\.41 s at \d\d:\d\d:\d\d$/);
});

test("an object stays the same until its cell changes, so a view can compare", () => {
  const { states } = clockAt(0);
  states.queued("a");
  states.queued("b");
  const a = states.get("a");
  states.running("b");
  assert.equal(states.get("a"), a);
});

test("error and a dead kernel fail; aborted says why", () => {
  const { clock, states } = clockAt(0);
  for (const id of ["e", "d", "q", "s"]) states.queued(id);
  states.running("e");
  states.running("d");
  states.running("s");
  clock.now = 2_000;
  states.finished("e", "error");
  states.finished("d", "dead");
  states.finished("q", "aborted");
  states.finished("s", "aborted");
  assert.equal(states.get("e")?.phase, "failed");
  assert.match(describeRun(states.get("d")!, clock.now), /^Failed \(the kernel stopped\) after 2\.0 s/);
  assert.equal(describeRun(states.get("q")!, clock.now), "Not run: an earlier cell failed");
  assert.equal(describeRun(states.get("s")!, clock.now), "Stopped");
});

test("a restart aborts what was queued or running, and keeps what had ended", () => {
  const { states } = clockAt(0);
  states.queued("done");
  states.finished("done", "ok");
  states.queued("waiting");
  states.queued("going");
  states.running("going");
  states.restarted();
  assert.equal(states.get("done")?.phase, "done");
  assert.equal(states.get("waiting")?.note, "the kernel restarted");
  assert.equal(states.get("going")?.phase, "aborted");
});

test("a lost connection marks only unfinished runs unknown; forget and refused", () => {
  const { states } = clockAt(0);
  states.queued("a");
  states.queued("b");
  states.finished("b", "ok");
  states.lost("a");
  states.lost("b");
  assert.equal(states.get("a")?.phase, "unknown");
  assert.equal(states.get("b")?.phase, "done");
  states.forget("a");
  assert.equal(states.get("a"), undefined);
  states.refused("c", "the kernel could not start");
  assert.match(describeRun(states.get("c")!, 0), /^Failed \(the kernel could not start\)/);
});

test("durations read as a person says them", () => {
  assert.equal(formatDuration(5), "0.01 s");
  assert.equal(formatDuration(3_240), "3.2 s");
  assert.equal(formatDuration(12_400), "12 s");
  assert.equal(formatDuration(125_000), "2 min 5 s");
});
