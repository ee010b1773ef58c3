// The corpus check: every notebook of a folder opened in a real studio in Debian's Chromium, read from top to
// bottom, with what each output frame showed and raised, the page's own script errors, and the page's layout shift.
// Used by scripts/corpus-check.ts (prints a table) and by test/e2e/corpus-layout.test.ts (asserts on it).
//
// Layout shift is read from the browser's `layout-shift` performance entries, leaving out those with recent input
// (Chromium sets hadRecentInput after a click or key press; scrolling is not input here). `cls` is Cumulative
// Layout Shift as Core Web Vitals defines it: the largest session window (shifts less than 1 s apart, a window at
// most 5 s long); `shiftSum` adds every shift of the visit. The visit is a load, a pause, and a scroll through the
// whole page a viewport at a time, so frames drawn on the way count too; then frames still blank are scrolled to
// again and given time to draw, which the layout shift leaves out (those jumps are the check's, not a reader's).
import { readdirSync, readFileSync } from "node:fs";
import type { ConsoleMessage, Frame, Page } from "playwright-core";
import { launchBrowser, type Browser } from "./browser.ts";
import { startBrowserStudio, type BrowserStudio } from "./running-studio.ts";
import { createWorkspace, pageApi, pagePostFiles, signIn, type UploadFile } from "./studio-session.ts";

export interface NotebookCheck {
  name: string;
  /** Output frames the page made while it was read. */
  outputs: number;
  /** Frames whose document showed something visible (text, an image, a canvas, an SVG...). */
  drawn: number;
  /** Frames (by title) whose document never showed anything visible after it loaded. */
  blank: string[];
  /** Errors in the frames' consoles and exceptions of the outputs' own scripts, distinct, in order. */
  frameErrors: string[];
  /** Console errors and exceptions of the page itself (the studio's own code). */
  pageErrors: string[];
  /** Cumulative Layout Shift: the largest session window of layout shifts without recent input. */
  cls: number;
  /** Every layout shift of the visit, added up. */
  shiftSum: number;
  /** The largest shifts of the visit: value, when (ms), and which elements moved from where to where. */
  largestShifts: string[];
  /** The document's height, sampled every 100 ms from the page's start (px). */
  heights: number[];
}

export interface CorpusCheckOptions {
  /** A folder of notebooks. */
  corpus: string;
  /** Only these file names (default: every .ipynb in the folder). */
  names?: string[];
  /** Pages read at once (default 2). */
  parallel?: number;
  viewport?: { width: number; height: number };
  /** A line of progress, per notebook. */
  log?(line: string): void;
}

export interface CorpusCheckResult {
  checks: NotebookCheck[];
  /** Notebooks the server refused, with its error code: these are not opened. */
  refused: Map<string, string>;
}

const PASSWORD = "corpus check password";
/** How long the page is left alone after its cells are drawn, before the scroll through (ms). */
const LOAD_PAUSE_MS = 1500;
/** How long each viewport is looked at while scrolling through (ms): 1,500 px a second, a fast skim. */
const STEP_PAUSE_MS = 600;
/** How long a frame may take to show something once it is in view (ms). */
const DRAW_GRACE_MS = 5000;

// Runs before the page's scripts, in the top window: layout shifts and the document's height over time.
function recordLayout(): void {
  if (window.top !== window) return;
  const shifts: { value: number; time: number; input: boolean; sources: string }[] = [];
  const heights: number[] = [];
  Object.defineProperty(window, "__vtLayout", { value: { shifts, heights } });
  new PerformanceObserver((list) => {
    type Source = { node?: Node | null; previousRect: DOMRectReadOnly; currentRect: DOMRectReadOnly };
    type Shift = PerformanceEntry & { value: number; hadRecentInput: boolean; sources: Source[] };
    const rect = (r: DOMRectReadOnly) => `${Math.round(r.y)}+${Math.round(r.height)}`;
    for (const entry of list.getEntries() as Shift[])
      shifts.push({
        value: entry.value,
        time: entry.startTime,
        input: entry.hadRecentInput,
        sources: entry.sources
          .map((s) => {
            const node =
              s.node instanceof Element ? `${s.node.localName}.${s.node.className}` : String(s.node?.nodeName);
            return `${node} ${rect(s.previousRect)} -> ${rect(s.currentRect)}`;
          })
          .join("; "),
      });
  }).observe({ type: "layout-shift", buffered: true });
  setInterval(() => heights.push(document.documentElement.scrollHeight), 100);
}

/** Core Web Vitals' CLS: shifts grouped into session windows (gap < 1 s, span ≤ 5 s); the largest window's sum. */
export function cumulativeLayoutShift(shifts: { value: number; time: number }[]): number {
  let largest = 0;
  let current = 0;
  let start = -Infinity;
  let last = -Infinity;
  for (const shift of shifts) {
    if (shift.time - last >= 1000 || shift.time - start > 5000) {
      current = 0;
      start = shift.time;
    }
    current += shift.value;
    last = shift.time;
    largest = Math.max(largest, current);
  }
  return largest;
}

/** Whether a frame's document shows anything: visible text, or a replaced or drawn element with a size. */
export async function frameShows(frame: Frame): Promise<boolean> {
  return frame
    .evaluate(() => {
      const body = document.body;
      if (!body) return false;
      if (body.innerText.trim().length > 0) return true;
      for (const e of Array.from(body.querySelectorAll("*"))) {
        const r = e.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        if (e.matches("img, canvas, svg, video, audio, object, embed, iframe, input")) return true;
        const style = getComputedStyle(e);
        const painted =
          style.backgroundImage !== "none" ||
          !/^(transparent|rgba\(0, 0, 0, 0\))$/.test(style.backgroundColor) ||
          parseFloat(style.borderTopWidth) > 0;
        if (painted && style.visibility !== "hidden") return true;
      }
      return false;
    })
    .catch(() => false);
}

export async function frameTitle(frame: Frame): Promise<string | null> {
  const element = await frame.frameElement().catch(() => null);
  if (!element) return null;
  return (await element.getAttribute("class"))?.includes("vt-frame") ? await element.getAttribute("title") : null;
}

/** Reads one notebook's page: load, pause, scroll through, checking each frame as it comes into view. */
export async function checkNotebookPage(
  page: Page,
  url: string,
  name: string,
  content: string,
): Promise<NotebookCheck> {
  const frameErrors: string[] = [];
  const pageErrors: string[] = [];
  const onConsole = (message: ConsoleMessage) => {
    if (message.type() !== "error") return;
    const where = message.location().url;
    // The page's own messages carry its address; a frame's carry the content origin's, about:srcdoc, or none
    // (Chromium reports a frame's CSP and sandbox refusals without a location).
    const fromPage = where.startsWith(new URL(page.url()).origin + "/") && !where.startsWith(`${content}/`);
    (fromPage ? pageErrors : frameErrors).push(message.text().slice(0, 300));
  };
  const onError = (error: Error) => {
    const locations = [...(error.stack ?? "").matchAll(/^\s+at (?:async )?(?:.*? \()?(.*?):\d+:\d+\)?$/gm)].map(
      (m) => m[1] ?? "",
    );
    const inFrame =
      locations.length === 0 || locations.every((l) => l === "<anonymous>" || l.startsWith(`${content}/`));
    (inFrame ? frameErrors : pageErrors).push(`${error.name}: ${error.message}`.slice(0, 300));
  };
  page.on("console", onConsole);
  page.on("pageerror", onError);
  const seen = new Map<string, { drawn: boolean; since: number }>();
  const look = async () => {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      const title = await frameTitle(frame);
      if (title === null) continue;
      const known = seen.get(title);
      if (known?.drawn) continue;
      const drawn = await frameShows(frame);
      seen.set(title, { drawn, since: known?.since ?? Date.now() });
    }
  };
  try {
    await page.goto(url);
    await page.locator("article.vt-notebook[aria-busy=false]").waitFor({ timeout: 30_000 });
    await page.waitForTimeout(LOAD_PAUSE_MS);
    await look();
    const viewport = page.viewportSize() ?? { width: 1200, height: 900 };
    for (let y = 0; ; y += viewport.height) {
      const bottom = await page.evaluate((top) => {
        window.scrollTo(0, top);
        return document.documentElement.scrollHeight;
      }, y);
      await page.waitForTimeout(STEP_PAUSE_MS);
      await look();
      if (y + viewport.height >= bottom) break;
    }
    // The layout shift counts the load and the read from top to bottom; the jumps back below are the check's own.
    const layout = await page.evaluate(() => {
      const record = (window as unknown as { __vtLayout: { shifts: unknown[]; heights: number[] } }).__vtLayout;
      return { shifts: [...record.shifts], heights: [...record.heights] };
    });
    // Frames still blank get their grace, each scrolled into view again.
    for (const [title, state] of seen) {
      if (state.drawn) continue;
      const slot = page.locator(`iframe.vt-frame[title="${title.replace(/"/g, '\\"')}"]`);
      if ((await slot.count()) === 0) continue;
      await slot.scrollIntoViewIfNeeded().catch(() => {});
      const wait = DRAW_GRACE_MS - (Date.now() - state.since);
      if (wait > 0) await page.waitForTimeout(Math.min(wait, DRAW_GRACE_MS));
      await look();
    }
    const outputs = await page.evaluate(() => document.querySelectorAll(".vt-frame-slot").length);
    const shifts = (layout.shifts as { value: number; time: number; input: boolean; sources: string }[]).filter(
      (s) => !s.input,
    );
    const blank = [...seen].filter(([, s]) => !s.drawn).map(([title]) => title);
    return {
      name,
      outputs: Math.max(outputs, seen.size),
      drawn: seen.size - blank.length,
      blank,
      frameErrors: [...new Set(frameErrors)],
      pageErrors: [...new Set(pageErrors)],
      cls: cumulativeLayoutShift(shifts),
      shiftSum: shifts.reduce((sum, s) => sum + s.value, 0),
      largestShifts: [...shifts]
        .sort((a, b) => b.value - a.value)
        .slice(0, 3)
        .map((s) => `${s.value.toFixed(3)} at ${Math.round(s.time)} ms: ${s.sources}`),
      heights: layout.heights,
    };
  } finally {
    page.off("console", onConsole);
    page.off("pageerror", onError);
  }
}

/** Starts a studio, uploads the corpus into one workspace, and reads every stored notebook. */
export async function checkCorpus(options: CorpusCheckOptions): Promise<CorpusCheckResult> {
  const names =
    options.names ??
    readdirSync(options.corpus)
      .filter((n) => n.endsWith(".ipynb"))
      .sort();
  let studio: BrowserStudio | undefined;
  let browser: Browser | undefined;
  try {
    studio = await startBrowserStudio([{ name: "reader", password: PASSWORD }]);
    browser = await launchBrowser();
    const open = async () => {
      const page = await browser!.context.newPage();
      if (options.viewport) await page.setViewportSize(options.viewport);
      await page.addInitScript(recordLayout);
      return page;
    };
    const first = await open();
    await signIn(first, studio.app, "reader", PASSWORD);
    const workspace = await createWorkspace(first, "Corpus check");
    const config = await pageApi(first, "GET", "/api/config");
    const statement = (config.body as { trustStatements: { id: string }[] }).trustStatements.at(-1)?.id ?? "";
    const files: UploadFile[] = names.map((name) => ({
      name,
      base64: readFileSync(options.corpus + name).toString("base64"),
    }));
    const review = await pagePostFiles(first, `/api/workspaces/${workspace}/review`, files, null);
    const refused = new Map<string, string>();
    for (const r of (review.body as { files: { path: string; refused?: { error: string } }[] }).files)
      if (r.refused) refused.set(r.path, r.refused.error);
    const accepted = files.filter((f) => !refused.has(f.name));
    const upload = await pagePostFiles(first, `/api/workspaces/${workspace}/files`, accepted, statement);
    if (upload.status !== 201) throw new Error(`upload refused: ${JSON.stringify(upload.body)}`);
    const queue = accepted.map((f) => f.name);
    const checks: NotebookCheck[] = [];
    const pages = [first];
    for (let i = 1; i < (options.parallel ?? 2); i++) {
      pages.push(await open());
    }
    const { app, content } = studio;
    await Promise.all(
      pages.map(async (page) => {
        for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
          const url = `${app}/w/${workspace}/f/${encodeURIComponent(name)}`;
          const check = await checkNotebookPage(page, url, name, content);
          options.log?.(formatCheck(check));
          checks.push(check);
        }
      }),
    );
    checks.sort((a, b) => a.name.localeCompare(b.name));
    return { checks, refused };
  } finally {
    await browser?.close();
    await studio?.close();
  }
}

/** One line per notebook: outputs drawn, blank and erroring, page errors, CLS. */
export function formatCheck(check: NotebookCheck): string {
  const cells = [
    check.name.padEnd(52),
    `${check.drawn}/${check.outputs} drawn`.padStart(14),
    `${check.blank.length} blank`.padStart(9),
    `${check.frameErrors.length} frame errors`.padStart(16),
    `${check.pageErrors.length} page errors`.padStart(15),
    `CLS ${check.cls.toFixed(3)}`.padStart(10),
    `(sum ${check.shiftSum.toFixed(3)})`,
  ];
  return cells.join(" ");
}
