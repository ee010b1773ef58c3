// A file's history in Debian's Chromium against a real studio: a notebook uploaded twice at the same path, its
// History opened from the file's page, version 1 opened read-only (Back and Forward move between the pages), and
// versions 1 and 2 compared: the added, removed, moved and changed cells, a changed source as a line diff, a cell's
// metadata change at its pointer, and a changed output drawn side by side in sandboxed frames on the content origin,
// never as markup in the page. A script's two versions compare as a line diff. Screenshots at 1200 and 390 px, light
// and dark, go to /tmp.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchBrowser, type Browser } from "./browser.ts";
import { startBrowserStudio, type BrowserStudio } from "./running-studio.ts";
import { createWorkspace, signIn, uploadTrusted } from "./studio-session.ts";
import { readPolicies, watchConsole } from "./studio-page-watch.ts";

const PASSWORD = "history journey password";
const SHOTS = "/tmp";
let studio: BrowserStudio;
let browser: Browser;
let workspace = "";

before(async () => {
  studio = await startBrowserStudio([{ name: "ada", password: PASSWORD }]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await studio?.close();
});

const markdown = (id: string, source: string) => ({ cell_type: "markdown", id, metadata: {}, source });
const code = (id: string, source: string, outputs: unknown[], metadata = {}) => ({
  cell_type: "code",
  id,
  metadata,
  execution_count: 1,
  source,
  outputs,
});
const stream = (text: string) => ({ output_type: "stream", name: "stdout", text });
const html = (markup: string) => ({
  output_type: "execute_result",
  execution_count: 1,
  metadata: {},
  data: { "text/html": markup, "text/plain": "<IPython.core.display.HTML object>" },
});
const notebook = (cells: unknown[], metadata = {}) =>
  JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" }, ...metadata },
    cells,
  });

const intro = markdown("intro", "# Sales report\nFigures for the quarter.");
const notes = markdown("notes", "## Notes\nThis cell will be removed.");
const appendix = markdown("appendix", "## Appendix\nMoved to the top in version two.");
const chartSource = "from IPython.display import HTML\nHTML(report())";
const V1 = notebook([
  intro,
  code("calc", "import math\nvalues = [1, 2, 3]\ntotal = sum(values)\nprint(total)", [stream("6\n")]),
  code("chart", chartSource, [html("<b class='total'>old total: 6</b>")]),
  notes,
  appendix,
]);
const V2 = notebook(
  [
    appendix,
    intro,
    code("calc", "import math\nvalues = [1, 2, 3, 4]\ntotal = sum(values)\nprint(total)", [stream("10\n")], {
      tags: ["checked"],
    }),
    code("chart", chartSource, [html("<b class='total'>new total: 10</b>")]),
    markdown("summary", "## Summary\nAdded in version two."),
  ],
  { authors: [{ name: "ada" }] },
);
const base64 = (text: string) => Buffer.from(text).toString("base64");
const addressOf = (page: Page) => decodeURIComponent(new URL(page.url()).pathname + new URL(page.url()).search);

test("upload two versions, open History and version 1, and compare them cell by cell", async () => {
  const page = await browser.context.newPage();
  await signIn(page, studio.app, "ada", PASSWORD);
  // Watched once signed in: the sign-in page's own 401 for GET /api/session is how it learns nobody is.
  const console = watchConsole(page, await readPolicies(studio.app, studio.content), studio.content);
  workspace = await createWorkspace(page, "Reports");
  await uploadTrusted(page, workspace, [{ name: "reports/q3.ipynb", base64: base64(V1) }]);
  await uploadTrusted(page, workspace, [{ name: "reports/q3.ipynb", base64: base64(V2) }]);

  await page.goto(`${studio.app}/w/${workspace}/f/reports/q3.ipynb`);
  await page.getByText("Version 2 of 2").waitFor();
  await page.screenshot({ path: `${SHOTS}/vitrine-history-file-page-light.png` });
  await page.getByRole("link", { name: "History", exact: true }).click();
  await page.getByRole("heading", { name: "2 versions" }).waitFor();
  assert.equal(addressOf(page), `/w/${workspace}/f/reports/q3.ipynb?history=1`);
  const versions = page.locator(".vt-history-version");
  assert.equal(await versions.count(), 2);
  assert.match(await versions.nth(0).innerText(), /Version 2 \(newest\)[\s\S]*ada[\s\S]*uploaded · agreed:/);
  assert.match(await versions.nth(1).innerText(), /I have reviewed these files, or they come from a source I trust\./);
  await page.screenshot({ path: `${SHOTS}/vitrine-history-list-light.png`, fullPage: true });

  // Version 1, read-only in the file's own page and renderer.
  await versions.nth(1).getByRole("link", { name: "Version 1" }).click();
  await page.getByText("Version 1 of 2").waitFor();
  assert.equal(addressOf(page), `/w/${workspace}/f/reports/q3.ipynb?version=1`);
  await page.getByText("This cell will be removed.").waitFor();
  await page.goBack();
  await page.getByRole("heading", { name: "2 versions" }).waitFor();
  await page.goForward();
  await page.getByText("Version 1 of 2").waitFor();
  await page.goBack();

  // The form compares the two newest by default.
  const form = page.getByRole("form", { name: "Compare two versions" });
  assert.equal(await form.getByLabel("Compare version").inputValue(), "1");
  assert.equal(await form.getByLabel("with version").inputValue(), "2");
  await form.getByRole("button", { name: "Compare" }).click();
  const counts = page.locator(".vt-diff-counts");
  await counts.waitFor();
  assert.equal(addressOf(page), `/w/${workspace}/f/reports/q3.ipynb?compare=1..2`);
  assert.equal(await counts.innerText(), "1 added · 1 removed · 1 moved · 2 changed · 2 unchanged");

  const cells = page.locator(".vt-diff > section.vt-diff-cell, .vt-diff > details.vt-diff-unchanged");
  const described = await cells.evaluateAll((list) =>
    list.map((el) =>
      el.tagName === "DETAILS"
        ? `unchanged: ${el.querySelector("summary")!.textContent}`
        : el.getAttribute("aria-label"),
    ),
  );
  assert.deepEqual(described, [
    "Notebook metadata",
    "cell 5 → 1: unchanged, moved",
    "unchanged: Cell 2 unchanged",
    "cell 2 → 3: changed",
    "cell 3 → 4: changed",
    "cell 4: removed",
    "cell 5: added",
  ]);
  const section = (label: string) => page.getByRole("region", { name: label, exact: true });
  assert.match(await section("cell 4: removed").innerText(), /This cell will be removed\./);
  assert.match(await section("cell 5: added").innerText(), /Added in version two\./);
  assert.match(await section("Notebook metadata").innerText(), /\/metadata\/authors\s+added/);

  // The edited cell: a line diff of its source, its tag at its pointer, and its text output changed.
  const calc = section("cell 2 → 3: changed");
  assert.deepEqual(await calc.locator("tr.vt-diff-removed .vt-line").allInnerTexts(), ["values = [1, 2, 3]"]);
  assert.deepEqual(await calc.locator("tr.vt-diff-added .vt-line").allInnerTexts(), ["values = [1, 2, 3, 4]"]);
  assert.match(await calc.locator(".vt-diff-values").innerText(), /\/metadata\/tags added \["checked"\]/);
  assert.match(await calc.locator(".vt-diff-sides").innerText(), /Version 1[\s\S]*6[\s\S]*Version 2[\s\S]*10/);

  // The chart: source unchanged, its HTML output changed, drawn old and new side by side in sandboxed frames.
  const chart = section("cell 3 → 4: changed");
  assert.match(await chart.innerText(), /Source unchanged\./);
  const frames = chart.locator("iframe.vt-frame");
  await frames.nth(1).waitFor();
  assert.equal(await frames.count(), 2);
  for (let i = 0; i < 2; i++) {
    assert.equal(await frames.nth(i).getAttribute("sandbox"), "allow-scripts");
    assert.equal(new URL((await frames.nth(i).getAttribute("src")) ?? "").origin, studio.content);
  }
  const frameText = (i: number) => chart.frameLocator("iframe.vt-frame").nth(i).locator("b.total");
  assert.equal(await frameText(0).innerText(), "old total: 6");
  assert.equal(await frameText(1).innerText(), "new total: 10");
  // The outputs' markup is in their frames only, never in the page.
  assert.equal(await page.locator("b.total").count(), 0);
  await page.waitForFunction(() =>
    [...document.querySelectorAll<HTMLIFrameElement>("iframe.vt-frame")].every((f) => f.style.height !== ""),
  );

  // A full-page capture leaves out-of-process frames blank; the cell's own capture shows the outputs drawn.
  await chart.scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  await chart.screenshot({ path: `${SHOTS}/vitrine-history-outputs-light.png` });
  await page.screenshot({ path: `${SHOTS}/vitrine-history-compare-light.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the comparison is ${overflow}px wider than a phone`);
  await page.screenshot({ path: `${SHOTS}/vitrine-history-compare-phone-light.png`, fullPage: true });

  // Back from the comparison is the history again.
  await page.goBack();
  await page.getByRole("heading", { name: "2 versions" }).waitFor();
  console.stop();
  assert.deepEqual(console.errors, []);
  await page.close();
});

test("a script's two versions compare as a line diff; a comparison the server refuses says why", async () => {
  const page = await browser.context.newPage();
  await signIn(page, studio.app, "ada", PASSWORD);
  const lines = (n: number, changed: number) =>
    Array.from({ length: n }, (_, k) =>
      k === changed ? `value_${k} = ${k} * 2  # doubled` : `value_${k} = ${k}`,
    ).join("\n") + "\n";
  await uploadTrusted(page, workspace, [{ name: "reports/build.py", base64: base64(lines(40, -1)) }]);
  await uploadTrusted(page, workspace, [{ name: "reports/build.py", base64: base64(lines(40, 20)) }]);
  await page.goto(`${studio.app}/w/${workspace}/f/reports/build.py?history=1`);
  await page.getByRole("link", { name: "Compare with version 1" }).click();
  const diff = page.getByRole("region", { name: "Changes from version 1 to version 2" });
  await diff.waitFor();
  assert.deepEqual(await diff.locator("tr.vt-diff-removed .vt-line").allInnerTexts(), ["value_20 = 20"]);
  assert.deepEqual(await diff.locator("tr.vt-diff-added .vt-line").allInnerTexts(), ["value_20 = 20 * 2  # doubled"]);
  // Unchanged lines away from the change are folded, and open on request.
  const fold = diff.getByRole("button", { name: /Show \d+ unchanged lines/ });
  assert.equal(await fold.count(), 2);
  await fold.first().click();
  await diff.getByText("value_0 = 0", { exact: true }).waitFor();
  await page.screenshot({ path: `${SHOTS}/vitrine-history-script-light.png`, fullPage: true });

  await page.goto(`${studio.app}/w/${workspace}/f/reports/build.py?compare=1..7`);
  assert.match(await page.getByRole("alert").innerText(), /reports\/build\.py has no version 7/);
  await page.goto(`${studio.app}/w/${workspace}/f/reports/build.py?compare=2..2`);
  assert.match(await page.getByRole("alert").innerText(), /compared with itself/);
  await page.close();
});

test("two versions of a 5,000-cell notebook compare in the page, drawn a page of cells at a time", async () => {
  const page = await browser.context.newPage();
  await signIn(page, studio.app, "ada", PASSWORD);
  const cells = (edit: (k: number) => boolean) =>
    Array.from({ length: 5000 }, (_, k) =>
      code(`c${k}`, `# step ${k}\nvalue_${k} = compute(${k}${edit(k) ? ", fast=True" : ""})`, [stream(`${k}\n`)]),
    );
  await uploadTrusted(page, workspace, [{ name: "big.ipynb", base64: base64(notebook(cells(() => false))) }]);
  await uploadTrusted(page, workspace, [{ name: "big.ipynb", base64: base64(notebook(cells((k) => k % 10 === 0))) }]);
  const started = Date.now();
  await page.goto(`${studio.app}/w/${workspace}/f/big.ipynb?compare=1..2`);
  const counts = page.locator(".vt-diff-counts");
  await counts.waitFor();
  process.stdout.write(`# a 5,000-cell comparison drawn ${Date.now() - started} ms after the address was opened\n`);
  assert.equal(await counts.innerText(), "0 added · 0 removed · 0 moved · 500 changed · 4500 unchanged");
  // 500 changed cells and the unchanged runs between them: the first 200 entries are drawn.
  assert.equal(await page.locator(".vt-diff > section.vt-diff-cell, .vt-diff > details").count(), 200);
  await page.getByRole("button", { name: "Show 200 more (800 not shown)" }).click();
  assert.equal(await page.locator(".vt-diff > section.vt-diff-cell, .vt-diff > details").count(), 400);
  await page.close();
});

test("dark scheme, 1200 and 390 px: the comparison and the history", async () => {
  const dark = await launchBrowser({ colorScheme: "dark" });
  try {
    const page = await dark.context.newPage();
    await signIn(page, studio.app, "ada", PASSWORD);
    await page.goto(`${studio.app}/w/${workspace}/f/reports/q3.ipynb?compare=1..2`);
    await page.locator(".vt-diff-counts").waitFor();
    await page.locator("iframe.vt-frame").nth(1).waitFor();
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${SHOTS}/vitrine-history-compare-dark.png`, fullPage: true });
    // A full-page capture leaves out-of-process frames blank; the cell's own capture shows the outputs drawn.
    const chart = page.getByRole("region", { name: "cell 3 → 4: changed", exact: true });
    await chart.scrollIntoViewIfNeeded();
    await chart.screenshot({ path: `${SHOTS}/vitrine-history-outputs-dark.png` });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${SHOTS}/vitrine-history-compare-phone-dark.png`, fullPage: true });
    await page.goto(`${studio.app}/w/${workspace}/f/reports/q3.ipynb?history=1`);
    await page.getByRole("heading", { name: "2 versions" }).waitFor();
    await page.screenshot({ path: `${SHOTS}/vitrine-history-list-phone-dark.png`, fullPage: true });
  } finally {
    await dark.close();
  }
});
