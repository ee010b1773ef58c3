// How an output frame tells the page its height, so the page can keep the right space for it before the reader
// gets there. Chromium runs neither animation frames nor resize observers in a cross-origin frame out of view, and
// frames are made well below the screen: a height measured only by observers arrives once the frame is scrolled
// to, and the page jumps under the reader. So the height is also measured at once (a forced layout, which works
// out of view) when anything in the document may have changed it: the document put in place, each image, media,
// frame or stylesheet loaded (load events are tasks, which run out of view), and a few times while libraries draw.
// When the output has drawn (its libraries done, its images and media sized), the frame says so: the page then
// believes a height below the space it kept, instead of holding that space until the frame has been in view a while.

/** Reports while the output may still be drawing: soon after the render request, then more sparsely (ms). */
const REPORT_TIMES_MS = [50, 150, 400, 1000, 2000, 4000];
/** The longest an output's images, media and frames are waited for before the frame says it has drawn (ms). */
const SETTLE_LIMIT_MS = 4000;
/** Subresource events after which the document's height may have changed; all are caught on the way down. */
const SIZE_EVENTS = ["load", "error", "loadedmetadata", "resize"] as const;

export function documentHeight(): number {
  // The root's box, not its scrollHeight: scrollHeight never falls below the frame's current height.
  return Math.ceil(document.documentElement.getBoundingClientRect().height);
}

/** Reports the height whenever it may have changed, in view or not; `report` sends it only if it did change. */
export function watchHeight(report: () => void): void {
  const observer = new ResizeObserver(report);
  observer.observe(document.documentElement);
  if (document.body) observer.observe(document.body);
  for (const type of SIZE_EVENTS) document.addEventListener(type, report, true);
  addEventListener("load", () => {
    report();
    requestAnimationFrame(report);
  });
  report();
  requestAnimationFrame(report);
  for (const ms of REPORT_TIMES_MS) setTimeout(report, ms);
}

/** A subresource of the output is in its final box once it has loaded (or failed). */
function pending(element: Element): Promise<void> | null {
  const once = (target: Element, events: string[]) =>
    new Promise<void>((resolve) => {
      for (const event of events) target.addEventListener(event, () => resolve(), { once: true });
    });
  if (element instanceof HTMLImageElement) return element.complete ? null : once(element, ["load", "error"]);
  if (element instanceof HTMLMediaElement)
    return element.readyState >= HTMLMediaElement.HAVE_METADATA || element.error !== null
      ? null
      : once(element, ["loadedmetadata", "error"]);
  if (element instanceof HTMLLinkElement)
    return element.rel === "stylesheet" && element.sheet === null ? once(element, ["load", "error"]) : null;
  return null;
}

/**
 * Resolves once `drawing` has finished and the document's images, media and stylesheets have their size (or
 * SETTLE_LIMIT_MS has passed), with the web fonts the document asked for loaded.
 */
export async function whenDrawn(drawing: Promise<unknown>): Promise<void> {
  const limit = new Promise<void>((resolve) => setTimeout(resolve, SETTLE_LIMIT_MS));
  const settled = (async () => {
    await drawing.catch(() => undefined);
    const waits = Array.from(document.querySelectorAll("img, video, audio, link"))
      .map(pending)
      .filter((p) => p !== null);
    await Promise.all(waits);
    await document.fonts.ready;
  })();
  await Promise.race([settled, limit]);
}
