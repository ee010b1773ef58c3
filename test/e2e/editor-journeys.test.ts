// What a person doing data science does in the notebook editor, in Debian's Chromium against a real studio and a
// real Python kernel in its sandbox: a matplotlib plot becomes an image, a pandas DataFrame an HTML table in its
// sandboxed frame, a progress bar (tqdm's "\r" redraws, and a display updated in place) stays one output with its
// final text, an error shows with its ANSI colours, and a long output folds. The page's CSP and Trusted Types
// report no violation and the console no error through all of it. Screenshots go to /tmp.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchBrowser, type Browser } from "./browser.ts";
import { codeNotebook, editorCell, openEditor, runCell, uploadNotebook } from "./editor-session.ts";
import { startBrowserStudio, type BrowserStudio } from "./running-studio.ts";
import { assertPageClean, type ConsoleWatch, instrumentPage, readPolicies, watchConsole } from "./studio-page-watch.ts";
import { createWorkspace, signIn } from "./studio-session.ts";

const PASSWORD = "journey test password";
const SHOTS = "/tmp";
let studio: BrowserStudio;
let browser: Browser;
let page: Page;
let watch: ConsoleWatch;

const CELLS = [
  { id: "plot", source: "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()" },
  {
    id: "table",
    source: "import pandas as pd\npd.DataFrame({'name': ['ada', 'bob'], 'score': [1.5, 2]}, index=['r1', 'r2'])",
  },
  {
    id: "tqdm",
    source: "import time\nfrom tqdm import tqdm\nfor i in tqdm(range(40), ncols=70):\n    time.sleep(0.02)",
  },
  {
    id: "display",
    source:
      "import time\nfrom IPython.display import display\nbar = display('step 0 of 30', display_id=True)\n" +
      "for i in range(1, 31):\n    time.sleep(0.02)\n    bar.update(f'step {i} of 30')",
  },
  {
    id: "carriage",
    source:
      "import sys, time\nfor i in range(101):\n    print(f'\\r{i}% done', end='')\n    sys.stdout.flush()\n    time.sleep(0.005)\nprint()",
  },
  { id: "error", source: "def fail(x):\n    return 1 / x\n\nfail(0)" },
  { id: "long", source: "for i in range(500):\n    print('line', i)" },
];

before(async () => {
  studio = await startBrowserStudio([{ name: "ada", password: PASSWORD }]);
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await instrumentPage(page);
  const policies = await readPolicies(studio.app, studio.content);
  await signIn(page, studio.app, "ada", PASSWORD);
  // Watched from here: the sign-in page's own 401 for the session it has not got yet is no error.
  watch = watchConsole(page, policies, studio.content);
  const workspace = await createWorkspace(page, "Journeys");
  await openEditor(page, await uploadNotebook(page, studio.app, workspace, "journeys.ipynb", codeNotebook(CELLS)));
});

after(async () => {
  await browser?.close();
  await studio?.close();
});

/** The text of a cell's outputs as drawn in the page, one entry per output. */
const outputTexts = (id: string) => editorCell(page, id).locator(".vt-output").allInnerTexts();

test("matplotlib's plt.show() draws a PNG in the page", async () => {
  await runCell(page, "plot");
  const image = editorCell(page, "plot").locator(".vt-output-image img.vt-image");
  // The first import of matplotlib in a fresh sandbox builds its font cache in the kernel's private home.
  await image.waitFor({ timeout: 90_000 });
  const drawn = await image.evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    return { width: img.naturalWidth, height: img.naturalHeight, src: img.src.slice(0, 22) };
  });
  assert.equal(drawn.src, "data:image/png;base64,");
  assert.ok(drawn.width > 100 && drawn.height > 100, `a plot of ${drawn.width}x${drawn.height}`);
});

test("a pandas DataFrame is an HTML table in its sandboxed frame, with its cells", async () => {
  await runCell(page, "table");
  const slot = editorCell(page, "table").locator('[data-mime="text/html"] iframe.vt-frame[sandbox="allow-scripts"]');
  await slot.waitFor({ timeout: 60_000 });
  assert.equal(new URL((await slot.getAttribute("src")) ?? "").origin, studio.content);
  const table = editorCell(page, "table").frameLocator("iframe.vt-frame").locator("table.dataframe");
  await table.waitFor();
  const rows = await table
    .locator("tbody tr")
    .evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (c) => c.textContent?.trim() ?? "")));
  assert.deepEqual(rows, [
    ["r1", "ada", "1.5"],
    ["r2", "bob", "2.0"],
  ]);
  const head = await table.locator("thead th").allInnerTexts();
  assert.deepEqual(
    head.map((h) => h.trim()),
    ["", "name", "score"],
  );
});

test("progress redraws in place: tqdm's returns, an updated display and a printed percentage each stay one output", async () => {
  await runCell(page, "tqdm");
  const tqdm = editorCell(page, "tqdm").locator(".vt-stream-stderr");
  await tqdm.getByText(/40\/40/).waitFor({ timeout: 60_000 });
  assert.equal(await editorCell(page, "tqdm").locator(".vt-output").count(), 1);
  const bar = (await tqdm.innerText()).trim();
  assert.equal(bar.split("\n").length, 1, `one line: ${JSON.stringify(bar)}`);
  assert.match(bar, /^100%\|.*\| 40\/40 /);

  await runCell(page, "display");
  await editorCell(page, "display").getByText("'step 30 of 30'").waitFor({ timeout: 60_000 });
  assert.deepEqual(await outputTexts("display"), ["'step 30 of 30'"]);

  await runCell(page, "carriage");
  await editorCell(page, "carriage").getByText("100% done").waitFor({ timeout: 60_000 });
  assert.deepEqual(
    (await outputTexts("carriage")).map((t) => t.trim()),
    ["100% done"],
  );
});

test("an error shows its traceback with ANSI colours as classes", async () => {
  await runCell(page, "error");
  const traceback = editorCell(page, "error").locator(".vt-output-error .vt-traceback");
  await traceback
    .getByText(/ZeroDivisionError/)
    .first()
    .waitFor({ timeout: 60_000 });
  const coloured = await traceback
    .locator("span[class*='ansi-']")
    .evaluateAll((spans) => spans.map((s) => ({ classes: s.className, colour: getComputedStyle(s).color })));
  assert.ok(coloured.length > 3, `coloured spans: ${JSON.stringify(coloured)}`);
  assert.ok(coloured.some((s) => /ansi-(red|green|cyan|yellow|blue|magenta)/.test(s.classes)));
  // Classes that mean a colour do draw one: not all of the traceback is the text's own colour.
  const plain = await traceback.evaluate((pre) => getComputedStyle(pre).color);
  assert.ok(
    coloured.some((s) => s.colour !== plain),
    "the colour classes have colours",
  );
  // No escape sequence is left in the text.
  const text = await traceback.innerText();
  assert.ok(!text.includes("\u001b") && !text.includes("[0;31m"), text);
});

test("a long output folds, with its start shown and the rest one click away", async () => {
  await runCell(page, "long");
  const cell = editorCell(page, "long");
  const summary = cell.locator(".vt-folded summary.vt-fold-summary");
  await summary.waitFor({ timeout: 60_000 });
  // Outputs arrive in chunks: the fold counts every line once the run is over.
  await summary.getByText("Long output: 500 lines (show all)").waitFor({ timeout: 30_000 });
  assert.match(await cell.locator(".vt-fold-preview").innerText(), /^line 0\n.*line 19$/s);
  assert.equal(await cell.getByText("line 499").isVisible(), false);
  await summary.click();
  await cell.getByText("line 499").waitFor();
  await page.screenshot({ path: `${SHOTS}/vitrine-editor-journeys.png`, fullPage: true });
});

test("no CSP or Trusted Types violation and no console error during the journeys", async () => {
  await assertPageClean(page, watch);
  watch.stop();
});
