// Bokeh 2 and 3 notebooks in the studio, in Debian's Chromium against a real studio: output_notebook()'s outputs say
// they only load BokehJS, each show() draws in its own sandboxed frame with the BokehJS build its document's version
// calls for (served by the content origin, under the frame CSP, with no console error), a document of a version no
// build draws says so instead, and a plot wider than a phone's frame is fitted to it with its hover still on target.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import type { Frame, Locator, Page } from "playwright-core";
import { bokehMismatchNote } from "../../src/render/bokeh-builds.ts";
import { FRAME_LIBRARIES, frameLibraryPath } from "../../src/render/output-libraries.ts";
import { BOKEH_LOADER_NOTE } from "../../src/render/output-types.ts";
import { launchBrowser, type Browser } from "./browser.ts";
import { bokehVersion, drawnPlot, studioWithNotebook, watchProblems } from "./bokeh-frames.ts";
import { bokehNotebook } from "./bokeh-notebooks.ts";
import { signInThroughPage, type BrowserStudio } from "./running-studio.ts";

const PASSWORD = "bokeh lines test password";
const SHOTS = new URL("../../test-results/screenshots/", import.meta.url).pathname;
let studio: BrowserStudio;
let browser: Browser;
let workspaceUrl = "";
let requests: string[] = [];

// Slots, in order: output_notebook()'s banner and loader, then each show()'s <div> and script.
const NOTEBOOK = bokehNotebook([
  { version: "3.4.1", width: 800, title: "Bokeh 3.4.1, 800 px" },
  { version: "2.4.3", width: 800, title: "Bokeh 2.4.3, 800 px" },
  { version: "3.10.0", width: 500, title: "Bokeh 3.10.0, 500 px" },
  { version: "4.1.0" },
  { version: "1.4.0" },
  { version: "3.4.1", inHtml: true, title: "Bokeh 3.4.1 in one HTML output" },
  { version: "2.4.3", inHtml: true, title: "Bokeh 2.4.3 in one HTML output" },
]);
const SCRIPT_SLOT = { "3.4.1": 3, "2.4.3": 5, "3.10.0": 7, "4.1.0": 9, "1.4.0": 11 } as const;
/** The plots whose element and script are one text/html output. */
const HTML_SLOT = { "3.4.1": 12, "2.4.3": 13 } as const;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ({ studio, browser, workspaceUrl, requests } = await studioWithNotebook(
    PASSWORD,
    "Bokeh",
    "bokeh-lines.ipynb",
    NOTEBOOK,
  ));
});

after(async () => {
  await browser?.close();
  await studio?.close();
});

async function openNotebook(viewport: { width: number; height: number }): Promise<{
  page: Page;
  problems: string[];
  slots: Locator;
}> {
  const page = await browser.context.newPage();
  await page.setViewportSize(viewport);
  const problems = watchProblems(page);
  await page.goto(`${workspaceUrl}/f/bokeh-lines.ipynb`);
  await page.locator('article.vt-notebook[aria-busy="false"]').waitFor({ state: "attached", timeout: 60_000 });
  return { page, problems, slots: page.locator(".vt-frame-slot") };
}

/** The frame of an output slot, brought into view so that it is made and painted. */
async function frameOfSlot(slot: Locator): Promise<Frame> {
  await slot.evaluate((element) => element.scrollIntoView({ block: "center" }));
  const handle = await slot.locator("iframe.vt-frame").elementHandle({ timeout: 30_000 });
  const frame = await handle!.contentFrame();
  assert.ok(frame);
  return frame;
}

async function noteOf(frame: Frame): Promise<string> {
  await frame.locator(".vt-frame-note").first().waitFor({ timeout: 30_000 });
  return (await frame.locator(".vt-frame-note").allInnerTexts()).join("\n");
}

/** Hovers the plot's rightmost marker and returns the tooltip's text (the tooltip may be in a shadow root). */
async function hoverTooltip(
  page: Page,
  slot: Locator,
  frame: Frame,
  marker: { x: number; y: number },
): Promise<string> {
  await slot.evaluate((element) => element.scrollIntoView({ block: "center" }));
  const box = (await slot.locator("iframe.vt-frame").boundingBox())!;
  await page.mouse.move(box.x + marker.x - 40, box.y + marker.y + 30);
  await page.mouse.move(box.x + marker.x, box.y + marker.y, { steps: 4 });
  const handle = await frame.waitForFunction(
    () => {
      const texts: string[] = [];
      const walk = (root: Document | ShadowRoot): void => {
        for (const element of root.querySelectorAll("*")) {
          if (/tooltip/i.test(String(element.className)) && element instanceof HTMLElement && element.offsetParent)
            texts.push(element.innerText);
          if (element.shadowRoot) walk(element.shadowRoot);
        }
      };
      walk(document);
      const text = texts.join(" ");
      return /\(6, 9\)/.test(text) ? text : null;
    },
    undefined,
    { timeout: 15_000, polling: 200 },
  );
  return (await handle.jsonValue()) ?? "";
}

async function shoot(page: Page, slots: Locator, name: string): Promise<void> {
  for (const [version, slot] of Object.entries(SCRIPT_SLOT)) {
    await slots.nth(slot).evaluate((element) => element.scrollIntoView({ block: "center" }));
    await page.waitForTimeout(400);
    await page.screenshot({ path: `${SHOTS}bokeh-${name}-${version}.png` });
  }
}

test("bokeh 2 and 3 plots draw with the BokehJS of their version, and output_notebook() says it only loads it", async () => {
  const { page, problems, slots } = await openNotebook({ width: 1200, height: 900 });
  assert.equal(await slots.count(), 14, "two outputs of output_notebook(), two of each show(), one of each HTML");
  for (const loader of [0, 1]) assert.equal(await noteOf(await frameOfSlot(slots.nth(loader))), BOKEH_LOADER_NOTE);

  const v3 = await frameOfSlot(slots.nth(SCRIPT_SLOT["3.4.1"]));
  const drawn3 = await drawnPlot(v3);
  assert.equal(await bokehVersion(v3), FRAME_LIBRARIES.bokeh3.version);
  // BokehJS 3.10 warns that a 3.4.1 document is not of its version, and the frame passes that on.
  assert.equal(await noteOf(v3), bokehMismatchNote("3.4.1", FRAME_LIBRARIES.bokeh3.version));
  assert.ok(Math.abs(drawn3.width - 800) < 2, `the 800 px plot keeps its width in a wide frame: ${drawn3.width}`);

  const v2 = await frameOfSlot(slots.nth(SCRIPT_SLOT["2.4.3"]));
  const drawn2 = await drawnPlot(v2);
  assert.equal(await bokehVersion(v2), FRAME_LIBRARIES.bokeh2.version);
  assert.equal(await v2.locator(".vt-frame-note").count(), 0, "a 2.4.3 document is 2.4.3's own: no warning");

  const same = await frameOfSlot(slots.nth(SCRIPT_SLOT["3.10.0"]));
  await drawnPlot(same);
  assert.equal(await same.locator(".vt-frame-note").count(), 0);

  for (const [version, slot] of Object.entries(HTML_SLOT)) {
    const frame = await frameOfSlot(slots.nth(slot));
    await drawnPlot(frame);
    assert.equal(await bokehVersion(frame), version.startsWith("2.") ? "2.4.3" : FRAME_LIBRARIES.bokeh3.version);
  }

  for (const version of ["4.1.0", "1.4.0"] as const) {
    const frame = await frameOfSlot(slots.nth(SCRIPT_SLOT[version]));
    const note = await noteOf(frame);
    assert.match(note, new RegExp(`^Not drawn: this output was made by Bokeh ${version.replace(/\./g, "\\.")},`));
    assert.match(note, /2\.4\.3 \(Bokeh 2\.0–2\.4\) and 3\.10\.0 \(Bokeh 3\.0–3\.10\)/);
    assert.equal(await bokehVersion(frame), undefined, "no BokehJS is loaded for it");
  }

  assert.match(await hoverTooltip(page, slots.nth(SCRIPT_SLOT["2.4.3"]), v2, drawn2.marker!), /\(6, 9\)/);
  await page.screenshot({ path: `${SHOTS}bokeh-1200-light-2.4.3-hover.png` });
  assert.match(await hoverTooltip(page, slots.nth(SCRIPT_SLOT["3.4.1"]), v3, drawn3.marker!), /\(6, 9\)/);
  await shoot(page, slots, "1200-light");
  // A window narrowed after the plots were drawn: they follow it down.
  await page.setViewportSize({ width: 390, height: 844 });
  for (const version of ["3.4.1", "2.4.3"] as const) {
    const frame = await frameOfSlot(slots.nth(SCRIPT_SLOT[version]));
    const narrowed = await frame.waitForFunction(
      () => {
        const all: Element[] = [];
        const walk = (root: Document | ShadowRoot): void => {
          for (const element of root.querySelectorAll("canvas")) all.push(element);
          for (const element of root.querySelectorAll("*")) if (element.shadowRoot) walk(element.shadowRoot);
        };
        walk(document);
        const width = Math.max(...all.map((canvas) => canvas.getBoundingClientRect().width));
        return width <= document.documentElement.clientWidth ? width : null;
      },
      undefined,
      { timeout: 15_000 },
    );
    assert.ok(((await narrowed.jsonValue()) ?? 0) > 200, `${version} refitted`);
  }
  assert.deepEqual(problems, []);
  const outside = requests.filter((url) => !url.startsWith(`${studio.app}/`) && !url.startsWith(`${studio.content}/`));
  assert.deepEqual(
    outside.filter((url) => !url.startsWith("data:") && url !== "about:blank"),
    [],
  );
  for (const library of [FRAME_LIBRARIES.bokeh3, FRAME_LIBRARIES.bokeh3Widgets, FRAME_LIBRARIES.bokeh2])
    assert.ok(
      requests.includes(`${studio.content}${frameLibraryPath(library)}`),
      `${library.file} came from the content origin`,
    );
  await page.close();
});

test("at phone width a wide plot is fitted to its frame, and its hover still finds the point under the pointer", async () => {
  const { page, problems, slots } = await openNotebook({ width: 390, height: 844 });
  for (const version of ["3.4.1", "2.4.3"] as const) {
    const slot = slots.nth(SCRIPT_SLOT[version]);
    const frame = await frameOfSlot(slot);
    const drawn = await drawnPlot(frame);
    assert.ok(drawn.width <= drawn.frameWidth, `${version}: drawn ${drawn.width} px in a ${drawn.frameWidth} px frame`);
    assert.ok(drawn.width > drawn.frameWidth * 0.8, `${version}: it uses the frame's width (${drawn.width})`);
    const scroll = await frame.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    assert.equal(scroll, 0, `${version}: nothing scrolls sideways`);
    assert.match(await hoverTooltip(page, slot, frame, drawn.marker!), /\(6, 9\)/);
  }
  await shoot(page, slots, "390-light");
  assert.deepEqual(problems, []);
  await page.close();
});

test("in dark mode, at both widths, the plots draw as in light mode", async () => {
  const dark = await launchBrowser({ colorScheme: "dark" });
  try {
    const page = await dark.context.newPage();
    await signInThroughPage(page, studio.app, "ada", PASSWORD);
    const problems = watchProblems(page);
    for (const width of [1200, 390]) {
      await page.setViewportSize({ width, height: width > 600 ? 900 : 844 });
      await page.goto(`${workspaceUrl}/f/bokeh-lines.ipynb`);
      await page.locator('article.vt-notebook[aria-busy="false"]').waitFor({ state: "attached", timeout: 60_000 });
      const slots = page.locator(".vt-frame-slot");
      for (const version of ["3.4.1", "2.4.3"] as const)
        await drawnPlot(await frameOfSlot(slots.nth(SCRIPT_SLOT[version])));
      await shoot(page, slots, `${width}-dark`);
    }
    assert.deepEqual(problems, []);
  } finally {
    await dark.close();
  }
});
