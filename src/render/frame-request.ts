// What an output frame in the studio is asked to show, for each active mime type: the frame draw the output-type
// registry declares for it, as data for the frame protocol.
import type { FrameRenderRequest } from "../contract/frame-protocol.ts";
import { isBoundedJsonObject } from "./frame-message-checks.ts";
import { frameDrawOf } from "./output-types.ts";
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

/**
 * @param sanitizedMarkdown renders markdown (or LaTeX-in-text) output to sanitized HTML; the frame is the second
 * wall, not the only one, so markdown outputs are sanitized exactly like markdown cells.
 */
export function frameRenderRequest(
  frame: FrameOutputPlan,
  sanitizedMarkdown: (source: string) => string,
): FrameRenderRequest {
  const draw = frameDrawOf(frame.mime);
  if (draw?.kind === "plotly" || draw?.kind === "vega") {
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
    return draw.kind === "plotly"
      ? { type: "render", kind: "plotly", figure: content }
      : { type: "render", kind: "vega", spec: content, mode: draw.mode };
  }
  const content = frameContentText(frame);
  switch (draw?.kind) {
    case "markdown":
      return { type: "render", kind: "document", markup: sanitizedMarkdown(content) };
    case "document":
      return { type: "render", kind: "document", markup: content };
    case "script":
      return { type: "render", kind: "script", source: content };
    default:
      return { type: "render", kind: "text", text: content, note: viewerMissingNote(frame.mime, "studio") };
  }
}
