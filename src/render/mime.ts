// Which representation of an output is shown. A mime bundle may carry many; one is chosen, richest first,
// following JupyterLab's default order (its rendermime ranks) with the library-backed types of its extensions.
//
// Priority, highest first:
//   1. application/vnd.jupyter.widget-view+json   (only when the notebook carries widget state)
//   2. application/vnd.plotly.v1+json
//   3. application/vnd.vegalite.v5+json ... v2, application/vnd.vega.v5+json ... v3
//   4. application/javascript
//   5. text/html
//   6. text/markdown
//   7. text/latex
//   8. image/svg+xml
//   9. image/png, image/jpeg, image/gif, image/webp
//  10. application/json
//  11. application/vnd.jupyter.stderr, application/vnd.jupyter.stdout, text/plain
// Anything else is shown as text/plain if the bundle has it, or named as not displayable.

export const WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json";
export const WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json";

export const VEGA_MIME_TYPES = Object.freeze([
  "application/vnd.vegalite.v5+json",
  "application/vnd.vegalite.v4+json",
  "application/vnd.vegalite.v3+json",
  "application/vnd.vegalite.v2+json",
  "application/vnd.vega.v5+json",
  "application/vnd.vega.v4+json",
  "application/vnd.vega.v3+json",
]);

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

export const MIME_PRIORITY: readonly string[] = Object.freeze([
  WIDGET_VIEW_MIME,
  PLOTLY_MIME,
  ...VEGA_MIME_TYPES,
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

/** Types whose content is shown as text or as a checked raster image, directly in the page. */
const PASSIVE_MIME_TYPES: ReadonlySet<string> = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "application/vnd.jupyter.stderr",
  "application/vnd.jupyter.stdout",
  "text/plain",
]);

/** Types whose content can carry markup or script: each is rendered only inside its own sandboxed frame. */
export const ACTIVE_MIME_TYPES: ReadonlySet<string> = new Set(
  MIME_PRIORITY.filter((mime) => !PASSIVE_MIME_TYPES.has(mime)),
);

export interface MimeChoiceOptions {
  /** Widget views are only renderable when the notebook saved widget state. */
  widgetState: boolean;
}

export function chooseMimeType(available: Iterable<string>, options: MimeChoiceOptions): string | undefined {
  const present = new Set(available);
  for (const mime of MIME_PRIORITY) {
    if (!present.has(mime)) continue;
    if (mime === WIDGET_VIEW_MIME && !options.widgetState) continue;
    return mime;
  }
  return undefined;
}

/** JSON mime types keep their parsed value in the notebook model instead of a joined string. */
export function isJsonMimeType(mime: string): boolean {
  return mime === "application/json" || /^application\/(.+\+)?json$/.test(mime);
}
