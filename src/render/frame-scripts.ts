// The only scripts Vitrine itself puts in an export: one in the page, one in each output frame. Both are
// allowed by hash in the page's CSP. Their text is fixed; nothing from a notebook is ever interpolated.

import { MAX_FRAME_HEIGHT, MIN_FRAME_HEIGHT } from "./frame-protocol.ts";

export { MAX_FRAME_HEIGHT };

/** Message a frame posts to its parent with its content height. The parent accepts nothing else. */
export const FRAME_HEIGHT_MESSAGE = "vitrine:frame-height";

/** Runs in each output frame: reports the document height whenever it changes. */
export const FRAME_SIZER_SCRIPT = `(() => {
  const report = () => {
    // The root's box, not its scrollHeight: scrollHeight never falls below the frame's current height.
    const h = Math.ceil(document.documentElement.getBoundingClientRect().height);
    parent.postMessage({ type: "${FRAME_HEIGHT_MESSAGE}", height: h }, "*");
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
    if (typeof data !== "object" || data === null || data.type !== "${FRAME_HEIGHT_MESSAGE}") return;
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
