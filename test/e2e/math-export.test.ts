// Math drawn with KaTeX's own fonts wherever it appears, in Debian's Chromium: the static export of a corpus notebook
// opened from disk (fonts embedded as data: URLs, allowed by the page's CSP, nothing fetched, no violation), beside
// the studio's page of the same notebook; and the studio's output frames, whose text/latex outputs are drawn as
// KaTeX's HTML with the fonts the content origin serves. Wide display equations scroll in their own box at 390 px.
// Screenshots (studio and export, desktop and phone, light and dark; an output frame) land in
// test-results/screenshots/.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Frame, Page } from "playwright-core";
import { launchBrowser, type Browser } from "./browser.ts";
import { signInThroughPage, startBrowserStudio, type BrowserStudio } from "./running-studio.ts";
import { createWorkspace, uploadTrusted } from "./studio-session.ts";
import { instrumentPage, pageRecord, readPolicies, watchConsole, type Policies } from "./studio-page-watch.ts";
import { parseNotebook } from "../../src/notebook/parse.ts";
import { exportNotebookHtml } from "../../src/render/export.ts";

const PASSWORD = "math export test password";
const corpus = new URL("../../../shared/corpus/notebooks/", import.meta.url);
const screenshots = new URL("../../test-results/screenshots/", import.meta.url);
mkdirSync(screenshots, { recursive: true });
/** Markdown cells with `align`, matrices, sums and a few display equations wider than a phone. */
const EQUATIONS = "notebook__Typesetting_Equations.ipynb";
/** text/latex outputs (SymPy's printing), drawn in output frames. */
const LATEX_OUTPUTS = "ipython__SymPy.ipynb";
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1200, height: 900 };

let studio: BrowserStudio;
let browser: Browser;
let policies: Policies;
let workspace = "";
const workDir = mkdtempSync(join(tmpdir(), "vitrine-math-export-"));

before(async () => {
  studio = await startBrowserStudio([{ name: "ada", password: PASSWORD }]);
  policies = await readPolicies(studio.app, studio.content);
  browser = await launchBrowser();
  const page = await browser.context.newPage();
  await signInThroughPage(page, studio.app, "ada", PASSWORD);
  workspace = await createWorkspace(page, "Math fonts");
  const files = [EQUATIONS, LATEX_OUTPUTS].map((name) => ({
    name,
    base64: readFileSync(new URL(name, corpus)).toString("base64"),
  }));
  await uploadTrusted(page, workspace, files);
  await page.close();
});

after(async () => {
  await browser?.close();
  await studio?.close();
  rmSync(workDir, { recursive: true, force: true });
});

interface MathFonts {
  /** KaTeX faces the document has loaded, as "family weight style". */
  loaded: string[];
  mainReady: boolean;
  mathReady: boolean;
  /** The computed font family of the first variable (KaTeX_Math) and of the first number (KaTeX_Main). */
  variableFamily: string;
  typeset: number;
}

/** Which of KaTeX's faces a document (page or frame) has loaded, once its fonts have settled. */
function mathFonts(target: Page | Frame): Promise<MathFonts> {
  return target.evaluate(async () => {
    await document.fonts.ready;
    const loaded = Array.from(document.fonts)
      .filter((face) => face.family.replace(/"/g, "").startsWith("KaTeX_") && face.status === "loaded")
      .map((face) => `${face.family.replace(/"/g, "")} ${face.weight} ${face.style}`);
    const variable = document.querySelector(".katex-html .mathnormal");
    return {
      loaded,
      mainReady: document.fonts.check("16px KaTeX_Main"),
      mathReady: document.fonts.check("italic 16px KaTeX_Math"),
      variableFamily: variable ? getComputedStyle(variable).fontFamily : "",
      typeset: document.querySelectorAll(".katex-html").length,
    };
  });
}

function checkFonts(fonts: MathFonts, where: string, variables = true): void {
  assert.ok(fonts.typeset > 0, `${where}: KaTeX's HTML is drawn`);
  assert.ok(fonts.loaded.includes("KaTeX_Main 400 normal"), `${where}: KaTeX_Main among ${fonts.loaded.join(", ")}`);
  assert.ok(fonts.mainReady, `${where}: KaTeX_Main is usable`);
  // KaTeX_Math draws variables; math of numbers and operators alone has no use for it.
  if (!variables && fonts.variableFamily === "") return;
  assert.ok(fonts.loaded.includes("KaTeX_Math 400 italic"), `${where}: KaTeX_Math among ${fonts.loaded.join(", ")}`);
  assert.ok(fonts.mathReady, `${where}: KaTeX_Math is usable`);
  assert.equal(fonts.variableFamily, "KaTeX_Math", where);
}

interface Displays {
  count: number;
  /** Displays wider than their box, each with its overflow-x and whether scrolling it moved it. */
  wide: { overflowX: string; scrolled: boolean }[];
  pageScrollWidth: number;
  viewport: number;
  rawStyles: number;
  leftover: number;
}

/** The display equations of a document at its current width: which overflow, and whether they scroll. */
function displays(target: Page | Frame): Promise<Displays> {
  return target.evaluate(() => {
    const all = Array.from(document.querySelectorAll<HTMLElement>(".katex-display"));
    const wide = all
      .filter((d) => d.scrollWidth > d.clientWidth + 1)
      .map((d) => {
        d.scrollLeft = 0;
        d.scrollLeft = 50;
        const scrolled = d.scrollLeft > 0;
        d.scrollLeft = 0;
        return { overflowX: getComputedStyle(d).overflowX, scrolled };
      });
    return {
      count: all.length,
      wide,
      pageScrollWidth: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
      rawStyles: document.querySelectorAll(".katex-html [style]").length,
      leftover: document.querySelectorAll("[data-math-style]").length,
    };
  });
}

/** A run of display equations (the sixth to the tenth), for side-by-side looks at the studio and the export. */
async function mathCellShot(page: Page, where: string, variant: string): Promise<void> {
  const box = await page.evaluate(() => {
    const displays = Array.from(document.querySelectorAll(".vt-markdown .katex-display"), (d) =>
      d.getBoundingClientRect(),
    );
    const from = displays[5];
    const to = displays[9];
    return from && to ? { y: from.top + window.scrollY - 8, height: to.bottom - from.top + 16 } : null;
  });
  assert.ok(box, `${where}: ten display equations`);
  await page.screenshot({
    path: new URL(`math-${where}-displays-${variant}.png`, screenshots).pathname,
    fullPage: true,
    clip: { x: 0, y: box.y, width: page.viewportSize()!.width, height: box.height },
  });
}

test("the export opens from disk with KaTeX's fonts embedded, no request and no CSP violation", async () => {
  const parsed = parseNotebook(readFileSync(new URL(EQUATIONS, corpus)), { file: EQUATIONS });
  const html = exportNotebookHtml(parsed, { fileName: EQUATIONS });
  const path = join(workDir, "equations.html");
  writeFileSync(path, html);
  assert.match(html, /font-src data:;/);
  const page = await browser.context.newPage();
  await instrumentPage(page);
  const requests: string[] = [];
  const errors: string[] = [];
  page.on("request", (request) => {
    if (!/^(file|data|about):/.test(request.url())) requests.push(request.url());
  });
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  await page.route(/^(?!file:|data:|about:)/, (route) => route.abort());
  await page.setViewportSize(DESKTOP);
  await page.goto(pathToFileURL(path).href);
  checkFonts(await mathFonts(page), "export");
  // Every loaded face is one the page embeds: the CSP allows fonts from data: URLs only.
  const faces = await page.evaluate(() => Array.from(document.fonts).filter((f) => f.status === "error").length);
  assert.equal(faces, 0, "no face failed to load");
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const size of [DESKTOP, PHONE]) {
      await page.setViewportSize(size);
      const found = await displays(page);
      assert.ok(found.count > 5, `export: ${found.count} display equations`);
      assert.ok(found.pageScrollWidth <= found.viewport, `export at ${size.width}: page ${found.pageScrollWidth} px`);
      for (const wide of found.wide) assert.deepEqual(wide, { overflowX: "auto", scrolled: true });
      if (size === PHONE) assert.ok(found.wide.length > 0, "export at 390 px: some equation is wider than the page");
      assert.equal(found.rawStyles, 0, "export: KaTeX's boxes are styled by class rules, not style attributes");
      assert.equal(found.leftover, 0);
      await page.screenshot({
        path: new URL(`math-export-${size.width}-${scheme}.png`, screenshots).pathname,
        fullPage: size === PHONE,
      });
      await mathCellShot(page, "export", `${size.width}-${scheme}`);
    }
  }
  assert.deepEqual(await pageRecord(page), { hits: [], violations: [] });
  assert.deepEqual(requests, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the studio draws the same notebook with the same fonts", async () => {
  const page = await browser.context.newPage();
  await instrumentPage(page);
  const console_ = watchConsole(page, policies, studio.content);
  await page.setViewportSize(DESKTOP);
  await page.goto(`${studio.app}/w/${workspace}/f/${EQUATIONS}`);
  // Every cell drawn: the first screen comes first and the rest in idle chunks.
  await page.locator("article.vt-notebook[aria-busy=false]").waitFor();
  await page.locator(".vt-markdown .katex").first().waitFor();
  checkFonts(await mathFonts(page), "studio");
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const size of [DESKTOP, PHONE]) {
      await page.setViewportSize(size);
      const found = await displays(page);
      for (const wide of found.wide) assert.deepEqual(wide, { overflowX: "auto", scrolled: true });
      assert.ok(found.pageScrollWidth <= found.viewport, `studio at ${size.width}: page ${found.pageScrollWidth} px`);
      await page.screenshot({
        path: new URL(`math-studio-${size.width}-${scheme}.png`, screenshots).pathname,
        fullPage: size === PHONE,
      });
      await mathCellShot(page, "studio", `${size.width}-${scheme}`);
    }
  }
  assert.deepEqual(await pageRecord(page), { hits: [], violations: [] });
  assert.deepEqual(console_.errors, []);
  console_.stop();
  await page.close();
});

test("text/latex outputs are drawn in their frames as KaTeX's HTML with KaTeX's fonts", async () => {
  const page = await browser.context.newPage();
  await instrumentPage(page);
  const console_ = watchConsole(page, policies, studio.content);
  await page.setViewportSize(DESKTOP);
  await page.goto(`${studio.app}/w/${workspace}/f/${LATEX_OUTPUTS}`);
  await page.locator(".vt-frame").first().waitFor();
  // Frames are made as cells come near: scroll through the page so that every output's frame is drawn.
  await page.evaluate(async () => {
    for (let y = 0; y < document.documentElement.scrollHeight; y += 600) {
      window.scrollTo(0, y);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    window.scrollTo(0, 0);
  });
  const typesetFrames = async () => {
    const found: Frame[] = [];
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      const typeset = await frame.evaluate(() => document.querySelectorAll(".katex-html").length).catch(() => 0);
      if (typeset > 0) found.push(frame);
    }
    return found;
  };
  let frames: Frame[] = [];
  for (let attempt = 0; attempt < 50 && frames.length < 3; attempt++) {
    frames = await typesetFrames();
    if (frames.length < 3) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.ok(frames.length >= 3, `${frames.length} frames with typeset math`);
  let variables = 0;
  for (const frame of frames) {
    // Chromium lays out (and so loads fonts for) a cross-origin frame only when it is in view.
    await (await frame.frameElement()).scrollIntoViewIfNeeded();
    const fontsHere = await mathFonts(frame);
    checkFonts(fontsHere, `frame ${frame.url()}`, false);
    if (fontsHere.variableFamily !== "") variables++;
    const styled = await frame.evaluate(() => ({
      // KaTeX's box styles arrived through the CSSOM: present as inline style, with no attribute left.
      styled: document.querySelectorAll(".katex-html [style]").length,
      leftover: document.querySelectorAll("[data-math-style]").length,
      // KaTeX's stylesheet is in the document itself, its fonts on the content origin.
      fonts: Array.from(document.querySelectorAll("style"), (style) =>
        Array.from(style.textContent!.matchAll(/url\(([^)]*)\)/g), (match) => match[1]!),
      ).flat(),
    }));
    assert.ok(styled.styled > 0, "KaTeX's boxes got their styles");
    assert.equal(styled.leftover, 0);
    assert.equal(styled.fonts.length, 20);
    for (const url of styled.fonts) assert.ok(url.startsWith(`${studio.content}/frame/lib/katex@`), url);
  }
  assert.ok(variables >= 2, `${variables} frames draw variables in KaTeX_Math`);
  // The first output with math, drawn at a phone's width: its display equation fits or scrolls in its box.
  const first = page.locator(".vt-frame").first();
  await first.scrollIntoViewIfNeeded();
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: new URL("math-frame-1200.png", screenshots).pathname });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: new URL("math-frame-1200-dark.png", screenshots).pathname });
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(300);
  let wideFrame: Frame | undefined;
  for (const frame of frames) {
    const found = await displays(frame);
    for (const wide of found.wide) assert.deepEqual(wide, { overflowX: "auto", scrolled: true });
    assert.ok(found.pageScrollWidth <= found.viewport + 1, `frame at 390 px: ${found.pageScrollWidth} px`);
    if (found.wide.length > 0) wideFrame ??= frame;
  }
  assert.ok(wideFrame, "at 390 px, some output's equation is wider than its frame");
  const element = await wideFrame.frameElement();
  await element.scrollIntoViewIfNeeded();
  await element.screenshot({ path: new URL("math-frame-wide-390.png", screenshots).pathname });
  await page.screenshot({ path: new URL("math-frame-390.png", screenshots).pathname });
  assert.deepEqual(await pageRecord(page), { hits: [], violations: [] });
  assert.deepEqual(console_.errors, []);
  // No refusal in a frame either: KaTeX's stylesheet and fonts are allowed by the frame's policy.
  assert.deepEqual(console_.refusals, []);
  console_.stop();
  await page.close();
});

test("in the export, text/latex outputs are drawn as KaTeX's HTML, and a wide one scrolls in its frame at 390 px", async () => {
  const parsed = parseNotebook(readFileSync(new URL(LATEX_OUTPUTS, corpus)), { file: LATEX_OUTPUTS });
  const path = join(workDir, "sympy.html");
  writeFileSync(path, exportNotebookHtml(parsed, { fileName: LATEX_OUTPUTS }));
  const page = await browser.context.newPage();
  await instrumentPage(page);
  await page.route(/^(?!file:|data:|about:)/, (route) => route.abort());
  await page.setViewportSize(PHONE);
  await page.goto(pathToFileURL(path).href, { waitUntil: "load" });
  let wideFrame: Frame | undefined;
  let maths = 0;
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    // A frame with math draws it once the page has handed it KaTeX's stylesheet (export-frame-math.ts).
    const math = await frame.evaluate(() => document.querySelector(".katex") !== null);
    if (math) await frame.waitForSelector("html.vt-katex", { state: "attached" });
    const found = await frame.evaluate(() => {
      const boxes = Array.from(document.querySelectorAll<HTMLElement>(".katex-display"));
      const wide = boxes.filter((box) => box.scrollWidth > box.clientWidth + 1);
      const scrolled = wide.map((box) => {
        box.scrollLeft = 50;
        const moved = box.scrollLeft > 0;
        box.scrollLeft = 0;
        return moved;
      });
      return { displays: boxes.length, scrolled, drawings: document.querySelectorAll(".katex-html").length };
    });
    assert.equal(found.drawings > 0, math, "export frames draw math as KaTeX's HTML");
    assert.ok(found.scrolled.every(Boolean), "every wide display scrolls");
    maths += found.displays;
    if (found.scrolled.length > 0) wideFrame ??= frame;
  }
  assert.ok(maths > 10, `${maths} display equations in the export's frames`);
  assert.ok(wideFrame, "at 390 px, some output's equation is wider than its frame");
  const element = await wideFrame.frameElement();
  await element.scrollIntoViewIfNeeded();
  await element.screenshot({ path: new URL("math-export-frame-wide-390.png", screenshots).pathname });
  assert.deepEqual(await pageRecord(page), { hits: [], violations: [] });
  await page.close();
});
