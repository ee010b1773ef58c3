// Widget views drawn live from a notebook's saved widget state, in Debian's Chromium against a real studio: the
// standard HTML widget manager draws the corpus's Widget_List notebook (ipywidgets 7 state) inside the sandboxed
// output frames with the saved values, a slider dragged in its frame moves there and nothing reaches the page, a
// view whose model is missing keeps its static copy with the reason, and hostile widget state runs nothing in the
// page and is bounded.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import type { Frame, Locator, Page } from "playwright-core";
import { MAX_WIDGET_VIEW_MODELS } from "../../src/render/widget-state.ts";
import { launchBrowser, type Browser } from "./browser.ts";
import { markScript } from "./hostile-marker.ts";
import { signInThroughPage, startBrowserStudio, type BrowserStudio } from "./running-studio.ts";
import { instrumentPage, pageRecord } from "./studio-page-watch.ts";
import { createWorkspace, uploadTrusted } from "./studio-session.ts";

const PASSWORD = "widgets test password";
const SHOTS = new URL("../../test-results/screenshots/", import.meta.url).pathname;
const CORPUS = new URL("../../../shared/corpus/notebooks/", import.meta.url).pathname;
const WIDGET_LIST = "nbconvert__Widget_List.ipynb";
const STATE_MIME = "application/vnd.jupyter.widget-state+json";
const VIEW_MIME = "application/vnd.jupyter.widget-view+json";
let studio: BrowserStudio;
let browser: Browser;
let workspaceUrl = "";
/** Every request the browser made, from any page or frame. */
const requests: string[] = [];

// A 1x1 PNG: the static copy a view's bundle carries.
const PIXEL_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

function model(name: string, state: Record<string, unknown>, module = "@jupyter-widgets/controls") {
  return {
    model_name: name,
    model_module: module,
    model_module_version: module === "@jupyter-widgets/base" ? "1.2.0" : "1.5.0",
    state: { _model_name: name, _model_module: module, ...state },
  };
}

function viewCell(modelId: string, text: string) {
  return {
    cell_type: "code",
    id: `c${Math.random().toString(36).slice(2, 10)}`,
    execution_count: 1,
    metadata: {},
    source: text,
    outputs: [
      {
        output_type: "display_data",
        metadata: {},
        data: {
          [VIEW_MIME]: { model_id: modelId, version_major: 2, version_minor: 0 },
          "text/plain": text,
          "image/png": PIXEL_PNG,
        },
      },
    ],
  };
}

const mark = markScript("widget");
/** Many models, each referring to the next: more than one view may carry. */
const chain: Record<string, unknown> = {};
for (let i = 0; i <= MAX_WIDGET_VIEW_MODELS; i++)
  chain[`chain${i}`] = model("VBoxModel", {
    _view_name: "VBoxView",
    _view_module: "@jupyter-widgets/controls",
    children: i < MAX_WIDGET_VIEW_MODELS ? [`IPY_MODEL_chain${i + 1}`] : [],
  });

const hostileNotebook = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {
    widgets: {
      [STATE_MIME]: {
        version_major: 2,
        version_minor: 0,
        state: {
          html: model("HTMLModel", {
            _view_name: "HTMLView",
            _view_module: "@jupyter-widgets/controls",
            value: `<b id="bold">bold</b><img src=x onerror="${mark};document.body.dataset.ran='img'">`,
            // The frame's script tries its parent; the page is another origin.
            description: "",
          }),
          label: model("LabelModel", {
            _view_name: "LabelView",
            _view_module: "@jupyter-widgets/controls",
            value: `<script>${mark}</script><i>label</i>`,
          }),
          foreign: {
            model_name: "MapModel",
            model_module: "jupyter-leaflet",
            model_module_version: "^0.17",
            state: { _view_name: "MapView", _view_module: "jupyter-leaflet" },
          },
          ...chain,
        },
      },
    },
  },
  cells: [
    viewCell("html", "HTML(value=...)"),
    viewCell("label", "Label(value=...)"),
    viewCell("missing", "IntSlider(value=3)"),
    viewCell("foreign", "Map(center=...)"),
    viewCell("chain0", "VBox(children=...)"),
  ],
};

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  studio = await startBrowserStudio([{ name: "ada", password: PASSWORD }]);
  browser = await launchBrowser();
  browser.context.on("request", (request) => requests.push(request.url()));
  const page = await browser.context.newPage();
  await signInThroughPage(page, studio.app, "ada", PASSWORD);
  const id = await createWorkspace(page, "Widgets");
  workspaceUrl = `${studio.app}/w/${id}`;
  const files = [
    { name: WIDGET_LIST, base64: readFileSync(`${CORPUS}${WIDGET_LIST}`).toString("base64") },
    { name: "hostile-widgets.ipynb", base64: Buffer.from(JSON.stringify(hostileNotebook)).toString("base64") },
  ];
  for (const file of files) {
    await uploadTrusted(page, id, [file]);
  }
  await page.close();
});

after(async () => {
  await browser?.close();
  await studio?.close();
});

/** Requests that went anywhere but the studio's two loopback origins. */
function strayRequests(): string[] {
  return requests.filter(
    (url) =>
      !url.startsWith(`${studio.app}/`) &&
      !url.startsWith(`${studio.content}/`) &&
      !url.startsWith("data:") &&
      // Object URLs a frame makes of its own bytes (an Image widget's value): local to the frame, no network.
      !url.startsWith("blob:null/") &&
      url !== "about:blank",
  );
}

async function openNotebook(page: Page, name: string): Promise<void> {
  await page.goto(`${workspaceUrl}/f/${name}`);
  await page.locator('article.vt-notebook[aria-busy="false"]').waitFor({ state: "attached", timeout: 60_000 });
}

/** The frame of an output slot, brought into view so that it is created (frames live only near the viewport). */
async function frameOfSlot(slot: Locator): Promise<Frame> {
  await slot.evaluate((element) => element.scrollIntoView({ block: "center" }));
  const handle = await slot.locator("iframe.vt-frame").elementHandle({ timeout: 30_000 });
  const frame = await handle.contentFrame();
  assert.ok(frame);
  return frame;
}

/** The output slot of the code cell whose source starts with `source`. */
function slotOf(page: Page, source: string): Locator {
  return page.locator(".vt-cell", { hasText: source }).locator(".vt-frame-slot").first();
}

test("Widget_List's sliders, text boxes, buttons and boxes are drawn live in their frames with the saved values", async () => {
  const page = await browser.context.newPage();
  await instrumentPage(page);
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await openNotebook(page, WIDGET_LIST);
  const slots = page.locator(".vt-frame-slot");
  assert.ok((await slots.count()) >= 30, `frame slots: ${await slots.count()}`);
  // The notebook shows no static copies: every view with state is a frame.
  assert.equal(await page.locator(".vt-fallback").count(), 0);

  // The first view: IntSlider(value=7, description='Test:', max=10).
  const slider = await frameOfSlot(slots.nth(0));
  await slider.locator(".widget-slider .widget-readout").waitFor({ timeout: 30_000 });
  assert.equal((await slider.locator(".widget-readout").innerText()).trim(), "7");
  assert.equal((await slider.locator(".widget-label").first().innerText()).trim(), "Test:");
  assert.ok(await slider.locator(".jupyter-widgets.widget-hslider").isVisible());

  // The frame reports its height once the widget is drawn: the slot is as tall as the control, not the 16 px
  // of an empty frame.
  await page.waitForFunction(
    () => (document.querySelector("iframe.vt-frame")?.getBoundingClientRect().height ?? 0) >= 28,
  );
  const height = await slots
    .nth(0)
    .locator("iframe.vt-frame")
    .evaluate((f) => f.getBoundingClientRect().height);
  assert.ok(height < 200, `slider frame height ${height}`);

  // Dragging the handle moves the slider in its frame: the view is live, without a kernel.
  const handle = slider.locator(".ui-slider-handle, .noUi-handle").first();
  const box = await handle.boundingBox();
  assert.ok(box);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x - 60, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  await slider.waitForFunction(() => document.querySelector(".widget-readout")?.textContent?.trim() !== "7");
  const moved = Number((await slider.locator(".widget-readout").innerText()).trim());
  assert.ok(moved < 7, `readout after the drag: ${moved}`);

  // A text box, a button and an HBox of widgets, each in its own frame.
  const text = await frameOfSlot(slotOf(page, "widgets.Text("));
  await text.locator(".widget-text input").waitFor({ timeout: 30_000 });
  assert.equal(await text.locator(".widget-text input").inputValue(), "Hello World");
  const button = await frameOfSlot(slotOf(page, "widgets.Button("));
  await button.locator("button.widget-button").waitFor({ timeout: 30_000 });
  assert.equal((await button.locator("button.widget-button").innerText()).trim(), "Click me");
  const box2 = await frameOfSlot(slotOf(page, "widgets.HBox(["));
  await box2.locator(".widget-hbox").first().waitFor({ timeout: 30_000 });
  assert.ok((await box2.locator(".widget-hbox .jupyter-widgets").count()) >= 2);

  // The Image widget's PNG, which the widget makes an object URL of, is shown as a data: URL (frames load no other).
  const image = await frameOfSlot(slotOf(page, 'file = open("testimage.png"'));
  await image.waitForFunction(
    () => (document.querySelector("img.widget-image") as HTMLImageElement | null)?.naturalWidth,
    undefined,
    { timeout: 30_000 },
  );
  assert.match((await image.locator("img.widget-image").getAttribute("src")) ?? "", /^data:image\/png;base64,/);

  const record = await pageRecord(page);
  assert.deepEqual(record.hits, []);
  assert.deepEqual(errors, []);
  assert.deepEqual(strayRequests(), []);
  await page.close();
});

test("a view whose model is missing, or whose widgets frames cannot load, keeps its static copy with the reason; hostile state runs nothing in the page", async () => {
  const page = await browser.context.newPage();
  await instrumentPage(page);
  await openNotebook(page, "hostile-widgets.ipynb");

  // Missing model: the page shows the static copy at once, with the reason.
  const missing = page.locator(".vt-cell", { hasText: "IntSlider(value=3)" }).locator(".vt-fallback");
  await missing.waitFor();
  assert.match(await missing.innerText(), /widget model missing is not in the notebook's saved widget state/);
  assert.equal(await missing.locator("img").count(), 1);

  // Too many models: refused before any frame is made.
  const chained = page.locator(".vt-cell", { hasText: "VBox(children=...)" }).locator(".vt-fallback");
  await chained.waitFor();
  assert.match(await chained.innerText(), new RegExp(`more than ${MAX_WIDGET_VIEW_MODELS} widget models`));

  // A third-party widget: the frame cannot load its module, and shows the static copy with why.
  const foreign = await frameOfSlot(slotOf(page, "Map(center=...)"));
  await foreign.locator(".vt-frame-note").waitFor({ timeout: 30_000 });
  assert.match(await foreign.locator(".vt-frame-note").innerText(), /jupyter-leaflet.*cannot load/);
  assert.equal(await foreign.locator("img").count(), 1);

  // The HTML widget's markup is drawn in its frame, where its script stays.
  const html = await frameOfSlot(slotOf(page, "HTML(value=...)"));
  await html.locator("#bold").waitFor({ timeout: 30_000 });
  // Its image's error handler ran, in the frame: the frame's own document carries the marks, the page's none.
  await html.waitForFunction(() => document.body.dataset.ran === "img", undefined, { timeout: 10_000 });
  assert.equal(await html.evaluate(() => document.documentElement.dataset.pwned), "widget");
  // The Label shows its value as text.
  const label = await frameOfSlot(slotOf(page, "Label(value=...)"));
  await label.locator(".widget-label").waitFor({ timeout: 30_000 });
  assert.match(await label.locator(".widget-label").innerText(), /<script>/);

  await page.waitForTimeout(500);
  const record = await pageRecord(page);
  assert.deepEqual(record.hits, [], "nothing from the widget state ran in the page");
  assert.equal(await page.evaluate(() => document.body.dataset.ran), undefined);
  assert.deepEqual(strayRequests(), []);
  await page.close();
});

/** Shots of the notebook's first widgets and of its boxes and tabs further down, once each view has drawn. */
async function shootWidgetList(colorScheme: "light" | "dark", width: number): Promise<void> {
  const shooter = await launchBrowser({ colorScheme });
  try {
    const page = await shooter.context.newPage();
    await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
    await signInThroughPage(page, studio.app, "ada", PASSWORD);
    await openNotebook(page, WIDGET_LIST);
    const name = `widgets-${width}-${colorScheme}`;
    for (const [at, source] of [
      ["top", "widgets.IntSlider("],
      ["text", "widgets.Text("],
      ["boxes", "widgets.HBox(items)"],
      ["tabs", "accordion = widgets.Accordion("],
    ] as const) {
      const frame = await frameOfSlot(slotOf(page, source));
      await frame.locator(".jupyter-widgets").first().waitFor({ timeout: 30_000 });
      await page.waitForTimeout(400);
      await page.screenshot({ path: `${SHOTS}${name}-${at}.png` });
    }
  } finally {
    await shooter.close();
  }
}

test("screenshots of Widget_List: desktop and phone, light and dark", async () => {
  for (const colorScheme of ["light", "dark"] as const)
    for (const width of [1200, 390]) await shootWidgetList(colorScheme, width);
});
