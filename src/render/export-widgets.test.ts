import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JSDOM } from "jsdom";
import { parseNotebook } from "../notebook/parse.ts";
import { sha256Source } from "./csp.ts";
import { exportNotebookHtml } from "./export.ts";
import { EXPORT_DRAW_BLOCK_ID, inertScriptText, LIBRARY_BLOCK_ATTRIBUTE } from "./export-libraries.ts";
import { exportWidgetManager, WIDGETS_BUILD_SCRIPT, WIDGETS_BUILD_STYLESHEET } from "./export-widgets.ts";

// A widget manager build of a few bytes in a folder of its own: what the export does with the build (carry it once,
// allow it by hash, hand each frame its models) does not depend on the manager's code, which the browser test
// (test/e2e/export-widgets.test.ts) runs for real.
const buildDir = mkdtempSync(join(tmpdir(), "vitrine-widget-build-"));
const SCRIPT = "globalThis.VitrineWidgets = { drawWidget: async () => undefined }; // </script> stays inert";
const STYLESHEET = ".widget-slider { color: red }";
writeFileSync(join(buildDir, WIDGETS_BUILD_SCRIPT), SCRIPT);
writeFileSync(join(buildDir, WIDGETS_BUILD_STYLESHEET), STYLESHEET);
const missingDir = join(buildDir, "not-built");

const VIEW = "application/vnd.jupyter.widget-view+json";

function model(name: string, state: Record<string, unknown>) {
  return { model_name: name, model_module: "@jupyter-widgets/controls", model_module_version: "1.5.0", state };
}

function viewCell(modelId: string, fallbackText?: string) {
  const data: Record<string, unknown> = { [VIEW]: { version_major: 2, version_minor: 0, model_id: modelId } };
  if (fallbackText !== undefined) data["text/plain"] = fallbackText;
  return {
    cell_type: "code",
    execution_count: 1,
    metadata: {},
    source: "",
    outputs: [{ output_type: "display_data", metadata: {}, data }],
  };
}

/** Three slider views, each with its own layout, and a box holding two of them. */
function widgetNotebook(withState = true) {
  const state = {
    a: model("IntSliderModel", { value: 1, layout: "IPY_MODEL_la" }),
    b: model("IntSliderModel", { value: 2, layout: "IPY_MODEL_lb" }),
    c: model("IntSliderModel", { value: 3, layout: "IPY_MODEL_lc" }),
    box: model("HBoxModel", { children: ["IPY_MODEL_a", "IPY_MODEL_b"] }),
    la: model("LayoutModel", {}),
    lb: model("LayoutModel", {}),
    lc: model("LayoutModel", {}),
  };
  return {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: withState
      ? { widgets: { "application/vnd.jupyter.widget-state+json": { version_major: 2, version_minor: 0, state } } }
      : {},
    cells: [viewCell("a", "IntSlider(value=1)"), viewCell("b"), viewCell("c"), viewCell("box"), viewCell("gone")],
  };
}

function exported(notebook: object, widgetBuildDir: string): Document {
  const parsed = parseNotebook(new TextEncoder().encode(JSON.stringify(notebook)), { file: "w.ipynb" });
  return new JSDOM(exportNotebookHtml(parsed, { fileName: "w.ipynb", widgetBuildDir })).window.document;
}

function libraryBlocks(doc: Document): string[] {
  return [...doc.querySelectorAll(`script[${LIBRARY_BLOCK_ATTRIBUTE}]`)].map((block) =>
    block.getAttribute(LIBRARY_BLOCK_ATTRIBUTE)!,
  );
}

function drawBlocks(doc: Document): ({ kind: string; modelId: string; state: { state: object } } | null)[] {
  return [...doc.querySelectorAll("iframe.vt-frame")].map((frame) => {
    const inner = new JSDOM(frame.getAttribute("srcdoc")!).window.document;
    const block = inner.getElementById(EXPORT_DRAW_BLOCK_ID);
    return block === null ? null : JSON.parse(block.textContent!);
  });
}

test("a notebook with widget state carries the manager once, as one script and one style, allowed by hash", () => {
  const doc = exported(widgetNotebook(), buildDir);
  assert.deepEqual(libraryBlocks(doc), ["widgets:style", "widgets"]);
  const csp = doc.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute("content")!;
  assert.ok(csp.includes(sha256Source(inertScriptText(SCRIPT))), "the manager's script is allowed by its hash");
  assert.ok(csp.includes(sha256Source(STYLESHEET)), "its stylesheet is allowed by its hash");
  assert.match(csp, /font-src data:/, "its icon fonts are data: URLs");
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  const block = doc.querySelector(`script[${LIBRARY_BLOCK_ATTRIBUTE}="widgets"]`)!;
  assert.equal(block.getAttribute("type"), "application/octet-stream");
  assert.ok(block.textContent!.includes("<\\/script>"), "a closing tag in the manager cannot end its block");
});

test("each widget frame's draw block holds only its view's models", () => {
  const blocks = drawBlocks(exported(widgetNotebook(), buildDir));
  assert.deepEqual(
    blocks.slice(0, 4).map((block) => [block?.kind, block?.modelId, Object.keys(block?.state.state ?? {}).sort()]),
    [
      ["widget", "a", ["a", "la"]],
      ["widget", "b", ["b", "lb"]],
      ["widget", "c", ["c", "lc"]],
      ["widget", "box", ["a", "b", "box", "la", "lb"]],
    ],
  );
});

test("a widget frame keeps the height guessed for its view, by a style attribute the page allows by hash", () => {
  const doc = exported(widgetNotebook(), buildDir);
  const frame = doc.querySelector("iframe.vt-frame")!;
  const style = frame.getAttribute("style")!;
  assert.match(style, /^height: \d+px$/);
  const height = Number(/\d+/.exec(style)![0]);
  assert.ok(height >= 16 && height < 200, style);
  assert.equal((drawBlocks(doc)[0] as unknown as { height: number }).height, height);
  const csp = doc.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute("content")!;
  assert.ok(csp.includes(`'unsafe-hashes' `) && csp.includes(sha256Source(style)));
});

test("a view whose model the notebook did not save is not drawn, and its frame says why", () => {
  const doc = exported(widgetNotebook(), buildDir);
  const frames = [...doc.querySelectorAll("iframe.vt-frame")];
  assert.equal(frames.length, 5);
  const last = new JSDOM(frames[4]!.getAttribute("srcdoc")!).window.document;
  assert.equal(last.getElementById(EXPORT_DRAW_BLOCK_ID), null);
  assert.match(last.querySelector(".vt-frame-note")!.textContent!, /saved widget state/);
});

test("a notebook without widget state carries no widget manager", () => {
  const doc = exported(widgetNotebook(false), buildDir);
  assert.deepEqual(libraryBlocks(doc), []);
  assert.deepEqual(
    drawBlocks(doc).filter((block) => block !== null),
    [],
  );
  assert.doesNotMatch(
    doc.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute("content")!,
    /font-src/,
  );
});

test("without the manager's build, views keep their static copy, with why, and nothing breaks", () => {
  assert.equal(exportWidgetManager(missingDir).ok, false);
  const doc = exported(widgetNotebook(), missingDir);
  assert.deepEqual(libraryBlocks(doc), []);
  const copy = doc.querySelector(".vt-fallback")!;
  assert.equal(copy.querySelector("pre")!.textContent, "IntSlider(value=1)");
  assert.match(
    copy.querySelector(".vt-notice")!.textContent!,
    /^Static copy of this widget: .*no widget manager build/,
  );
  assert.doesNotMatch(copy.textContent!, new RegExp(buildDir), "the file names no path of the machine");
  // A view with no static copy says the same inside its frame, above its data.
  const frame = new JSDOM(doc.querySelector("iframe.vt-frame")!.getAttribute("srcdoc")!).window.document;
  assert.match(frame.querySelector(".vt-frame-note")!.textContent!, /no widget manager build/);
});
