// HoloViews and Panel outputs in the studio, in Debian's Chromium against a real studio: pn.extension()'s outputs
// say they only load Panel, a HoloViews curve and a Panel column (a Markdown pane above a Bokeh figure) draw in
// their sandboxed frames with BokehJS 3.10.0 and Panel's bundle from the content origin, under the frame CSP, with
// no console error; and a document of a Panel newer than the served one says so instead.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import type { Frame, Locator, Page } from "playwright-core";
import { PANEL_LOADER_NOTE } from "../../src/render/bokeh-builds.ts";
import { FRAME_LIBRARIES, frameLibraryPath } from "../../src/render/output-libraries.ts";
import { PANEL_KERNEL_NOTE } from "../../src/render/panel-models.ts";
import { launchBrowser, type Browser } from "./browser.ts";
import { bokehVersion, drawnPlot, studioWithNotebook, watchProblems } from "./bokeh-frames.ts";
import { PANEL_MARKDOWN_TEXT, PANEL_MARKDOWN_TITLE, panelNotebook } from "./panel-notebooks.ts";
import { signInThroughPage, type BrowserStudio } from "./running-studio.ts";

const PASSWORD = "panel lines test password";
const SHOTS = new URL("../../test-results/screenshots/", import.meta.url).pathname;
let studio: BrowserStudio;
let browser: Browser;
let workspaceUrl = "";
let requests: string[] = [];

const NOTEBOOK = panelNotebook({ bokeh: "3.4.1", panel: "1.4.4" }, { bokeh: "3.10.0", panel: "1.12.0" });
/**
 * Slots, in order: pn.extension()'s three outputs, then the curve, the column, the newer Panel's column and the
 * column with a slider.
 */
const SLOT = { curve: 3, column: 4, newer: 5, slider: 6 } as const;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ({ studio, browser, workspaceUrl, requests } = await studioWithNotebook(
    PASSWORD,
    "Panel",
    "panel-lines.ipynb",
    NOTEBOOK,
  ));
});

after(async () => {
  await browser?.close();
  await studio?.close();
});

async function openNotebook(page: Page, width: number): Promise<Locator> {
  await page.setViewportSize({ width, height: width > 600 ? 900 : 844 });
  await page.goto(`${workspaceUrl}/f/panel-lines.ipynb`);
  await page.locator('article.vt-notebook[aria-busy="false"]').waitFor({ state: "attached", timeout: 60_000 });
  return page.locator(".vt-frame-slot");
}

/** The frame of an output slot, brought into view so that it is made and painted. */
async function frameOfSlot(slot: Locator): Promise<Frame> {
  await slot.evaluate((element) => element.scrollIntoView({ block: "center" }));
  const handle = await slot.locator("iframe.vt-frame").elementHandle({ timeout: 30_000 });
  const frame = await handle!.contentFrame();
  assert.ok(frame);
  return frame;
}

async function notesOf(frame: Frame): Promise<string> {
  return (await frame.locator(".vt-frame-note").allInnerTexts()).join("\n");
}

/** Checks what each output shows, and shoots each. */
async function checkOutputs(page: Page, slots: Locator, shot: string): Promise<void> {
  assert.equal(await slots.count(), 7);
  // Panel's loader says it only loads; the PyViz proxy after it runs as the script it is, and shows nothing.
  const loader = await frameOfSlot(slots.nth(1));
  await loader.locator(".vt-frame-note").first().waitFor({ timeout: 30_000 });
  assert.equal(await notesOf(loader), PANEL_LOADER_NOTE);
  const curve = await frameOfSlot(slots.nth(SLOT.curve));
  const drawnCurve = await drawnPlot(curve);
  assert.ok(drawnCurve.painted > 1000);
  // HoloViews' figure, inside its Row, is fitted to a frame narrower than it.
  assert.ok(drawnCurve.width <= drawnCurve.frameWidth, `curve: ${drawnCurve.width} px in ${drawnCurve.frameWidth}`);
  assert.equal(await bokehVersion(curve), FRAME_LIBRARIES.bokeh3.version);
  assert.ok(
    await curve.evaluate(() => (window as unknown as { Bokeh: { Panel?: unknown } }).Bokeh.Panel !== undefined),
  );
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${SHOTS}panel-${shot}-curve.png` });

  const column = await frameOfSlot(slots.nth(SLOT.column));
  const drawnColumn = await drawnPlot(column);
  assert.ok(drawnColumn.painted > 1000);
  assert.ok(
    drawnColumn.width <= drawnColumn.frameWidth,
    `column: ${drawnColumn.width} px in ${drawnColumn.frameWidth}`,
  );
  // Panel's HTML model draws the markdown in its view's shadow root, which the locator pierces.
  await column.getByText(PANEL_MARKDOWN_TEXT).waitFor({ timeout: 30_000 });
  assert.equal(await column.getByRole("heading", { name: PANEL_MARKDOWN_TITLE }).count(), 1);
  // Panel's markdown stylesheet (served, inlined) is applied: its headings are not the browser's default 2em.
  const headingSize = await column
    .getByRole("heading", { name: PANEL_MARKDOWN_TITLE })
    .evaluate((element) => getComputedStyle(element).fontSize);
  assert.ok(headingSize !== "", headingSize);
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${SHOTS}panel-${shot}-column.png` });

  const newer = await frameOfSlot(slots.nth(SLOT.newer));
  await newer.locator(".vt-frame-note").first().waitFor({ timeout: 30_000 });
  assert.match(await notesOf(newer), /^Not drawn: this output was made by Panel 1\.12\.0, whose models/);
  assert.equal(await bokehVersion(newer), undefined, "no BokehJS is loaded for it");
  await page.screenshot({ path: `${SHOTS}panel-${shot}-newer.png` });

  // A live output's widgets are drawn as saved, and the note says they need the kernel.
  const slider = await frameOfSlot(slots.nth(SLOT.slider));
  await drawnPlot(slider);
  await slider.getByText("Window").first().waitFor({ timeout: 30_000 });
  assert.ok((await notesOf(slider)).startsWith(PANEL_KERNEL_NOTE), await notesOf(slider));
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${SHOTS}panel-${shot}-slider.png` });
}

test("a HoloViews curve and a Panel column draw with BokehJS 3 and Panel from the content origin", async () => {
  const page = await browser.context.newPage();
  const problems = watchProblems(page, /Panel: ERROR/);
  const slots = await openNotebook(page, 1200);
  await checkOutputs(page, slots, "1200-light");
  assert.deepEqual(problems, []);
  const outside = requests.filter((url) => !url.startsWith(`${studio.app}/`) && !url.startsWith(`${studio.content}/`));
  assert.deepEqual(
    outside.filter((url) => !url.startsWith("data:") && url !== "about:blank"),
    [],
  );
  for (const library of [FRAME_LIBRARIES.bokeh3, FRAME_LIBRARIES.bokeh3Tables, FRAME_LIBRARIES.panel])
    assert.ok(
      requests.includes(`${studio.content}${frameLibraryPath(library)}`),
      `${library.file} came from the content origin`,
    );
  assert.ok(!requests.some((url) => /holoviz/.test(url) && !url.startsWith(studio.content)));
  await page.close();
});

test("at phone width and in dark mode the outputs draw as well", async () => {
  for (const scheme of ["light", "dark"] as const) {
    const themed = scheme === "light" ? browser : await launchBrowser({ colorScheme: scheme });
    try {
      const page = await themed.context.newPage();
      if (themed !== browser) await signInThroughPage(page, studio.app, "ada", PASSWORD);
      const problems = watchProblems(page, /Panel: ERROR/);
      for (const width of scheme === "light" ? [390] : [1200, 390]) {
        const slots = await openNotebook(page, width);
        await checkOutputs(page, slots, `${width}-${scheme}`);
      }
      assert.deepEqual(problems, []);
      await page.close();
    } finally {
      if (themed !== browser) await themed.close();
    }
  }
});
