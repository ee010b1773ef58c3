// The account's colour theme in Debian's Chromium against a real studio: the header's picker (by keyboard) saves
// the choice with the account and applies it at once, to the page and to output frames already drawn; a dark
// account on a light browser gets dark pages and dark frames from the first paint of a load, a light account on a
// dark browser light ones, and "system" follows the browser, live. The choice follows the account to another
// browser and is kept nowhere in the browser's storage.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { Frame, Locator, Page } from "playwright-core";
import { watchProblems } from "./bokeh-frames.ts";
import { launchBrowser, type Browser } from "./browser.ts";
import { openEditor } from "./editor-session.ts";
import { PANEL_MARKDOWN_TEXT, panelNotebook } from "./panel-notebooks.ts";
import { startBrowserStudio, type BrowserStudio } from "./running-studio.ts";
import { instrumentPage, pageRecord } from "./studio-page-watch.ts";
import { createWorkspace, pageApi, signIn, uploadTrusted } from "./studio-session.ts";

const PASSWORD = "theme test password";
const SHOTS = new URL("../../test-results/screenshots/", import.meta.url).pathname;
const CORPUS = new URL("../../../shared/corpus/notebooks/", import.meta.url).pathname;
const WIDGET_LIST = "nbconvert__Widget_List.ipynb";
// notebook.css's --vt-bg, light and dark.
const LIGHT_BG = "rgb(255, 255, 255)";
const DARK_BG = "rgb(17, 20, 24)";
// Its --vt-code-bg, dark.
const DARK_CODE_BG = "rgb(26, 31, 37)";

const TABLE_HTML =
  '<table border="1" class="dataframe"><thead><tr><th></th><th>a</th></tr></thead>' +
  "<tbody><tr><th>0</th><td>1</td></tr><tr><th>1</th><td>2</td></tr></tbody></table>";

const notebook = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
  cells: [
    { cell_type: "markdown", id: "intro", metadata: {}, source: "# Theme\n\nA table and a chart." },
    {
      cell_type: "code",
      id: "table",
      execution_count: 1,
      metadata: {},
      source: "df",
      outputs: [
        {
          output_type: "execute_result",
          execution_count: 1,
          metadata: {},
          data: { "text/html": TABLE_HTML, "text/plain": "   a\n0  1\n1  2" },
        },
      ],
    },
    {
      cell_type: "code",
      id: "chart",
      execution_count: 2,
      metadata: {},
      source: "chart",
      outputs: [
        {
          output_type: "display_data",
          metadata: {},
          data: {
            "application/vnd.vegalite.v5+json": {
              $schema: "https://vega.github.io/schema/vega-lite/v5.json",
              data: {
                values: [
                  { x: 1, y: 2 },
                  { x: 2, y: 3 },
                ],
              },
              mark: "bar",
              encoding: { x: { field: "x", type: "ordinal" }, y: { field: "y", type: "quantitative" } },
            },
            "text/plain": "<VegaLite 5 object>",
          },
        },
      ],
    },
  ],
};

const PANEL_NOTEBOOK = panelNotebook({ bokeh: "3.4.1", panel: "1.4.4" }, { bokeh: "3.10.0", panel: "1.12.0" });
/** The slot of the Panel column (a Markdown pane above a Bokeh figure): after pn.extension()'s three and the curve. */
const PANEL_COLUMN_SLOT = 4;

let studio: BrowserStudio;
let light: Browser;
let workspaceUrl = "";

before(async () => {
  studio = await startBrowserStudio([{ name: "ada", password: PASSWORD }]);
  light = await launchBrowser({ colorScheme: "light" });
  const page = await light.context.newPage();
  await signIn(page, studio.app, "ada", PASSWORD);
  const workspace = await createWorkspace(page, "Theme");
  workspaceUrl = `${studio.app}/w/${workspace}`;
  await uploadTrusted(page, workspace, [
    { name: "theme.ipynb", base64: Buffer.from(JSON.stringify(notebook)).toString("base64") },
    { name: WIDGET_LIST, base64: readFileSync(`${CORPUS}${WIDGET_LIST}`).toString("base64") },
    { name: "panel.ipynb", base64: Buffer.from(JSON.stringify(PANEL_NOTEBOOK)).toString("base64") },
  ]);
  await page.close();
});

after(async () => {
  await light?.close();
  await studio?.close();
});

async function openNotebook(page: Page, name = "theme.ipynb"): Promise<void> {
  await page.goto(`${workspaceUrl}/f/${name}`);
  await page.locator('article.vt-notebook[aria-busy="false"]').waitFor({ state: "attached", timeout: 60_000 });
}

/** The page's look: its root's theme attribute, its background and its used colour scheme. */
function pageLook(page: Page) {
  return page.evaluate(() => {
    const root = document.documentElement;
    const style = getComputedStyle(root);
    return { attribute: root.getAttribute("data-theme"), background: style.backgroundColor, scheme: style.colorScheme };
  });
}

/** The frame of an output slot, brought into view so that it is created (frames live only near the viewport). */
async function frameOf(slot: Locator): Promise<Frame> {
  await slot.evaluate((element) => element.scrollIntoView({ block: "center" }));
  const handle = await slot.locator("iframe.vt-frame").elementHandle({ timeout: 30_000 });
  const frame = await handle.contentFrame();
  assert.ok(frame);
  return frame;
}

async function tableFrame(page: Page): Promise<Frame> {
  const frame = await frameOf(page.locator('[data-mime="text/html"]').first());
  await frame.locator("table.dataframe td").first().waitFor({ timeout: 30_000 });
  return frame;
}

/** A table cell's text colour in an output frame: the frame's scheme's text colour (the frame sets none of its own). */
function cellColour(frame: Frame): Promise<string> {
  return frame
    .locator("table.dataframe td")
    .first()
    .evaluate((td) => getComputedStyle(td).color);
}

/** Waits until the frame's table text is `colour`: frames hear of a new choice by message. */
async function waitForCellColour(frame: Frame, colour: string): Promise<void> {
  await frame.waitForFunction(
    (want) => {
      const td = document.querySelector("table.dataframe td");
      return td !== null && getComputedStyle(td).color === want;
    },
    colour,
    { timeout: 10_000 },
  );
}

/** The mean of a computed colour's red, green and blue. */
function brightness(colour: string): number {
  const [r, g, b] = (colour.match(/[\d.]+/g) ?? []).map(Number);
  assert.ok(r !== undefined && g !== undefined && b !== undefined, colour);
  return (r + g + b) / 3;
}

const WHITE_TEXT = "rgb(255, 255, 255)";
const BLACK_TEXT = "rgb(0, 0, 0)";

/** The background of the Vega chart's drawing: vega's dark theme paints #333, its default white. */
async function chartBackground(page: Page): Promise<{ frame: Frame; background: () => Promise<string> }> {
  const frame = await frameOf(page.locator('[data-mime="application/vnd.vegalite.v5+json"]').first());
  const drawing = frame.locator(".vega-embed svg.marks");
  await drawing.waitFor({ timeout: 30_000 });
  return { frame, background: () => drawing.evaluate((svg) => getComputedStyle(svg).backgroundColor) };
}

const VEGA_DARK = "rgb(51, 51, 51)";
const VEGA_LIGHT = "rgb(255, 255, 255)";

/** Waits until the Vega chart's drawing has `background`: a chart is drawn again when the frame's scheme changes. */
async function waitForChartBackground(frame: Frame, background: string): Promise<void> {
  await frame.waitForFunction(
    (want) => {
      const svg = document.querySelector(".vega-embed svg.marks");
      return svg !== null && getComputedStyle(svg).backgroundColor === want;
    },
    background,
    { timeout: 10_000 },
  );
}

/** The Panel column's markdown text, which Panel's theme colours (in its view's shadow root), once drawn. */
async function panelText(page: Page): Promise<Locator> {
  await openNotebook(page, "panel.ipynb");
  const column = await frameOf(page.locator(".vt-frame-slot").nth(PANEL_COLUMN_SLOT));
  const text = column.getByText(PANEL_MARKDOWN_TEXT);
  await text.waitFor({ timeout: 30_000 });
  return text;
}

async function panelTextBrightness(page: Page): Promise<number> {
  const text = await panelText(page);
  return brightness(await text.evaluate((element) => getComputedStyle(element).color));
}

async function setTheme(page: Page, theme: string): Promise<void> {
  const answer = await pageApi(page, "PUT", "/api/account/theme", { theme });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
}

test("the picker, by keyboard, makes the page and its live frames dark at once and saves the choice with the account", async () => {
  const page = await light.context.newPage();
  await instrumentPage(page);
  await signIn(page, studio.app, "ada", PASSWORD);
  await setTheme(page, "system");
  await openNotebook(page);
  assert.deepEqual(await pageLook(page), { attribute: null, background: LIGHT_BG, scheme: "light dark" });
  const chart = await chartBackground(page);
  assert.equal(await chart.background(), VEGA_LIGHT);
  const frame = await tableFrame(page);
  assert.equal(await cellColour(frame), BLACK_TEXT);

  // Tab from the studio's name to the picker, as a keyboard user does, then down to "Dark".
  await page.getByRole("link", { name: "Vitrine", exact: true }).focus();
  await page.keyboard.press("Tab");
  const picker = page.getByLabel("Theme");
  assert.equal(await picker.evaluate((select) => select === document.activeElement), true, "Tab reaches the picker");
  assert.equal(await picker.inputValue(), "system");
  const saved = page.waitForResponse(
    (r) =>
      r.url().endsWith("/api/account/theme") &&
      r.request().method() === "PUT" &&
      r.request().postData() === '{"theme":"dark"}',
  );
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  assert.equal(await picker.inputValue(), "dark");
  assert.equal((await saved).status(), 200);
  assert.deepEqual(await pageLook(page), { attribute: "dark", background: DARK_BG, scheme: "dark" });
  await waitForCellColour(frame, WHITE_TEXT);
  assert.equal(await frame.evaluate(() => document.documentElement.getAttribute("data-theme")), "dark");
  assert.deepEqual((await pageApi(page, "GET", "/api/account/theme")).body, { theme: "dark" });
  // The chart already drawn is drawn again in vega's dark theme.
  await waitForChartBackground(chart.frame, VEGA_DARK);

  // And back to light, still on the same page.
  await page.keyboard.press("ArrowUp");
  assert.equal(await picker.inputValue(), "light");
  await waitForCellColour(frame, BLACK_TEXT);
  await page.waitForFunction(() => document.documentElement.getAttribute("data-theme") === "light");
  await page.waitForFunction(async () => {
    const answer = (await (await fetch("/api/account/theme")).json()) as { theme: string };
    return answer.theme === "light";
  });
  assert.deepEqual((await pageRecord(page)).violations, []);
  await page.close();
});

test("a dark account on a light browser is dark from the first paint of a load, frames too, and after a reload", async () => {
  const page = await light.context.newPage();
  await signIn(page, studio.app, "ada", PASSWORD);
  await setTheme(page, "dark");
  // When the root got its theme, against the page's first paint.
  await page.addInitScript(() => {
    new MutationObserver(() => {
      const w = window as unknown as { themedAt?: number };
      if (w.themedAt === undefined && document.documentElement?.hasAttribute("data-theme"))
        w.themedAt = performance.now();
    }).observe(document, { attributes: true, childList: true, subtree: true });
  });
  for (const load of ["open", "reload"]) {
    if (load === "open") await openNotebook(page);
    else {
      await page.reload();
      await page.locator('article.vt-notebook[aria-busy="false"]').waitFor({ state: "attached", timeout: 60_000 });
    }
    assert.deepEqual(await pageLook(page), { attribute: "dark", background: DARK_BG, scheme: "dark" }, load);
    assert.equal(await page.getByLabel("Theme").inputValue(), "dark");
    const timing = await page.evaluate(() => ({
      themedAt: (window as unknown as { themedAt?: number }).themedAt,
      firstPaint: performance.getEntriesByType("paint").find((p) => p.name === "first-paint")?.startTime,
    }));
    console.log(
      `${load}: theme applied at ${timing.themedAt?.toFixed(1)} ms, first paint at ${timing.firstPaint?.toFixed(1)} ms`,
    );
    assert.ok(timing.themedAt !== undefined);
    if (timing.firstPaint !== undefined)
      assert.ok(
        timing.themedAt <= timing.firstPaint,
        `theme at ${timing.themedAt} ms, first paint ${timing.firstPaint} ms`,
      );
    const frame = await tableFrame(page);
    assert.equal(await cellColour(frame), WHITE_TEXT, `${load}: the table's frame is dark`);
    // The frame too had its scheme before it painted anything (the init script runs in every frame).
    const framed = await frame.evaluate(() => ({
      themedAt: (window as unknown as { themedAt?: number }).themedAt,
      firstPaint: performance.getEntriesByType("paint").find((p) => p.name === "first-paint")?.startTime,
    }));
    assert.ok(framed.themedAt !== undefined && framed.firstPaint !== undefined, JSON.stringify(framed));
    assert.ok(framed.themedAt <= framed.firstPaint, `frame: ${JSON.stringify(framed)}`);
    assert.equal(await frame.evaluate(() => getComputedStyle(document.documentElement).colorScheme), "dark");
  }
  // The Vega chart was drawn with vega's dark theme.
  assert.equal(await (await chartBackground(page)).background(), VEGA_DARK);
  await page.screenshot({ path: `${SHOTS}theme-dark-account-light-browser.png`, fullPage: false });

  // Panel draws its views in its dark theme: light text.
  assert.ok((await panelTextBrightness(page)) > 180, "Panel's text is light");

  // The editor's code takes the dark scheme's colours too (CodeMirror reads the page's custom properties).
  await openEditor(page, `${workspaceUrl}/f/theme.ipynb`);
  const editor = page.locator('.vt-ed-cell[data-cell-id="table"] .cm-editor');
  assert.equal(await editor.evaluate((e) => getComputedStyle(e).backgroundColor), DARK_CODE_BG);
  await page.screenshot({ path: `${SHOTS}theme-dark-account-editor.png`, fullPage: false });
  await openNotebook(page);

  // Nothing of the choice is kept in the browser: it is the account's.
  const storage = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length }));
  assert.deepEqual(storage, { local: 0, session: 0 });

  // A phone-sized window: the header with its picker fits.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}theme-dark-account-phone.png`, fullPage: false });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the page fits a phone's width (${width}px)`);
  assert.ok(await page.getByLabel("Theme").isVisible());
  await page.close();
});

test("the choice follows the account to another browser, and a light account on a dark browser is light", async () => {
  const page = await light.context.newPage();
  await signIn(page, studio.app, "ada", PASSWORD);
  await setTheme(page, "light");
  await page.close();
  const dark = await launchBrowser({ colorScheme: "dark" });
  try {
    const other = await dark.context.newPage();
    await signIn(other, studio.app, "ada", PASSWORD);
    // Signing in on the page (no load since) brings the account's theme too.
    await other.waitForFunction(() => document.documentElement.getAttribute("data-theme") === "light");
    await openNotebook(other);
    assert.deepEqual(await pageLook(other), { attribute: "light", background: LIGHT_BG, scheme: "light" });
    assert.equal(await other.getByLabel("Theme").inputValue(), "light");
    const frame = await tableFrame(other);
    assert.equal(await cellColour(frame), BLACK_TEXT, "the frame is light on a dark browser");
    // A widget's frame: its labels take the light theme's text colour.
    await openNotebook(other, WIDGET_LIST);
    const slider = await frameOf(other.locator(".vt-frame-slot").first());
    const label = slider.locator(".widget-label").first();
    await label.waitFor({ timeout: 30_000 });
    assert.ok(brightness(await label.evaluate((l) => getComputedStyle(l).color)) < 60, "dark text on light");
    assert.ok((await panelTextBrightness(other)) < 90, "Panel's text is dark on a dark browser");
    await openNotebook(other);
    await other.screenshot({ path: `${SHOTS}theme-light-account-dark-browser.png`, fullPage: false });
    assert.deepEqual(await other.evaluate(() => localStorage.length), 0);

    // Dark on the same dark browser: the widget's labels turn light.
    await setTheme(other, "dark");
    await openNotebook(other, WIDGET_LIST);
    const darkSlider = await frameOf(other.locator(".vt-frame-slot").first());
    const darkLabel = darkSlider.locator(".widget-label").first();
    await darkLabel.waitFor({ timeout: 30_000 });
    assert.ok(brightness(await darkLabel.evaluate((l) => getComputedStyle(l).color)) > 200, "light text on dark");
    await other.close();
  } finally {
    await dark.close();
  }
});

test("a choice the server refuses (the session ended meanwhile) goes back to the account's theme and says so", async () => {
  const page = await light.context.newPage();
  await signIn(page, studio.app, "ada", PASSWORD);
  await setTheme(page, "light");
  await page.goto(`${studio.app}/`);
  await page.getByRole("heading", { name: "Workspaces" }).waitFor();
  assert.equal((await pageLook(page)).attribute, "light");
  // Signed out from elsewhere: the page still holds its CSRF token, but the session is gone.
  assert.equal((await pageApi(page, "DELETE", "/api/session")).status, 204);
  await page.getByLabel("Theme").selectOption("dark");
  await page.getByRole("alert").filter({ hasText: "Your theme was not saved" }).waitFor();
  assert.equal((await pageLook(page)).attribute, "light");
  assert.equal(await page.getByLabel("Theme").inputValue(), "light");
  await page.close();
});

test("Panel's views already drawn take a new choice", async () => {
  const page = await light.context.newPage();
  await signIn(page, studio.app, "ada", PASSWORD);
  await setTheme(page, "system");
  const problems = watchProblems(page, /Panel: ERROR/);
  const text = await panelText(page);
  // The text is in a shadow root, which waitForFunction's selectors do not pierce: its colour is read until it turns.
  const turns = async (light: boolean, what: string) => {
    const colour = () => text.evaluate((element) => getComputedStyle(element).color).then(brightness);
    for (let tries = 0; light !== (await colour()) > 128 && tries < 100; tries++) await page.waitForTimeout(100);
    assert.equal((await colour()) > 128, light, what);
  };
  await turns(false, "dark text on the light browser");
  await page.getByLabel("Theme").selectOption("dark");
  await turns(true, "light text once the account chose dark");
  await page.getByLabel("Theme").selectOption("system");
  await turns(false, "dark text again under system");
  assert.deepEqual(problems, []);
  await page.close();
});

test("system follows the browser's scheme, live, on the page and in its frames", async () => {
  const page = await light.context.newPage();
  await signIn(page, studio.app, "ada", PASSWORD);
  await setTheme(page, "system");
  await openNotebook(page);
  assert.deepEqual(await pageLook(page), { attribute: null, background: LIGHT_BG, scheme: "light dark" });
  assert.equal(await page.getByLabel("Theme").inputValue(), "system");
  const frame = await tableFrame(page);
  assert.equal(await cellColour(frame), BLACK_TEXT);
  const chart = await chartBackground(page);
  assert.equal(await chart.background(), VEGA_LIGHT);
  await page.emulateMedia({ colorScheme: "dark" });
  assert.deepEqual(await pageLook(page), { attribute: null, background: DARK_BG, scheme: "light dark" });
  await waitForCellColour(frame, WHITE_TEXT);
  // The chart is drawn again in vega's dark theme when the browser's scheme turns dark.
  await waitForChartBackground(chart.frame, VEGA_DARK);
  await page.emulateMedia({ colorScheme: "light" });
  await waitForCellColour(frame, BLACK_TEXT);
  await page.close();
});
