// What an output frame in the studio is asked to show, for each active mime type: the frame draw the output-type
// registry declares for it, as data for the frame protocol.
import type { FrameRenderRequest, FrameWidgetFallback } from "../contract/frame-protocol.ts";
import { isBoundedJsonObject, isFrameWidgetState } from "./frame-message-checks.ts";
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
  if (draw?.kind === "widget") return widgetRenderRequest(frame);
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

/** The note above a widget view's data when the notebook's saved state cannot draw it and there is no static copy. */
export function widgetStateMissingNote(mime: string, why: string): string {
  return `${mime} output: it cannot be drawn from the saved widget state (${why}); the data follows.`;
}

/**
 * A widget view with the part of the saved widget state it needs (planned by render/widget-state.ts), and its
 * static copy for the frame to show if the widget manager cannot draw it.
 */
function widgetRenderRequest(frame: FrameOutputPlan): FrameRenderRequest {
  const widget = frame.widget;
  const state: unknown = widget?.ok ? widget.state : undefined;
  if (!widget?.ok || !isFrameWidgetState(state, widget.modelId))
    return {
      type: "render",
      kind: "text",
      text: frameContentText(frame),
      note: widgetStateMissingNote(
        frame.mime,
        widget === undefined
          ? "the notebook saved none"
          : widget.ok
            ? "its state is not within the limits"
            : widget.message,
      ),
    };
  const fallback: FrameWidgetFallback = {};
  if (frame.fallbackImage !== undefined) fallback.image = frame.fallbackImage.dataUrl;
  if (frame.fallbackText !== undefined) fallback.text = frame.fallbackText;
  return { type: "render", kind: "widget", modelId: widget.modelId, state, fallback };
}
