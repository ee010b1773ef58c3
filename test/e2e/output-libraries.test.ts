// Plotly, Vega and Vega-Lite outputs, Bokeh plots, and classic JavaScript outputs that use requirejs, drawn in the studio's
// sandboxed output frames by the libraries the content origin serves, in Debian's Chromium against a real studio:
// each draws, under the frame CSP with no violation, and no request leaves the two loopback origins.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import type { Frame, Locator, Page } from "playwright-core";
import { FRAME_LIBRARIES, frameLibraryPath, frameLibraryStylesheetPath } from "../../src/render/output-libraries.ts";
import { BOKEH_LOADER_NOTE } from "../../src/render/output-types.ts";
import { launchBrowser, type Browser } from "./browser.ts";
import { signInThroughPage, startBrowserStudio, type BrowserStudio } from "./running-studio.ts";

const PASSWORD = "libraries test password";
const SHOTS = new URL("../../test-results/screenshots/", import.meta.url).pathname;
const CORPUS = new URL("../../../shared/corpus/notebooks/", import.meta.url).pathname;
let studio: BrowserStudio;
let browser: Browser;
let workspaceUrl = "";
/** Every request the browser made, from any page or frame. */
const requests: string[] = [];

function output(data: Record<string, unknown>, source = "") {
  return {
    cell_type: "code",
    id: `c${Math.random().toString(36).slice(2, 10)}`,
    execution_count: 1,
    metadata: {},
    source,
    outputs: [{ output_type: "display_data", metadata: {}, data }],
  };
}

const VEGA_LITE_SPEC = {
  $schema: "https://vega.github.io/schema/vega-lite/v5.json",
  data: {
    values: [
      { a: "A", b: 28 },
      { a: "B", b: 55 },
      { a: "C", b: 43 },
    ],
  },
  // A calculated field: an expression that Vega would compile with Function unless the interpreter runs it.
  transform: [{ calculate: "datum.b * 2", as: "double" }],
  mark: "bar",
  encoding: {
    x: { field: "a", type: "ordinal" },
    y: { field: "double", type: "quantitative" },
    href: { value: "https://example.org/chart-source" },
  },
  // A notebook cannot switch the CSP-safe interpreter off, nor the actions on.
  usermeta: { embedOptions: { ast: false, actions: true, renderer: "svg" } },
};

const libraryNotebook = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    output(
      {
        "application/vnd.plotly.v1+json": {
          data: [{ type: "scatter", x: [1, 2, 3], y: [3, 1, 2], name: "points" }],
          layout: { title: { text: "Plotly in a frame" } },
          config: { displaylogo: true },
        },
      },
      "px.scatter()",
    ),
    output({ "application/vnd.vegalite.v5+json": VEGA_LITE_SPEC, "text/plain": "<VegaLite 5 object>" }, "alt.Chart()"),
    output(
      {
        "application/javascript": [
          "require.config({ paths: { plotly: 'https://cdn.example.invalid/plotly-2.0.0.min' } });\n",
          "require(['plotly'], function (Plotly) {\n",
          "  var div = document.createElement('div');\n",
          "  element.appendChild(div);\n",
          "  Plotly.newPlot(div, [{ type: 'bar', x: ['a', 'b'], y: [2, 5] }], { title: { text: 'from require' } }).then(function () { document.body.dataset.required = Plotly.version; });\n",
          "});\n",
        ],
      },
      "Javascript(...)",
    ),
    output(
      {
        "application/javascript": [
          "require(['d3'], function () { document.body.dataset.d3 = 'loaded'; }, function (err) { document.body.dataset.d3 = 'refused:' + err.requireModules.join(','); });\n",
          "require(['https://cdn.example.invalid/payload.js'], function () { document.body.dataset.url = 'loaded'; }, function (err) { document.body.dataset.url = 'refused'; });\n",
        ],
      },
      "Javascript(d3)",
    ),
    // HTML as plotly's offline mode wrote it: requirejs configured toward a CDN, then the figure through require.
    output(
      {
        "text/html": [
          "<script>require.config({ paths: { plotly: 'https://cdn.plot.ly/plotly-latest.min' } });</script>\n",
          '<div id="fig" class="plotly-graph-div" style="height:300px"></div>\n',
          '<script>require(["plotly"], function (Plotly) { Plotly.newPlot("fig", [{ type: "bar", x: ["a", "b"], y: [1, 4] }]).then(function () { document.body.dataset.htmlRequired = Plotly.version; }); });</script>\n',
        ],
      },
      "iplot(...)",
    ),
    // No error callback: the frame says what was missing.
    output(
      { "application/javascript": "require(['jquery'], function ($) { $(element).text('never'); });\n" },
      "Javascript(jquery)",
    ),
  ],
};

async function api(
  page: Page,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const { csrfToken } = await (await fetch("/api/session")).json();
      const response = await fetch(path, {
        method,
        headers: { "x-csrf-token": csrfToken, ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: response.status, json: await response.json() };
    },
    { method, path, body },
  );
}

async function upload(page: Page, name: string, text: string): Promise<void> {
  const id = new URL(workspaceUrl).pathname.split("/")[2];
  const status = await page.evaluate(
    async ({ id, name, text }) => {
      const { csrfToken } = await (await fetch("/api/session")).json();
      const form = new FormData();
      form.append("acknowledgment", "trusted-source-v1");
      form.append("file", new Blob([text]), name);
      return (
        await fetch(`/api/workspaces/${id}/files`, {
          method: "POST",
          headers: { "x-csrf-token": csrfToken },
          body: form,
        })
      ).status;
    },
    { id, name, text },
  );
  assert.equal(status, 201, `upload of ${name}`);
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  studio = await startBrowserStudio([{ name: "grace", password: PASSWORD }]);
  browser = await launchBrowser();
  browser.context.on("request", (request) => requests.push(request.url()));
  const page = await browser.context.newPage();
  await signInThroughPage(page, studio.app, "grace", PASSWORD);
  const created = await api(page, "POST", "/api/workspaces", { name: "Charts" });
  assert.equal(created.status, 201);
  workspaceUrl = `${studio.app}/w/${String(created.json.id)}`;
  await upload(page, "libraries.ipynb", JSON.stringify(libraryNotebook));
  for (const name of [
    "plotly_express__gallery.ipynb",
    "jupyterlab__vega-extension.ipynb",
    "ipython__Custom_Display_Logic.ipynb",
    "bokeh-notebooks__lorenz.ipynb",
  ])
    await upload(page, name, readFileSync(`${CORPUS}${name}`, "utf8"));
  await page.close();
});

after(async () => {
  await browser?.close();
  await studio?.close();
});

/** CSP refusals and script errors from the page and every frame in it. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" || /Content Security Policy|Refused to/.test(message.text()))
      problems.push(message.text());
  });
  return problems;
}

/** Requests that went anywhere but the studio's two loopback origins. */
function strayRequests(): string[] {
  return requests.filter(
    (url) =>
      !url.startsWith(`${studio.app}/`) &&
      !url.startsWith(`${studio.content}/`) &&
      !url.startsWith("data:") &&
      url !== "about:blank",
  );
}

/**
 * One screenshot per output frame. Frames are out-of-process (another site), and Chromium paints them only near
 * the viewport, so a full-page shot shows far frames blank: each is brought into view and allowed to paint first.
 */
async function shootFrames(page: Page, name: string): Promise<void> {
  const frames = page.locator("iframe.vt-frame");
  const count = await frames.count();
  for (let i = 0; i < count; i++) {
    await frames.nth(i).scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${SHOTS}${name}-${String(i + 1).padStart(2, "0")}.png` });
  }
}

/** Opens a stored notebook in a new page that records its problems; returns the page, its problems and its output slots. */
async function openNotebook(name: string): Promise<{ page: Page; problems: string[]; slots: Locator }> {
  const page = await browser.context.newPage();
  const problems = watchProblems(page);
  await page.goto(`${workspaceUrl}/f/${name}`);
  await page.locator(".vt-cell").first().waitFor({ state: "attached" });
  // The view draws the first screen at once and the rest in idle time: wait until every cell is there.
  await page.locator('article.vt-notebook[aria-busy="false"]').waitFor({ state: "attached", timeout: 60_000 });
  return { page, problems, slots: page.locator(".vt-frame-slot") };
}

/** The frame of an output slot, brought into view so that it is created (frames live only near the viewport). */
async function frameOfSlot(slot: Locator): Promise<Frame> {
  await slot.evaluate((element) => element.scrollIntoView({ block: "center" }));
  const iframe = slot.locator("iframe.vt-frame");
  if (
    !(await iframe.waitFor({ state: "attached", timeout: 10_000 }).then(
      () => true,
      () => false,
    ))
  ) {
    // On a loaded machine an intersection change can be reported late: move away and come back once.
    await slot.evaluate((element) => {
      window.scrollTo(0, 0);
      element.scrollIntoView({ block: "center" });
    });
  }
  const handle = await iframe.elementHandle({ timeout: 30_000 }).catch(async (error: Error) => {
    throw new Error(
      `${error.message}\nslot holds: ${await slot.evaluate((element) => (element.textContent ?? "").slice(0, 300))}`,
    );
  });
  const frame = await handle.contentFrame();
  assert.ok(frame);
  return frame;
}

async function outputFrames(page: Page, count: number): Promise<Frame[]> {
  await page.waitForFunction((n) => document.querySelectorAll("iframe.vt-frame").length >= n, count);
  const frames: Frame[] = [];
  for (const handle of await page.locator("iframe.vt-frame").elementHandles()) {
    const frame = await handle.contentFrame();
    assert.ok(frame);
    frames.push(frame);
  }
  return frames;
}

test("a plotly figure, a Vega-Lite chart and requirejs outputs draw with the served libraries, offline and under the CSP", async () => {
  const { page, problems } = await openNotebook("libraries.ipynb");
  const [plotly, vegaLite, required, missing, htmlRequired, unnoted] = await outputFrames(page, 6);
  assert.ok(plotly && vegaLite && required && missing && htmlRequired);

  await plotly.waitForSelector(".js-plotly-plot .main-svg", { timeout: 60_000 });
  assert.ok((await plotly.locator(".scatterlayer .trace").count()) >= 1, "the scatter trace is drawn");
  assert.equal(
    await plotly.locator(".modebar-btn[data-title='Download plot as a png']").count(),
    0,
    "no download button in a sandbox without downloads",
  );
  assert.equal(
    await plotly.locator("a.modebar-btn.plotlyjsicon, .modebar-btn--logo").count(),
    0,
    "no off-site logo link",
  );
  assert.equal(
    await plotly.evaluate(() => (window as unknown as { Plotly: { version: string } }).Plotly.version),
    FRAME_LIBRARIES.plotly.version,
  );

  await vegaLite.waitForSelector(".vega-embed svg .mark-rect path", { timeout: 60_000 });
  assert.equal(
    await vegaLite.locator(".vega-embed svg .mark-rect path").count(),
    3,
    "one bar per value, heights from the interpreted expression",
  );
  assert.equal(await vegaLite.locator(".vega-actions, details").count(), 0, "the spec could not turn the actions on");
  // A mark's link is the page's to check and ask about, as any link in an output; the frame stays where it is.
  await vegaLite.locator(".vega-embed svg .mark-rect path").first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("heading", { name: "This link leaves the studio" }).waitFor();
  assert.match(await dialog.innerText(), /example\.org/);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  assert.equal(await vegaLite.locator(".vega-embed svg").count(), 1);

  await required.waitForFunction(() => document.body.dataset.required, undefined, { timeout: 60_000 });
  assert.equal(
    await required.evaluate(() => document.body.dataset.required),
    FRAME_LIBRARIES.plotly.version,
    "require('plotly') gave the served copy, not the configured CDN",
  );
  assert.ok((await required.locator("#output .main-svg").count()) >= 1);

  await missing.waitForFunction(() => document.body.dataset.d3 && document.body.dataset.url, undefined, {
    timeout: 10_000,
  });
  assert.equal(
    await missing.evaluate(() => document.body.dataset.d3),
    "refused:d3",
    "an unknown module fails into the output's error callback",
  );
  assert.equal(
    await missing.evaluate(() => document.body.dataset.url),
    "refused",
    "so does a module named by URL, without a request",
  );
  await htmlRequired.waitForFunction(() => document.body.dataset.htmlRequired, undefined, { timeout: 60_000 });
  assert.equal(
    await htmlRequired.evaluate(() => document.body.dataset.htmlRequired),
    FRAME_LIBRARIES.plotly.version,
    "an HTML output's require('plotly') gave the served copy, not the configured CDN",
  );
  assert.ok(unnoted);
  await unnoted.locator(".vt-frame-note").waitFor({ timeout: 10_000 });
  assert.match(await unnoted.locator(".vt-frame-note").innerText(), /^Not available in this studio: jquery/);

  // Frames grew to their drawings.
  const heights = await page
    .locator("iframe.vt-frame")
    .evaluateAll((list) => list.map((f) => f.getBoundingClientRect().height));
  assert.ok((heights[0] ?? 0) > 300 && (heights[1] ?? 0) > 100, JSON.stringify(heights));
  await shootFrames(page, "libraries");

  assert.deepEqual(problems, []);
  assert.deepEqual(strayRequests(), []);
  // BokehJS and Panel are checked by the tests of the Bokeh and Panel notebooks.
  const checkedElsewhere = (library: { package: string }) =>
    library.package.startsWith("bokehjs") || library.package === FRAME_LIBRARIES.panel.package;
  for (const library of Object.values(FRAME_LIBRARIES).filter((library) => !checkedElsewhere(library))) {
    assert.ok(
      requests.includes(`${studio.content}${frameLibraryPath(library)}`),
      `${library.package} came from the content origin`,
    );
  }
  await page.close();
});

test("the corpus's plotly gallery and Vega extension notebooks draw every figure offline", async () => {
  const { page, problems, slots } = await openNotebook("plotly_express__gallery.ipynb");
  const count = await slots.count();
  assert.equal(count, 46, "every plotly output has a live frame, none a static copy");
  // A figure's slot keeps the figure's height before its frame is made, so the page does not jump when it is drawn.
  const far = slots.nth(count - 1);
  assert.equal(await far.locator("iframe").count(), 0, "the last figure's frame is not made yet");
  assert.ok((await far.boundingBox())!.height >= 400, "its slot already has the figure's height");
  // SVG plots, WebGL ones (splom, parcoords, 3D) and geo maps whose outlines come from the content origin.
  const shots: Record<number, string> = {
    0: "scatter",
    5: "splom",
    7: "parcoords",
    30: "scatter3d",
    35: "mapbox",
    37: "geo",
    38: "choropleth",
  };
  for (let i = 0; i < count; i++) {
    const frame = await frameOfSlot(slots.nth(i));
    const outcome = await frame.waitForFunction(
      () =>
        document.querySelector(".vt-frame-note")?.textContent ??
        (document.querySelector(
          ".js-plotly-plot .main-svg .plot, .js-plotly-plot .main-svg .trace, .js-plotly-plot canvas, .js-plotly-plot .gl-container",
        )
          ? "drawn"
          : null),
      undefined,
      { timeout: 60_000 },
    );
    // plotly.js 4 removed the Mapbox traces: those two figures say so instead of showing empty axes in silence.
    const expected =
      i === 34 || i === 35
        ? `Not drawn: scattermapbox traces, which plotly.js ${FRAME_LIBRARIES.plotly.version} does not have.`
        : "drawn";
    assert.equal(await outcome.jsonValue(), expected, `figure ${i}`);
    // Geo figures draw their land from the served outline.
    if (i === 37)
      assert.ok(
        (await frame.locator(".geo .land path, .geo path.land").count()) > 0,
        "land drawn from the map outline",
      );
    if (shots[i] !== undefined) {
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${SHOTS}libraries-plotly-gallery-${shots[i]}.png` });
    }
  }

  assert.deepEqual(problems, []);
  await page.close();

  // A page of its own, so that the gallery's 46 frames (WebGL ones among them) are gone from the browser.
  const { page: vegaPage, problems: vegaProblems } = await openNotebook("jupyterlab__vega-extension.ipynb");
  // This notebook saved its outputs collapsed; a reader opens them.
  await vegaPage.locator(".vt-hidden-summary").first().waitFor();
  // Frames resize as they load, so a click aimed at one summary can land on another after the layout moves: each
  // is opened and then checked to be open.
  for (const summary of await vegaPage.locator(".vt-hidden-summary", { hasText: "Output" }).all()) {
    const details = summary.locator("xpath=..");
    for (let attempt = 0; attempt < 3 && !(await details.evaluate((d) => (d as HTMLDetailsElement).open)); attempt++) {
      await summary.click();
      await vegaPage.waitForTimeout(200);
    }
    assert.ok(await details.evaluate((d) => (d as HTMLDetailsElement).open), "the hidden output opened");
  }
  // Frames exist only near the viewport: bring each output to it in turn.
  const vegaSlots = vegaPage.locator(".vt-frame-slot");
  assert.equal(await vegaSlots.count(), 2);
  const vega = await frameOfSlot(vegaSlots.nth(0));
  const vegaLite = await frameOfSlot(vegaSlots.nth(1));
  await vega.waitForSelector(".vega-embed canvas, .vega-embed svg", { timeout: 60_000 });
  await vegaLite.waitForSelector(".vega-embed canvas, .vega-embed svg", { timeout: 60_000 });
  // The two outputs saved as a URL to a spec cannot be fetched from a frame: their saved images are shown.
  assert.equal(await vegaPage.locator(".vt-fallback img").count(), 2);
  assert.equal(
    await vegaPage
      .locator(".vt-fallback .vt-notice", { hasText: "its spec is at a URL, which an output frame cannot fetch" })
      .count(),
    2,
  );
  assert.equal(await vegaPage.locator("iframe.vt-frame").count(), 2);
  await shootFrames(vegaPage, "libraries-vega-extension");

  assert.deepEqual(vegaProblems, []);
  assert.deepEqual(strayRequests(), []);
  await vegaPage.close();
});

test("a classic JavaScript output that requires a library from a CDN says so, and nothing is fetched", async () => {
  const { page, problems, slots } = await openNotebook("ipython__Custom_Display_Logic.ipynb");
  const notes: string[] = [];
  for (let i = 0; i < (await slots.count()); i++) {
    const frame = await frameOfSlot(slots.nth(i));
    await frame.waitForFunction(() => document.body && document.body.childElementCount > 0, undefined, {
      timeout: 30_000,
    });
    // requirejs reports a refused module on the next turn.
    await page.waitForTimeout(100);
    notes.push(...(await frame.locator(".vt-frame-note").allInnerTexts()));
  }
  assert.ok(
    notes.some((note) =>
      /^Not available in this studio: \/\/cdnjs\.cloudflare\.com\/ajax\/libs\/flot\/0\.8\.2\/jquery\.flot\.min\.js/.test(
        note,
      ),
    ),
    JSON.stringify(notes),
  );
  assert.deepEqual(strayRequests(), []);
  assert.deepEqual(
    problems.filter((p) => /Content Security Policy|Refused to/.test(p)),
    [],
    "refused before the browser had to refuse it",
  );
  await page.close();
});

test("a Bokeh plot whose library an earlier output loaded draws in its own frame; the loader says what it does", async () => {
  const { page, problems, slots } = await openNotebook("bokeh-notebooks__lorenz.ipynb");
  assert.equal(await slots.count(), 2, "output_notebook()'s output and show(p)'s");
  const loader = await frameOfSlot(slots.nth(0));
  await loader.locator(".vt-frame-note").waitFor({ timeout: 30_000 });
  assert.equal(await loader.locator(".vt-frame-note").innerText(), BOKEH_LOADER_NOTE);
  assert.doesNotMatch(await loader.locator("body").innerText(), /successfully loaded/);

  const plot = await frameOfSlot(slots.nth(1));
  await plot.waitForSelector("canvas", { state: "attached", timeout: 60_000 });
  // The lines are drawn: the canvas holds painted pixels, and many distinct colours (seven blues and the axes).
  const painted = await plot.waitForFunction(
    () => {
      const canvas = document.querySelector<HTMLCanvasElement>("canvas");
      const context = canvas?.getContext("2d");
      if (!canvas || !context || canvas.width === 0) return null;
      const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
      const colours = new Set<number>();
      let opaque = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        if (pixels[i + 3] === 0) continue;
        opaque++;
        colours.add((pixels[i]! << 16) | (pixels[i + 1]! << 8) | pixels[i + 2]!);
      }
      return colours.size > 20 ? { opaque, colours: colours.size } : null;
    },
    undefined,
    { timeout: 30_000 },
  );
  const { opaque } = (await painted.jsonValue())!;
  assert.ok(opaque > 0);
  assert.equal((await plot.locator(".bk-toolbar-button").count()) > 0, true, "the 0.11 tools are in a toolbar");
  const height = await slots
    .nth(1)
    .locator("iframe.vt-frame")
    .evaluate((f) => f.getBoundingClientRect().height);
  assert.ok(height > 400, `the frame grew to the plot: ${height}`);
  await shootFrames(page, "libraries-bokeh-lorenz");

  assert.deepEqual(
    problems.filter((p) => /is not defined/.test(p)),
    [],
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(strayRequests(), []);
  assert.ok(requests.includes(`${studio.content}${frameLibraryPath(FRAME_LIBRARIES.bokeh)}`));
  assert.ok(requests.includes(`${studio.content}${frameLibraryStylesheetPath(FRAME_LIBRARIES.bokeh)}`));
  await page.close();
});
