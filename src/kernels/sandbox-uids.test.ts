// The kernel uid pool: distinct uids while held, never a uid that a host process runs as.
import assert from "node:assert/strict";
import { test } from "node:test";
import { UidPool, UidPoolExhaustedError, uidsWithProcesses } from "./sandbox-uids.ts";

test("a pool hands out distinct uids of its range and takes them back", () => {
  const pool = new UidPool({ first: 1_900_100_000, count: 3 });
  const held = [pool.acquire(), pool.acquire(), pool.acquire()];
  assert.equal(new Set(held).size, 3);
  for (const uid of held) assert.ok(uid >= 1_900_100_000 && uid < 1_900_100_003);
  assert.throws(
    () => pool.acquire(),
    (error: unknown) => error instanceof UidPoolExhaustedError && error.code === "sandbox_uids_exhausted",
  );
  pool.release(held[1]!);
  assert.equal(pool.acquire(), held[1]);
});

test("a uid that a host process runs as is skipped", () => {
  // This test's own uid has a process (this one): a pool whose range holds only that uid has nothing to give.
  const own = process.getuid!();
  assert.ok(uidsWithProcesses().has(own));
  if (own >= 1000) assert.throws(() => new UidPool({ first: own, count: 1 }).acquire(), UidPoolExhaustedError);
  else assert.throws(() => new UidPool({ first: own, count: 1 }), RangeError, "ranges below 1000 are refused");
});

test("ranges that would include system or reserved uids are refused", () => {
  assert.throws(() => new UidPool({ first: 0, count: 10 }), RangeError);
  assert.throws(() => new UidPool({ first: 4_294_967_000, count: 1000 }), RangeError);
  assert.throws(() => new UidPool({ first: 2000, count: 0 }), RangeError);
});
