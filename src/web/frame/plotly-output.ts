// A plotly figure (application/vnd.plotly.v1+json) drawn with the served plotly.js, as JupyterLab's plotly
// renderer draws it: the figure's data, layout, frames and config, with the mode bar.
import type { FrameJson, FrameJsonObject } from "../../render/frame-protocol.ts";
import { libraryGlobal, loadLibraries } from "./libraries.ts";

interface PlotlyGlobal {
  newPlot(element: HTMLElement, figure: Record<string, unknown>): Promise<unknown>;
}

// Buttons that cannot work in a sandboxed frame without downloads or popups, so they are not offered.
const UNAVAILABLE_BUTTONS = ["toImage", "sendDataToCloud"];

function objectOr(value: FrameJson | undefined): FrameJsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};
}

/** The figure's own config with what the frame cannot offer removed; the plotly logo links off-site, so it goes. */
export function plotlyConfig(figure: FrameJsonObject): Record<string, unknown> {
  const own = objectOr(figure.config);
  const removed = Array.isArray(own.modeBarButtonsToRemove) ? own.modeBarButtonsToRemove.filter((b) => typeof b === "string") : [];
  return { ...own, displaylogo: false, modeBarButtonsToRemove: [...new Set([...removed, ...UNAVAILABLE_BUTTONS])], responsive: true };
}

export async function drawPlotly(container: HTMLElement, figure: FrameJsonObject): Promise<void> {
  await loadLibraries(["plotly"]);
  const plotly = libraryGlobal<PlotlyGlobal>("plotly");
  await plotly.newPlot(container, {
    data: Array.isArray(figure.data) ? figure.data : [],
    layout: objectOr(figure.layout),
    ...(Array.isArray(figure.frames) ? { frames: figure.frames } : {}),
    config: plotlyConfig(figure),
  });
}
