// The reading page's comforts in Debian's Chromium against a real server: a notebook downloaded as the page
// `vitrine render` writes (the same bytes, and with no network once opened from disk) and as a script; the contents
// as a side panel that lists headings of cells not drawn yet, jumps to them and follows the scroll; code and outputs
// folded per cell (by button, prompt and keyboard) and for every cell. Screenshots, wide and phone-sized, light and
// dark, go to test-results/screenshots/.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { renderCommand } from "../../src/cli/render-command.ts";
import { parseNotebook } from "../../src/notebook/parse.ts";
import { notebookScript } from "../../src/render/notebook-script.ts";
import { launchBrowser, type Browser } from "./browser.ts";
import { openExportOffline } from "./export-page.ts";
import { startBrowserStudio, type BrowserStudio } from "./running-studio.ts";
import { createWorkspace, signIn, uploadTrusted } from "./studio-session.ts";

const PASSWORD = "reading comfort test password";
const SECTIONS = 300;
const CORPUS = new URL("../../../shared/corpus/notebooks/", import.meta.url).pathname;
const SHOTS = new URL("../../test-results/screenshots/", import.meta.url).pathname;
const RICH = "ipython__Rich_Output.ipynb";

let studio: BrowserStudio;
let browser: Browser;
let page: Page;
let workspace = "";
let scratch = "";

const paragraph =
  "A paragraph long enough to take a few lines of the page, as the prose between headings of a long notebook does. ".repeat(
    3,
  );

function longNotebook() {
  const cells: object[] = [{ cell_type: "markdown", id: "top", metadata: {}, source: "# A long notebook" }];
  for (let i = 1; i <= SECTIONS; i++) {
    cells.push({ cell_type: "markdown", id: `s${i}`, metadata: {}, source: `## Section ${i}\n\n${paragraph}` });
    if (i % 10 === 0)
      cells.push({
        cell_type: "code",
        id: `c${i}`,
        metadata: {},
        source: `x = ${i}\nprint(x)`,
        execution_count: i,
        outputs: [{ output_type: "stream", name: "stdout", text: `${i}\n` }],
      });
  }
  return { nbformat: 4, nbformat_minor: 5, metadata: {}, cells };
}

const shortNotebook = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
  cells: [
    { cell_type: "markdown", id: "m", metadata: {}, source: "# Folding\n\n## First\n\ntext\n\n## Second" },
    ...[1, 2, 3].map((n) => ({
      cell_type: "code",
      id: `c${n}`,
      metadata: {},
      source: `for i in range(${n}):\n    print(i)\n# line three\n# line four`,
      execution_count: n,
      outputs: [{ output_type: "stream", name: "stdout", text: "0\n1\n2\n3\n4\n5\n" }],
    })),
  ],
};

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  scratch = mkdtempSync(join(tmpdir(), "vitrine-reading-"));
  studio = await startBrowserStudio([{ name: "ada", password: PASSWORD }]);
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await signIn(page, studio.app, "ada", PASSWORD);
  workspace = await createWorkspace(page, "Reading");
  await uploadTrusted(page, workspace, [
    { name: RICH, base64: readFileSync(CORPUS + RICH).toString("base64") },
    { name: "long.ipynb", base64: Buffer.from(JSON.stringify(longNotebook())).toString("base64") },
    { name: "fold.ipynb", base64: Buffer.from(JSON.stringify(shortNotebook)).toString("base64") },
  ]);
});

after(async () => {
  await browser?.close();
  await studio?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const fileUrl = (name: string) => `${studio.app}/w/${workspace}/f/${encodeURIComponent(name)}`;

async function open(name: string): Promise<void> {
  await page.goto(fileUrl(name));
  await page.locator("article.vt-notebook[aria-busy=false]").waitFor();
}

test("the notebook downloads as the page `vitrine render` writes, which opens from disk with no network", async () => {
  await open(RICH);
  const [html] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "as HTML" }).click(),
  ]);
  assert.equal(html.suggestedFilename(), "ipython__Rich_Output.html");
  const saved = join(scratch, html.suggestedFilename());
  await html.saveAs(saved);
  let cli = "";
  const input = join(scratch, RICH);
  writeFileSync(input, readFileSync(CORPUS + RICH));
  assert.equal(await renderCommand([input, "-o", "-"], { stdout: (s) => (cli += s), stderr: () => {} }), 0);
  assert.ok(readFileSync(saved).equals(Buffer.from(cli, "utf8")), "the download is the CLI's page, byte for byte");

  const [script] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "as script" }).click(),
  ]);
  assert.equal(script.suggestedFilename(), "ipython__Rich_Output.py");
  const scriptPath = join(scratch, "script.py");
  await script.saveAs(scriptPath);
  const expected = notebookScript(parseNotebook(readFileSync(CORPUS + RICH)).notebook);
  assert.equal(readFileSync(scriptPath, "utf8"), expected);

  // Opened from disk: the page and its frames load nothing from any network, the studio's included (a request
  // the page's CSP refuses is never sent; one it let through would be listed).
  const { page: offline, outside } = await openExportOffline(browser, `file://${saved}`);
  await offline.waitForTimeout(500);
  assert.deepEqual(outside, []);
  assert.ok((await offline.locator(".vt-cell").count()) > 10);
  await offline.close();
});

/** Holds the page's idle callbacks until released, so that cells stay undrawn as long as the test needs. */
async function heldIdlePage(): Promise<Page> {
  const held = await browser.context.newPage();
  await held.addInitScript(() => {
    const w = window as unknown as { __held: IdleRequestCallback[]; __releaseOnce(): void };
    w.__held = [];
    window.requestIdleCallback = (callback) => w.__held.push(callback);
    window.cancelIdleCallback = () => {};
    // Only those held now: what they schedule waits for the next release.
    w.__releaseOnce = () => {
      for (const callback of w.__held.splice(0)) callback({ didTimeout: false, timeRemaining: () => 50 });
    };
  });
  return held;
}

test("the contents list headings not drawn yet, jump to one, and follow the scroll", async () => {
  const held = await heldIdlePage();
  await held.goto(fileUrl("long.ipynb"));
  const toggle = held.getByRole("button", { name: "Contents", exact: true });
  await toggle.waitFor();
  // One release at a time, until the contents are read: most cells are still undrawn.
  for (let i = 0; i < 20 && (await toggle.isDisabled()); i++) {
    await held.evaluate(() => (window as unknown as { __releaseOnce(): void }).__releaseOnce());
    await held.waitForTimeout(50);
  }
  assert.equal(await toggle.getAttribute("aria-expanded"), "false");
  await toggle.press("Enter");
  assert.equal(await toggle.getAttribute("aria-expanded"), "true");
  const panel = held.getByRole("navigation", { name: "Table of contents" });
  assert.equal(await panel.getByRole("link").count(), SECTIONS + 1);
  const target = 200;
  const last = `user-content-Section-${target}`;
  assert.equal(await held.locator(`[id="${last}"]`).count(), 0, "the section is not drawn yet");
  await panel.getByRole("link", { name: `Section ${target}`, exact: true }).click();
  const heading = held.getByRole("heading", { name: `Section ${target}`, exact: true });
  await heading.waitFor();
  const box = await heading.boundingBox();
  assert.ok(box && box.y >= -1 && box.y < 900, `the heading is in view (${box?.y})`);
  assert.equal(await heading.evaluate((h) => h === document.activeElement), true, "the focus moved to it");
  const current = () => panel.locator("a[aria-current=location]").innerText();
  await held.waitForFunction(() => document.querySelector(".vt-contents-panel a[aria-current]") !== null);
  assert.equal(await current(), `Section ${target}`);
  // Scrolled by the reader (no click in the panel): the mark follows.
  await held.getByRole("heading", { name: "Section 120", exact: true }).evaluate((h) => h.scrollIntoView());
  await held.waitForFunction(
    () => document.querySelector(".vt-contents-panel a[aria-current]")?.textContent === "Section 120",
  );
  await held.screenshot({ path: `${SHOTS}reading-contents-1200-light.png` });
  await held.emulateMedia({ colorScheme: "dark" });
  await held.screenshot({ path: `${SHOTS}reading-contents-1200-dark.png` });
  // A phone: the panel is an overlay, Escape closes it and gives the focus back to its button.
  await held.setViewportSize({ width: 390, height: 844 });
  await held.screenshot({ path: `${SHOTS}reading-contents-390-dark.png` });
  const panelBox = await panel.boundingBox();
  assert.ok(panelBox && panelBox.x >= 0 && panelBox.x + panelBox.width <= 390, "the panel fits a phone");
  await held.keyboard.press("Escape");
  assert.equal(await panel.isHidden(), true);
  assert.equal(await toggle.evaluate((b) => b === document.activeElement), true);
  await held.emulateMedia({ colorScheme: "light" });
  await toggle.click();
  await held.screenshot({ path: `${SHOTS}reading-contents-390-light.png` });
  await held.close();
});

const inputHeight = (n: number) =>
  page.locator(`#vt-cell-${n} > .vt-input`).evaluate((e) => e.getBoundingClientRect().height);
const outputsHeight = (n: number) =>
  page.locator(`#vt-cell-${n} > .vt-outputs`).evaluate((e) => e.getBoundingClientRect().height);

test("code and outputs fold per cell, by button, prompt and keyboard, and for every cell", async () => {
  await open("fold.ipynb");
  const full = await inputHeight(2);
  const fullOutputs = await outputsHeight(2);
  const codeButton = page.getByRole("button", { name: "Collapse the code of cell 2" });
  await codeButton.click();
  assert.ok((await inputHeight(2)) < full / 2, "the code folds");
  const expand = page.getByRole("button", { name: "Expand the code of cell 2" });
  assert.equal(await expand.getAttribute("aria-expanded"), "false");
  await expand.focus();
  await page.keyboard.press("Enter");
  assert.equal(await inputHeight(2), full, "Enter unfolds it");
  // The output's prompt is no button, but a click on it folds the outputs, as in JupyterLab.
  await page.locator("#vt-cell-3 > .vt-input > .vt-prompt").click();
  assert.ok((await inputHeight(3)) < full / 2, "a click on the prompt folds the code");
  await page.getByRole("button", { name: "Collapse the outputs of cell 4" }).press("Space");
  assert.ok((await outputsHeight(4)) < fullOutputs / 2, "Space folds the outputs");

  await page.getByRole("button", { name: "Collapse all code" }).click();
  for (const n of [2, 3, 4]) assert.ok((await inputHeight(n)) < full / 2, `cell ${n}'s code is folded`);
  await page.getByRole("button", { name: "Collapse all outputs" }).click();
  for (const n of [2, 3, 4]) assert.ok((await outputsHeight(n)) < fullOutputs / 2, `cell ${n}'s outputs are folded`);
  await page.screenshot({ path: `${SHOTS}reading-folded-1200-light.png` });
  await page.getByRole("button", { name: "Expand all code" }).click();
  await page.getByRole("button", { name: "Expand all outputs" }).click();
  for (const n of [2, 3, 4]) {
    assert.equal(await inputHeight(n), full);
    assert.equal(await outputsHeight(n), fullOutputs);
  }
  // Nothing is remembered: a reload shows every cell as the notebook has it, and the browser's storage is empty.
  await page.getByRole("button", { name: "Collapse all code" }).click();
  await open("fold.ipynb");
  assert.equal(await inputHeight(2), full);
  const stored = await page.evaluate(() => localStorage.length + sessionStorage.length);
  assert.equal(stored, 0);
});
