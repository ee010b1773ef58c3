import { test } from "node:test";
import assert from "node:assert/strict";
import { auditTime } from "./audit-command.ts";
import { UsageError } from "./usage-error.ts";

test("audit times are ISO 8601 dates or times, read as UTC without a zone", () => {
  assert.equal(auditTime("since", "2026-12-01"), Date.UTC(2026, 11, 1));
  assert.equal(auditTime("since", "2026-12-01T09:30"), Date.UTC(2026, 11, 1, 9, 30));
  assert.equal(auditTime("since", "2026-12-01T09:30:15.5Z"), Date.UTC(2026, 11, 1, 9, 30, 15, 500));
  assert.equal(auditTime("until", "2026-12-01T09:30+02:00"), Date.UTC(2026, 11, 1, 7, 30));
  for (const bad of ["yesterday", "2026-13-01", "2026-12-01 09:30", "1764892800000", "2026-12-01T25:00Z", ""]) {
    assert.throws(
      () => auditTime("since", bad),
      (e: unknown) => e instanceof UsageError && e.code === "bad_option_value" && e.message.includes("--since"),
      bad,
    );
  }
});
