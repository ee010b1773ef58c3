// What a stored file gives search: cells and text outputs as a reader sees them, no markup, no terminal escapes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_ENTRY_CHARS, searchEntries } from "./search-text.ts";

const notebook = (cells: unknown[]) =>
  new TextEncoder().encode(JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }));

test("a notebook's name, markdown, code and text outputs, each with its cell; HTML and raw cells left out", () => {
  const bytes = notebook([
    { cell_type: "markdown", id: "m1", metadata: {}, source: "# Title" },
    {
      cell_type: "code",
      id: "c1",
      metadata: {},
      execution_count: 1,
      source: "print('x')",
      outputs: [
        { output_type: "stream", name: "stdout", text: "\u001b[0;31mred words\u001b[0m\n" },
        {
          output_type: "display_data",
          metadata: {},
          data: { "text/html": "<b class='secret-markup'>bold</b>", "text/plain": "<Plain object>" },
        },
        {
          output_type: "error",
          ename: "ValueError",
          evalue: "bad\u0001value",
          traceback: ["\u001b[0;31mValueError\u001b[0m Traceback (most recent call last)"],
        },
      ],
    },
    { cell_type: "raw", id: "r1", metadata: {}, source: "raw text" },
  ]);
  const entries = searchEntries({ path: "dir/n.ipynb", kind: "notebook", bytes });
  assert.deepEqual(entries, [
    { kind: "name", cellIndex: null, cellId: null, text: "dir/n.ipynb" },
    { kind: "markdown", cellIndex: 0, cellId: "m1", text: "# Title" },
    { kind: "code", cellIndex: 1, cellId: "c1", text: "print('x')" },
    {
      kind: "output",
      cellIndex: 1,
      cellId: "c1",
      text: "red words\n\n<Plain object>\nValueError: bad value\nValueError Traceback (most recent call last)",
    },
  ]);
});

test("a text file is one entry; entries are bounded", () => {
  const long = "word ".repeat(MAX_ENTRY_CHARS);
  const entries = searchEntries({ path: "a.py", kind: "text", bytes: new TextEncoder().encode(long) });
  assert.equal(entries.length, 2);
  assert.equal(entries[1]?.kind, "text");
  assert.equal(entries[1]?.text.length, MAX_ENTRY_CHARS);
});

test("a notebook today's reader refuses is found by its name only", () => {
  const bytes = new TextEncoder().encode('{"nbformat": 4, "nbformat": 4, "cells": []}');
  assert.deepEqual(searchEntries({ path: "old.ipynb", kind: "notebook", bytes }), [
    { kind: "name", cellIndex: null, cellId: null, text: "old.ipynb" },
  ]);
});
