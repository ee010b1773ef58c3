import assert from "node:assert/strict";
import { test } from "node:test";
import { runInNewContext } from "node:vm";
import { EXPORT_FRAME_MESSAGES } from "../contract/frame-protocol.ts";
import { parseFrameMessage } from "./frame-message-checks.ts";
import { FRAME_SIZER_SCRIPT, PAGE_SIZER_SCRIPT } from "./frame-scripts.ts";

/** What an export frame's sizer posts to its parent, run with a document of the given height. */
function sizerMessages(height: number): { data: unknown; target: string }[] {
  const posted: { data: unknown; target: string }[] = [];
  const frames: (() => void)[] = [];
  runInNewContext(FRAME_SIZER_SCRIPT, {
    document: { documentElement: { getBoundingClientRect: () => ({ height }) }, body: {} },
    ResizeObserver: class {
      observe() {}
    },
    addEventListener() {},
    requestAnimationFrame: (callback: () => void) => frames.push(callback),
    parent: { postMessage: (data: unknown, target: string) => posted.push({ data, target }) },
  });
  for (const callback of frames.splice(0)) callback();
  return posted;
}

interface ExportPage {
  /** The windows of the page's two output frames. */
  frameWindows: object[];
  /** Delivers one window message to the page; returns each frame's height style afterwards. */
  deliver(data: unknown, source: unknown): string[];
}

function exportPage(): ExportPage {
  const frames = [
    { contentWindow: {}, style: { height: "" } },
    { contentWindow: {}, style: { height: "" } },
  ];
  let listener: ((event: { data: unknown; source: unknown }) => void) | undefined;
  runInNewContext(PAGE_SIZER_SCRIPT, {
    addEventListener: (type: string, callback: typeof listener) => {
      if (type === "message") listener = callback;
    },
    document: { querySelectorAll: (selector: string) => (selector === "iframe.vt-frame" ? frames : []) },
  });
  return {
    frameWindows: frames.map((frame) => frame.contentWindow),
    deliver(data, source) {
      for (const frame of frames) frame.style.height = "";
      listener?.({ data, source });
      return frames.map((frame) => frame.style.height);
    },
  };
}

test("an export frame reports its height with the protocol's height message", () => {
  const posted = sizerMessages(120.2);
  assert.ok(posted.length > 0);
  for (const { data, target } of posted) {
    // The frame's origin is opaque: "*" is the only target that reaches the page.
    assert.equal(target, "*");
    assert.deepEqual(parseFrameMessage(data), { type: EXPORT_FRAME_MESSAGES.height, height: 121 });
  }
});

test("an export page takes heights only from its own frames, each for itself, as the studio's parser reads them", () => {
  const page = exportPage();
  const [first, second] = page.frameWindows;
  const candidates: unknown[] = [
    sizerMessages(300)[0]!.data,
    { type: "height", height: 2 },
    { type: "height", height: 1e9 },
    { type: "height", height: 0 },
    { type: "height", height: Number.NaN },
    { type: "height", height: Number.POSITIVE_INFINITY },
    { type: "height", height: "100" },
    { type: "vitrine:frame-height", height: 100 },
    { type: "link", href: "https://example.org/" },
    { height: 100 },
    null,
    "height",
    [],
  ];
  for (const data of candidates) {
    const parsed = parseFrameMessage(data);
    const height = parsed?.type === EXPORT_FRAME_MESSAGES.height ? `${parsed.height}px` : "";
    const label = JSON.stringify(data);
    assert.deepEqual(page.deliver(data, first), [height, ""], label);
    assert.deepEqual(page.deliver(data, second), ["", height], label);
    assert.deepEqual(page.deliver(data, {}), ["", ""], `${label} from a window that is no frame of the page`);
  }
  assert.deepEqual(page.deliver(sizerMessages(300)[0]!.data, first), ["300px", ""]);
});
