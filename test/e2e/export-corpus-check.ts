// The corpus check of the static export: every notebook of a folder written by `vitrine render` (the command
// itself, in this process, as a user runs it), each file opened from disk (file://) in Debian's Chromium with every
// request but the file itself aborted, read from top to bottom, with what each output frame showed and raised,
// the page's own script errors, and the page's own CSP violations. Used by scripts/corpus-check.ts --export (prints
// a table) and by test/e2e/export-corpus.test.ts (asserts on it).
//
// A frame is drawn when its document shows something (corpus-check.ts's frameShows, the same rule as the studio's
// check). Chromium runs no animation frames in a cross-origin frame out of view, and srcdoc frames in a sandbox
// are cross-origin, so the page is scrolled through a viewport at a time; a frame still blank is scrolled to again
// and watched until it draws or its grace runs out.
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { ConsoleMessage, Page } from "playwright-core";
import { renderCommand } from "../../src/cli/render-command.ts";
import { launchBrowser, type Browser } from "./browser.ts";
import { frameShows, frameTitle } from "./corpus-check.ts";

export interface ExportNotebookCheck {
  name: string;
  /** Output frames in the page. */
  outputs: number;
  /** Frames whose document showed something visible (text, an image, a canvas, an SVG...). */
  drawn: number;
  /** Frames (by title) whose document never showed anything visible. */
  blank: string[];
  /** Outputs of a library the export does not carry, shown as the output's own static copy instead of a frame. */
  staticCopies: number;
  /** Errors in the frames' consoles and exceptions of the outputs' own scripts, distinct, in order. */
  frameErrors: string[];
  /** Console errors and exceptions of the page itself (the export's own scripts). */
  pageErrors: string[];
  /** CSP violations the page's own document reported: directive, what was refused, where. */
  pageViolations: string[];
  /** Requests for anything but the file itself (all aborted: an export opens offline). */
  outside: string[];
}

export interface ExportCheckOptions {
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

export interface ExportCheckResult {
  checks: ExportNotebookCheck[];
  /** Notebooks `vitrine render` did not write, with the line it printed: these are not opened. */
  refused: Map<string, string>;
}

/** How long each viewport is looked at while scrolling through (ms). */
const STEP_PAUSE_MS = 400;
/** How long a frame may take to show something from when it was first looked at (ms). */
const DRAW_GRACE_MS = 8000;
/** How often a blank frame in view is looked at again (ms). */
const POLL_MS = 250;

// Runs before the page's scripts, in the top window only: the page's own CSP violations. Output frames inherit the
// page's policy, but report their violations to their own documents (and consoles), which count as frame errors.
function recordViolations(): void {
  if (window.top !== window) return;
  const violations: string[] = [];
  Object.defineProperty(window, "__vtViolations", { value: violations });
  document.addEventListener(
    "securitypolicyviolation",
    (event) => {
      const target = event.target === document ? "document" : String((event.target as Node | null)?.nodeName);
      violations.push(
        `${event.effectiveDirective} refused ${event.blockedURI || "(inline)"} at ${target} ${event.sample}`.slice(
          0,
          300,
        ),
      );
    },
    true,
  );
}

/** Reads one exported page from disk: load, scroll through, checking each frame, then grace for blank ones. */
export async function checkExportPage(page: Page, url: string, name: string): Promise<ExportNotebookCheck> {
  const frameErrors: string[] = [];
  const pageErrors: string[] = [];
  const outside: string[] = [];
  const onConsole = (message: ConsoleMessage) => {
    if (message.type() !== "error") return;
    // The page's own messages carry its file address; a frame's carry about:srcdoc or none (Chromium reports a
    // frame's CSP and sandbox refusals without a location).
    (message.location().url === url ? pageErrors : frameErrors).push(ends(message.text()));
  };
  // A CSP refusal names the policy first and the hash of what it refused last: both ends are kept.
  const ends = (text: string) => (text.length <= 400 ? text : `${text.slice(0, 200)} … ${text.slice(-200)}`);
  const onError = (error: Error) => {
    const locations = [...(error.stack ?? "").matchAll(/^\s+at (?:.*? \()?(.*?):\d+:\d+\)?$/gm)].map((m) => m[1] ?? "");
    (locations.includes(url) ? pageErrors : frameErrors).push(`${error.name}: ${error.message}`.slice(0, 300));
  };
  await page.route("**/*", (route) => {
    const request = route.request().url();
    if (request === url || request.startsWith("data:") || request.startsWith("about:")) return route.continue();
    outside.push(request.slice(0, 200));
    return route.abort();
  });
  page.on("console", onConsole);
  page.on("pageerror", onError);
  const seen = new Map<string, { drawn: boolean; since: number }>();
  const look = async () => {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      const title = await frameTitle(frame);
      const known = title === null ? undefined : seen.get(title);
      if (title === null || known?.drawn) continue;
      seen.set(title, { drawn: await frameShows(frame), since: known?.since ?? Date.now() });
    }
  };
  const allDrawn = () => [...seen.values()].every((s) => s.drawn);
  try {
    // "load" waits for every frame's document (not for what a frame draws after the page hands it a library).
    await page.goto(url, { waitUntil: "load", timeout: 120_000 });
    await look();
    const viewport = page.viewportSize() ?? { width: 1200, height: 900 };
    // Every frame has its document once the page has loaded: when all have drawn, there is nothing to scroll for.
    for (let y = 0; !allDrawn(); y += viewport.height) {
      const bottom = await page.evaluate((top) => {
        window.scrollTo(0, top);
        return document.documentElement.scrollHeight;
      }, y);
      await page.waitForTimeout(STEP_PAUSE_MS);
      await look();
      if (y + viewport.height >= bottom) break;
    }
    // Frames still blank are scrolled into view again and watched until their grace, from first seen, runs out.
    for (const [title, state] of seen) {
      if (state.drawn) continue;
      const slot = page.locator(`iframe.vt-frame[title="${title.replace(/"/g, '\\"')}"]`);
      await slot.scrollIntoViewIfNeeded().catch(() => {});
      const frame = await (await slot.elementHandle())?.contentFrame();
      for (let shows = false; frame && !shows; await page.waitForTimeout(POLL_MS)) {
        shows = await frameShows(frame);
        if (shows) seen.set(title, { drawn: true, since: state.since });
        else if (Date.now() - state.since >= DRAW_GRACE_MS) break;
      }
    }
    const counts = await page.evaluate(() => ({
      frames: document.querySelectorAll("iframe.vt-frame").length,
      staticCopies: document.querySelectorAll(".vt-fallback").length,
      violations: [...(window as unknown as { __vtViolations: string[] }).__vtViolations],
    }));
    const blank = [...seen].filter(([, state]) => !state.drawn).map(([title]) => title);
    return {
      name,
      outputs: Math.max(counts.frames, seen.size),
      drawn: seen.size - blank.length,
      blank,
      staticCopies: counts.staticCopies,
      frameErrors: [...new Set(frameErrors)],
      pageErrors: [...new Set(pageErrors)],
      pageViolations: [...new Set(counts.violations)],
      outside: [...new Set(outside)],
    };
  } finally {
    page.off("console", onConsole);
    page.off("pageerror", onError);
    await page.unrouteAll({ behavior: "ignoreErrors" });
  }
}

/**
 * Writes each notebook with `vitrine render --output-dir` into a fresh folder, as a user would; what the command
 * refused is returned with the line it printed.
 */
export async function renderCorpus(
  corpus: string,
  names: string[],
  outputDir: string,
): Promise<{ written: Map<string, string>; refused: Map<string, string> }> {
  const errors: string[] = [];
  await renderCommand(["--output-dir", outputDir, ...names.map((n) => join(corpus, n))], {
    stdout: () => {},
    stderr: (text) => errors.push(text.trim()),
  });
  const files = new Set(readdirSync(outputDir));
  const written = new Map<string, string>();
  const refused = new Map<string, string>();
  for (const name of names) {
    const html = `${name.replace(/\.ipynb$/i, "")}.html`;
    if (files.has(html)) written.set(name, join(outputDir, html));
    else refused.set(name, errors.find((line) => line.includes(join(corpus, name))) ?? "not written");
  }
  return { written, refused };
}

/** Renders the corpus with `vitrine render` and reads every written file from disk. */
export async function checkExportCorpus(options: ExportCheckOptions): Promise<ExportCheckResult> {
  const names =
    options.names ??
    readdirSync(options.corpus)
      .filter((n) => n.endsWith(".ipynb"))
      .sort();
  const outputDir = mkdtempSync(join(tmpdir(), "vitrine-export-corpus-"));
  let browser: Browser | undefined;
  try {
    const { written, refused } = await renderCorpus(options.corpus, names, outputDir);
    browser = await launchBrowser();
    // The largest files first: the plotly gallery alone takes half a minute (each of its frames parses plotly.js).
    const queue = [...written.keys()].sort((a, b) => statSync(written.get(b)!).size - statSync(written.get(a)!).size);
    const checks: ExportNotebookCheck[] = [];
    const context = browser.context;
    await context.addInitScript(recordViolations);
    await Promise.all(
      Array.from({ length: options.parallel ?? 2 }, async () => {
        const page = await context.newPage();
        if (options.viewport) await page.setViewportSize(options.viewport);
        for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
          const check = await checkExportPage(page, pathToFileURL(written.get(name)!).href, name);
          options.log?.(formatExportCheck(check));
          checks.push(check);
        }
        await page.close();
      }),
    );
    checks.sort((a, b) => a.name.localeCompare(b.name));
    return { checks, refused };
  } finally {
    await browser?.close();
    rmSync(outputDir, { recursive: true, force: true });
  }
}

/** One line per notebook: outputs drawn, blank and erroring, static copies, page errors and CSP violations. */
export function formatExportCheck(check: ExportNotebookCheck): string {
  const cells = [
    check.name.padEnd(52),
    `${check.drawn}/${check.outputs} drawn`.padStart(14),
    `${check.blank.length} blank`.padStart(9),
    `${check.frameErrors.length} frame errors`.padStart(16),
    `${check.staticCopies} static`.padStart(10),
    `${check.pageErrors.length} page errors`.padStart(15),
    `${check.pageViolations.length} page CSP`.padStart(11),
    `${check.outside.length} requests`.padStart(11),
  ];
  return cells.join(" ");
}
