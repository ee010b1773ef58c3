import { test } from "node:test";
import assert from "node:assert/strict";
import { locatePointer, pointerAtOffset } from "./json-locate.ts";

test("locatePointer finds where a value starts", () => {
  const text =
    '{\n  "cells": [\n    {"source": "x", "a/b": {"~": [10, 20]}},\n    {"id": "\\u0041"}\n  ],\n  "k\\"q": 1\n}';
  assert.deepEqual(locatePointer(text, ""), { line: 1, column: 1 });
  assert.deepEqual(locatePointer(text, "/cells"), { line: 2, column: 12 });
  assert.deepEqual(locatePointer(text, "/cells/0/source"), { line: 3, column: 16 });
  assert.deepEqual(locatePointer(text, "/cells/0/a~1b/~0/1"), { line: 3, column: 39 });
  assert.deepEqual(locatePointer(text, "/cells/1/id"), { line: 4, column: 12 });
  assert.deepEqual(locatePointer(text, '/k"q'), { line: 6, column: 11 });
  assert.equal(locatePointer(text, "/cells/2"), undefined);
  assert.equal(locatePointer(text, "/cells/x"), undefined);
  assert.equal(locatePointer(text, "/cells/01"), undefined);
  assert.equal(locatePointer(text, "/missing"), undefined);
  assert.equal(locatePointer(text, "/cells/0/source/0"), undefined);
  assert.equal(locatePointer(text, "no-slash"), undefined);
  // Deep text is walked without recursion.
  assert.deepEqual(locatePointer("[".repeat(100_000), "/0/0/0"), { line: 1, column: 4 });
});

test("pointerAtOffset names the value around an offset, even in cut-off text", () => {
  const text = '{"cells": [{"source": ["ab", "cd"]}, {"x": 1}], "meta": {"k": "v';
  assert.equal(pointerAtOffset(text, text.indexOf("cd") + 1), "/cells/0/source/1");
  assert.equal(pointerAtOffset(text, text.indexOf('"x"') + 1), "/cells/1");
  assert.equal(pointerAtOffset(text, text.indexOf("1}")), "/cells/1/x");
  assert.equal(pointerAtOffset(text, text.length), "/meta/k");
  assert.equal(pointerAtOffset(text, 0), "");
});
