import { test } from "node:test";
import assert from "node:assert/strict";
import type { Output } from "../notebook/types.ts";
import { applyTerminalControls } from "../render/terminal.ts";
import { OUTPUT_CUT_MARK, OutputModel, appendStreamText } from "./output-model.ts";

const stream = (text: string, name = "stdout"): Output => ({ output_type: "stream", name, text });
const display = (text: string): Output => ({ output_type: "display_data", data: { "text/plain": text }, metadata: {} });
const plain = (output: Output | undefined) =>
  output && "data" in output ? output.data["text/plain"] : output && "text" in output ? output.text : undefined;

test("chunks of one stream make one output; another stream or a display starts a new one", () => {
  const model = new OutputModel();
  model.startRun("c");
  model.add("c", stream("a"));
  model.add("c", stream("b\n"));
  model.add("c", stream("oops\n", "stderr"));
  model.add("c", stream("c\n"));
  model.add("c", display("shown"));
  model.add("c", stream("d"));
  assert.deepEqual(model.outputs("c"), [
    stream("ab\n"),
    stream("oops\n", "stderr"),
    stream("c\n"),
    display("shown"),
    stream("d"),
  ]);
});

test("a progress bar redrawn with \\r keeps one line, across chunks, and shows as its raw text would", () => {
  const model = new OutputModel();
  model.startRun("c");
  let raw = "";
  for (let i = 0; i <= 1000; i++) {
    const chunk = `\r${String(i / 10).padStart(5)}% |${"#".repeat(Math.floor(i / 50)).padEnd(20)}|`;
    raw += chunk;
    model.add("c", stream(chunk, "stderr"));
  }
  model.add("c", stream("\ndone\n", "stderr"));
  raw += "\ndone\n";
  const text = plain(model.outputs("c")[0]) as string;
  assert.equal(text, `  100% |${"#".repeat(20)}|\ndone\n`);
  assert.equal(applyTerminalControls(text), applyTerminalControls(raw));
});

test("an open line keeps its last \\r so that the next chunk overwrites it from the start", () => {
  assert.equal(appendStreamText("", "abcdef\r"), "abcdef\r");
  const kept = appendStreamText("abcdef\r", "XY");
  assert.equal(applyTerminalControls(kept), "XYcdef");
  assert.equal(applyTerminalControls(appendStreamText(kept, "\rZ")), "ZYcdef");
  // A backspace in a later chunk steps back over the previous chunk's text.
  assert.equal(applyTerminalControls(appendStreamText("abc", "\b\bX\n")), "aXc\n");
  // "\r\n" ends a line without erasing it.
  assert.equal(appendStreamText("", "line\r\nnext"), "line\nnext");
});

test("compacted text shows what the uncompacted text shows, however the stream is chunked", () => {
  // A fixed-seed generator over the characters that matter: text, newlines, returns, backspaces and an escape.
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const alphabet = ["a", "b", "c", "\n", "\r", "\r", "\b", "\x1b[31m", "é", "\r\n"];
  for (let round = 0; round < 500; round++) {
    let text = "";
    let raw = "";
    const chunks = 1 + Math.floor(next() * 8);
    for (let c = 0; c < chunks; c++) {
      let chunk = "";
      const length = Math.floor(next() * 12);
      for (let i = 0; i < length; i++) chunk += alphabet[Math.floor(next() * alphabet.length)];
      raw += chunk;
      text = appendStreamText(text, chunk);
    }
    assert.equal(applyTerminalControls(text), applyTerminalControls(raw), JSON.stringify(raw));
    assert.ok(text.length <= raw.length + 1, JSON.stringify(raw));
  }
});

test("clear_output with wait clears when the cell's next output arrives, not before", () => {
  const model = new OutputModel();
  model.startRun("c");
  model.add("c", stream("10%\n"));
  model.clear("c", true);
  assert.deepEqual(model.outputs("c"), [stream("10%\n")]);
  assert.equal(model.clearPending("c"), true);
  model.clear("c", true);
  model.add("c", stream("20%\n"));
  assert.deepEqual(model.outputs("c"), [stream("20%\n")]);
  assert.equal(model.clearPending("c"), false);
  // Each kind of output triggers the waiting clear.
  for (const output of [
    display("d"),
    { output_type: "execute_result", execution_count: 3, data: { "text/plain": "3" }, metadata: {} } as Output,
    { output_type: "error", ename: "E", evalue: "v", traceback: [] } as Output,
  ]) {
    model.clear("c", true);
    model.add("c", output);
    assert.deepEqual(model.outputs("c"), [output]);
  }
});

test("an update of a display does not trigger a waiting clear; clear_output without wait clears at once", () => {
  const model = new OutputModel();
  model.startRun("c");
  model.add("c", display("v1"), "bar");
  model.clear("c", true);
  model.updateDisplay("bar", { "text/plain": "v2" }, {});
  assert.deepEqual(model.outputs("c"), [display("v2")]);
  assert.equal(model.clearPending("c"), true);
  model.clear("c", false);
  assert.deepEqual(model.outputs("c"), []);
  assert.equal(model.clearPending("c"), false);
});

test("a run's start clears the cell, a waiting clear included", () => {
  const model = new OutputModel();
  model.startRun("c");
  model.add("c", stream("old"));
  model.clear("c", true);
  model.startRun("c");
  assert.deepEqual(model.outputs("c"), []);
  assert.equal(model.clearPending("c"), false);
  model.add("c", stream("new"));
  assert.deepEqual(model.outputs("c"), [stream("new")]);
});

test("update_display replaces every output with that display id, in every cell, keeping each output's type", () => {
  const model = new OutputModel();
  model.startRun("one");
  model.add("one", display("a1"), "a");
  model.add("one", stream("between\n"));
  model.add("one", display("b1"), "b");
  model.add(
    "one",
    { output_type: "execute_result", execution_count: 7, data: { "text/plain": "a1" }, metadata: {} },
    "a",
  );
  model.startRun("two");
  model.add("two", display("a1"), "a");
  const changed: string[] = [];
  model.onChange((cell) => changed.push(cell));
  model.updateDisplay("a", { "text/plain": "a2", "text/html": "<b>a2</b>" }, { isolated: true });
  const updated = { "text/plain": "a2", "text/html": "<b>a2</b>" };
  assert.deepEqual(model.outputs("one"), [
    { output_type: "display_data", data: updated, metadata: { isolated: true } },
    stream("between\n"),
    display("b1"),
    { output_type: "execute_result", execution_count: 7, data: updated, metadata: { isolated: true } },
  ]);
  assert.deepEqual(model.outputs("two"), [
    { output_type: "display_data", data: updated, metadata: { isolated: true } },
  ]);
  assert.deepEqual(changed.sort(), ["one", "two"]);
  // An unknown display id changes nothing; a cell cleared no longer shows its displays.
  model.updateDisplay("nope", { "text/plain": "x" }, {});
  model.clear("two", false);
  model.add("two", display("other"));
  model.updateDisplay("a", { "text/plain": "a3" }, {});
  assert.deepEqual(model.outputs("two"), [display("other")]);
  assert.equal(plain(model.outputs("one")[0]), "a3");
});

test("stored outputs loaded with their display ids take later updates", () => {
  const model = new OutputModel();
  model.load("c", [stream("s\n"), display("old")], [undefined, "d"]);
  model.updateDisplay("d", { "text/plain": "new" }, {});
  assert.deepEqual(model.outputs("c"), [stream("s\n"), display("new")]);
});

test("the model keeps its own copies: changing what was given changes nothing", () => {
  const model = new OutputModel();
  model.startRun("c");
  const given = display("mine");
  model.add("c", given, "d");
  (given as { data: Record<string, unknown> }).data["text/plain"] = "changed";
  const data = { "text/plain": "update" };
  model.updateDisplay("d", data, {});
  data["text/plain"] = "changed";
  assert.equal(plain(model.outputs("c")[0]), "update");
});

test("past the page's bounds a cell's outputs are cut once, with a note, until it is cleared", () => {
  const model = new OutputModel({ maxOutputs: 3, maxChars: 1000 });
  model.startRun("c");
  for (let i = 0; i < 10; i++) model.add("c", display(`d${i}`));
  const outputs = model.outputs("c");
  assert.equal(outputs.length, 4);
  assert.equal((outputs[3] as { metadata: Record<string, unknown> }).metadata[OUTPUT_CUT_MARK], true);
  assert.equal(model.truncated("c"), true);
  model.clear("c", false);
  assert.equal(model.truncated("c"), false);
  model.add("c", display("again"));
  assert.deepEqual(model.outputs("c"), [display("again")]);

  const chars = new OutputModel({ maxOutputs: 100, maxChars: 50 });
  chars.startRun("s");
  for (let i = 0; i < 20; i++) chars.add("s", stream("0123456789\n"));
  const [text, note] = chars.outputs("s");
  assert.equal(plain(text), "0123456789\n".repeat(4));
  assert.equal((note as { metadata: Record<string, unknown> }).metadata[OUTPUT_CUT_MARK], true);
  assert.equal(chars.outputs("s").length, 2);
  // A progress bar redrawn in place stays within the bound however long it runs.
  chars.startRun("bar");
  for (let i = 0; i < 10_000; i++) chars.add("bar", stream(`\r${i}`));
  assert.equal(chars.truncated("bar"), false);
  assert.equal(applyTerminalControls(plain(chars.outputs("bar")[0]) as string), "9999");
});

test("an update that would pass the bound leaves the output as it was", () => {
  const model = new OutputModel({ maxOutputs: 10, maxChars: 200 });
  model.startRun("c");
  model.add("c", display("small"), "d");
  model.updateDisplay("d", { "text/plain": "x".repeat(500) }, {});
  assert.deepEqual(model.outputs("c"), [display("small")]);
});

test("the server's note that outputs were cut is kept, and nothing after it until a clear", () => {
  const model = new OutputModel();
  model.startRun("c");
  model.add("c", stream("a"));
  const note: Output = {
    output_type: "display_data",
    data: { "text/plain": "Output cut" },
    metadata: { [OUTPUT_CUT_MARK]: true },
  };
  model.add("c", note);
  model.add("c", stream("b"));
  assert.deepEqual(model.outputs("c"), [stream("a"), note]);
  assert.equal(model.truncated("c"), true);
  model.clear("c", true);
  model.add("c", stream("c"));
  assert.deepEqual(model.outputs("c"), [stream("c")]);
});

test("listeners hear which cell changed; forget drops a cell", () => {
  const model = new OutputModel();
  const heard: string[] = [];
  const stop = model.onChange((cell) => heard.push(cell));
  model.startRun("a");
  model.add("a", stream("x"));
  model.clear("a", true);
  model.forget("a");
  stop();
  model.startRun("b");
  assert.deepEqual(heard, ["a", "a", "a"]);
  assert.deepEqual(model.outputs("a"), []);
});

test("with a scheduler, listeners hear each changed cell once per flush, after a flood of changes", () => {
  const flushes: (() => void)[] = [];
  const model = new OutputModel({}, (flush) => flushes.push(flush));
  const heard: string[][] = [];
  model.onChange((cell) => heard.at(-1)?.push(cell));
  model.load("shown", [display("0")], ["bar"]);
  model.startRun("run");
  for (let i = 1; i <= 5000; i++) {
    model.updateDisplay("bar", { "text/plain": String(i) }, {});
    model.add("run", stream(`\r${i}`));
  }
  // One flush asked for, whatever the number of changes; the data is current before anyone is told.
  assert.equal(flushes.length, 1);
  assert.equal(plain(model.outputs("shown")[0]), "5000");
  heard.push([]);
  flushes.shift()?.();
  assert.deepEqual(heard, [["shown", "run"]]);
  // Nothing changed since: nothing to tell, no flush asked. The next change asks again.
  assert.equal(flushes.length, 0);
  model.clear("run", false);
  assert.equal(flushes.length, 1);
  heard.push([]);
  flushes.shift()?.();
  assert.deepEqual(heard[1], ["run"]);
});

test("without a frame clock (here, in Node) listeners hear each change at once", () => {
  assert.equal(typeof globalThis.requestAnimationFrame, "undefined");
  const model = new OutputModel();
  const heard: string[] = [];
  model.onChange((cell) => heard.push(cell));
  model.add("c", stream("x"));
  model.add("c", stream("y"));
  assert.deepEqual(heard, ["c", "c"]);
});
