// The colour scheme of a studio output frame: the page's (the reader's account choice), which the page sends over
// the port before the output and again when the reader changes it (contract/frame-protocol.ts). The frame's root
// carries it as `data-theme`, as the page's root does, and the frame stylesheet (render/frame-style.ts) turns that
// into `color-scheme`. Libraries that draw their own colours ask when they draw: Vega frameIsDark(), Panel
// frameScheme().
import type { FrameScheme } from "../../contract/frame-protocol.ts";
import { markThemeRoot } from "../../render/theme-attribute.ts";

let scheme: FrameScheme = "system";

/** Marks `root` (the shell's, or an output's document element as it is put in place) with the frame's scheme. */
export function markScheme(root: Element): void {
  markThemeRoot(root, scheme);
}

/** Takes the page's scheme (already checked to be one of the names) and marks the document shown now. */
export function setFrameScheme(value: FrameScheme): void {
  scheme = value;
  markScheme(document.documentElement);
}

/** Whether the frame draws dark now: the page's choice, or the browser's scheme when the page follows it. */
export function frameIsDark(): boolean {
  return scheme === "dark" || (scheme === "system" && matchMedia("(prefers-color-scheme: dark)").matches);
}

/** The frame's scheme as the page chose it. */
export function frameScheme(): FrameScheme {
  return scheme;
}
