import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_FRAME_HEIGHT, MAX_FRAME_LINK_CHARS, MIN_FRAME_HEIGHT, parseFrameMessage, parseFrameRenderRequest } from "./frame-protocol.ts";
import { frameRenderRequest } from "./frame-request.ts";
import type { FrameOutputPlan } from "./plan-types.ts";

test("heights are accepted as finite positive numbers and clamped", () => {
  assert.deepEqual(parseFrameMessage({ type: "height", height: 120.4 }), { type: "height", height: 120 });
  assert.deepEqual(parseFrameMessage({ type: "height", height: 2 }), { type: "height", height: MIN_FRAME_HEIGHT });
  assert.deepEqual(parseFrameMessage({ type: "height", height: 1e9 }), { type: "height", height: MAX_FRAME_HEIGHT });
  for (const height of [0, -5, Number.NaN, Number.POSITIVE_INFINITY, "100", null, undefined, { valueOf: () => 100 }]) {
    assert.equal(parseFrameMessage({ type: "height", height }), null, String(height));
  }
});

test("link requests carry one bounded string", () => {
  assert.deepEqual(parseFrameMessage({ type: "link", href: "https://example.org/" }), { type: "link", href: "https://example.org/" });
  assert.equal(parseFrameMessage({ type: "link", href: "" }), null);
  assert.equal(parseFrameMessage({ type: "link", href: "x".repeat(MAX_FRAME_LINK_CHARS + 1) }), null);
  assert.equal(parseFrameMessage({ type: "link", href: ["https://example.org/"] }), null);
});

test("anything else from a frame is refused, and extra properties are not copied", () => {
  for (const data of [null, undefined, 42, "height", [], { type: "eval", code: "alert(1)" }, { type: "navigate", url: "/" }, { type: "HEIGHT", height: 5 }]) {
    assert.equal(parseFrameMessage(data), null, JSON.stringify(data));
  }
  const parsed = parseFrameMessage({ type: "link", href: "/a", then: "/api/session" });
  assert.deepEqual(Object.keys(parsed ?? {}), ["type", "href"]);
});

test("the shell accepts only the three render shapes", () => {
  assert.deepEqual(parseFrameRenderRequest({ type: "render", kind: "document", markup: "<b>x</b>" }), { type: "render", kind: "document", markup: "<b>x</b>" });
  assert.deepEqual(parseFrameRenderRequest({ type: "render", kind: "text", text: "{}", note: "n" }), { type: "render", kind: "text", text: "{}", note: "n" });
  assert.equal(parseFrameRenderRequest({ type: "render", kind: "document", markup: 1 }), null);
  assert.equal(parseFrameRenderRequest({ type: "render", kind: "text", text: "x", note: 3 }), null);
  assert.equal(parseFrameRenderRequest({ type: "render", kind: "url", url: "https://example.org/" }), null);
  assert.equal(parseFrameRenderRequest({ type: "connect" }), null);
});

function frame(mime: string, content: FrameOutputPlan["content"]): FrameOutputPlan {
  return { kind: "frame", mime, content, fallbackImage: undefined, fallbackText: undefined, executionCount: 1 };
}

test("each active type maps to what the frame shows", () => {
  const sanitize = (source: string) => `<p>${source.length}</p>`;
  assert.deepEqual(frameRenderRequest(frame("text/html", "<i>x</i>"), sanitize), { type: "render", kind: "document", markup: "<i>x</i>" });
  assert.deepEqual(frameRenderRequest(frame("image/svg+xml", "<svg/>"), sanitize), { type: "render", kind: "document", markup: "<svg/>" });
  assert.deepEqual(frameRenderRequest(frame("application/javascript", "element.textContent = 1"), sanitize), { type: "render", kind: "script", source: "element.textContent = 1" });
  // Markdown output is sanitized like a markdown cell before the frame sees it.
  assert.deepEqual(frameRenderRequest(frame("text/markdown", "# abc"), sanitize), { type: "render", kind: "document", markup: "<p>5</p>" });
  assert.deepEqual(frameRenderRequest(frame("application/json", { a: [1] }), sanitize), { type: "render", kind: "text", text: '{\n  "a": [\n    1\n  ]\n}' });
  const vega = frameRenderRequest(frame("application/vnd.vegalite.v5+json", { mark: "bar" }), sanitize);
  assert.equal(vega.kind, "text");
  assert.match(vega.kind === "text" ? (vega.note ?? "") : "", /vegalite/);
});
