// `vitrine render` of a notebook with HoloViews and Panel outputs, opened from file:// in Debian's Chromium with
// every request but the file aborted: the curve and the Panel column draw offline with BokehJS 3 and Panel's
// bundle, which the file carries once for both, with Panel's stylesheets, under the page's CSP with no refusal and
// no console error; a document of a newer Panel says why it is not drawn.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Frame, Page } from "playwright-core";
import { parseNotebook } from "../../src/notebook/parse.ts";
import { PANEL_LOADER_NOTE } from "../../src/render/bokeh-builds.ts";
import { exportNotebookHtml } from "../../src/render/export.ts";
import { LIBRARY_BLOCK_ATTRIBUTE, PANEL_STYLES_LIBRARY } from "../../src/render/export-libraries.ts";
import { FRAME_LIBRARIES } from "../../src/render/output-libraries.ts";
import { bokehVersion, drawnPlot } from "./bokeh-frames.ts";
import { launchBrowser } from "./browser.ts";
import { exportFrames, openExportOffline } from "./export-page.ts";
import { PANEL_MARKDOWN_TEXT, holoviewsCurveCell, panelNotebook } from "./panel-notebooks.ts";

const SHOTS = new URL("../../test-results/screenshots/", import.meta.url).pathname;
const workDir = mkdtempSync(join(tmpdir(), "vitrine-panel-export-"));
let fileUrl = "";
let html = "";

// A second curve, so that two outputs use Panel's bundle.
const NOTEBOOK = panelNotebook({ bokeh: "3.4.1", panel: "1.4.4" }, { bokeh: "3.10.0", panel: "1.12.0" });
(NOTEBOOK.cells as unknown[]).push(holoviewsCurveCell({ bokeh: "3.10.0", panel: "1.9.4" }));

before(() => {
  mkdirSync(SHOTS, { recursive: true });
  const parsed = parseNotebook(new TextEncoder().encode(JSON.stringify(NOTEBOOK)), { file: "panel.ipynb" });
  html = exportNotebookHtml(parsed, { fileName: "panel.ipynb" });
  const path = join(workDir, "panel.html");
  writeFileSync(path, html);
  fileUrl = pathToFileURL(path).href;
});

test("the file carries BokehJS 3, its tables, Panel and Panel's stylesheets once, and links nothing", () => {
  const blocks = [...html.matchAll(new RegExp(`${LIBRARY_BLOCK_ATTRIBUTE}="([^"]+)"`, "g"))].map((m) => m[1]);
  assert.deepEqual(blocks.sort(), ["bokeh3", "bokeh3Tables", "bokeh3Widgets", "panel", PANEL_STYLES_LIBRARY].sort());
  assert.doesNotMatch(html, /<script[^>]+src=/i, "nothing is loaded from anywhere");
});

async function inView(page: Page, frame: Frame): Promise<void> {
  await (await frame.frameElement()).scrollIntoViewIfNeeded();
}

async function notes(frame: Frame): Promise<string> {
  return (await frame.locator(".vt-frame-note").allInnerTexts()).join("\n");
}

/** The frames of the outputs, found by what they hold. */
async function framesByOutput(page: Page): Promise<{ loader: Frame; drawn: Frame[]; newer: Frame }> {
  const frames = await exportFrames(page);
  const loader: Frame[] = [];
  const drawn: Frame[] = [];
  const newer: Frame[] = [];
  for (const frame of frames) {
    // Read from the tree: the notes' text and the scripts' text.
    const text = await frame.evaluate(() =>
      [document.body.innerText, ...Array.from(document.scripts, (script) => script.textContent ?? "")].join("\n"),
    );
    if (text.includes(PANEL_LOADER_NOTE)) loader.push(frame);
    else if (text.includes("1.12.0")) newer.push(frame);
    else if (text.includes("embed_items_notebook")) drawn.push(frame);
  }
  assert.equal(loader.length, 1);
  assert.equal(newer.length, 1);
  assert.equal(drawn.length, 4, "the curve, the column, the slider's column and the second curve");
  return { loader: loader[0]!, drawn, newer: newer[0]! };
}

test("the curves and the Panel column draw offline, under the page's CSP, at desktop and phone width", async () => {
  for (const scheme of ["light", "dark"] as const) {
    const browser = await launchBrowser({ colorScheme: scheme });
    try {
      const { page, problems, outside } = await openExportOffline(browser, fileUrl);
      for (const width of [1200, 390]) {
        await page.setViewportSize({ width, height: 900 });
        if (width !== 1200) await page.reload({ waitUntil: "load" });
        const { drawn, newer } = await framesByOutput(page);
        for (const [i, frame] of drawn.entries()) {
          // Chromium runs no animation frames in a cross-origin frame out of view, and BokehJS draws in one.
          await inView(page, frame);
          const plot = await drawnPlot(frame);
          assert.ok(plot.painted > 1000);
          assert.ok(plot.width <= plot.frameWidth, `${i} at ${width}: ${plot.width} px in ${plot.frameWidth}`);
          assert.equal(await bokehVersion(frame), FRAME_LIBRARIES.bokeh3.version);
          if (i === 1) await frame.getByText(PANEL_MARKDOWN_TEXT).waitFor({ timeout: 30_000 });
          await page.waitForTimeout(300);
          await page.screenshot({ path: `${SHOTS}panel-export-${i}-${width}-${scheme}.png` });
        }
        await inView(page, newer);
        assert.match(await notes(newer), /^Not drawn: this output was made by Panel 1\.12\.0,/);
        assert.equal(await bokehVersion(newer), undefined);
      }
      assert.deepEqual(problems, []);
      assert.deepEqual(outside, []);
      await page.close();
    } finally {
      await browser.close();
    }
  }
});
