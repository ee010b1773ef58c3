// What an output frame in the studio is asked to show, for each active mime type: the same choices the static
// export makes in frame-document.ts, as data for the frame protocol.
import type { FrameRenderRequest } from "./frame-protocol.ts";
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
export function frameRenderRequest(frame: FrameOutputPlan, sanitizedMarkdown: (source: string) => string): FrameRenderRequest {
  const content = frameContentText(frame);
  switch (frame.mime) {
    case "text/html":
    case "image/svg+xml":
      return { type: "render", kind: "document", markup: content };
    case "application/javascript":
      return { type: "render", kind: "script", source: content };
    case "text/markdown":
    case "text/latex":
      return { type: "render", kind: "document", markup: sanitizedMarkdown(content) };
    case "application/json":
      return { type: "render", kind: "text", text: content };
    default:
      return { type: "render", kind: "text", text: content, note: viewerMissingNote(frame.mime, "studio") };
  }
}
