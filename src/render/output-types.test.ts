import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";
import { RASTER_MIME_TYPES } from "../images/raster.ts";
import type { Notebook } from "../notebook/types.ts";
import { buildFrameDocument, exportLibraryDrawOf } from "./frame-document.ts";
import { frameRenderRequest } from "./frame-request.ts";
import { renderMarkdown } from "./markdown.ts";
import {
  outputTypeName,
  ACTIVE_MIME_TYPES,
  exportDrawOf,
  frameDrawOf,
  MIME_PRIORITY,
  OUTPUT_TYPES,
  outputType,
  WIDGET_STATE_MIME,
  WIDGET_VIEW_MIME,
} from "./output-types.ts";
import type { CodeCellPlan, FrameOutputPlan, OutputPlan } from "./plan-types.ts";
import { buildRenderPlan } from "./plan.ts";

const PNG_1x1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

test("the display priority is JupyterLab's order with its extensions' library types", () => {
  assert.deepEqual(MIME_PRIORITY, [
    "application/vnd.jupyter.widget-view+json",
    "application/vnd.plotly.v1+json",
    "application/vnd.vegalite.v5+json",
    "application/vnd.vegalite.v4+json",
    "application/vnd.vegalite.v3+json",
    "application/vnd.vegalite.v2+json",
    "application/vnd.vega.v5+json",
    "application/vnd.vega.v4+json",
    "application/vnd.vega.v3+json",
    "application/javascript",
    "text/html",
    "text/markdown",
    "text/latex",
    "image/svg+xml",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/json",
    "application/vnd.jupyter.stderr",
    "application/vnd.jupyter.stdout",
    "text/plain",
  ]);
});

test("every ranked type has one entry that says where it is drawn, and only ranked types are drawn", () => {
  assert.equal(new Set(OUTPUT_TYPES.map((type) => type.mime)).size, OUTPUT_TYPES.length);
  MIME_PRIORITY.forEach((mime, rank) => {
    const type = outputType(mime);
    assert.equal(type?.rank, rank, mime);
    assert.notEqual(type?.draw, undefined, mime);
  });
  for (const type of OUTPUT_TYPES) {
    assert.equal(type.rank !== undefined, type.draw !== undefined, type.mime);
    assert.equal(ACTIVE_MIME_TYPES.has(type.mime), type.draw?.place === "frame", type.mime);
    assert.equal(frameDrawOf(type.mime) !== undefined, type.draw?.place === "frame", type.mime);
    assert.equal(exportDrawOf(type.mime) !== undefined, type.draw?.place === "frame", type.mime);
  }
  assert.equal(outputType(WIDGET_STATE_MIME), undefined, "widget state is notebook metadata, never an output");
});

test("raster types are the checked ones of src/images, drawn in the page and read as images", () => {
  const images = OUTPUT_TYPES.filter((type) => type.draw?.place === "page" && type.draw.page.kind === "image");
  assert.deepEqual(
    images.map((type) => type.mime),
    [...RASTER_MIME_TYPES],
  );
  const rasterReads = OUTPUT_TYPES.filter((type) => type.scan?.read === "raster");
  assert.deepEqual(
    rasterReads.map((type) => type.mime),
    [...RASTER_MIME_TYPES],
  );
});

function planOf(mime: string, value: string | object, widgetState: boolean): OutputPlan | undefined {
  const nb: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: widgetState ? { widgets: { [WIDGET_STATE_MIME]: { state: {} } } } : {},
    cells: [
      {
        cell_type: "code",
        id: "c",
        source: "",
        metadata: {},
        execution_count: 1,
        outputs: [{ output_type: "display_data", metadata: {}, data: { [mime]: value as string } }],
      },
    ],
  };
  return (buildRenderPlan(nb, { markdown: renderMarkdown }).cells[0] as CodeCellPlan).outputs[0];
}

/** Content each type's viewer accepts; a raster type gets PNG bytes, which only image/png's check passes. */
function sampleOf(mime: string): string | object {
  if (outputType(mime)?.scan?.read === "raster") return PNG_1x1;
  const draw = frameDrawOf(mime);
  if (draw?.kind === "plotly" || draw?.kind === "vega" || draw?.kind === "widget") return { data: [] };
  if (outputType(mime)?.draw?.place === "page" && outputType(mime)?.scan?.read === "json") return { data: [] };
  return "<b>x</b>";
}

test("the render plan draws each type where the registry places it", () => {
  for (const type of OUTPUT_TYPES) {
    const plan = planOf(type.mime, sampleOf(type.mime), true);
    const draw = type.draw;
    if (draw === undefined) assert.equal(plan?.kind === "notice" && plan.code, "unsupported_mime", type.mime);
    else if (draw.place === "frame") assert.equal(plan?.kind, "frame", type.mime);
    else if (draw.page.kind === "image")
      assert.equal(
        plan?.kind === "notice" ? plan.code : plan?.kind,
        type.mime === "image/png" ? "image" : "invalid_image",
      );
    else if (draw.page.kind === "json")
      assert.deepEqual(
        plan?.kind === "text" && [plan.stream, plan.runs],
        ["result", [{ text: '{\n  "data": []\n}', classes: [] }]],
        type.mime,
      );
    else assert.equal(plan?.kind === "text" && plan.stream, draw.page.stream, type.mime);
  }
});

function framePlan(mime: string, content: FrameOutputPlan["content"]): FrameOutputPlan {
  return { kind: "frame", mime, content, fallbackImage: undefined, fallbackText: undefined, executionCount: 1 };
}

test("the studio's frame request follows each type's frame draw", () => {
  for (const mime of ACTIVE_MIME_TYPES) {
    const draw = frameDrawOf(mime)!;
    const request = frameRenderRequest(
      framePlan(mime, sampleOf(mime) as FrameOutputPlan["content"]),
      (source) => `<p>${source.length}</p>`,
    );
    switch (draw.kind) {
      case "document":
        assert.deepEqual(request, { type: "render", kind: "document", markup: "<b>x</b>" }, mime);
        break;
      case "markdown":
        assert.deepEqual(request, { type: "render", kind: "document", markup: "<p>8</p>" }, mime);
        break;
      case "script":
        assert.deepEqual(request, { type: "render", kind: "script", source: "<b>x</b>" }, mime);
        break;
      case "plotly":
        assert.deepEqual(request, { type: "render", kind: "plotly", figure: { data: [] } }, mime);
        break;
      case "vega":
        assert.deepEqual(request, { type: "render", kind: "vega", spec: { data: [] }, mode: draw.mode }, mime);
        assert.equal(draw.mode === "vega-lite", mime.includes(".vegalite."), mime);
        break;
      case "widget":
        assert.equal(request.kind, "text", mime);
        // Without the notebook's saved widget state, planned beside the view, there is nothing to draw it from.
        assert.match(request.kind === "text" ? (request.note ?? "") : "", /the notebook saved none/, mime);
        break;
    }
  }
});

test("the export's frame document follows each type's export draw", () => {
  const window = new JSDOM("").window;
  for (const mime of ACTIVE_MIME_TYPES) {
    const draw = exportDrawOf(mime);
    let markdownCalls = 0;
    const plan = framePlan(mime, sampleOf(mime) as FrameOutputPlan["content"]);
    // Plotly and Vega specs given as JSON objects are drawn with the libraries the export carries.
    const withLibraries = exportLibraryDrawOf(plan) !== undefined;
    const built = buildFrameDocument(plan, {
      markdownFragment: () => {
        markdownCalls += 1;
        return window.document.createDocumentFragment();
      },
    });
    const doc = new window.DOMParser().parseFromString(built.html, "text/html");
    assert.equal(markdownCalls, draw === "markdown" ? 1 : 0, mime);
    assert.equal(doc.querySelector("body > b")?.textContent === "x", draw === "document", mime);
    assert.equal(doc.getElementById("output") !== null, draw === "script" || withLibraries, mime);
    assert.equal(doc.querySelector("pre") !== null, draw === "library" && !withLibraries, mime);
    assert.equal(doc.querySelector(".vt-frame-note") !== null, draw === "library" && !withLibraries, mime);
    assert.equal(built.libraries.length > 0, withLibraries, mime);
    assert.equal(withLibraries, /plotly|vega/.test(mime), mime);
  }
});

test("notes name an output the way a reader would", () => {
  assert.equal(outputTypeName(WIDGET_VIEW_MIME), "widget");
  assert.equal(outputTypeName("application/vnd.plotly.v1+json"), "plotly figure");
  assert.equal(outputTypeName("application/vnd.vegalite.v5+json"), "Vega-Lite chart");
  assert.equal(outputTypeName("application/vnd.vega.v5+json"), "Vega chart");
  assert.equal(outputTypeName("text/html"), "text/html output");
});
