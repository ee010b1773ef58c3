// Searching a workspace in Debian's Chromium against a real studio, with keystrokes and clicks: ada types words in
// the workspace's "Find in files" box, reads the results grouped by file with the match marked, moves between them
// with the arrow keys, and follows one to a cell far down a long notebook (drawn progressively) by its nbformat id
// (#cell-{id}), which the page brings into view, focuses and marks; a real notebook's ids (repeated ones repaired)
// lead to their cells too, and cell ids that name page globals or hostile addresses are inert. The find box counts
// every match of a long notebook at once, while most of its cells are not drawn. Snippets of hostile text are shown
// as text. The search page is photographed at 1200
// and 390 px, in light and dark, and every page is watched for console errors and CSP violations.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { launchBrowser, type Browser } from "./browser.ts";
import { startBrowserStudio, signInThroughPage, type BrowserStudio } from "./running-studio.ts";
import { createWorkspace, uploadTrusted } from "./studio-session.ts";
import { assertPageClean, instrumentPage, type Policies, readPolicies, watchConsole } from "./studio-page-watch.ts";

const PASSWORD = "search test password";
const SHOTS = new URL("../../test-results/screenshots/", import.meta.url).pathname;
const CORPUS = new URL("../../../shared/corpus/notebooks/", import.meta.url);
/** The cell a result leads to: far enough down that the page has not drawn it when it opens. */
const TARGET = 150;

let studio: BrowserStudio;
let policies: Policies;
let workspace = "";

/** A long notebook: TARGET + 50 code cells with printed output; one cell says the words the journey looks for. */
function longNotebook(): string {
  const cells = Array.from({ length: TARGET + 50 }, (_, i) => ({
    cell_type: "code",
    id: `cell-${i}`,
    execution_count: i + 1,
    metadata: {},
    source: i === TARGET ? "measure_chlorophyll(leaf)" : `value_${i} = ${i} * 2\nprint(value_${i})`,
    outputs: [{ output_type: "stream", name: "stdout", text: `${i * 2}\n`.repeat(4) }],
  }));
  return JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });
}

const HOSTILE = JSON.stringify({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    {
      cell_type: "markdown",
      id: "hostile",
      metadata: {},
      source: 'chlorophyll <img src=x onerror="window.__searchHit=1"> and <script>window.__searchHit=2</script>',
    },
  ],
});

const base64 = (text: string | Buffer) => Buffer.from(text).toString("base64");

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  studio = await startBrowserStudio([{ name: "ada", password: PASSWORD }]);
  policies = await readPolicies(studio.app, studio.content);
});
after(() => studio?.close());

async function openSignedIn(browser: Browser): Promise<Page> {
  const page = await browser.context.newPage();
  await instrumentPage(page);
  await signInThroughPage(page, studio.app, "ada", PASSWORD);
  return page;
}

test("search from the workspace page, move with the keys, land on the cell", async () => {
  const browser = await launchBrowser();
  try {
    const page = await openSignedIn(browser);
    const watch = watchConsole(page, policies, studio.content);
    workspace = await createWorkspace(page, "Plant lab");
    await uploadTrusted(page, workspace, [
      { name: "leaves/long.ipynb", base64: base64(longNotebook()) },
      { name: "notes.ipynb", base64: base64(HOSTILE) },
      { name: "SymPy.ipynb", base64: base64(readFileSync(new URL("ipython__SymPy.ipynb", CORPUS))) },
    ]);
    await page.goto(`${studio.app}/w/${workspace}`);
    await page.getByRole("heading", { name: "Plant lab" }).waitFor();

    const box = page.getByRole("searchbox", { name: "Find in files" });
    await box.fill("chloro");
    await box.press("Enter");
    await page.waitForURL(`${studio.app}/w/${workspace}/search?q=chloro`);
    await page.getByRole("status").filter({ hasText: "2 results in 2 files" }).waitFor();
    const files = await page.locator(".vt-search-file h2").allInnerTexts();
    assert.deepEqual(files.sort(), ["leaves/long.ipynb", "notes.ipynb"]);
    // The hostile markdown is text in the snippet: its tags are shown, nothing ran, nothing was made of them.
    const hostile = page.locator(".vt-search-file", { hasText: "notes.ipynb" }).locator(".vt-search-snippet");
    assert.match(await hostile.innerText(), /<img src=x onerror=/);
    assert.equal(await hostile.locator("img, script").count(), 0);
    assert.deepEqual(await hostile.locator("mark").allInnerTexts(), ["chlorophyll"]);
    assert.equal(await page.evaluate(() => (window as { __searchHit?: number }).__searchHit), undefined);

    // Arrow keys from the box move through the results; Enter follows the focused one.
    await page.getByRole("searchbox", { name: "Find in files" }).focus();
    await page.keyboard.press("ArrowDown");
    const links = page.locator(".vt-search-hit a");
    const long = page.locator(".vt-search-file", { hasText: "leaves/long.ipynb" }).locator(".vt-search-hit a");
    const longIndex = (await links.evaluateAll(
      (all, target) => all.indexOf(target as never),
      await long.elementHandle(),
    )) as number;
    for (let i = 0; i < longIndex; i++) await page.keyboard.press("ArrowDown");
    assert.equal(
      await long.evaluate((a) => a === document.activeElement),
      true,
      "the long notebook's result has the focus",
    );
    assert.match(await long.innerText(), /Code · cell 151/);
    await page.screenshot({ path: `${SHOTS}search-results-1200-light.png`, fullPage: true });
    await page.keyboard.press("Enter");

    // The result leads to the cell by its nbformat id (this notebook's ids are "cell-0", "cell-1"...).
    await page.waitForURL(`${studio.app}/w/${workspace}/f/leaves/long.ipynb#cell-cell-${TARGET}`);
    const cell = page.locator(`.vt-cells > [data-cell-id="cell-${TARGET}"]`);
    await cell.and(page.locator(".vt-search-landed")).waitFor({ timeout: 15_000 });
    assert.equal(await cell.getAttribute("id"), `vt-cell-${TARGET + 1}`);
    assert.equal(await cell.evaluate((el) => el === document.activeElement), true, "the cell has the focus");
    assert.match(await cell.innerText(), /measure_chlorophyll/);
    const inView = await cell.evaluate((el) => {
      const box = el.getBoundingClientRect();
      return box.top >= -1 && box.top < window.innerHeight;
    });
    assert.ok(inView, "the cell is in view");
    await page.screenshot({ path: `${SHOTS}search-landed-1200-light.png` });
    // The mark is brief.
    await page.waitForFunction(() => document.querySelector(".vt-search-landed") === null, null, { timeout: 5000 });

    await assertPageClean(page, watch);
  } finally {
    await browser.close();
  }
});

test("a result in a real notebook with cell ids leads to #cell-{id}; the index form still lands", async () => {
  const browser = await launchBrowser();
  try {
    const page = await openSignedIn(browser);
    const watch = watchConsole(page, policies, studio.content);
    await uploadTrusted(page, workspace, [
      { name: "windowed.ipynb", base64: base64(readFileSync(new URL("jupyterlab__windowed_notebook.ipynb", CORPUS))) },
    ]);
    await page.goto(`${studio.app}/w/${workspace}/search?q=${encodeURIComponent("Final cell")}`);
    const link = page.locator(".vt-search-file", { hasText: "windowed.ipynb" }).locator(".vt-search-hit a").first();
    assert.equal(await link.getAttribute("href"), `/w/${workspace}/f/windowed.ipynb#cell-f96e0d00`);
    await link.click();
    await page.waitForURL(`${studio.app}/w/${workspace}/f/windowed.ipynb#cell-f96e0d00`);
    const cell = page.locator('.vt-cells > [data-cell-id="f96e0d00"]');
    await cell.and(page.locator(".vt-search-landed")).waitFor({ timeout: 15_000 });
    assert.match(await cell.innerText(), /# Final cell/);
    assert.equal(await cell.getAttribute("id"), "vt-cell-19");
    // The notebook repeats one id over six cells: the first keeps it, the others are read with ids of their own,
    // as nbformat repairs them, and the index has the same ids.
    const ids = await page
      .locator(".vt-cells > .vt-cell")
      .evaluateAll((cells) => cells.map((c) => c.getAttribute("data-cell-id")));
    assert.equal(ids.filter((id) => id === "e3ba1ca5-8358-462c-bf90-131d6dba9790").length, 1);
    assert.deepEqual(ids.slice(13, 18), ["cell-14", "cell-15", "cell-16", "cell-17", "cell-18"]);
    // An old link by place, opened afresh, still lands.
    await page.goto(`${studio.app}/w/${workspace}/f/windowed.ipynb#vt-cell-18`);
    await page.locator("#vt-cell-18.vt-search-landed").waitFor({ timeout: 15_000 });
    // On a phone: the header has one contents control (the side panel's button), and a landing there.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${studio.app}/w/${workspace}/f/windowed.ipynb`);
    await page.locator("article.vt-notebook[aria-busy=false]").waitFor();
    assert.equal(await page.getByRole("button", { name: "Contents", exact: true }).count(), 1);
    assert.equal(await page.locator(".vt-toc").count(), 0);
    await page.screenshot({ path: `${SHOTS}reading-header-390-light.png` });
    await page.goto(`${studio.app}/w/${workspace}/f/windowed.ipynb#cell-f96e0d00`);
    await page.locator('[data-cell-id="f96e0d00"].vt-search-landed').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: `${SHOTS}search-landed-390-light.png` });
    // The editor opened with a cell's address opens as it does without one.
    await page.goto(`${studio.app}/w/${workspace}/f/windowed.ipynb?edit=1#cell-f96e0d00`);
    await page.locator(".vt-ed-cell .cm-content").first().waitFor();
    assert.equal(await page.locator(".vt-ed-cell").count(), 19);
    assert.deepEqual(watch.errors, [], "no console error");
  } finally {
    await browser.close();
  }
});

test("a cell id that names a page global, or a hostile address, is inert", async () => {
  const browser = await launchBrowser();
  try {
    const page = await openSignedIn(browser);
    const watch = watchConsole(page, policies, studio.content);
    const hostileIds = JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        // The sanitizer drops data-* attributes from markdown; were one kept, a cell's content is never taken for a cell.
        { cell_type: "markdown", id: "decoy-box", metadata: {}, source: '<div data-cell-id="decoy">decoy</div>' },
        ...["location", "__proto__", "document", "vtStudio", "top"].map((id, i) => ({
          cell_type: "code",
          id,
          metadata: {},
          execution_count: i + 1,
          source: `named_${id} = ${i}`,
          outputs: [],
        })),
      ],
    });
    await uploadTrusted(page, workspace, [{ name: "globals.ipynb", base64: base64(hostileIds) }]);
    const file = `${studio.app}/w/${workspace}/f/globals.ipynb`;
    await page.goto(`${file}#cell-location`);
    const landed = page.locator('.vt-cells > [data-cell-id="location"]');
    await landed.and(page.locator(".vt-search-landed")).waitFor({ timeout: 15_000 });
    const globals = await page.evaluate(() => ({
      location: window.location instanceof Location && document.location instanceof Location,
      proto: Object.getPrototypeOf(window) === Window.prototype,
      named: ["location", "__proto__", "document", "vtStudio", "top"].filter((id) => document.getElementById(id)),
      top: window.top === window,
    }));
    assert.deepEqual(globals, { location: true, proto: true, named: [], top: true });
    await page.goto(`${file}#cell-__proto__`);
    await page.locator('.vt-cells > [data-cell-id="__proto__"].vt-search-landed').waitFor({ timeout: 15_000 });
    // Addresses that are no cell's (each a new fragment on the same page): nothing lands, nothing is made of them,
    // nothing runs.
    await page.waitForFunction(() => document.querySelector(".vt-search-landed") === null, null, { timeout: 5000 });
    for (const fragment of [
      "cell-decoy",
      `cell-${encodeURIComponent('"><img src=x onerror="window.__searchHit=3">')}`,
      "cell-%E0%A4%A",
    ]) {
      await page.goto(`${file}#${fragment}`);
      await page.locator("article.vt-notebook[aria-busy=false]").waitFor();
      await page.waitForTimeout(300);
      assert.equal(await page.locator(".vt-search-landed").count(), 0, fragment);
      assert.equal(await page.locator(".vt-cells img").count(), 0, fragment);
    }
    assert.equal(await page.evaluate(() => (window as { __searchHit?: number }).__searchHit), undefined);
    await assertPageClean(page, watch);
  } finally {
    await browser.close();
  }
});

/** What the find box's marks cover, as the page's CSS highlights hold them. */
async function marked(page: Page): Promise<{ all: string[]; current: string[] }> {
  return page.evaluate(() => {
    const texts = (name: string) => [...(CSS.highlights.get(name) ?? [])].map((range) => range.toString());
    return { all: texts("vt-find"), current: texts("vt-find-current") };
  });
}

test("Ctrl-F on a long notebook: every match, Enter and Shift-Enter, Escape", async () => {
  const browser = await launchBrowser();
  try {
    const page = await openSignedIn(browser);
    const watch = watchConsole(page, policies, studio.content);
    await page.goto(`${studio.app}/w/${workspace}/f/leaves/long.ipynb`);
    await page.locator("#vt-cell-1").waitFor();
    await page.keyboard.press("Control+f");
    const box = page.getByRole("searchbox", { name: "Find in this notebook" });
    await box.waitFor();
    assert.equal(await box.evaluate((el) => el === document.activeElement), true, "the box has the focus");
    // A cell far below the first screen: counted at once, drawn and shown as the words are typed.
    await box.fill("CHLOROPHYLL");
    await page.locator(".vt-find-count", { hasText: "1 of 1" }).waitFor();
    assert.deepEqual(await marked(page), { all: ["chlorophyll"], current: ["chlorophyll"] });
    const typedInView = await page.evaluate(() => {
      const box = ([...(CSS.highlights.get("vt-find-current") ?? [])][0] as Range).getBoundingClientRect();
      return box.top >= 0 && box.bottom <= innerHeight;
    });
    assert.ok(typedInView, "the first match comes into view as the words are typed");
    // A match across highlighted code's spans ("value_151", "=", "151" are separate elements).
    await box.fill("value_151 = 151");
    await page.locator(".vt-find-count", { hasText: "1 of 1" }).waitFor();
    // print(value_1…) is in the sources of cells 1, 10-19 and 100-199, but for cell 150 (measure_chlorophyll).
    await box.fill("print(value_1");
    await page.locator(".vt-find-count", { hasText: "1 of 110" }).waitFor();
    await box.press("Enter");
    await box.press("Enter");
    await page.locator(".vt-find-count", { hasText: "3 of 110" }).waitFor();
    await box.press("Shift+Enter");
    await page.locator(".vt-find-count", { hasText: "2 of 110" }).waitFor();
    await box.press("Shift+Enter");
    await box.press("Shift+Enter");
    await page.locator(".vt-find-count", { hasText: "110 of 110" }).waitFor();
    const last = await page.evaluate(() => {
      const range = [...(CSS.highlights.get("vt-find-current") ?? [])][0] as Range;
      const box = range.getBoundingClientRect();
      return {
        cell: range.startContainer.parentElement?.closest(".vt-cell")?.id,
        inView: box.top >= 0 && box.bottom <= innerHeight,
      };
    });
    assert.deepEqual(last, { cell: "vt-cell-200", inView: true });
    await page.screenshot({ path: `${SHOTS}find-1200-light.png` });
    await box.press("Escape");
    await box.waitFor({ state: "detached" });
    assert.deepEqual(await marked(page), { all: [], current: [] });
    assert.deepEqual(watch.errors, [], "no console error");
  } finally {
    await browser.close();
  }
});

/**
 * The long notebook with idle callbacks held: the page draws its first screen and nothing more unless something
 * asks for a cell.
 */
async function openLongNotebookHeld(browser: Browser) {
  const page = await openSignedIn(browser);
  const watch = watchConsole(page, policies, studio.content);
  await page.addInitScript(() => {
    window.requestIdleCallback = () => 0;
    window.cancelIdleCallback = () => {};
  });
  await page.goto(`${studio.app}/w/${workspace}/f/leaves/long.ipynb`);
  await page.locator("#vt-cell-1").waitFor();
  return { page, watch };
}

test("Ctrl-F while most cells are not drawn: the count is whole at once, and stepping reaches a far cell", async () => {
  const browser = await launchBrowser();
  try {
    const { page, watch } = await openLongNotebookHeld(browser);
    await page.keyboard.press("Control+f");
    const box = page.getByRole("searchbox", { name: "Find in this notebook" });
    // Every count the box shows, from the moment the words are in.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __counts: string[] }).__counts = seen;
      const status = document.querySelector(".vt-find-count")!;
      new MutationObserver(() => seen.push(status.textContent ?? "")).observe(status, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    await box.fill("print(value_1");
    await page.locator(".vt-find-count", { hasText: "1 of 110" }).waitFor();
    const counts = await page.evaluate(() => (window as unknown as { __counts: string[] }).__counts);
    assert.ok(
      counts.every((c) => c === "" || c === "Counting…" || c.endsWith(" of 110")),
      `the count is whole from the first shown: ${counts.join(" | ")}`,
    );
    const drawn = await page.locator(".vt-cells > .vt-cell").count();
    assert.ok(drawn < 60, `the count is whole while most cells are not drawn (${drawn} of ${TARGET + 50})`);
    // Stepping back from the first match goes to the last, in the last cell: it is drawn, shown and marked.
    await box.press("Shift+Enter");
    await page.locator(".vt-find-count", { hasText: "110 of 110" }).waitFor();
    const last = await page.evaluate(() => {
      const range = [...(CSS.highlights.get("vt-find-current") ?? [])][0] as Range | undefined;
      const box = range?.getBoundingClientRect();
      return {
        text: range?.toString(),
        cell: range?.startContainer.parentElement?.closest(".vt-cell")?.id,
        inView: box !== undefined && box.top >= 0 && box.bottom <= innerHeight,
      };
    });
    assert.deepEqual(last, { text: "print(value_1", cell: `vt-cell-${TARGET + 50}`, inView: true });
    // Every match is marked once its cell is drawn; the count never moved.
    await page.waitForFunction(() => (CSS.highlights.get("vt-find")?.size ?? 0) === 110);
    await page.locator(".vt-find-count", { hasText: "110 of 110" }).waitFor();
    // A word only in a far cell's output, while the page is drawn: found in the text the drawn output shows.
    await box.fill("298");
    await page.locator(".vt-find-count", { hasText: "1 of 4" }).waitFor();
    await page.screenshot({ path: `${SHOTS}find-far-1200-light.png` });
    assert.deepEqual(watch.errors, [], "no console error");
  } finally {
    await browser.close();
  }
});

test("a find match in a far cell draws the cells up to it and a screen more, not the rest, and opens its collapsed code", async () => {
  const browser = await launchBrowser();
  try {
    const { page, watch } = await openLongNotebookHeld(browser);
    await page.getByRole("button", { name: "Collapse all code" }).click();
    await page.keyboard.press("Control+f");
    const box = page.getByRole("searchbox", { name: "Find in this notebook" });
    await box.fill("measure_chlorophyll");
    await page.locator(".vt-find-count", { hasText: "1 of 1" }).waitFor();
    const target = page.locator(`#vt-cell-${TARGET + 1}`);
    await target.waitFor();
    // The match's cell, those before it and a screen of cells below it are drawn (so that it can be scrolled to the
    // top); the cells after those wait for the idle time the test holds.
    const drawn = await page.locator(".vt-cells > .vt-cell").count();
    assert.ok(drawn > TARGET && drawn < TARGET + 20, `${drawn} cells drawn of ${TARGET + 50}`);
    // Its code was collapsed by "Collapse all code": finding it opens that cell's code, and only that cell's.
    await page.waitForFunction(
      (id) => {
        const range = [...(CSS.highlights.get("vt-find-current") ?? [])][0] as Range | undefined;
        const rect = range?.getBoundingClientRect();
        return (
          range?.startContainer.parentElement?.closest(".vt-cell")?.id === id && rect !== undefined && rect.height > 0
        );
      },
      `vt-cell-${TARGET + 1}`,
    );
    assert.equal(
      await target.locator(":scope > .vt-collapse-code").getAttribute("aria-expanded"),
      "true",
      "the match's code is shown",
    );
    assert.equal(
      await page.locator(`#vt-cell-${TARGET} > .vt-collapse-code`).getAttribute("aria-expanded"),
      "false",
      "the other cells' code stays collapsed",
    );
    assert.deepEqual(watch.errors, [], "no console error");
  } finally {
    await browser.close();
  }
});

test("the search page and the find box at 1200 and 390 px, light and dark: nothing wider than the screen", async () => {
  for (const colorScheme of ["light", "dark"] as const) {
    const browser = await launchBrowser({ colorScheme });
    try {
      const page = await openSignedIn(browser);
      for (const width of [1200, 390]) {
        await page.setViewportSize({ width, height: 844 });
        await page.goto(`${studio.app}/w/${workspace}/search?q=${encodeURIComponent("x 2")}`);
        await page.locator(".vt-search-hit").first().waitFor();
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `nothing runs off a ${width} px screen (${overflow} px over)`);
        await page.screenshot({ path: `${SHOTS}search-${width}-${colorScheme}.png`, fullPage: false });
        await page.goto(`${studio.app}/w/${workspace}`);
        await page.getByRole("searchbox", { name: "Find in files" }).waitFor();
        await page.screenshot({ path: `${SHOTS}search-box-${width}-${colorScheme}.png` });
        await page.goto(`${studio.app}/w/${workspace}/f/leaves/long.ipynb`);
        await page.locator("#vt-cell-1").waitFor();
        await page.keyboard.press("Control+f");
        await page.getByRole("searchbox", { name: "Find in this notebook" }).fill("value_19");
        await page.locator(".vt-find-count", { hasText: "1 of" }).waitFor();
        const findBox = await page.locator(".vt-find").boundingBox();
        assert.ok(findBox && findBox.x >= 0 && findBox.x + findBox.width <= width, `the find box fits ${width} px`);
        await page.screenshot({ path: `${SHOTS}find-${width}-${colorScheme}.png` });
      }
    } finally {
      await browser.close();
    }
  }
});
