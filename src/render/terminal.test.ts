import { test } from "node:test";
import assert from "node:assert/strict";
import { applyTerminalControls, terminalTextToRuns } from "./terminal.ts";

test("carriage return overwrites the line like a terminal", () => {
  assert.equal(applyTerminalControls("progress 10%\rprogress 50%\rprogress 100%\ndone"), "progress 100%\ndone");
  assert.equal(applyTerminalControls("abcdef\rXY"), "XYcdef");
  assert.equal(applyTerminalControls("line\r\nnext"), "line\nnext");
});

test("backspace steps back one character", () => {
  assert.equal(applyTerminalControls("abc\b\bXY"), "aXY");
  assert.equal(applyTerminalControls("\b\bab"), "ab");
});

test("ANSI colours become classes, not styles", () => {
  const runs = terminalTextToRuns("\x1b[31mred\x1b[0m plain \x1b[1;32mok\x1b[0m");
  assert.deepEqual(runs, [
    { text: "red", classes: ["ansi-red-fg"] },
    { text: " plain ", classes: [] },
    { text: "ok", classes: ["ansi-green-fg", "ansi-bold"] },
  ]);
});

test("palette colours above 15 and truecolour drop to plain text; no escape survives", () => {
  const runs = terminalTextToRuns("\x1b[38;5;9mbright\x1b[0m\x1b[38;5;200mpal\x1b[38;2;1;2;3mtc\x1b]0;title\x07end");
  assert.deepEqual(runs[0], { text: "bright", classes: ["ansi-bright-red-fg"] });
  const all = runs.map((r) => r.text).join("");
  assert.equal(all.includes("\x1b"), false);
  assert.ok(all.endsWith("end"));
});

test("colour escapes survive carriage-return processing", () => {
  const runs = terminalTextToRuns("old\r\x1b[34mnew\x1b[0m");
  assert.deepEqual(runs, [{ text: "new", classes: ["ansi-blue-fg"] }]);
});

test("large input stays linear", () => {
  const big = "x".repeat(200_000) + "\r".repeat(1) + "y";
  assert.equal(applyTerminalControls(big).length, 200_000);
});
