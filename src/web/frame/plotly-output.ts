// A plotly figure (application/vnd.plotly.v1+json) drawn with the served plotly.js, as JupyterLab's plotly
// renderer draws it: the figure's data, layout, frames and config, with the mode bar.
import type { FrameJson, FrameJsonObject } from "../../contract/frame-protocol.ts";
import { topojsonScriptPath } from "../../render/output-libraries.ts";
import { topojsonNamesFor } from "../../render/plotly-geo.ts";
import { plotlyConfig, plotlyLayoutFor } from "../../render/library-draw-options.ts";
import { libraryGlobal, loadLibraries, loadServedScript } from "./libraries.ts";

export { plotlyConfig, topojsonNamesFor };

interface PlotlyGlobal {
  newPlot(element: HTMLElement, figure: Record<string, unknown>): Promise<unknown>;
  PlotSchema: { get(): { traces: Record<string, unknown> } };
  version: string;
}

function objectOr(value: FrameJson | undefined): FrameJsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};
}

/** Trace types in the figure that this plotly.js does not know (it draws nothing for them, silently). */
export function unknownTraceTypes(figure: FrameJsonObject, known: Record<string, unknown>): string[] {
  const types = new Set<string>();
  for (const trace of Array.isArray(figure.data) ? figure.data : []) {
    const type = objectOr(trace).type;
    if (typeof type === "string" && !Object.hasOwn(known, type)) types.add(type);
  }
  return [...types];
}

/**
 * Draws the figure into `container`, and returns a note for the reader when part of it cannot be drawn (traces
 * of types that plotly.js has since removed, such as the Mapbox ones).
 */
export async function drawPlotly(container: HTMLElement, figure: FrameJsonObject): Promise<string | undefined> {
  await loadLibraries(["plotly"]);
  await Promise.all(
    topojsonNamesFor(figure).map((name) => loadServedScript(topojsonScriptPath(name), `the ${name} map outline`)),
  );
  const plotly = libraryGlobal<PlotlyGlobal>("plotly");
  await plotly.newPlot(container, {
    data: Array.isArray(figure.data) ? figure.data : [],
    layout: plotlyLayoutFor(figure.layout, container.clientWidth),
    ...(Array.isArray(figure.frames) ? { frames: figure.frames } : {}),
    config: plotlyConfig(figure),
  });
  const unknown = unknownTraceTypes(figure, plotly.PlotSchema.get().traces);
  return unknown.length > 0
    ? `Not drawn: ${unknown.join(", ")} traces, which plotly.js ${plotly.version} does not have.`
    : undefined;
}
