// The only scripts Vitrine itself puts in an export: one in the page, one in each output frame. Both are
// allowed by hash in the page's CSP. Their text is fixed; nothing from a notebook is ever interpolated. They speak
// the frame protocol's export subset (EXPORT_FRAME_MESSAGES) over window messages: an export has no port handover.

import { EXPORT_FRAME_MESSAGES, MAX_FRAME_HEIGHT, MIN_FRAME_HEIGHT } from "../contract/frame-protocol.ts";

/** The protocol's height message, the one message a frame posts to an export page; the page accepts nothing else. */
const HEIGHT_MESSAGE = JSON.stringify(EXPORT_FRAME_MESSAGES.height);

/** Runs in each output frame: reports the document height whenever it changes. */
export const FRAME_SIZER_SCRIPT = `(() => {
  const report = () => {
    // The root's box, not its scrollHeight: scrollHeight never falls below the frame's current height.
    const h = Math.ceil(document.documentElement.getBoundingClientRect().height);
    parent.postMessage({ type: ${HEIGHT_MESSAGE}, height: h }, "*");
  };
  const observer = new ResizeObserver(report);
  observer.observe(document.documentElement);
  if (document.body) observer.observe(document.body);
  addEventListener("load", () => { report(); requestAnimationFrame(report); });
  requestAnimationFrame(report);
})();`;

/**
 * Runs in the export page: sizes each frame from its height messages. It checks that the message comes from
 * one of the page's own output frames, accepts only the known shape with a finite number, clamps it, and
 * never evaluates anything it receives.
 */
export const PAGE_SIZER_SCRIPT = `(() => {
  addEventListener("message", (event) => {
    const data = event.data;
    if (typeof data !== "object" || data === null || data.type !== ${HEIGHT_MESSAGE}) return;
    const height = data.height;
    // Zero comes from a frame not laid out yet; it never shrinks a frame to nothing.
    if (typeof height !== "number" || !Number.isFinite(height) || height < 1) return;
    for (const frame of document.querySelectorAll("iframe.vt-frame")) {
      if (frame.contentWindow !== event.source) continue;
      frame.style.height = Math.min(Math.max(Math.round(height), ${MIN_FRAME_HEIGHT}), ${MAX_FRAME_HEIGHT}) + "px";
      break;
    }
  });
})();`;

/** Runs before an application/javascript output, giving it the element classic notebooks handed such code. */
export const JAVASCRIPT_OUTPUT_PRELUDE = `var element = document.getElementById("output");`;
