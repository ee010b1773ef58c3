import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CHORD_TIMEOUT_MS,
  describeKeys,
  KeyChords,
  NOTEBOOK_KEYS,
  shortcutList,
  strokeOf,
  type KeyMode,
  type KeyPress,
} from "./notebook-keys.ts";

function press(key: string, mods: Partial<KeyPress> = {}): KeyPress {
  return { key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods };
}

function commandOf(mode: KeyMode, p: KeyPress, chords = new KeyChords(), now = 0) {
  const stroke = strokeOf(p);
  assert.ok(stroke);
  const r = chords.resolve(mode, stroke, now);
  return r.kind === "command" ? r.command : r.kind;
}

test("key presses become strokes: modifiers in order, letters upper case, Cmd as Ctrl, minus by its key", () => {
  assert.equal(strokeOf(press("a")), "A");
  assert.equal(strokeOf(press("A", { shiftKey: true })), "Shift-A");
  assert.equal(strokeOf(press("Enter", { shiftKey: true })), "Shift-Enter");
  assert.equal(strokeOf(press("s", { metaKey: true })), "Ctrl-S");
  assert.equal(strokeOf(press("_", { ctrlKey: true, shiftKey: true, code: "Minus" })), "Ctrl-Shift-Minus");
  assert.equal(strokeOf(press("_", { ctrlKey: true, shiftKey: true })), "Ctrl-Shift-Minus");
  // The physical key decides on other layouts: a French keyboard's A key is "KeyQ".
  assert.equal(strokeOf(press("ф", { code: "KeyA" })), "A");
  assert.equal(strokeOf(press("à", { code: "Digit0" })), "0");
  assert.equal(strokeOf(press("Enter", { altKey: true })), "Alt-Enter");
  assert.equal(strokeOf(press("ArrowUp", { ctrlKey: true, shiftKey: true })), "Ctrl-Shift-ArrowUp");
  assert.equal(strokeOf(press("Shift", { shiftKey: true })), undefined);
  assert.equal(strokeOf(press("Control", { ctrlKey: true })), undefined);
});

test("command mode: JupyterLab's single keys", () => {
  const expected: [KeyPress, string][] = [
    [press("Enter"), "enter-edit"],
    [press("Enter", { shiftKey: true }), "run-and-select-next"],
    [press("Enter", { ctrlKey: true }), "run"],
    [press("Enter", { altKey: true }), "run-and-insert-below"],
    [press("a"), "insert-above"],
    [press("b"), "insert-below"],
    [press("m"), "to-markdown"],
    [press("y"), "to-code"],
    [press("r"), "to-raw"],
    [press("z"), "undo"],
    [press("Z", { shiftKey: true }), "redo"],
    [press("x"), "cut"],
    [press("c"), "copy"],
    [press("v"), "paste-below"],
    [press("V", { shiftKey: true }), "paste-above"],
    [press("ArrowUp"), "select-above"],
    [press("k"), "select-above"],
    [press("ArrowDown"), "select-below"],
    [press("j"), "select-below"],
    [press("ArrowUp", { shiftKey: true }), "extend-above"],
    [press("ArrowDown", { shiftKey: true }), "extend-below"],
    [press("M", { shiftKey: true }), "merge"],
    [press("s", { ctrlKey: true }), "save"],
    [press("ArrowDown", { ctrlKey: true, shiftKey: true }), "move-down"],
  ];
  for (const [p, command] of expected) assert.equal(commandOf("command", p), command, JSON.stringify(p));
});

test("edit mode: letters are typing, only the edit-mode keys are commands", () => {
  assert.equal(commandOf("edit", press("a")), "none");
  assert.equal(commandOf("edit", press("d")), "none", "D is not the start of a chord while typing");
  assert.equal(commandOf("edit", press("Enter")), "none", "Enter is a new line");
  assert.equal(commandOf("edit", press("ArrowUp")), "none");
  assert.equal(commandOf("edit", press("Escape")), "enter-command");
  assert.equal(commandOf("edit", press("Enter", { shiftKey: true })), "run-and-select-next");
  assert.equal(commandOf("edit", press("Enter", { ctrlKey: true })), "run");
  assert.equal(commandOf("edit", press("Enter", { altKey: true })), "run-and-insert-below");
  assert.equal(commandOf("edit", press("_", { ctrlKey: true, shiftKey: true, code: "Minus" })), "split");
  assert.equal(commandOf("edit", press("s", { metaKey: true })), "save");
  assert.equal(commandOf("command", press("Escape")), "none");
  assert.equal(commandOf("command", press("_", { ctrlKey: true, shiftKey: true, code: "Minus" })), "none");
});

test("chords: D D deletes, 0 0 restarts, I I interrupts; a lone first stroke waits", () => {
  const chords = new KeyChords();
  assert.equal(commandOf("command", press("d"), chords, 0), "pending");
  assert.equal(commandOf("command", press("d"), chords, 300), "delete");
  assert.equal(commandOf("command", press("0"), chords, 1000), "pending");
  assert.equal(commandOf("command", press("0"), chords, 1200), "restart");
  assert.equal(commandOf("command", press("i"), chords, 2000), "pending");
  assert.equal(commandOf("command", press("i"), chords, 2100), "interrupt");
});

test("a chord breaks on another key, on a pause over the timeout, and on a change of mode", () => {
  const chords = new KeyChords();
  assert.equal(commandOf("command", press("d"), chords, 0), "pending");
  assert.equal(commandOf("command", press("b"), chords, 10), "insert-below", "the other key does its own command");
  assert.equal(commandOf("command", press("d"), chords, 20), "pending");
  assert.equal(
    commandOf("command", press("d"), chords, 20 + CHORD_TIMEOUT_MS + 1),
    "pending",
    "too late: starts again",
  );
  assert.equal(commandOf("command", press("d"), chords, 30 + CHORD_TIMEOUT_MS), "delete");
  assert.equal(commandOf("command", press("d"), chords, 5000), "pending");
  assert.equal(commandOf("edit", press("d"), chords, 5001), "none");
  assert.equal(commandOf("command", press("d"), chords, 5002), "pending", "the edit-mode D did not complete it");
  chords.reset();
  assert.equal(commandOf("command", press("i"), chords, 5003), "pending");
  assert.equal(commandOf("command", press("d"), chords, 5004), "pending", "I then D is no chord; D starts one");
  assert.equal(commandOf("command", press("d"), chords, 5005), "delete");
});

test("every binding is reachable, and no stroke means two things in one mode", () => {
  const seen = new Map<string, string>();
  for (const binding of NOTEBOOK_KEYS) {
    for (const mode of binding.modes) {
      const key = `${mode} ${binding.keys.join(" ")}`;
      assert.equal(seen.has(key), false, `${key} is bound twice`);
      seen.set(key, binding.command);
      // A chord's first stroke must not be a command of its own, or the chord could never be typed.
      if (binding.keys.length === 2) {
        assert.equal(
          NOTEBOOK_KEYS.some((b) => b.modes.includes(mode) && b.keys.length === 1 && b.keys[0] === binding.keys[0]),
          false,
        );
      }
      const chords = new KeyChords();
      let result;
      for (const stroke of binding.keys) result = chords.resolve(mode, stroke, 0);
      assert.deepEqual(result, { kind: "command", command: binding.command });
    }
  }
});

test("the shortcut list shows each command once per mode, with readable keys", () => {
  const rows = shortcutList();
  const above = rows.find((r) => r.label === "Select the cell above");
  assert.deepEqual(above, { keys: "↑ or K", label: "Select the cell above", mode: "command mode" });
  assert.equal(rows.find((r) => r.label.startsWith("Delete"))?.keys, "D, D");
  assert.equal(rows.find((r) => r.label.startsWith("Split"))?.keys, "Ctrl Shift -");
  assert.equal(rows.find((r) => r.label === "Save")?.mode, "both modes");
  assert.equal(describeKeys(["Shift-ArrowDown"]), "Shift ↓");
  assert.equal(new Set(rows.map((r) => `${r.label} ${r.mode}`)).size, rows.length);
});
