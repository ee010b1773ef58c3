import assert from "node:assert/strict";
import { test } from "node:test";
import { groupDigits, localTimestamp } from "./plain-format.ts";

test("groupDigits groups thousands as the en locale does", () => {
  for (const n of [
    0,
    7,
    999,
    1000,
    12_345,
    999_999,
    1_000_000,
    3_000,
    123_456_789,
    -1_234,
    -12,
    Number.MAX_SAFE_INTEGER,
  ]) {
    assert.equal(groupDigits(n), n.toLocaleString("en"), String(n));
  }
});

test("groupDigits writes what is not a safe whole number as JavaScript does", () => {
  assert.equal(groupDigits(1.5), "1.5");
  assert.equal(groupDigits(Number.NaN), "NaN");
  assert.equal(groupDigits(Infinity), "Infinity");
});

test("localTimestamp writes the date and time in the local zone, each field padded", () => {
  const date = new Date(2026, 0, 5, 7, 3, 9);
  assert.equal(localTimestamp(date), "2026-01-05 07:03:09");
  assert.equal(localTimestamp(new Date(2026, 11, 31, 23, 59, 59)), "2026-12-31 23:59:59");
});
