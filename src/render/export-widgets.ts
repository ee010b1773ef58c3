// Widget views in a `vitrine render` file: drawn live, in their frames, by the widget manager the studio's frames use
// (src/web/frame/widget-output.ts), built as one classic script and one stylesheet (vite.widgets-export.config.ts).
// The page carries both once, as the export library "widgets" (and "widgets:style"), and hands them to each widget
// frame like any other export library (export-libraries.ts). Each frame gets only the models its view needs
// (widget-state.ts), as data in its draw block.
//
// The build is read when a file is written, from the web build folder: a checkout where `npm run build:web` has
// not run yet has none, and then widget views keep their static copy, with a note that says why.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FrameJsonObject, FrameWidgetFallback } from "../contract/frame-protocol.ts";
import type { EmbeddedLibraryItem } from "./export-libraries.ts";
import { clampFrameHeight, isFrameWidgetState } from "./frame-message-checks.ts";
import { frameDrawOf } from "./output-types.ts";
import type { FrameOutputPlan } from "./plan-types.ts";
import { widgetViewHeight } from "./widget-state.ts";

/** The export library name of the widget manager; its stylesheet is `widgets:style`. */
export const WIDGETS_LIBRARY = "widgets";

/** Where `npm run build:web` writes the export's widget manager. */
export const WIDGETS_BUILD_DIR = fileURLToPath(new URL("../../dist/widgets-export/", import.meta.url));
export const WIDGETS_BUILD_SCRIPT = "vitrine-widgets.js";
export const WIDGETS_BUILD_STYLESHEET = "vitrine-widgets.css";

/** The widget manager's texts as read from its build, or why there are none. */
export type ExportWidgetManager =
  { ok: true; script: string; stylesheet: string } | { ok: false; code: "widget_build_missing"; message: string };

const managers = new Map<string, ExportWidgetManager & { ok: true }>();

/**
 * The widget manager built into `dir`, read once per process. A missing build is not remembered, so a build made
 * while a server runs is used from the next export on.
 */
export function exportWidgetManager(dir: string = WIDGETS_BUILD_DIR): ExportWidgetManager {
  const known = managers.get(dir);
  if (known) return known;
  try {
    const manager = {
      ok: true as const,
      script: readFileSync(join(dir, WIDGETS_BUILD_SCRIPT), "utf8"),
      stylesheet: readFileSync(join(dir, WIDGETS_BUILD_STYLESHEET), "utf8"),
    };
    managers.set(dir, manager);
    return manager;
  } catch {
    return {
      ok: false,
      code: "widget_build_missing",
      // Shown in the file: it names no path of the machine that wrote it.
      message: 'the Vitrine that wrote this file had no widget manager build (made by "npm run build:web")',
    };
  }
}

/** The manager's items as the page carries them: its stylesheet, then its script. */
export function widgetManagerItems(
  manager: ExportWidgetManager & { ok: true },
  inert: (text: string) => string,
): EmbeddedLibraryItem[] {
  return [
    { name: `${WIDGETS_LIBRARY}:style`, kind: "style", text: inert(manager.stylesheet) },
    { name: WIDGETS_LIBRARY, kind: "script", text: inert(manager.script) },
  ];
}

/** What a widget frame's draw block carries: the view's model, the models it needs, and its static copy. */
export interface ExportWidgetDraw {
  modelId: string;
  state: FrameJsonObject;
  fallback: FrameWidgetFallback;
  /**
   * The frame's height until the view has drawn (px), guessed from its models as the studio guesses it, so the
   * page does not jump as dozens of widget frames draw.
   */
  height: number;
}

/**
 * How the export shows a widget view: drawn in its frame from its part of the saved state, or (when that state
 * cannot draw it, or there is no manager to draw with) not drawn, with the reason for the reader.
 */
export type ExportWidgetPlan = { draw: true; widget: ExportWidgetDraw } | { draw: false; why: string };

/** The plan for a frame, when it is a widget view; undefined for every other output. */
export function exportWidgetPlan(frame: FrameOutputPlan, manager: ExportWidgetManager): ExportWidgetPlan | undefined {
  if (frameDrawOf(frame.mime)?.kind !== "widget") return undefined;
  const widget = frame.widget;
  if (widget === undefined) return { draw: false, why: "the notebook saved no widget state" };
  if (!widget.ok) return { draw: false, why: `it cannot be drawn from the saved widget state (${widget.message})` };
  const state: unknown = widget.state;
  if (!isFrameWidgetState(state, widget.modelId))
    return { draw: false, why: "its saved widget state is not within the limits" };
  if (!manager.ok) return { draw: false, why: manager.message };
  const fallback: FrameWidgetFallback = {};
  if (frame.fallbackImage !== undefined) fallback.image = frame.fallbackImage.dataUrl;
  if (frame.fallbackText !== undefined) fallback.text = frame.fallbackText;
  const height = clampFrameHeight(widgetViewHeight(widget.state, widget.modelId));
  return { draw: true, widget: { modelId: widget.modelId, state, fallback, height } };
}

/** The note above a widget view's data when it is not drawn and has no static copy. */
export function widgetNotDrawnNote(frame: FrameOutputPlan, why: string): string {
  return `${frame.mime} output: ${why}; the data follows.`;
}
