// The three corpus notebooks nbformat repairs or relaxes (which JupyterLab opens), in the studio's reading page in
// Debian's Chromium: each opens with every cell drawn and says above its cells what the reading did; a cell and an
// output of a type newer than Vitrine knows are drawn as text saying so, and nothing of them runs. Screenshots, wide
// and phone-sized, light and dark, go to test-results/screenshots/.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { launchBrowser, type Browser } from "./browser.ts";
import { startBrowserStudio, type BrowserStudio } from "./running-studio.ts";
import { instrumentPage, pageRecord, readPolicies, watchConsole, type Policies } from "./studio-page-watch.ts";
import { createWorkspace, pageApi, pagePostFiles, signIn } from "./studio-session.ts";

const PASSWORD = "reading notes test password";
const CORPUS = new URL("../../../shared/corpus/notebooks/", import.meta.url).pathname;
const SHOTS = new URL("../../test-results/screenshots/", import.meta.url).pathname;

const EXPECTED: Record<string, { cells: number; notes: string[] }> = {
  "jupyterlab__windowed_notebook.ipynb": {
    cells: 19,
    notes: ["Vitrine gave 5 cells new ids: their ids repeated earlier ones (nbformat does the same)."],
  },
  "nbformat__v4_5_no_cell_id.ipynb": {
    cells: 1,
    notes: ["Vitrine gave 1 cell an id: nbformat 4.5 gives every cell one, and it had none (nbformat does the same)."],
  },
  "nbformat__test4plus.ipynb": {
    cells: 11,
    notes: [
      "This notebook is nbformat 4.99, newer than the 4.5 Vitrine knows: Vitrine leaves out 5 properties that 4.5 does not have (nbformat accepts them too).",
      "1 cell is of a type newer than Vitrine knows: it is not shown.",
      "1 output is of a type newer than Vitrine knows: it is not shown.",
    ],
  },
};

let studio: BrowserStudio;
let browser: Browser;
let page: Page;
let workspace = "";
let policies: Policies;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  studio = await startBrowserStudio([{ name: "ada", password: PASSWORD }]);
  policies = await readPolicies(studio.app, studio.content);
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await instrumentPage(page);
  await signIn(page, studio.app, "ada", PASSWORD);
  workspace = await createWorkspace(page, "Repaired");
  const config = await pageApi(page, "GET", "/api/config");
  const statement = (config.body as { trustStatements: { id: string }[] }).trustStatements.at(-1)?.id ?? "";
  const files = Object.keys(EXPECTED).map((name) => ({ name, base64: readFileSync(CORPUS + name).toString("base64") }));
  const upload = await pagePostFiles(page, `/api/workspaces/${workspace}/files`, files, statement);
  assert.equal(upload.status, 201, JSON.stringify(upload.body));
});

after(async () => {
  await browser?.close();
  await studio?.close();
});

async function open(name: string): Promise<void> {
  await page.goto(`${studio.app}/w/${workspace}/f/${encodeURIComponent(name)}`);
  await page.locator("article.vt-notebook[aria-busy=false]").waitFor();
  await page.getByRole("note", { name: "How Vitrine read this notebook" }).waitFor();
}

test("each opens whole, with the note above its cells", async () => {
  for (const [name, expected] of Object.entries(EXPECTED)) {
    const console_ = watchConsole(page, policies, studio.content);
    await open(name);
    assert.equal(await page.locator(".vt-notebook .vt-error").count(), 0, name);
    assert.equal(await page.locator(".vt-cells > .vt-cell").count(), expected.cells, name);
    const note = page.locator("header.vt-header .vt-reading-notes p");
    assert.deepEqual(await note.allInnerTexts(), expected.notes, name);
    await page.screenshot({ path: `${SHOTS}reading-notes-${name.replace(/\.ipynb$/, "")}.png` });
    console_.stop();
    assert.deepEqual(console_.errors, [], name);
    assert.deepEqual(await pageRecord(page), { hits: [], violations: [] }, name);
  }
});

test("a cell and an output of a newer type are text that says so", async () => {
  await open("nbformat__test4plus.ipynb");
  const future = page.locator(".vt-cells > .vt-cell").nth(9);
  assert.equal(
    await future.innerText(),
    'This cell\'s type, "future cell", is newer than Vitrine knows: Vitrine does not show it.',
  );
  assert.match(
    await page.locator(".vt-cells > .vt-cell").nth(10).innerText(),
    /This output's type, "future output", is newer than Vitrine knows: Vitrine does not show it\./,
  );
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: "dark" });
  await open("jupyterlab__windowed_notebook.ipynb");
  await page.screenshot({ path: `${SHOTS}reading-notes-phone-dark.png` });
  const box = await page.locator(".vt-reading-notes").boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 390, "the note fits a phone's width");
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.emulateMedia({ colorScheme: "light" });
});
