// What an output frame in the studio is asked to show, for each active mime type: the same choices the static
// export makes in frame-document.ts, as data for the frame protocol.
import { isBoundedJsonObject, type FrameRenderRequest, type VegaMode } from "./frame-protocol.ts";
import { PLOTLY_MIME, VEGA_MIME_TYPES } from "./mime.ts";
import type { FrameOutputPlan } from "./plan-types.ts";

/** The note above the data of an output whose viewer is not available where it is shown. */
export function viewerMissingNote(mime: string, where: "export" | "studio"): string {
  return where === "export"
    ? `${mime} output: its viewer runs in the Vitrine studio; the data follows.`
    : `${mime} output: this studio has no viewer for it; the data follows.`;
}

export function frameContentText(frame: FrameOutputPlan): string {
  return typeof frame.content === "string" ? frame.content : JSON.stringify(frame.content, null, 2);
}

/** The vega-embed mode for a Vega or Vega-Lite mime type, or undefined for any other type. */
export function vegaModeOf(mime: string): VegaMode | undefined {
  if (!VEGA_MIME_TYPES.includes(mime)) return undefined;
  return mime.startsWith("application/vnd.vegalite.") ? "vega-lite" : "vega";
}

/** Output types whose frame shows them as markdown (LaTeX in text is markdown's math): only these need its renderer. */
export const MARKDOWN_FRAME_MIME_TYPES: ReadonlySet<string> = new Set(["text/markdown", "text/latex"]);

/**
 * @param sanitizedMarkdown renders markdown (or LaTeX-in-text) output to sanitized HTML; the frame is the second
 * wall, not the only one, so markdown outputs are sanitized exactly like markdown cells.
 */
export function frameRenderRequest(
  frame: FrameOutputPlan,
  sanitizedMarkdown: (source: string) => string,
): FrameRenderRequest {
  const mode = vegaModeOf(frame.mime);
  if (mode !== undefined || frame.mime === PLOTLY_MIME) {
    const content = frame.content;
    // A spec saved as a URL (as `VegaLite("https://...")` saves it) would have to be fetched: frames have no network.
    if (typeof content === "string")
      return {
        type: "render",
        kind: "text",
        text: content,
        note: `${frame.mime} output: its spec is at a URL, and output frames have no network; the address follows.`,
      };
    if (!isBoundedJsonObject(content))
      return {
        type: "render",
        kind: "text",
        text: frameContentText(frame),
        note: `${frame.mime} output: its data is not a JSON object within the viewer's limits; the data follows.`,
      };
    return mode === undefined
      ? { type: "render", kind: "plotly", figure: content }
      : { type: "render", kind: "vega", spec: content, mode };
  }
  const content = frameContentText(frame);
  if (MARKDOWN_FRAME_MIME_TYPES.has(frame.mime))
    return { type: "render", kind: "document", markup: sanitizedMarkdown(content) };
  switch (frame.mime) {
    case "text/html":
    case "image/svg+xml":
      return { type: "render", kind: "document", markup: content };
    case "application/javascript":
      return { type: "render", kind: "script", source: content };
    case "application/json":
      return { type: "render", kind: "text", text: content };
    default:
      return { type: "render", kind: "text", text: content, note: viewerMissingNote(frame.mime, "studio") };
  }
}
