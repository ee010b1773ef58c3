// `vitrine render` with widget views, in Debian's Chromium from file://: nbconvert's Widget_List notebook exported
// with the real export code and the built widget manager (npm run build:web), opened with every request but the
// file aborted. Its sliders, text boxes, buttons and boxes draw from the saved widget state in their sandboxed
// frames, a slider moves when dragged, and the page's CSP refuses nothing.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Frame, Page } from "playwright-core";
import { parseNotebook } from "../../src/notebook/parse.ts";
import { exportNotebookHtml } from "../../src/render/export.ts";
import { LIBRARY_BLOCK_ATTRIBUTE } from "../../src/render/export-libraries.ts";
import { exportWidgetManager } from "../../src/render/export-widgets.ts";
import { exportFrames, openExportOffline } from "./export-page.ts";
import { launchBrowser, type Browser } from "./browser.ts";

const SHOTS = new URL("../../test-results/screenshots/", import.meta.url).pathname;
const WIDGET_LIST = new URL("../../../shared/corpus/notebooks/nbconvert__Widget_List.ipynb", import.meta.url);
const workDir = mkdtempSync(join(tmpdir(), "vitrine-export-widgets-"));
let fileUrl = "";
let html = "";

before(() => {
  mkdirSync(SHOTS, { recursive: true });
  assert.ok(exportWidgetManager().ok, "the widget manager is built (npm run build:web)");
  const parsed = parseNotebook(readFileSync(WIDGET_LIST), { file: "Widget_List.ipynb" });
  html = exportNotebookHtml(parsed, { fileName: "Widget_List.ipynb" });
  const path = join(workDir, "Widget_List.html");
  writeFileSync(path, html);
  fileUrl = pathToFileURL(path).href;
});

/** The page's cumulative layout shift so far (Chromium's layout-shift entries not caused by input). */
async function layoutShift(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let total = 0;
        new PerformanceObserver((entries) => {
          for (const entry of entries.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[])
            if (!entry.hadRecentInput) total += entry.value;
        }).observe({ type: "layout-shift", buffered: true });
        setTimeout(() => resolve(total), 200);
      }),
  );
}

/** Waits until every widget frame has drawn its view or shown a note, and returns how many drew. */
async function drawnViews(page: Page, list: Frame[]): Promise<{ drawn: number; notes: string[] }> {
  let drawn = 0;
  const notes: string[] = [];
  for (const [index, frame] of list.entries()) {
    await page.locator("iframe.vt-frame").nth(index).scrollIntoViewIfNeeded();
    await frame.waitForSelector("#output .widget-subarea > *, .vt-frame-note", { timeout: 60_000 });
    const note = await frame.locator(".vt-frame-note").allInnerTexts();
    if (note.length > 0) notes.push(`${index}: ${note.join(" ")}`);
    else drawn += 1;
  }
  return { drawn, notes };
}

test("the file carries the widget manager once and each frame only its view's models", () => {
  const blocks = [...html.matchAll(new RegExp(`${LIBRARY_BLOCK_ATTRIBUTE}="([^"]+)"`, "g"))].map((m) => m[1]);
  assert.deepEqual(blocks.sort(), ["widgets", "widgets:style"]);
  assert.doesNotMatch(html, /<script[^>]+src=/i, "nothing is loaded from anywhere");
  assert.match(html, /font-src data:/);
});

test("Widget_List's views draw from file://, offline, under the page's CSP; a slider moves when dragged", async (t) => {
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const { page, problems, outside } = await openExportOffline(browser, fileUrl);
    const list = await exportFrames(page);
    assert.equal(list.length, 41);
    const { drawn, notes } = await drawnViews(page, list);
    t.diagnostic(`${drawn} of ${list.length} views drawn; notes: ${notes.join(" | ")}`);
    assert.equal(drawn, list.length, notes.join(" | "));
    // Each widget frame keeps the height guessed for its view until it has drawn, so the page hardly moves as the
    // frames, scrolled into view one by one above, draw and report their heights.
    const shift = await layoutShift(page);
    t.diagnostic(`cumulative layout shift while the views drew: ${shift.toFixed(3)}`);
    assert.ok(shift < 0.1, `layout shift ${shift}`);

    const slider = list[0]!;
    await page.locator("iframe.vt-frame").first().scrollIntoViewIfNeeded();
    assert.equal((await slider.locator(".widget-readout").first().innerText()).trim(), "7");
    const textBoxes: string[] = [];
    for (const frame of list)
      for (const input of await frame.locator(".widget-text input[type=text]").all())
        textBoxes.push(await input.inputValue());
    assert.ok(textBoxes.includes("Hello World"), JSON.stringify(textBoxes));
    let buttons = 0;
    let hboxes = 0;
    for (const frame of list) {
      buttons += await frame.locator("button.jupyter-button, button.widget-button").count();
      hboxes += await frame.locator(".widget-hbox, .jupyter-widgets.widget-hbox").count();
    }
    assert.ok(buttons >= 1 && hboxes >= 4, `${buttons} buttons, ${hboxes} boxes`);

    // Dragging the IntSlider's handle to the right end moves it, and its readout follows (to its max, 10).
    const handle = slider.locator(".ui-slider-handle").first();
    const track = slider.locator(".ui-slider").first();
    const box = (await handle.boundingBox())!;
    const trackBox = (await track.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(trackBox.x + trackBox.width + 20, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    assert.equal((await slider.locator(".widget-readout").first().innerText()).trim(), "10");
    const moved = (await handle.boundingBox())!;
    assert.ok(moved.x > box.x + 20, `${box.x} -> ${moved.x}`);

    assert.deepEqual(problems, []);
    assert.deepEqual(outside, []);
    await page.close();
  } finally {
    await browser?.close();
  }
});

test("a view of a third-party widget shows its static copy in its frame, with why", async () => {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: {
      widgets: {
        "application/vnd.jupyter.widget-state+json": {
          version_major: 2,
          version_minor: 0,
          state: {
            fig: { model_name: "FigureModel", model_module: "bqplot", model_module_version: "^0.5", state: {} },
          },
        },
      },
    },
    cells: [
      {
        cell_type: "code",
        execution_count: 1,
        metadata: {},
        source: "",
        outputs: [
          {
            output_type: "display_data",
            metadata: {},
            data: {
              "application/vnd.jupyter.widget-view+json": { version_major: 2, version_minor: 0, model_id: "fig" },
              "text/plain": "Figure(axes=[...])",
            },
          },
        ],
      },
    ],
  };
  const parsed = parseNotebook(new TextEncoder().encode(JSON.stringify(notebook)), { file: "bqplot.ipynb" });
  const path = join(workDir, "bqplot.html");
  writeFileSync(path, exportNotebookHtml(parsed, { fileName: "bqplot.ipynb" }));
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/.test(message.text())) problems.push(message.text());
    });
    await page.goto(pathToFileURL(path).href, { waitUntil: "load" });
    const frame = page.frameLocator("iframe.vt-frame").first();
    await frame.locator(".vt-frame-note").waitFor({ timeout: 60_000 });
    assert.match(await frame.locator(".vt-frame-note").innerText(), /^Static copy of this widget: .*bqplot/);
    assert.equal(await frame.locator("#output pre").innerText(), "Figure(axes=[...])");
    assert.deepEqual(problems, []);
    await page.close();
  } finally {
    await browser.close();
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
        // Chromium paints a cross-origin frame only near the viewport: one shot per part of the page, each in view.
        for (const [index, what] of [
          [0, "sliders"],
          [22, "text"],
          [29, "button"],
        ] as const) {
          const frame = page.locator("iframe.vt-frame").nth(index);
          await frame.scrollIntoViewIfNeeded();
          await frame
            .contentFrame()
            .locator("#output .widget-subarea > *, .vt-frame-note")
            .first()
            .waitFor({ timeout: 60_000 });
          await page.waitForTimeout(400);
          await page.screenshot({ path: `${SHOTS}export-widgets-${what}-${label}-${scheme}.png` });
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
    assert.match(await page.locator(".vt-cells").innerText(), /Widget List/);
    await page.close();
  } finally {
    await noJs.close();
  }
});
