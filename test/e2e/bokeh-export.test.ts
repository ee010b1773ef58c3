// `vitrine render` of Bokeh 2 and 3 notebooks, opened from file:// in Debian's Chromium with every request but the
// file aborted: each show() draws offline with the BokehJS build of its document's version, which the file carries
// once however many outputs use it, under the page's CSP with no refusal and no console error; a document of a
// version no build draws says why; and at phone width a wide plot is fitted to its frame.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Frame, Page } from "playwright-core";
import { parseNotebook } from "../../src/notebook/parse.ts";
import { bokehMismatchNote } from "../../src/render/bokeh-builds.ts";
import { exportNotebookHtml } from "../../src/render/export.ts";
import { LIBRARY_BLOCK_ATTRIBUTE } from "../../src/render/export-libraries.ts";
import { FRAME_LIBRARIES } from "../../src/render/output-libraries.ts";
import { BOKEH_LOADER_NOTE } from "../../src/render/output-types.ts";
import { bokehVersion, drawnPlot } from "./bokeh-frames.ts";
import { bokehNotebook } from "./bokeh-notebooks.ts";
import { launchBrowser } from "./browser.ts";
import { exportFrames, openExportOffline } from "./export-page.ts";

const SHOTS = new URL("../../test-results/screenshots/", import.meta.url).pathname;
const workDir = mkdtempSync(join(tmpdir(), "vitrine-bokeh-export-"));
let fileUrl = "";
let html = "";

// Frames, in order: output_notebook()'s banner and loader, then each show()'s <div> and script.
const NOTEBOOK = bokehNotebook([
  { version: "3.4.1", width: 800 },
  { version: "2.4.3", width: 800 },
  { version: "3.10.0", width: 500 },
  { version: "4.1.0" },
  { version: "3.4.1", inHtml: true },
]);
const SCRIPT_FRAME = { "3.4.1": 3, "2.4.3": 5, "3.10.0": 7, "4.1.0": 9 } as const;
/** A plot whose element and script are one text/html output. */
const HTML_FRAME = 10;

before(() => {
  mkdirSync(SHOTS, { recursive: true });
  const parsed = parseNotebook(new TextEncoder().encode(JSON.stringify(NOTEBOOK)), { file: "bokeh.ipynb" });
  html = exportNotebookHtml(parsed, { fileName: "bokeh.ipynb" });
  const path = join(workDir, "bokeh.html");
  writeFileSync(path, html);
  fileUrl = pathToFileURL(path).href;
});

test("the file carries each BokehJS bundle its documents need once, and nothing for the one it cannot draw", () => {
  const blocks = [...html.matchAll(new RegExp(`${LIBRARY_BLOCK_ATTRIBUTE}="([^"]+)"`, "g"))].map((m) => m[1]);
  assert.deepEqual(blocks.sort(), ["bokeh2", "bokeh2Widgets", "bokeh3", "bokeh3Widgets"]);
  assert.doesNotMatch(html, /<script[^>]+src=/i, "nothing is loaded from anywhere");
});

async function inView(page: Page, index: number): Promise<void> {
  await page.locator("iframe.vt-frame").nth(index).scrollIntoViewIfNeeded();
}

async function notes(frame: Frame): Promise<string> {
  return (await frame.locator(".vt-frame-note").allInnerTexts()).join("\n");
}

test("each plot draws offline with its own BokehJS, under the page's CSP, at desktop and phone width", async () => {
  for (const scheme of ["light", "dark"] as const) {
    const browser = await launchBrowser({ colorScheme: scheme });
    try {
      const { page, problems, outside } = await openExportOffline(browser, fileUrl);
      const frames = await exportFrames(page);
      assert.equal(frames.length, 11);
      assert.equal(await notes(frames[1]!), BOKEH_LOADER_NOTE);
      for (const width of [1200, 390]) {
        await page.setViewportSize({ width, height: 900 });
        // A plot is fitted to the width its frame has when it is drawn: the file is opened again at phone width.
        if (width !== 1200) {
          await page.reload({ waitUntil: "load" });
          frames.splice(0, frames.length, ...(await exportFrames(page)));
        }
        await inView(page, HTML_FRAME);
        await drawnPlot(frames[HTML_FRAME]!);
        assert.equal(await bokehVersion(frames[HTML_FRAME]!), FRAME_LIBRARIES.bokeh3.version);
        for (const [version, index] of Object.entries(SCRIPT_FRAME)) {
          const frame = frames[index]!;
          // Chromium runs no animation frames in a cross-origin frame out of view, and BokehJS draws in one.
          await inView(page, index);
          if (version === "4.1.0") {
            assert.match(await notes(frame), /^Not drawn: this output was made by Bokeh 4\.1\.0,/);
            assert.equal(await bokehVersion(frame), undefined);
          } else {
            const drawn = await drawnPlot(frame);
            const line = version.startsWith("2.") ? FRAME_LIBRARIES.bokeh2 : FRAME_LIBRARIES.bokeh3;
            assert.equal(await bokehVersion(frame), line.version);
            assert.equal(
              await notes(frame),
              version === line.version ? "" : bokehMismatchNote(version, line.version),
              `${version}: BokehJS's warning, when it gives one`,
            );
            assert.ok(drawn.width <= drawn.frameWidth, `${version} at ${width}: ${drawn.width} in ${drawn.frameWidth}`);
          }
          await page.waitForTimeout(300);
          await page.screenshot({ path: `${SHOTS}bokeh-export-${version}-${width}-${scheme}.png` });
        }
      }
      assert.deepEqual(problems, []);
      assert.deepEqual(outside, []);
      await page.close();
    } finally {
      await browser.close();
    }
  }
});
