// Math in markdown cells, in Debian's Chromium: the studio's reading page, the editor's rendered cells and the
// static export of the same notebook. Bold symbols are upright bold, vmatrix bars are as tall as the matrix, align
// columns line up, a very wide equation scrolls in its own box (never cut, never widening a 390 px phone page),
// KaTeX's box styles arrive through the CSSOM with no CSP or Trusted Types violation, and hostile
// `data-math-style` values get no style.
// Screenshots (desktop and phone, light and dark) land in test-results/screenshots/.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { launchBrowser, type Browser } from "./browser.ts";
import { signInThroughPage, startBrowserStudio, type BrowserStudio } from "./running-studio.ts";
import { createWorkspace, uploadTrusted } from "./studio-session.ts";
import { instrumentPage, pageRecord, readPolicies, watchConsole, type Policies } from "./studio-page-watch.ts";
import { parseNotebook } from "../../src/notebook/parse.ts";
import { exportNotebookHtml } from "../../src/render/export.ts";

const PASSWORD = "math test password";
const corpus = new URL("../../../shared/corpus/notebooks/", import.meta.url);
const screenshots = new URL("../../test-results/screenshots/", import.meta.url);
mkdirSync(screenshots, { recursive: true });
const CORPUS_NOTEBOOKS = [
  "notebook__Typesetting_Equations.ipynb",
  "ipython__SymPy.ipynb",
  "notebook__Working_With_Markdown_Cells.ipynb",
];
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1200, height: 900 };

const WIDE_TERMS = Array.from({ length: 260 }, (_, i) => `x_{${i + 1}}`).join(" + ");

/** One markdown cell per case, each with one display equation, in this order. */
const mathNotebook = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    [
      "vmatrix",
      "## A cross product\n\n$$\\mathbf{V}_1 \\times \\mathbf{V}_2 = \\begin{vmatrix} \\mathbf{i} & \\mathbf{j} & \\mathbf{k} \\\\ \\frac{\\partial X}{\\partial u} & \\frac{\\partial Y}{\\partial u} & 0 \\\\ \\frac{\\partial X}{\\partial v} & \\frac{\\partial Y}{\\partial v} & 0 \\end{vmatrix}$$",
    ],
    ["bold", "## Bold symbols\n\n$$\\mathbf{E} + \\mathbf{B} = \\mathbf{F}$$"],
    [
      "align",
      "## The Lorenz equations, \\\\(x\\\\) and $y$ in a heading\n\n\\begin{align}\n\\dot{x} & = \\sigma(y-x) \\\\\n\\dot{y} & = \\rho x - y - xz \\\\\n\\dot{z} & = -\\beta z + xy\n\\end{align}",
    ],
    ["wide", `## A wide equation\n\n$$S = ${WIDE_TERMS}$$`],
    [
      "hostile",
      '## Hand-written math styles\n\n<span id="fixed" data-math-style="position:fixed;top:0">a</span> ' +
        '<span id="far" data-math-style="height:1em;margin-left:-2000em">b</span> ' +
        '<span id="url" data-math-style="color:url(https://example.invalid/)">c</span> ' +
        '<span id="fine" data-math-style="height:2em">d</span> and $\\htmlStyle{position:fixed;top:0}{x}$',
    ],
  ].map(([id, source]) => ({ cell_type: "markdown", id, metadata: {}, source })),
};

let studio: BrowserStudio;
let browser: Browser;
let policies: Policies;
let workspace = "";
const workDir = mkdtempSync(join(tmpdir(), "vitrine-math-"));

before(async () => {
  studio = await startBrowserStudio([{ name: "ada", password: PASSWORD }]);
  policies = await readPolicies(studio.app, studio.content);
  browser = await launchBrowser();
  const page = await browser.context.newPage();
  await signInThroughPage(page, studio.app, "ada", PASSWORD);
  workspace = await createWorkspace(page, "Math");
  const files = [
    { name: "math.ipynb", base64: Buffer.from(JSON.stringify(mathNotebook)).toString("base64") },
    ...CORPUS_NOTEBOOKS.map((name) => ({ name, base64: readFileSync(new URL(name, corpus)).toString("base64") })),
  ];
  await uploadTrusted(page, workspace, files);
  await page.close();
});

after(async () => {
  await browser?.close();
  await studio?.close();
  rmSync(workDir, { recursive: true, force: true });
});

interface MathLayout {
  boldWeight: number;
  boldStyle: string;
  boldFamily: string;
  matrixHeight: number;
  delimiterHeights: number[];
  equalsX: number[];
  shownNumbers: number;
  wideScrollWidth: number;
  wideClientWidth: number;
  wideOverflowX: string;
  wideScrolled: number;
  pageScrollWidth: number;
  viewportWidth: number;
  styledBoxes: number;
  leftoverDataStyles: number;
  hostile: Record<string, string>;
}

/** Measures the generated notebook's math, the same way on the studio page and the export. */
function measure(page: Page): Promise<MathLayout> {
  return page.evaluate(() => {
    const displays = Array.from(document.querySelectorAll(".vt-markdown .katex-display"));
    const [vmatrix, bold, align, wide] = displays as HTMLElement[];
    if (!vmatrix || !bold || !align || !wide) throw new Error(`expected 4 displays, found ${displays.length}`);
    const union = (elements: Element[]) => {
      let top = Infinity;
      let bottom = -Infinity;
      for (const e of elements) {
        const r = e.getBoundingClientRect();
        if (r.height === 0) continue;
        top = Math.min(top, r.top);
        bottom = Math.max(bottom, r.bottom);
      }
      return bottom - top;
    };
    const minner = vmatrix.querySelector(".minner")!;
    const delimiters = Array.from(minner.children).filter((c) => /\bm(open|close)\b/.test(c.className));
    const boldLetter = bold.querySelector(".mathbf")!;
    const boldStyle = getComputedStyle(boldLetter);
    const equals = Array.from(align.querySelectorAll(".mrel")).filter((e) => e.textContent === "=");
    wide.scrollLeft = 400;
    const hostile: Record<string, string> = {};
    for (const id of ["fixed", "far", "url", "fine"]) {
      const element = document.getElementById(`user-content-${id}`);
      const styled = element !== null && (element.style.length > 0 || /\bvt-m\d/.test(element.className));
      hostile[id] = element === null ? "missing" : styled ? "styled" : getComputedStyle(element).position;
    }
    return {
      boldWeight: Number(boldStyle.fontWeight),
      boldStyle: boldStyle.fontStyle,
      boldFamily: boldStyle.fontFamily,
      matrixHeight: union(Array.from(minner.querySelectorAll(".mtable .mord"))),
      delimiterHeights: delimiters.map((d) => union([d, ...Array.from(d.querySelectorAll("*"))])),
      equalsX: equals.map((e) => e.getBoundingClientRect().left),
      shownNumbers: Array.from(align.querySelectorAll(".eqn-num")).filter((n) => n.getClientRects().length > 0).length,
      wideScrollWidth: wide.scrollWidth,
      wideClientWidth: wide.clientWidth,
      wideOverflowX: getComputedStyle(wide).overflowX,
      wideScrolled: wide.scrollLeft,
      pageScrollWidth: document.documentElement.scrollWidth,
      viewportWidth: window.innerWidth,
      styledBoxes: document.querySelectorAll(".katex-html [style], .katex-html [class*='vt-m']").length,
      leftoverDataStyles: document.querySelectorAll("[data-math-style]").length,
      hostile,
    };
  });
}

function checkLayout(layout: MathLayout, where: string): void {
  assert.ok(layout.boldWeight >= 700, `${where}: \\mathbf weight ${layout.boldWeight}`);
  assert.equal(layout.boldStyle, "normal", `${where}: \\mathbf is upright`);
  assert.equal(layout.delimiterHeights.length, 2, `${where}: two vmatrix bars`);
  for (const height of layout.delimiterHeights)
    assert.ok(height >= layout.matrixHeight, `${where}: bar ${height} px for a matrix of ${layout.matrixHeight} px`);
  assert.equal(layout.equalsX.length, 3, `${where}: three = signs`);
  for (const x of layout.equalsX)
    assert.ok(Math.abs(x - layout.equalsX[0]!) < 0.5, `${where}: = signs at ${layout.equalsX.join(", ")}`);
  // As in JupyterLab, whose MathJax numbers no equation.
  assert.equal(layout.shownNumbers, 0, `${where}: no automatic equation numbers`);
  assert.ok(layout.wideScrollWidth >= 3000, `${where}: the wide equation is ${layout.wideScrollWidth} px`);
  assert.ok(layout.wideClientWidth < layout.viewportWidth, `${where}: its box fits the page`);
  assert.equal(layout.wideOverflowX, "auto", `${where}: its box scrolls`);
  assert.ok(layout.wideScrolled > 0, `${where}: and can be scrolled`);
  assert.ok(layout.pageScrollWidth <= layout.viewportWidth, `${where}: page ${layout.pageScrollWidth} px wide`);
  assert.ok(layout.styledBoxes > 50, `${where}: KaTeX's boxes got their styles (${layout.styledBoxes})`);
  assert.equal(layout.leftoverDataStyles, 0, `${where}: every data-math-style was applied and dropped`);
  // Values outside the allowlist give no style at all; an allowed one is applied like KaTeX's own.
  assert.deepEqual(layout.hostile, { fixed: "static", far: "static", url: "static", fine: "styled" }, where);
}

async function openInStudio(
  name: string,
  ready = ".vt-markdown .katex",
): Promise<{ page: Page; console_: ReturnType<typeof watchConsole> }> {
  const page = await browser.context.newPage();
  await instrumentPage(page);
  const console_ = watchConsole(page, policies, studio.content);
  await page.setViewportSize(DESKTOP);
  await page.goto(`${studio.app}/w/${workspace}/f/${name}`);
  await page.locator(ready).first().waitFor();
  await page.evaluate(() => document.fonts.ready);
  return { page, console_ };
}

test("the studio draws matrices, bold symbols, align and wide equations as JupyterLab does, at any width", async () => {
  const { page, console_ } = await openInStudio("math.ipynb");
  await page.locator(".vt-markdown .katex-display").nth(3).waitFor();
  await page.evaluate(() => document.fonts.ready);
  // KaTeX's fonts come from the app origin and are in use.
  assert.ok(await page.evaluate(() => document.fonts.check("bold 20px KaTeX_Main")), "KaTeX_Main bold loaded");
  checkLayout(await measure(page), "studio desktop");
  // The heading's math: `\\(x\\)` and `$y$` are typeset in it.
  assert.equal(await page.locator(".vt-markdown h2 .katex").count(), 2);
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize(DESKTOP);
    await page.screenshot({ path: new URL(`math-studio-desktop-${scheme}.png`, screenshots).pathname, fullPage: true });
    await page.setViewportSize(PHONE);
    checkLayout(await measure(page), `studio phone ${scheme}`);
    await page.screenshot({ path: new URL(`math-studio-phone-${scheme}.png`, screenshots).pathname, fullPage: true });
  }
  assert.deepEqual(await pageRecord(page), { hits: [], violations: [] });
  assert.deepEqual(console_.errors, []);
  console_.stop();
  await page.close();
});

test("CSSOM writes apply under the page's CSP while a style attribute is refused", async () => {
  const { page, console_ } = await openInStudio("math.ipynb");
  assert.doesNotMatch(policies.app, /style-src[^;]*'unsafe-inline'/);
  const result = await page.evaluate(() => {
    const probe = document.createElement("span");
    document.body.append(probe);
    probe.setAttribute("style", "height: 7px");
    const viaAttribute = probe.style.height;
    probe.removeAttribute("style");
    probe.style.setProperty("height", "9px");
    const viaCssom = getComputedStyle(probe).height === "9px" ? probe.style.height : "";
    probe.remove();
    return { viaAttribute, viaCssom };
  });
  assert.deepEqual(result, { viaAttribute: "", viaCssom: "9px" });
  // The refused attribute is the one violation, and it is the probe's, not the math's.
  const { violations } = await pageRecord(page);
  assert.equal(violations.length, 1, JSON.stringify(violations));
  assert.equal(violations[0]!.directive, "style-src-attr");
  console_.stop();
  await page.close();
});

for (const name of CORPUS_NOTEBOOKS) {
  test(`${name}: every display equation fits or scrolls, on desktop and phone`, async () => {
    const { page, console_ } = await openInStudio(name, name === "ipython__SymPy.ipynb" ? ".vt-frame" : undefined);
    for (const size of [DESKTOP, PHONE]) {
      await page.setViewportSize(size);
      const found = await page.evaluate(() => {
        const displays = Array.from(document.querySelectorAll<HTMLElement>(".vt-markdown .katex-display"));
        return {
          displays: displays.length,
          cut: displays.filter((d) => d.scrollWidth > d.clientWidth && getComputedStyle(d).overflowX !== "auto").length,
          pageScrollWidth: document.documentElement.scrollWidth,
          viewport: window.innerWidth,
          leftover: document.querySelectorAll("[data-math-style]").length,
          bold: Array.from(document.querySelectorAll(".mathbf")).every(
            (b) => Number(getComputedStyle(b).fontWeight) >= 700 && getComputedStyle(b).fontStyle === "normal",
          ),
        };
      });
      if (name === "ipython__SymPy.ipynb") {
        // Its math is in text/latex outputs, drawn in output frames as KaTeX's HTML (math-export.test.ts looks at
        // their fonts), with its box styles applied and no attribute left.
        await page.waitForFunction(() => document.querySelectorAll(".vt-frame").length > 3);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const frames = page.frames().filter((f) => f !== page.mainFrame());
        let maths = 0;
        for (const frame of frames) {
          const counts = await frame.evaluate(() => ({
            math: document.querySelectorAll(".katex-html").length,
            leftover: document.querySelectorAll("[data-math-style]").length,
          }));
          assert.equal(counts.leftover, 0);
          maths += counts.math;
        }
        assert.ok(maths > 0, "SymPy's text/latex outputs are typeset");
        continue;
      }
      assert.ok(found.displays > 0, `${name}: display math found`);
      assert.equal(found.cut, 0, `${name}: no display equation is cut`);
      assert.ok(found.pageScrollWidth <= found.viewport, `${name} at ${size.width}: page ${found.pageScrollWidth}px`);
      assert.equal(found.leftover, 0);
      assert.ok(found.bold, `${name}: \\mathbf is upright bold`);
    }
    if (name === CORPUS_NOTEBOOKS[0]) {
      for (const size of [DESKTOP, PHONE]) {
        await page.setViewportSize(size);
        await page.screenshot({
          path: new URL(`math-corpus-${size.width}.png`, screenshots).pathname,
          fullPage: true,
        });
      }
    }
    assert.deepEqual(await pageRecord(page), { hits: [], violations: [] });
    assert.deepEqual(console_.errors, []);
    console_.stop();
    await page.close();
  });
}

test("the export of the same notebook shows the same, offline and within its CSP", async () => {
  const parsed = parseNotebook(new TextEncoder().encode(JSON.stringify(mathNotebook)), { file: "math.ipynb" });
  const path = join(workDir, "math.html");
  writeFileSync(path, exportNotebookHtml(parsed, { fileName: "math.ipynb" }));
  const page = await browser.context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on("request", (request) => {
    if (!/^(file|data|about):/.test(request.url())) requests.push(request.url());
  });
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  await page.route(/^(?!file:|data:|about:)/, (route) => route.abort());
  await page.setViewportSize(DESKTOP);
  await page.goto(pathToFileURL(path).href);
  checkLayout(await measure(page), "export desktop");
  await page.screenshot({ path: new URL("math-export-desktop.png", screenshots).pathname, fullPage: true });
  await page.setViewportSize(PHONE);
  checkLayout(await measure(page), "export phone");
  await page.screenshot({ path: new URL("math-export-phone.png", screenshots).pathname, fullPage: true });
  assert.deepEqual(requests, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the editor draws a markdown cell's math by the same path", async () => {
  const page = await browser.context.newPage();
  await instrumentPage(page);
  const console_ = watchConsole(page, policies, studio.content);
  await page.setViewportSize(DESKTOP);
  await page.goto(`${studio.app}/w/${workspace}/f/math.ipynb?edit=1`);
  await page.locator(".vt-editor").waitFor();
  await page.locator(".vt-ed-rendered .katex-display").nth(3).waitFor();
  await page.evaluate(() => document.fonts.ready);
  const found = await page.evaluate(() => {
    const wide = document.querySelectorAll<HTMLElement>(".vt-ed-rendered .katex-display")[3]!;
    const bold = getComputedStyle(document.querySelector(".vt-ed-rendered .mathbf")!);
    return {
      bold: Number(bold.fontWeight) >= 700 && bold.fontStyle === "normal",
      styled: document.querySelectorAll(".vt-ed-rendered .katex-html [style]").length > 50,
      leftover: document.querySelectorAll("[data-math-style]").length,
      scrolls: wide.scrollWidth > wide.clientWidth && getComputedStyle(wide).overflowX === "auto",
      pageFits: document.documentElement.scrollWidth <= window.innerWidth,
    };
  });
  assert.deepEqual(found, { bold: true, styled: true, leftover: 0, scrolls: true, pageFits: true });
  assert.deepEqual(await pageRecord(page), { hits: [], violations: [] });
  assert.deepEqual(console_.errors, []);
  console_.stop();
  await page.close();
});
