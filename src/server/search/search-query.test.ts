// A person's words never reach FTS5 as syntax: hostile queries run against a real FTS5 table without an error, and
// find their words as text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { AppError } from "../errors.ts";
import { fts5MatchExpression, MAX_QUERY_CHARS, readSearchQuery } from "./search-query.ts";

const db = new DatabaseSync(":memory:");
db.exec("create virtual table t using fts5(text, tokenize = 'unicode61 remove_diacritics 2')");
const insert = db.prepare("insert into t (text) values (?)");
for (const text of ["NEAR the café", "select * from users", "column:value AND OR NOT", "plain words here"])
  insert.run(text);
function matches(query: string): string[] {
  const match = fts5MatchExpression(readSearchQuery(query));
  if (match === null) return [];
  const rows = db.prepare("select text from t where t match ? order by rowid").all(match) as { text: string }[];
  return rows.map((r) => r.text);
}

test("hostile queries run without error and match only their words as text", () => {
  for (const hostile of [
    '"',
    "NEAR(",
    "*",
    "(",
    ")",
    "^",
    "-",
    ":",
    '"unterminated',
    "a OR",
    "NOT",
    "AND AND",
    "{}",
    "+",
  ])
    assert.doesNotThrow(() => matches(hostile), hostile);
  assert.deepEqual(matches("*"), []);
  assert.deepEqual(matches('"'), []);
  assert.deepEqual(matches("NEAR("), ["NEAR the café"]);
  assert.deepEqual(matches("column:value"), ["column:value AND OR NOT"]);
  assert.deepEqual(matches("OR NOT"), ["column:value AND OR NOT"]);
  assert.deepEqual(matches('select "*"'), ["select * from users"]);
});

test("every word must match; the last one matches as a prefix unless the query ends with a space", () => {
  assert.deepEqual(matches("plain wor"), ["plain words here"]);
  assert.deepEqual(matches("plain wor "), []);
  assert.deepEqual(matches("plain users"), []);
  assert.deepEqual(matches("cafe"), ["NEAR the café"]);
});

test("terms with no letter or digit are dropped; a query of none is empty", () => {
  assert.deepEqual(readSearchQuery(' " * ( '), { terms: [], prefixLast: false });
  assert.equal(fts5MatchExpression(readSearchQuery('" *')), null);
  assert.equal(fts5MatchExpression(readSearchQuery('say "hi"')), '"say" """hi"""*');
});

test("a query longer than the limit is refused with a stable code", () => {
  assert.throws(
    () => readSearchQuery("x".repeat(MAX_QUERY_CHARS + 1)),
    (e: unknown) => e instanceof AppError && e.code === "query_too_long" && e.status === 400,
  );
});
