import { test } from "node:test";
import assert from "node:assert/strict";
import type { Notebook, Output } from "../notebook/types.ts";
import { buildRenderPlan } from "./plan.ts";
import { chooseMimeType, MIME_PRIORITY } from "./output-types.ts";
import type { CodeCellPlan, OutputPlan } from "./plan-types.ts";
import { png } from "../../test/png-fixture.ts";
import { renderMarkdown } from "./markdown.ts";

const PNG_1x1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const JPEG_HEAD =
  "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==";

function outputsOf(outputs: Output[], metadata: Notebook["metadata"] = {}): OutputPlan[] {
  const nb: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata,
    cells: [{ cell_type: "code", id: "c", source: "", metadata: {}, execution_count: 1, outputs }],
  };
  return (buildRenderPlan(nb, { markdown: renderMarkdown }).cells[0] as CodeCellPlan).outputs;
}

test("mime priority prefers the richest representation and skips widgets without state", () => {
  assert.equal(chooseMimeType(["text/plain", "text/html", "image/png"], { widgetState: false }), "text/html");
  assert.equal(chooseMimeType(["text/plain", "image/png"], { widgetState: false }), "image/png");
  assert.equal(
    chooseMimeType(["application/vnd.jupyter.widget-view+json", "text/plain"], { widgetState: false }),
    "text/plain",
  );
  assert.equal(
    chooseMimeType(["application/vnd.jupyter.widget-view+json", "text/plain"], { widgetState: true }),
    "application/vnd.jupyter.widget-view+json",
  );
  assert.equal(
    chooseMimeType(["application/vnd.vegalite.v4+json", "image/png"], { widgetState: false }),
    "application/vnd.vegalite.v4+json",
  );
  assert.equal(chooseMimeType(["application/x-unknown"], { widgetState: false }), undefined);
  assert.equal(new Set(MIME_PRIORITY).size, MIME_PRIORITY.length);
});

test("consecutive chunks of one stream merge and carriage returns apply across them", () => {
  const [first, second, ...rest] = outputsOf([
    { output_type: "stream", name: "stdout", text: "10%\r" },
    { output_type: "stream", name: "stdout", text: "100%\n" },
    { output_type: "stream", name: "stderr", text: "warn\n" },
  ]);
  assert.deepEqual(rest, []);
  assert.equal(first?.kind, "text");
  assert.equal(first?.kind === "text" && first.runs.map((r) => r.text).join(""), "100%\n");
  assert.equal(second?.kind === "text" && second.stream, "stderr");
});

test("raster images are checked by magic bytes; mismatches become a notice", () => {
  const [png, jpegAsPng, html, jpeg] = outputsOf([
    {
      output_type: "display_data",
      metadata: { "image/png": { width: 40, height: "90" } },
      data: { "image/png": PNG_1x1 },
    },
    { output_type: "display_data", metadata: {}, data: { "image/png": JPEG_HEAD } },
    {
      output_type: "display_data",
      metadata: {},
      data: { "image/png": Buffer.from("<svg onload=alert(1)>").toString("base64") },
    },
    { output_type: "display_data", metadata: {}, data: { "image/jpeg": JPEG_HEAD } },
  ]);
  assert.equal(png?.kind, "image");
  assert.equal(png?.kind === "image" && png.width, 40);
  assert.equal(
    png?.kind === "image" && png.height,
    40,
    "a string height is ignored: the image's own proportions (1×1) give it",
  );
  assert.equal(jpegAsPng?.kind === "notice" && jpegAsPng.code, "invalid_image");
  assert.equal(html?.kind === "notice" && html.code, "invalid_image");
  assert.equal(jpeg?.kind === "image" && jpeg.dataUrl.startsWith("data:image/jpeg;base64,"), true);
});

test("an image has its display size before it is decoded: the metadata's, completed or given by its header", () => {
  const wide = png(300, 100).toString("base64");
  const sizes = outputsOf([
    { output_type: "display_data", metadata: {}, data: { "image/png": wide } },
    { output_type: "display_data", metadata: { "image/png": { width: 150 } }, data: { "image/png": wide } },
    { output_type: "display_data", metadata: { height: 50 }, data: { "image/png": wide } },
    { output_type: "display_data", metadata: { width: 10, height: 10 }, data: { "image/png": wide } },
  ]).map((o) => (o?.kind === "image" ? [o.width, o.height] : o?.kind));
  assert.deepEqual(sizes, [
    [300, 100],
    [150, 50],
    [150, 50],
    [10, 10],
  ]);
  // A JPEG says its size after its EXIF data, here 3 KB in: still read.
  const exif = Buffer.alloc(3000);
  exif.writeUInt16BE(0xffe1, 0);
  exif.writeUInt16BE(2998, 2);
  const frame = Buffer.from([0xff, 0xc0, 0, 17, 8, 0, 120, 0, 160, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xff, 0xd9]);
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8]), exif, frame]).toString("base64");
  const [photo] = outputsOf([{ output_type: "display_data", metadata: {}, data: { "image/jpeg": jpeg } }]);
  assert.deepEqual(photo?.kind === "image" ? [photo.width, photo.height] : photo, [160, 120]);
});

test("every active type becomes a frame, with fallbacks kept", () => {
  // application/json is drawn on the page; it is checked on its own below.
  const types = [
    "text/html",
    "image/svg+xml",
    "application/javascript",
    "text/markdown",
    "text/latex",
    "application/vnd.vegalite.v4+json",
    "application/vnd.plotly.v1+json",
  ];
  const plans = outputsOf(
    types.map((mime) => ({
      output_type: "display_data" as const,
      metadata: {},
      data: { [mime]: mime.endsWith("json") ? { a: 1 } : "x", "image/png": PNG_1x1, "text/plain": "fallback" },
    })),
  );
  assert.deepEqual(
    plans.map((p) => (p.kind === "frame" ? p.mime : p.kind)),
    types,
  );
  for (const p of plans) {
    assert.ok(p.kind === "frame" && p.fallbackImage?.kind === "image" && p.fallbackText === "fallback");
  }
  const [json] = outputsOf([
    {
      output_type: "display_data",
      metadata: {},
      data: { "application/json": { a: [1, 2] }, "text/plain": "{'a': [1, 2]}" },
    },
  ]);
  // JSON data is text on the page, indented; its escapes keep a terminal's control characters as text.
  assert.deepEqual(json?.kind === "text" && [json.stream, json.runs, json.lineCount], [
    "result",
    [{ text: '{\n  "a": [\n    1,\n    2\n  ]\n}', classes: [] }],
    6,
  ]);
  const [escaped] = outputsOf([
    { output_type: "display_data", metadata: {}, data: { "application/json": "\x1b[31m<b>" } },
  ]);
  assert.deepEqual(escaped?.kind === "text" && escaped.runs, [{ text: '"\\u001b[31m<b>"', classes: [] }]);
});

test("errors and execute results keep their text and counts; unknown types are named", () => {
  const [error, result, unknown, empty] = outputsOf([
    { output_type: "error", ename: "ValueError", evalue: "bad", traceback: ["\x1b[31mValueError\x1b[0m: bad"] },
    { output_type: "execute_result", execution_count: 7, metadata: {}, data: { "text/plain": "42" } },
    { output_type: "display_data", metadata: {}, data: { "application/x-custom": "?" } },
    { output_type: "display_data", metadata: {}, data: {} },
  ]);
  assert.deepEqual(error?.kind === "error" && error.runs, [
    { text: "ValueError", classes: ["ansi-red-fg"] },
    { text: ": bad", classes: [] },
  ]);
  assert.equal(result?.kind === "text" && result.executionCount, 7);
  assert.equal(unknown?.kind === "notice" && unknown.message, "No viewer for this output (application/x-custom).");
  assert.equal(empty?.kind === "notice" && empty.message, "This output is empty.");
});

test("cell visibility, tags, raw formats and the title come from metadata", () => {
  const nb: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { title: "  My analysis ", kernelspec: { name: "ir", display_name: "R", language: "R" } },
    cells: [
      {
        cell_type: "code",
        id: "a",
        source: "x",
        metadata: { jupyter: { source_hidden: true }, tags: ["t1", 3 as unknown as string] },
        execution_count: null,
        outputs: [],
      },
      { cell_type: "code", id: "b", source: "y", metadata: { collapsed: true }, execution_count: null, outputs: [] },
      { cell_type: "raw", id: "c", source: "z", metadata: { raw_mimetype: "text/latex" } },
    ],
  };
  const plan = buildRenderPlan(nb, { markdown: renderMarkdown });
  assert.equal(plan.title, "My analysis");
  assert.equal(plan.language, "R");
  assert.deepEqual(plan.cells[0]?.visibility, { sourceHidden: true, outputsHidden: false });
  assert.deepEqual(plan.cells[0]?.tags, ["t1"]);
  assert.deepEqual(plan.cells[1]?.visibility, { sourceHidden: false, outputsHidden: true });
  assert.equal(plan.cells[2]?.kind === "raw" && plan.cells[2].format, "text/latex");
});

test("an output's line count is the lines a terminal shows: a final newline starts no extra line", () => {
  const count = (text: string) => {
    const [plan] = outputsOf([{ output_type: "stream", name: "stdout", text }]);
    assert.equal(plan?.kind, "text");
    return plan.kind === "text" ? plan.lineCount : -1;
  };
  assert.equal(count("one\ntwo\n"), 2);
  assert.equal(count("one\ntwo"), 2);
  assert.equal(count("one\n\n"), 2);
  assert.equal(count("\n"), 1);
  assert.equal(count(""), 0);
});
