import assert from "node:assert/strict";
import { test } from "node:test";
import type { JsonObject } from "../notebook/types.ts";
import { cutToBytes, OutputCollector, TRUNCATION_MARK } from "./outputs.ts";
import { Session } from "./wire.ts";

const session = new Session("k".repeat(64));
const iopub = (type: string, content: JsonObject) => session.message(type, content);

test("consecutive stream chunks of one name make one output; another name starts a new one", () => {
  const collector = new OutputCollector();
  collector.accept(iopub("stream", { name: "stdout", text: "a" }));
  collector.accept(iopub("stream", { name: "stdout", text: "b" }));
  collector.accept(iopub("stream", { name: "stderr", text: "c" }));
  assert.deepEqual(collector.outputs, [
    { output_type: "stream", name: "stdout", text: "ab" },
    { output_type: "stream", name: "stderr", text: "c" },
  ]);
});

test("past the byte cap a stream is cut exactly there, followed by one note; later outputs are dropped", () => {
  const collector = new OutputCollector({ maxBytes: 10, maxOutputs: 100 });
  collector.accept(iopub("stream", { name: "stdout", text: "123456" }));
  const events = collector.accept(iopub("stream", { name: "stdout", text: "789012345" }));
  assert.equal(events.length, 2);
  collector.accept(iopub("display_data", { data: { "text/plain": "late" }, metadata: {} }));
  assert.equal(collector.outputs.length, 2);
  assert.equal((collector.outputs[0] as { text: string }).text, "1234567890");
  assert.equal((collector.outputs[1] as { metadata: JsonObject }).metadata[TRUNCATION_MARK], true);
  assert.equal(collector.truncated, true);
});

test("past the output count cap: one note", () => {
  const collector = new OutputCollector({ maxBytes: 1e6, maxOutputs: 2 });
  for (let i = 0; i < 5; i++) collector.accept(iopub("display_data", { data: { "text/plain": `${i}` }, metadata: {} }));
  assert.equal(collector.outputs.length, 3);
  assert.ok(collector.outputs[2]!.output_type === "display_data" && collector.outputs[2]!.metadata[TRUNCATION_MARK]);
});

test("clear_output frees what was kept; with wait it clears at the next output", () => {
  const collector = new OutputCollector({ maxBytes: 10, maxOutputs: 100 });
  collector.accept(iopub("stream", { name: "stdout", text: "0123456789" }));
  collector.accept(iopub("clear_output", { wait: true }));
  assert.equal(collector.outputs.length, 1);
  collector.accept(iopub("stream", { name: "stdout", text: "new" }));
  assert.deepEqual(collector.outputs, [{ output_type: "stream", name: "stdout", text: "new" }]);
  collector.accept(iopub("clear_output", { wait: false }));
  assert.deepEqual(collector.outputs, []);
  assert.equal(collector.bytes, 0);
});

test("update_display_data replaces the outputs of its display id", () => {
  const collector = new OutputCollector();
  collector.accept(
    iopub("display_data", { data: { "text/plain": "1" }, metadata: {}, transient: { display_id: "d" } }),
  );
  collector.accept(iopub("display_data", { data: { "text/plain": "other" }, metadata: {} }));
  const events = collector.accept(
    iopub("update_display_data", { data: { "text/plain": "2" }, metadata: {}, transient: { display_id: "d" } }),
  );
  assert.equal(events[0]!.type, "update_display_data");
  assert.deepEqual(collector.outputs[0], { output_type: "display_data", data: { "text/plain": "2" }, metadata: {} });
});

test("content of the wrong shape is dropped and counted, not passed on", () => {
  const collector = new OutputCollector();
  assert.deepEqual(collector.accept(iopub("stream", { name: "stdout", text: 5 })), []);
  assert.deepEqual(collector.accept(iopub("display_data", { data: { "text/html": { x: 1 } }, metadata: {} })), []);
  assert.deepEqual(collector.accept(iopub("error", { ename: "E", evalue: "v", traceback: [1] })), []);
  assert.equal(collector.malformed, 3);
  assert.deepEqual(collector.outputs, []);
  collector.accept(iopub("display_data", { data: { "application/json": { x: 1 }, "text/plain": ["a", "b"] } }));
  assert.deepEqual(collector.outputs[0], {
    output_type: "display_data",
    data: { "application/json": { x: 1 }, "text/plain": "ab" },
    metadata: {},
  });
});

test("cutToBytes never exceeds the budget nor splits a character", () => {
  assert.equal(cutToBytes("héllo", 2), "h");
  assert.equal(cutToBytes("😀😀", 5), "😀");
  assert.equal(cutToBytes("abc", 0), "");
  assert.equal(cutToBytes("abc", 10), "abc");
});
