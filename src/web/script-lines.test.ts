import assert from "node:assert/strict";
import { test } from "node:test";
import { languageOfPath, runsByLine } from "./script-lines.ts";

test("runs are split at newlines and keep their classes on each line", () => {
  const lines = runsByLine([
    { text: "a = '''x\ny'''", classes: ["hljs-string"] },
    { text: "\n\nprint(a)", classes: [] },
  ]);
  assert.deepEqual(lines, [
    [{ text: "a = '''x", classes: ["hljs-string"] }],
    [{ text: "y'''", classes: ["hljs-string"] }],
    [],
    [{ text: "print(a)", classes: [] }],
  ]);
});

test("languages come from the extension", () => {
  assert.equal(languageOfPath("a/b/train.PY"), "python");
  assert.equal(languageOfPath("x.R"), "r");
  assert.equal(languageOfPath("notes"), "");
});
