import assert from "node:assert/strict";
import { test } from "node:test";
import {
  MAX_FRAME_FALLBACK_IMAGE_CHARS,
  MAX_FRAME_HEIGHT,
  MAX_FRAME_LINK_CHARS,
  MAX_FRAME_SPEC_DEPTH,
  MAX_FRAME_SPEC_VALUES,
  MAX_FRAME_WIDGET_MODELS,
  MIN_FRAME_HEIGHT,
} from "../contract/frame-protocol.ts";
import {
  isBoundedJsonObject,
  parseFrameMessage,
  parseFrameRenderRequest,
  parsePageToFrameMessage,
} from "./frame-message-checks.ts";
import { frameRenderRequest } from "./frame-request.ts";
import type { FrameOutputPlan } from "./plan-types.ts";

test("heights, and the height a frame has drawn, are accepted as finite positive numbers and clamped", () => {
  for (const type of ["height", "drawn"] as const) {
    assert.deepEqual(parseFrameMessage({ type, height: 120.4 }), { type, height: 120 });
    assert.deepEqual(parseFrameMessage({ type, height: 2 }), { type, height: MIN_FRAME_HEIGHT });
    assert.deepEqual(parseFrameMessage({ type, height: 1e9 }), { type, height: MAX_FRAME_HEIGHT });
    for (const height of [
      0,
      -5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      "100",
      null,
      undefined,
      { valueOf: () => 100 },
    ]) {
      assert.equal(parseFrameMessage({ type, height }), null, `${type} ${String(height)}`);
    }
  }
});

test("link requests carry one bounded string", () => {
  assert.deepEqual(parseFrameMessage({ type: "link", href: "https://example.org/" }), {
    type: "link",
    href: "https://example.org/",
  });
  assert.equal(parseFrameMessage({ type: "link", href: "" }), null);
  assert.equal(parseFrameMessage({ type: "link", href: "x".repeat(MAX_FRAME_LINK_CHARS + 1) }), null);
  assert.equal(parseFrameMessage({ type: "link", href: ["https://example.org/"] }), null);
});

test("anything else from a frame is refused, and extra properties are not copied", () => {
  for (const data of [
    null,
    undefined,
    42,
    "height",
    [],
    { type: "eval", code: "alert(1)" },
    { type: "navigate", url: "/" },
    { type: "HEIGHT", height: 5 },
  ]) {
    assert.equal(parseFrameMessage(data), null, JSON.stringify(data));
  }
  const parsed = parseFrameMessage({ type: "link", href: "/a", then: "/api/session" });
  assert.deepEqual(Object.keys(parsed ?? {}), ["type", "href"]);
});

test("the shell accepts only the known render shapes", () => {
  assert.deepEqual(parseFrameRenderRequest({ type: "render", kind: "document", markup: "<b>x</b>" }), {
    type: "render",
    kind: "document",
    markup: "<b>x</b>",
  });
  assert.deepEqual(parseFrameRenderRequest({ type: "render", kind: "text", text: "{}", note: "n" }), {
    type: "render",
    kind: "text",
    text: "{}",
    note: "n",
  });
  assert.equal(parseFrameRenderRequest({ type: "render", kind: "document", markup: 1 }), null);
  assert.equal(parseFrameRenderRequest({ type: "render", kind: "text", text: "x", note: 3 }), null);
  assert.equal(parseFrameRenderRequest({ type: "render", kind: "url", url: "https://example.org/" }), null);
  assert.equal(parseFrameRenderRequest({ type: "connect" }), null);
});

test("the shell takes a colour scheme only by its exact name, and never as a render request", () => {
  for (const scheme of ["light", "dark", "system"])
    assert.deepEqual(parsePageToFrameMessage({ type: "scheme", scheme, extra: "<b>" }), { type: "scheme", scheme });
  for (const scheme of ["Dark", "dark ", "dark;color:red", '"><script>', "", null, 1, ["dark"], { dark: true }])
    assert.equal(parsePageToFrameMessage({ type: "scheme", scheme }), null, JSON.stringify(scheme));
  assert.equal(parsePageToFrameMessage({ type: "scheme" }), null);
  assert.equal(parseFrameRenderRequest({ type: "scheme", scheme: "dark" }), null);
  assert.equal(parsePageToFrameMessage({ type: "render", kind: "text", text: "x" })?.type, "render");
});

function frame(mime: string, content: FrameOutputPlan["content"]): FrameOutputPlan {
  return { kind: "frame", mime, content, fallbackImage: undefined, fallbackText: undefined, executionCount: 1 };
}

test("each active type maps to what the frame shows", () => {
  const sanitize = (source: string) => `<p>${source.length}</p>`;
  assert.deepEqual(frameRenderRequest(frame("text/html", "<i>x</i>"), sanitize), {
    type: "render",
    kind: "document",
    markup: "<i>x</i>",
  });
  assert.deepEqual(frameRenderRequest(frame("image/svg+xml", "<svg/>"), sanitize), {
    type: "render",
    kind: "document",
    markup: "<svg/>",
  });
  assert.deepEqual(frameRenderRequest(frame("application/javascript", "element.textContent = 1"), sanitize), {
    type: "render",
    kind: "script",
    source: "element.textContent = 1",
  });
  // Markdown output is sanitized like a markdown cell before the frame sees it.
  assert.deepEqual(frameRenderRequest(frame("text/markdown", "# abc"), sanitize), {
    type: "render",
    kind: "document",
    markup: "<p>5</p>",
  });
  const unknown = frameRenderRequest(frame("application/vnd.example+json", { a: 1 }), sanitize);
  assert.equal(unknown.kind, "text");
  assert.match(unknown.kind === "text" ? (unknown.note ?? "") : "", /vnd\.example/);
});

test("plotly figures and Vega and Vega-Lite specs of every saved version go to their libraries", () => {
  const sanitize = (source: string) => source;
  const figure = { data: [{ type: "bar", y: [1, 2] }], layout: { title: { text: "t" } } };
  assert.deepEqual(frameRenderRequest(frame("application/vnd.plotly.v1+json", figure), sanitize), {
    type: "render",
    kind: "plotly",
    figure,
  });
  for (const version of [2, 3, 4, 5]) {
    assert.deepEqual(
      frameRenderRequest(frame(`application/vnd.vegalite.v${version}+json`, { mark: "bar" }), sanitize),
      { type: "render", kind: "vega", spec: { mark: "bar" }, mode: "vega-lite" },
    );
  }
  for (const version of [3, 4, 5]) {
    assert.deepEqual(frameRenderRequest(frame(`application/vnd.vega.v${version}+json`, { marks: [] }), sanitize), {
      type: "render",
      kind: "vega",
      spec: { marks: [] },
      mode: "vega",
    });
  }
});

test("a spec saved as a URL, or data that is not an object, is shown as text with the reason", () => {
  const sanitize = (source: string) => source;
  const url = frameRenderRequest(
    frame("application/vnd.vegalite.v4+json", "https://example.org/bar.vl.json"),
    sanitize,
  );
  assert.deepEqual(url, {
    type: "render",
    kind: "text",
    text: "https://example.org/bar.vl.json",
    note: "application/vnd.vegalite.v4+json output: its spec is at a URL, and output frames have no network; the address follows.",
  });
  const list = frameRenderRequest(frame("application/vnd.plotly.v1+json", [1, 2]), sanitize);
  assert.equal(list.kind, "text");
  assert.match(list.kind === "text" ? (list.note ?? "") : "", /not a JSON object/);
});

test("library shapes are checked: plain JSON objects within bounds, and a known Vega mode", () => {
  const figure = { data: [{ x: [1, 2], y: [null, 3.5], name: "é" }], layout: {} };
  assert.deepEqual(parseFrameRenderRequest({ type: "render", kind: "plotly", figure }), {
    type: "render",
    kind: "plotly",
    figure,
  });
  assert.deepEqual(
    parseFrameRenderRequest({ type: "render", kind: "vega", spec: { mark: "bar" }, mode: "vega-lite", extra: 1 }),
    { type: "render", kind: "vega", spec: { mark: "bar" }, mode: "vega-lite" },
  );
  for (const bad of [
    { type: "render", kind: "plotly", figure: [1] },
    { type: "render", kind: "plotly", figure: "{}" },
    { type: "render", kind: "plotly" },
    { type: "render", kind: "plotly", figure: { data: new Date(0) } },
    { type: "render", kind: "plotly", figure: { data: new Float64Array(2) } },
    { type: "render", kind: "plotly", figure: { data: new Map() } },
    { type: "render", kind: "plotly", figure: { f: () => 1 } },
    // eslint-disable-next-line no-sparse-arrays
    { type: "render", kind: "plotly", figure: { data: [1, , 2] } },
    { type: "render", kind: "plotly", figure: { data: [1, undefined] } },
    { type: "render", kind: "plotly", figure: { data: { x: [{ y: Symbol.iterator }] } } },
    { type: "render", kind: "vega", spec: { mark: "bar" } },
    { type: "render", kind: "vega", spec: { mark: "bar" }, mode: "vega-lite-v5" },
    { type: "render", kind: "vega", spec: null, mode: "vega" },
  ]) {
    assert.equal(parseFrameRenderRequest(bad), null, JSON.stringify(bad));
  }
});

test("spec bounds: depth and number of values", () => {
  let deep: Record<string, unknown> = {};
  const root = deep;
  for (let i = 1; i < MAX_FRAME_SPEC_DEPTH; i++) deep = (deep.a = {}) as Record<string, unknown>;
  assert.equal(isBoundedJsonObject(root), true, "exactly at the depth limit");
  deep.a = {};
  assert.equal(isBoundedJsonObject(root), false, "one level deeper");
  // Values are counted, containers included: the limit itself passes, one more does not.
  assert.equal(isBoundedJsonObject({ data: new Array(MAX_FRAME_SPEC_VALUES - 2).fill(0) }), true);
  assert.equal(isBoundedJsonObject({ data: new Array(MAX_FRAME_SPEC_VALUES - 1).fill(0) }), false);
  // Walked without recursion: a deep chain of arrays is refused, not a stack overflow.
  let chain: unknown[] = [];
  const top = { chain };
  for (let i = 0; i < 200_000; i++) chain = (chain[0] = []) as unknown[];
  assert.equal(isBoundedJsonObject(top), false);
});

function widgetState(models: Record<string, unknown>): Record<string, unknown> {
  return { version_major: 2, version_minor: 0, state: models };
}

const SLIDER = {
  model_name: "IntSliderModel",
  model_module: "@jupyter-widgets/controls",
  model_module_version: "1.5.0",
  state: { value: 7 },
};

test("widget requests carry a view's model id, bounded state that holds that model, and a static copy", () => {
  const state = widgetState({ s: SLIDER });
  const request = { type: "render", kind: "widget", modelId: "s", state, fallback: { text: "IntSlider(value=7)" } };
  assert.deepEqual(parseFrameRenderRequest({ ...request, extra: "never copied" }), request);
  const image = "data:image/png;base64,iVBORw0KGgo=";
  assert.deepEqual(parseFrameRenderRequest({ ...request, fallback: { image, extra: 1 } }), {
    ...request,
    fallback: { image },
  });
  assert.deepEqual(parseFrameRenderRequest({ ...request, fallback: {} }), { ...request, fallback: {} });
  const tooMany: Record<string, unknown> = {};
  for (let i = 0; i <= MAX_FRAME_WIDGET_MODELS; i++) tooMany[i === 0 ? "s" : `m${i}`] = SLIDER;
  for (const bad of [
    { ...request, modelId: "" },
    { ...request, modelId: 3 },
    { ...request, modelId: "absent" },
    { ...request, state: { state: { s: SLIDER } } },
    { ...request, state: widgetState({ s: { ...SLIDER, model_name: 1 } }) },
    { ...request, state: widgetState({ s: { ...SLIDER, state: "x" } }) },
    { ...request, state: widgetState({ s: { ...SLIDER, buffers: {} } }) },
    { ...request, state: widgetState({ s: SLIDER, t: null }) },
    { ...request, state: widgetState({ s: { ...SLIDER, state: { when: new Date(0) } } }) },
    { ...request, state: widgetState(tooMany) },
    { ...request, fallback: undefined },
    { ...request, fallback: { text: 1 } },
    // Only an embedded image: never an address the frame would fetch, nor markup.
    { ...request, fallback: { image: "https://example.org/x.png" } },
    { ...request, fallback: { image: 'data:image/png;base64,AAAA" onerror="x' } },
    { ...request, fallback: { image: `data:image/png;base64,${"A".repeat(MAX_FRAME_FALLBACK_IMAGE_CHARS)}` } },
  ])
    assert.equal(parseFrameRenderRequest(bad), null, JSON.stringify(bad).slice(0, 200));
});

test("a widget view's request holds its planned state and static copy, or the data with the reason", () => {
  const sanitize = (source: string) => source;
  const view = { model_id: "s", version_major: 2, version_minor: 0 };
  const state = { version_major: 2, version_minor: 0, state: { s: SLIDER } };
  const plan: FrameOutputPlan = {
    ...frame("application/vnd.jupyter.widget-view+json", view),
    fallbackText: "IntSlider(value=7)",
    widget: { ok: true, modelId: "s", state },
  };
  assert.deepEqual(frameRenderRequest(plan, sanitize), {
    type: "render",
    kind: "widget",
    modelId: "s",
    state,
    fallback: { text: "IntSlider(value=7)" },
  });
  const missing = frameRenderRequest(
    {
      ...plan,
      widget: { ok: false, code: "widget_model_missing", message: "its widget model s is not in the state" },
    },
    sanitize,
  );
  assert.equal(missing.kind, "text");
  assert.match(missing.kind === "text" ? (missing.note ?? "") : "", /its widget model s is not in the state/);
});
