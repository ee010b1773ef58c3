// A plotly figure (application/vnd.plotly.v1+json) drawn with the served plotly.js, as JupyterLab's plotly
// renderer draws it: the figure's data, layout, frames and config, with the mode bar.
import type { FrameJson, FrameJsonObject } from "../../contract/frame-protocol.ts";
import { PLOTLY_TOPOJSON, TOPOJSON_NAMES, topojsonName, topojsonScriptPath } from "../../render/output-libraries.ts";
import { plotlyConfig, plotlyLayoutFor } from "../../render/library-draw-options.ts";
import { libraryGlobal, loadLibraries, loadServedScript } from "./libraries.ts";

export { plotlyConfig };

interface PlotlyGlobal {
  newPlot(element: HTMLElement, figure: Record<string, unknown>): Promise<unknown>;
  PlotSchema: { get(): { traces: Record<string, unknown> } };
  version: string;
}

function objectOr(value: FrameJson | undefined): FrameJsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};
}

const GEO_TRACE_TYPES: ReadonlySet<string> = new Set(["scattergeo", "choropleth"]);

/**
 * The map outlines the figure's geo subplots need, by plotly's name: one per subplot (`geo`, `geo2`, ... in the
 * layout or named by a geo trace), from its scope and resolution, with plotly's defaults (world, 1:110m) for
 * anything missing or unknown.
 */
export function topojsonNamesFor(figure: FrameJsonObject): string[] {
  const layout = objectOr(figure.layout);
  const subplots = new Set(Object.keys(layout).filter((key) => /^geo\d*$/.test(key)));
  for (const trace of Array.isArray(figure.data) ? figure.data : []) {
    const t = objectOr(trace);
    if (typeof t.type === "string" && GEO_TRACE_TYPES.has(t.type))
      subplots.add(typeof t.geo === "string" && /^geo\d*$/.test(t.geo) ? t.geo : "geo");
  }
  const names = new Set<string>();
  for (const id of subplots) {
    const geo = objectOr(layout[id]);
    const scope =
      typeof geo.scope === "string" &&
      (PLOTLY_TOPOJSON.scopes as readonly string[]).includes(geo.scope.replace(/ /g, "-"))
        ? geo.scope.replace(/ /g, "-")
        : "world";
    const resolution = geo.resolution === 50 || geo.resolution === "50" ? 50 : 110;
    const name = topojsonName(scope, resolution);
    if (TOPOJSON_NAMES.includes(name)) names.add(name);
  }
  return [...names];
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
