// `vitrine render` with output libraries, in Debian's Chromium from file://: plotly, Vega-Lite and Bokeh outputs
// draw offline in their sandboxed frames from the one copy of each library the file carries, with every request
// that is not the file itself aborted, no CSP violation, and markdown still readable with JavaScript off.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseNotebook } from "../../src/notebook/parse.ts";
import { exportNotebookHtml } from "../../src/render/export.ts";
import { LIBRARY_BLOCK_ATTRIBUTE } from "../../src/render/export-libraries.ts";
import { BOKEH_LOADER_NOTE } from "../../src/render/output-types.ts";
import { exportFrames, openExportOffline, displayCell } from "./export-page.ts";
import { launchBrowser, type Browser } from "./browser.ts";

const SHOTS = new URL("../../test-results/screenshots/", import.meta.url).pathname;
const LORENZ = new URL("../../../shared/corpus/notebooks/bokeh-notebooks__lorenz.ipynb", import.meta.url);
const workDir = mkdtempSync(join(tmpdir(), "vitrine-export-libraries-"));
let fileUrl = "";
let html = "";

before(() => {
  mkdirSync(SHOTS, { recursive: true });
  const lorenz = JSON.parse(readFileSync(LORENZ, "utf8")) as { cells: { outputs?: unknown[] }[] };
  const bokehCells = lorenz.cells.filter((cell) =>
    (cell.outputs ?? []).some((o) => JSON.stringify(o).includes("text/html")),
  );
  const notebook = {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: {},
    cells: [
      {
        cell_type: "markdown",
        metadata: {},
        source: "# Charts offline\n\nThree libraries, each **once** in the file.",
      },
      ...[1, 2].map((n) =>
        displayCell({
          "application/vnd.plotly.v1+json": {
            data: [{ type: "scatter", x: [1, 2, 3], y: [n, 3, 1], name: `points ${n}` }],
            layout: { title: { text: `Plotly ${n}` } },
          },
        }),
      ),
      displayCell({
        "application/vnd.vegalite.v5+json": {
          data: {
            values: [
              { a: "A", b: 2 },
              { a: "B", b: 5 },
              { a: "C", b: 3 },
            ],
          },
          transform: [{ calculate: "datum.b * 2", as: "double" }],
          mark: "bar",
          encoding: { x: { field: "a", type: "ordinal" }, y: { field: "double", type: "quantitative" } },
        },
      }),
      ...bokehCells,
      // A map: its outline comes from the file, never from plotly's CDN.
      displayCell({
        "application/vnd.plotly.v1+json": {
          data: [{ type: "scattergeo", lon: [2.35, -74], lat: [48.86, 40.7], mode: "markers" }],
          layout: { geo: { showland: true, showcountries: true }, title: { text: "A map" } },
        },
      }),
    ],
  };
  const parsed = parseNotebook(new TextEncoder().encode(JSON.stringify(notebook)), { file: "charts.ipynb" });
  html = exportNotebookHtml(parsed, { fileName: "charts.ipynb" });
  const path = join(workDir, "charts.html");
  writeFileSync(path, html);
  fileUrl = pathToFileURL(path).href;
});

after(() => undefined);

test("each library is in the file once, however many outputs draw with it", () => {
  const blocks = [...html.matchAll(new RegExp(`${LIBRARY_BLOCK_ATTRIBUTE}="([^"]+)"`, "g"))].map((m) => m[1]);
  assert.deepEqual(blocks.sort(), [
    "bokeh",
    "bokeh:style",
    "plotly",
    "topojson:world_110m",
    "vega",
    "vegaEmbed",
    "vegaLite",
  ]);
  assert.doesNotMatch(html, /<script[^>]+src=/i, "nothing is loaded from anywhere");
});

test("plotly, Vega-Lite and Bokeh outputs draw from file://, offline, under the page's CSP", async () => {
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const { page, problems, outside } = await openExportOffline(browser, fileUrl);
    const [plotly1, plotly2, vegaLite, loader, bokeh, map] = await exportFrames(page);
    for (const plotly of [plotly1!, plotly2!]) {
      await plotly.waitForSelector(".js-plotly-plot .main-svg .scatterlayer .trace", { timeout: 60_000 });
      assert.equal(await plotly.locator("a.modebar-btn.plotlyjsicon, .modebar-btn--logo").count(), 0);
    }
    await vegaLite!.waitForSelector(".vega-embed svg .mark-rect path", { timeout: 60_000 });
    assert.equal(await vegaLite!.locator(".vega-embed svg .mark-rect path").count(), 3);
    assert.equal(await loader!.locator(".vt-frame-note").innerText(), BOKEH_LOADER_NOTE);
    // Chromium runs no animation frames in a cross-origin frame out of view, and BokehJS draws in one.
    await page.locator("iframe.vt-frame").nth(4).scrollIntoViewIfNeeded();
    const painted = await bokeh!.waitForFunction(
      () => {
        const canvas = document.querySelector("canvas");
        const context = canvas?.getContext("2d");
        if (!canvas || !context || canvas.width === 0) return null;
        const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
        const colours = new Set<number>();
        for (let i = 0; i < pixels.length; i += 4)
          if (pixels[i + 3] !== 0) colours.add((pixels[i]! << 16) | (pixels[i + 1]! << 8) | pixels[i + 2]!);
        return colours.size > 20 ? colours.size : null;
      },
      undefined,
      { timeout: 60_000 },
    );
    assert.ok(((await painted.jsonValue()) ?? 0) > 20);
    await page.locator("iframe.vt-frame").nth(5).scrollIntoViewIfNeeded();
    // The world's land and borders, drawn from the outline the file carries.
    await map!.waitForSelector(".geo .layer.bg .land path, .geo path.land, .geolayer .countries path", {
      timeout: 60_000,
    });
    for (const frame of await page.locator("iframe.vt-frame").all()) await frame.scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    const heights = await page
      .locator("iframe.vt-frame")
      .evaluateAll((list) => list.map((f) => Math.round(f.getBoundingClientRect().height)));
    assert.ok(heights[0]! > 300 && heights[2]! > 100 && heights[4]! > 400, JSON.stringify(heights));
    // A library that sets a style attribute at run time (setAttribute("style")) is refused by the page's policy,
    // which allows style attributes only by the hashes of those in the file; what it drew is complete without it.
    // Every other refusal (a script, a <style> element) and every script error fails the test.
    const styleAttributeRefusals = problems.filter((p) =>
      /^Applying inline style violates.*hashes do not apply to event handlers, style attributes/.test(p),
    );
    assert.ok(styleAttributeRefusals.length <= 1, JSON.stringify(styleAttributeRefusals));
    assert.deepEqual(
      problems.filter((p) => !styleAttributeRefusals.includes(p)),
      [],
    );
    assert.deepEqual(outside, []);
    await page.close();
  } finally {
    await browser?.close();
  }
});

test("screenshots at desktop and phone width, light and dark; markdown readable with JavaScript off", async () => {
  for (const scheme of ["light", "dark"] as const) {
    const browser = await launchBrowser({ colorScheme: scheme });
    try {
      const { page } = await openExportOffline(browser, fileUrl);
      for (const [label, width] of [
        ["desktop", 1200],
        ["phone", 390],
      ] as const) {
        await page.setViewportSize({ width, height: 900 });
        // Chromium paints a cross-origin frame only near the viewport: one shot per drawing, each in view.
        const shots = [
          [0, "plotly"],
          [2, "vega-lite"],
          [4, "bokeh"],
        ] as const;
        for (const [index, what] of shots) {
          await page.locator("iframe.vt-frame").nth(index).scrollIntoViewIfNeeded();
          await page.waitForTimeout(500);
          await page.screenshot({ path: `${SHOTS}export-libraries-${what}-${label}-${scheme}.png` });
        }
      }
      await page.close();
    } finally {
      await browser.close();
    }
  }
  const noJs = await launchBrowser({ javaScriptEnabled: false });
  try {
    const page = await noJs.context.newPage();
    await page.goto(fileUrl, { waitUntil: "load" });
    assert.match(await page.locator("h1", { hasText: "Charts offline" }).innerText(), /Charts offline/);
    assert.match(await page.locator(".vt-cells").innerText(), /each once in the file/);
    await page.close();
  } finally {
    await noJs.close();
  }
});
