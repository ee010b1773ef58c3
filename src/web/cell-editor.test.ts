import { test } from "node:test";
import assert from "node:assert/strict";
import { editorLanguage } from "./cell-editor.ts";

test("a cell is edited in its notebook's language: code by the kernel's language, markdown as markdown, raw as text", () => {
  assert.equal(editorLanguage("code", "python"), "python");
  assert.equal(editorLanguage("code", "Python3"), "python");
  assert.equal(editorLanguage("code", "R"), "r");
  assert.equal(editorLanguage("code", "julia"), "julia");
  assert.equal(editorLanguage("code", "sql"), "sql");
  assert.equal(editorLanguage("code", "bash"), "shell");
  assert.equal(editorLanguage("code", "sh"), "shell");
  assert.equal(editorLanguage("code", "scala"), "plain");
  assert.equal(editorLanguage("code", "__proto__"), "plain");
  assert.equal(editorLanguage("markdown", "python"), "markdown");
  assert.equal(editorLanguage("raw", "python"), "plain");
});
