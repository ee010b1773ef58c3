// `vitrine render` with math in outputs, in Debian's Chromium from file://: a text/latex output and a text/markdown
// output (display math, matrices, \mathbf, align) are drawn in their frames as KaTeX's HTML with KaTeX's fonts, the
// ones the page carries once, exactly as the same math in a markdown cell, with every request that is not the file
// itself aborted and no CSP violation. A display too wide for a phone scrolls in its box. With JavaScript off, the
// frames show the MathML. Screenshots (cell and outputs, 1200 and 390 px, light and dark) land in
// test-results/screenshots/export-math-frames-*.png.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Frame, Page } from "playwright-core";
import { parseNotebook } from "../../src/notebook/parse.ts";
import { exportNotebookHtml } from "../../src/render/export.ts";
import { KATEX_READY_CLASS } from "../../src/render/export-frame-math.ts";
import { exportFrames, openExportOffline, displayCell } from "./export-page.ts";
import { launchBrowser, type Browser } from "./browser.ts";

const SHOTS = new URL("../../test-results/screenshots/", import.meta.url).pathname;
const workDir = mkdtempSync(join(tmpdir(), "vitrine-export-math-"));
let fileUrl = "";
let browser: Browser;

/** The same markdown in a cell and in an output: inline \mathbf, align, matrices, and a display wider than a phone. */
const MARKDOWN = String.raw`The field $\mathbf{E}$ obeys

$$\begin{align} \nabla \cdot \mathbf{E} &= \frac{\rho}{\varepsilon_0} \\ \nabla \times \mathbf{B} - \frac{1}{c^2}\frac{\partial \mathbf{E}}{\partial t} &= \mu_0 \mathbf{J} \end{align}$$

$$\det\begin{pmatrix} a & b & c \\ d & e & f \\ g & h & i \end{pmatrix} = a\begin{vmatrix} e & f \\ h & i \end{vmatrix} - b\begin{vmatrix} d & f \\ g & i \end{vmatrix} + c\begin{vmatrix} d & e \\ g & h \end{vmatrix}$$

$$\sum_{k=0}^{n} \binom{n}{k} x^k y^{n-k} = (x+y)^n = x^n + n x^{n-1} y + \frac{n(n-1)}{2} x^{n-2} y^2 + \cdots + n x y^{n-1} + y^n$$`;

/** SymPy-style text/latex: a cross product as a determinant. */
const LATEX = String.raw`$$\mathbf{a} \times \mathbf{b} = \begin{vmatrix} \mathbf{i} & \mathbf{j} & \mathbf{k} \\ a_1 & a_2 & a_3 \\ b_1 & b_2 & b_3 \end{vmatrix} = (a_2 b_3 - a_3 b_2)\mathbf{i} - (a_1 b_3 - a_3 b_1)\mathbf{j} + (a_1 b_2 - a_2 b_1)\mathbf{k}$$`;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const notebook = {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: {},
    cells: [
      { cell_type: "markdown", metadata: {}, source: `# Math in cells and outputs\n\n${MARKDOWN}` },
      displayCell({ "text/latex": LATEX, "text/plain": "cross product" }),
      displayCell({ "text/markdown": MARKDOWN, "text/plain": "markdown" }),
    ],
  };
  const path = join(workDir, "math.html");
  writeFileSync(path, exportNotebookHtml(parseNotebook(JSON.stringify(notebook)), { fileName: "math.ipynb" }));
  fileUrl = pathToFileURL(path).href;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  rmSync(workDir, { recursive: true, force: true });
});

interface DrawnMath {
  drawings: number;
  /** Every drawing is laid out (not hidden), and every MathML copy is clipped to KaTeX's 1 px box. */
  drawingsVisible: boolean;
  mathmlClipped: boolean;
  /** KaTeX faces loaded, as "family weight style", and faces that failed. */
  loaded: string[];
  failed: number;
  mainReady: boolean;
  /** The computed family of the first variable and of the first \mathbf. */
  variableFamily: string;
  boldWeight: string;
  /** Boxes styled through the CSSOM, and attributes left unapplied. */
  styled: number;
  leftover: number;
  /** Equation numbers shown (none, as in JupyterLab). */
  numbers: number;
  /** Each display's drawn width (its bases side by side) and height, in ems of its math's font size, in order. */
  displays: { width: number; height: number }[];
}

/** What a document (the page or a frame) draws its math with, once its fonts have settled. */
function drawnMath(target: Page | Frame, scope: string): Promise<DrawnMath> {
  return target.evaluate(async (scope) => {
    await document.fonts.ready;
    const root = document.querySelector(scope)!;
    const drawings = Array.from(root.querySelectorAll<HTMLElement>(".katex-html"));
    const variable = root.querySelector(".katex-html .mathnormal");
    const bold = root.querySelector(".katex-html .mathbf");
    return {
      drawings: drawings.length,
      drawingsVisible: drawings.every((d) => getComputedStyle(d).display !== "none" && d.getClientRects().length > 0),
      mathmlClipped: Array.from(root.querySelectorAll(".katex-mathml")).every(
        (m) => m.getBoundingClientRect().width <= 1,
      ),
      loaded: Array.from(document.fonts)
        .filter((face) => face.status === "loaded")
        .map((face) => `${face.family.replace(/"/g, "")} ${face.weight} ${face.style}`),
      failed: Array.from(document.fonts).filter((face) => face.status === "error").length,
      mainReady: document.fonts.check("1em KaTeX_Main"),
      variableFamily: variable ? getComputedStyle(variable).fontFamily : "",
      boldWeight: bold ? `${getComputedStyle(bold).fontFamily} ${getComputedStyle(bold).fontWeight}` : "",
      styled: root.querySelectorAll(".katex-html [style]").length,
      leftover: root.querySelectorAll("[data-math-style]").length,
      numbers: Array.from(root.querySelectorAll(".eqn-num")).filter((n) => getComputedStyle(n).display !== "none")
        .length,
      displays: Array.from(root.querySelectorAll(".katex-display > .katex"), (k) => {
        const size = parseFloat(getComputedStyle(k).fontSize);
        const bases = Array.from(k.querySelectorAll(".katex-html > .base"), (b) => b.getBoundingClientRect().width);
        const height = k.querySelector(".katex-html")!.getBoundingClientRect().height;
        return { width: bases.reduce((sum, w) => sum + w, 0) / size, height: height / size };
      }),
    };
  }, scope);
}

/** Waits for a frame to have drawn its math with the page's stylesheet. */
async function mathDrawn(frame: Frame): Promise<void> {
  await frame.waitForSelector(`html.${KATEX_READY_CLASS}`, { state: "attached", timeout: 30_000 });
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 0.02 * Math.max(a, b) + 0.05;
}

test("math in outputs is KaTeX's HTML with KaTeX's fonts, as in the markdown cell, offline and within the CSP", async () => {
  const { page, problems, outside } = await openExportOffline(browser, fileUrl);
  const frames = await exportFrames(page);
  assert.equal(frames.length, 2);
  const cell = await drawnMath(page, ".vt-markdown");
  assert.ok(cell.drawings >= 4);
  assert.equal(cell.numbers, 0);
  for (const [index, frame] of frames.entries()) {
    await (await frame.frameElement()).scrollIntoViewIfNeeded();
    await mathDrawn(frame);
    const drawn = await drawnMath(frame, "body");
    const where = `frame ${index}`;
    assert.ok(drawn.drawings > 0, `${where}: KaTeX's HTML is there`);
    assert.ok(drawn.drawingsVisible, `${where}: KaTeX's HTML is shown`);
    assert.ok(drawn.mathmlClipped, `${where}: the MathML is KaTeX's hidden copy`);
    assert.ok(drawn.mainReady, `${where}: KaTeX_Main is ready`);
    for (const face of ["KaTeX_Main 400 normal", "KaTeX_Math 400 italic", "KaTeX_Main 700 normal"])
      assert.ok(drawn.loaded.includes(face), `${where}: ${face} among ${drawn.loaded.join(", ")}`);
    assert.equal(drawn.failed, 0, `${where}: no face failed to load`);
    assert.equal(drawn.variableFamily, "KaTeX_Math", where);
    assert.equal(drawn.boldWeight, "KaTeX_Main 700", `${where}: \\mathbf is KaTeX_Main bold`);
    assert.ok(drawn.styled > 5, `${where}: KaTeX's boxes got their styles`);
    assert.equal(drawn.leftover, 0, where);
    assert.equal(drawn.numbers, 0, `${where}: no equation number`);
    if (index === 1) {
      // The same markdown as the cell's: each display has the same size in ems, so it is drawn the same way.
      assert.equal(drawn.displays.length, cell.displays.length);
      for (const [i, display] of drawn.displays.entries()) {
        const inCell = cell.displays[i]!;
        assert.ok(
          close(display.width, inCell.width) && close(display.height, inCell.height),
          `display ${i}: ${JSON.stringify(display)} in the output, ${JSON.stringify(inCell)} in the cell`,
        );
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.deepEqual(outside, []);
  await page.close();
});

test("screenshots at 1200 and 390 px, light and dark; a wide display scrolls in its frame", async () => {
  for (const scheme of ["light", "dark"] as const) {
    const { page, problems, outside } = await openExportOffline(browser, fileUrl);
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of [1200, 390]) {
      await page.setViewportSize({ width, height: 900 });
      const frames = await exportFrames(page);
      for (const frame of frames) {
        // Chromium lays out (and so loads fonts for) a frame only near the viewport.
        await (await frame.frameElement()).scrollIntoViewIfNeeded();
        await mathDrawn(frame);
        await frame.evaluate(() => document.fonts.ready);
      }
      await page.waitForTimeout(300);
      for (const frame of frames) {
        const found = await frame.evaluate(() => {
          const wide = Array.from(document.querySelectorAll<HTMLElement>(".katex-display"))
            .filter((d) => d.scrollWidth > d.clientWidth + 1)
            .map((d) => {
              d.scrollLeft = 50;
              const scrolled = d.scrollLeft > 0;
              d.scrollLeft = 0;
              return { overflowX: getComputedStyle(d).overflowX, scrolled };
            });
          return { wide, scrollWidth: document.documentElement.scrollWidth, viewport: innerWidth };
        });
        for (const wide of found.wide) assert.deepEqual(wide, { overflowX: "auto", scrolled: true });
        assert.ok(found.scrollWidth <= found.viewport + 1, `frame at ${width}: ${found.scrollWidth} px`);
        if (width === 390) assert.ok(found.wide.length > 0, "at 390 px, each output has a display wider than it");
      }
      await page.screenshot({ path: `${SHOTS}export-math-frames-${width}-${scheme}.png`, fullPage: true });
    }
    assert.deepEqual(problems, []);
    assert.deepEqual(outside, []);
    await page.close();
  }
});

test("with JavaScript off, the frames show the MathML and not KaTeX's unstyled drawing", async () => {
  const noJs = await launchBrowser({ javaScriptEnabled: false });
  try {
    const { page, outside } = await openExportOffline(noJs, fileUrl);
    // The cell's math needs no script: KaTeX's HTML with the page's stylesheet.
    const cell = await drawnMath(page, ".vt-markdown");
    assert.ok(cell.drawingsVisible && cell.mathmlClipped && cell.drawings >= 4);
    for (const frame of await exportFrames(page)) {
      const shown = await frame.evaluate(() => ({
        ready: document.documentElement.className,
        drawings: Array.from(document.querySelectorAll(".katex-html"), (d) => getComputedStyle(d).display),
        maths: Array.from(document.querySelectorAll("math"), (m) => m.getBoundingClientRect().width),
        text: document.body.innerText,
      }));
      assert.equal(shown.ready, "");
      assert.ok(shown.drawings.length > 0);
      assert.ok(shown.drawings.every((display) => display === "none"));
      assert.ok(shown.maths.length > 0 && shown.maths.every((width) => width > 5), JSON.stringify(shown.maths));
    }
    await page.setViewportSize({ width: 1200, height: 900 });
    await page.screenshot({ path: `${SHOTS}export-math-frames-nojs.png`, fullPage: true });
    assert.deepEqual(outside, []);
    await page.close();
  } finally {
    await noJs.close();
  }
});
