import assert from "node:assert/strict";
import { test } from "node:test";
import { plotlyConfig, topojsonNamesFor, unknownTraceTypes } from "./plotly-output.ts";
import { offlineLoader, vegaSpecAndLooks } from "./vega-output.ts";
import { plotlyLayoutFor, vegaLooksFor } from "../../render/library-draw-options.ts";

test("a plotly figure keeps its own config, less what a sandboxed frame cannot offer", () => {
  const config = plotlyConfig({
    config: { scrollZoom: true, displaylogo: true, modeBarButtonsToRemove: ["lasso2d", 3, "toImage"] },
  });
  assert.deepEqual(config, {
    scrollZoom: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["lasso2d", "toImage", "sendDataToCloud"],
    responsive: true,
  });
  assert.deepEqual(plotlyConfig({ config: [1] }), {
    displaylogo: false,
    modeBarButtonsToRemove: ["toImage", "sendDataToCloud"],
    responsive: true,
  });
});

test("geo subplots ask for the map outline of their scope and resolution, with plotly's defaults", () => {
  assert.deepEqual(topojsonNamesFor({ data: [{ type: "scatter" }], layout: {} }), []);
  assert.deepEqual(topojsonNamesFor({ data: [{ type: "choropleth" }], layout: {} }), ["world_110m"]);
  assert.deepEqual(
    topojsonNamesFor({
      data: [{ type: "scattergeo", geo: "geo2" }],
      layout: { geo: { scope: "usa" }, geo2: { scope: "north america", resolution: 50 } },
    }),
    ["usa_110m", "north-america_50m"],
  );
  // Unknown scopes fall back to the world, as plotly itself does; odd subplot names are not followed.
  assert.deepEqual(
    topojsonNamesFor({
      data: [{ type: "scattergeo", geo: "../x" }],
      layout: { geo: { scope: "mars", resolution: 10 } },
    }),
    ["world_110m"],
  );
});

test("trace types plotly does not know are named", () => {
  const known = { scatter: {}, bar: {} };
  assert.deepEqual(
    unknownTraceTypes(
      {
        data: [{ type: "scatter" }, { type: "scattermapbox" }, { type: "scattermapbox" }, {}, { type: "constructor" }],
      },
      known,
    ),
    ["scattermapbox", "constructor"],
  );
});

test("a spec's own embed options cannot switch the interpreter off, the actions on, or bring a loader", () => {
  const spec = {
    mark: "bar",
    usermeta: {
      embedOptions: {
        ast: false,
        actions: true,
        loader: { baseURL: "https://example.org/" },
        expr: "x",
        theme: "dark",
        renderer: "canvas",
        config: { background: "#000" },
      },
      other: 1,
    },
  };
  const { spec: own, looks } = vegaSpecAndLooks(spec);
  assert.deepEqual(own, { mark: "bar", usermeta: { other: 1 } });
  assert.deepEqual(looks, { theme: "dark", renderer: "canvas", config: { background: "#000" } });
  assert.deepEqual(
    vegaSpecAndLooks({
      mark: "bar",
      usermeta: { embedOptions: { renderer: "webgl", config: "https://example.org/c.json" } },
    }).looks,
    {},
  );
  const plain = { mark: "point" };
  assert.equal(vegaSpecAndLooks(plain).spec, plain);
});

test("Vega's loader fetches nothing, and hands a clicked mark's link to the page", async () => {
  const links: string[] = [];
  const loader = offlineLoader((href) => links.push(href));
  await assert.rejects(loader.load("data/cars.json"), /data\/cars\.json was not loaded: output frames have no network/);
  await assert.rejects(loader.sanitize("https://example.org/i.png", { context: "image" }), /no network/);
  await assert.rejects(loader.http("https://example.org/"), /no network/);
  assert.deepEqual(links, []);
  // Vega asks with context "href" only when a mark is clicked; the page decides, Vega never navigates.
  await assert.rejects(loader.sanitize("https://example.org/docs", { context: "href" }));
  assert.deepEqual(links, ["https://example.org/docs"]);
});

test("on a narrow frame a plotly figure's unset margins shrink and a legend without an orientation goes below", () => {
  const layout = { margin: { t: 60 }, legend: { title: { text: "species" } }, height: 400 };
  assert.deepEqual(plotlyLayoutFor(layout, 326), {
    margin: { l: 48, r: 16, b: 40, t: 60 },
    legend: { title: { text: "species" }, orientation: "h", yanchor: "top", y: -0.2 },
    height: 400,
  });
  // The figure's own choices stay; a wide frame, or one not laid out yet, gets the layout as it is.
  const own = { margin: { l: 100, r: 100 }, legend: { orientation: "v" } };
  assert.deepEqual(plotlyLayoutFor(own, 326), { margin: { l: 100, r: 100, b: 40 }, legend: { orientation: "v" } });
  assert.equal(plotlyLayoutFor(layout, 1000), layout);
  assert.equal(plotlyLayoutFor(layout, 0), layout);
  assert.deepEqual(plotlyLayoutFor(["not", "a", "layout"], 1000), {});
});

test("a reader in the dark scheme gets vega's dark theme, unless the spec chose its own looks", () => {
  assert.deepEqual(vegaLooksFor({}, true), { theme: "dark" });
  assert.deepEqual(vegaLooksFor({ renderer: "svg" }, true), { renderer: "svg", theme: "dark" });
  assert.deepEqual(vegaLooksFor({ theme: "fivethirtyeight" }, true), { theme: "fivethirtyeight" });
  assert.deepEqual(vegaLooksFor({ config: { background: "#fff" } }, true), { config: { background: "#fff" } });
  assert.deepEqual(vegaLooksFor({}, false), {});
});
