// Screenshots of each kind of drawing in the studio (markdown math, a LaTeX output, Bokeh, plotly, Vega, widgets
// drawn from saved state), at desktop (1200×900) and phone (390×844) width, in light and dark, each of the first output of
// its kind in a corpus notebook, scrolled to and drawn. They land in $VITRINE_SCREENSHOTS, or a temporary folder
// the test names, to be looked at. What can fail: the output is drawn and not blank (the corpus check's rule,
// corpus-check.ts's frameShows), at phone width the page does not scroll sideways and the output's frame fits the
// viewport, and in dark mode the page's background is dark. How far a frame's content overflows the frame itself
// is printed, not held.
import { before, after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ElementHandle, Frame, Locator, Page } from "playwright-core";
import { launchBrowser, type Browser } from "./browser.ts";
import { frameShows } from "./corpus-check.ts";
import { startBrowserStudio, type BrowserStudio } from "./running-studio.ts";
import { createWorkspace, pageApi, pagePostFiles, signIn } from "./studio-session.ts";

const CORPUS = fileURLToPath(new URL("../../../shared/corpus/notebooks/", import.meta.url));
const PASSWORD = "screenshot password";
const SHOTS = process.env.VITRINE_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), "vitrine-screenshots-"));

/** The first output of a kind: a frame by its title's MIME type (the nth such), or an element of the page. */
interface Target {
  kind: string;
  notebook: string;
  frame?: { mime: string; nth: number };
  element?: string;
  /** The notebook hides its outputs (the cells' `outputs_hidden`): the reader opens the first hidden one. */
  reveal?: boolean;
}

const TARGETS: Target[] = [
  { kind: "math", notebook: "notebook__Typesetting_Equations.ipynb", element: ".vt-markdown .katex" },
  { kind: "latex-output", notebook: "ipython__SymPy.ipynb", frame: { mime: "text/latex", nth: 0 } },
  // Output 1 is BokehJS's loader; the figure is the next HTML output.
  { kind: "bokeh", notebook: "bokeh-notebooks__lorenz.ipynb", frame: { mime: "text/html", nth: 1 } },
  {
    kind: "plotly",
    notebook: "plotly_express__gallery.ipynb",
    frame: { mime: "application/vnd.plotly.v1+json", nth: 0 },
  },
  {
    kind: "vega",
    notebook: "jupyterlab__vega-extension.ipynb",
    frame: { mime: "application/vnd.vega.v5+json", nth: 0 },
    reveal: true,
  },
  {
    kind: "widgets",
    notebook: "nbconvert__Widget_List.ipynb",
    frame: { mime: "application/vnd.jupyter.widget-view+json", nth: 0 },
  },
];

const LAYOUTS = [
  { label: "desktop", width: 1200, height: 900 },
  { label: "phone", width: 390, height: 844 },
] as const;
const SCHEMES = ["light", "dark"] as const;

/** How long an output may take to draw once scrolled to (ms): plotly.js parses for seconds on a loaded machine. */
const DRAW_TIMEOUT_MS = 30_000;

let studio: BrowserStudio;
let browser: Browser;
let workspace = "";

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  studio = await startBrowserStudio([{ name: "reader", password: PASSWORD }]);
  browser = await launchBrowser();
  const page = await browser.context.newPage();
  await signIn(page, studio.app, "reader", PASSWORD);
  workspace = await createWorkspace(page, "Screenshots");
  const config = await pageApi(page, "GET", "/api/config");
  const statement = (config.body as { trustStatements: { id: string }[] }).trustStatements.at(-1)?.id ?? "";
  const files = [...new Set(TARGETS.map((t) => t.notebook))].map((name) => ({
    name,
    base64: readFileSync(join(CORPUS, name)).toString("base64"),
  }));
  const upload = await pagePostFiles(page, `/api/workspaces/${workspace}/files`, files, statement);
  assert.equal(upload.status, 201, JSON.stringify(upload.body));
  await page.close();
});

after(async () => {
  await browser?.close();
  await studio?.close();
});

/** Scrolls to an output until its element exists (frames are made as they come near), then centres it. */
async function showOutput(near: Locator, target: Locator): Promise<ElementHandle> {
  const end = Date.now() + DRAW_TIMEOUT_MS;
  for (;;) {
    const handle = await target.elementHandle({ timeout: 500 }).catch(() => null);
    if (handle) {
      await handle.evaluate((e) => e.scrollIntoView({ block: "center" }));
      return handle;
    }
    if (Date.now() > end) throw new Error("not on the page");
    await near.evaluate((e) => e.scrollIntoView({ block: "center" }), undefined, { timeout: 1000 }).catch(() => {});
  }
}

/** Waits until a frame shows something and its element's height has stopped changing. */
async function waitDrawn(page: Page, slot: Locator, frame: Frame | null): Promise<boolean> {
  const end = Date.now() + DRAW_TIMEOUT_MS;
  let drawn = false;
  while (!drawn && Date.now() < end) {
    drawn = frame ? await frameShows(frame) : await slot.evaluate((e) => e.getBoundingClientRect().height > 0);
    if (!drawn) await page.waitForTimeout(250);
  }
  let last = -1;
  for (let height = 0; drawn && Date.now() < end; await page.waitForTimeout(400)) {
    height = (await slot.boundingBox())?.height ?? 0;
    if (height === last) break;
    last = height;
  }
  return drawn;
}

/** The relative luminance (0 black to 1 white) of the colour the page is painted with. */
async function pageBackgroundLuminance(page: Page): Promise<number> {
  return page.evaluate(() => {
    const colour = [document.body, document.documentElement]
      .map((e) => getComputedStyle(e).backgroundColor)
      .find((c) => !/^(transparent|rgba\(0, 0, 0, 0\))$/.test(c));
    const [r, g, b] = (colour ?? "rgb(255, 255, 255)").match(/[\d.]+/g)!.map(Number) as [number, number, number];
    const channel = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  });
}

for (const target of TARGETS) {
  test(`${target.kind} (${target.notebook})`, { concurrency: 2 }, async (t) => {
    t.diagnostic(`screenshots in ${SHOTS}`);
    const runs: Promise<void>[] = [];
    for (const layout of LAYOUTS)
      for (const scheme of SCHEMES)
        runs.push(
          t.test(`${layout.label} ${scheme}`, async (st) => {
            const file = join(SHOTS, `${target.kind}-${layout.label}-${scheme}.png`);
            const page = await browser.context.newPage();
            try {
              await page.setViewportSize({ width: layout.width, height: layout.height });
              await page.emulateMedia({ colorScheme: scheme });
              await page.goto(`${studio.app}/w/${workspace}/f/${encodeURIComponent(target.notebook)}`);
              await page.locator("article.vt-notebook[aria-busy=false]").waitFor({ timeout: 30_000 });
              if (target.reveal) await page.locator("summary.vt-hidden-summary").first().click();
              // An output's wrapper is in the page from the start; its frame is made as it comes near.
              const near = target.frame
                ? page.locator(`.vt-output[data-mime="${target.frame.mime}"]`).nth(target.frame.nth)
                : page.locator(target.element!).first();
              const slot = target.frame ? near.locator("iframe.vt-frame") : near;
              const frameElement = await showOutput(near, slot);
              const frame = target.frame ? await frameElement.contentFrame() : null;
              const drawn = await waitDrawn(page, slot, frame);
              // Scrolled again: the output may have grown while it drew.
              await slot.evaluate((e) => e.scrollIntoView({ block: "center" }));
              await page.waitForTimeout(300);
              await page.screenshot({ path: file });
              await slot.screenshot({ path: file.replace(/\.png$/, "-output.png") });
              const box = await slot.boundingBox();
              const sizes = await page.evaluate(() => ({
                scrollWidth: document.documentElement.scrollWidth,
                innerWidth: window.innerWidth,
              }));
              const inner = frame
                ? await frame
                    .evaluate(() => ({
                      scrollWidth: document.documentElement.scrollWidth,
                      clientWidth: document.documentElement.clientWidth,
                    }))
                    .catch(() => null)
                : null;
              st.diagnostic(
                `${file}: ${box ? `${Math.round(box.width)}×${Math.round(box.height)} at x ${Math.round(box.x)}` : "no box"}` +
                  (inner && inner.scrollWidth > inner.clientWidth
                    ? `; content ${inner.scrollWidth} px wide in a ${inner.clientWidth} px frame`
                    : ""),
              );
              assert.ok(drawn, `${target.kind} is drawn (${file})`);
              if (layout.label === "phone") {
                assert.ok(
                  sizes.scrollWidth <= sizes.innerWidth,
                  `the page does not scroll sideways: ${sizes.scrollWidth} > ${sizes.innerWidth} (${file})`,
                );
                assert.ok(box && box.x >= 0 && box.x + box.width <= sizes.innerWidth + 1, `the output fits (${file})`);
              }
              if (scheme === "dark") {
                const luminance = await pageBackgroundLuminance(page);
                assert.ok(luminance < 0.1, `the page is dark: luminance ${luminance.toFixed(2)} (${file})`);
              }
            } finally {
              await page.close();
            }
          }),
        );
    await Promise.all(runs);
  });
}
