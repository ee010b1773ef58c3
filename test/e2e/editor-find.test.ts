// Find in the notebook editor, in Debian's Chromium against a real studio: ada opens a 300-cell notebook with
// `?edit=1` (a few dozen editors live, the other cells highlighted text), presses Ctrl-F in command mode and types
// words. The count covers every cell at once; Enter steps to a far cell, which comes into view with the match marked
// (a CodeMirror mark in a live editor, a CSS highlight in text without an editor, rendered markdown and an output),
// while the focus stays in the box and the notebook in command mode. Typing in a cell (unsaved) adds a match and
// removing words takes theirs away, the current match keeping its place. Ctrl-F inside an editor opens the same box
// with the editor's selection, and Escape gives the focus back, in edit or command mode, with every mark gone. The
// page is watched for console errors and CSP or Trusted Types violations; screenshots go to /tmp.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchBrowser, type Browser } from "./browser.ts";
import { editorCell, editorText, focusEditor, openEditor, selectCell, uploadNotebook } from "./editor-session.ts";
import { startBrowserStudio, type BrowserStudio } from "./running-studio.ts";
import { createWorkspace, signIn } from "./studio-session.ts";
import { assertPageClean, type ConsoleWatch, instrumentPage, readPolicies, watchConsole } from "./studio-page-watch.ts";

const PASSWORD = "editor find test password";
const CELLS = 300;
let studio: BrowserStudio;
let browser: Browser;

/**
 * 300 cells, every tenth markdown. "needle" is in: c3's source twice, c155's source, c201's output (upper case),
 * m250's markdown, c297's source three times ("needles" counts): 8 in all.
 */
function findNotebook() {
  const sources: Record<number, string> = {
    3: "needle = 'near'\nprint(needle)",
    155: "far_needle = 1",
    297: "needles = [needle for needle in x]",
  };
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    cells: Array.from({ length: CELLS }, (_, i) =>
      i % 10 === 0
        ? {
            cell_type: "markdown",
            id: `m${i}`,
            metadata: {},
            source: i === 250 ? `## Part ${i}\n\nA needle in *markdown*.` : `## Part ${i}\n\nText of part ${i}.`,
          }
        : {
            cell_type: "code",
            id: `c${i}`,
            metadata: {},
            execution_count: i,
            source: sources[i] ?? `v${i} = ${i}\nprint(v${i})`,
            outputs: [{ output_type: "stream", name: "stdout", text: i === 201 ? "a NEEDLE printed\n" : `${i}\n` }],
          },
    ),
  };
}

before(async () => {
  studio = await startBrowserStudio([{ name: "ada", password: PASSWORD }]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await studio?.close();
});

/** An nbformat 4.5 notebook of these cells. */
const notebookOf = (cells: object[]) => ({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });

const findBox = (page: Page) => page.getByRole("searchbox", { name: "Find in this notebook" });
const status = (page: Page) => page.locator(".vt-ed-status");

async function countIs(page: Page, text: string): Promise<void> {
  await page.waitForFunction((text) => document.querySelector(".vt-find-count")?.textContent === text, text, {
    timeout: 10_000,
  });
}

/** The current match as marked: its cell, its text, and whether it is a CodeMirror mark or a CSS highlight. */
function currentMark(page: Page): Promise<{ cell: string; text: string; how: string } | null> {
  return page.evaluate(() => {
    for (const host of document.querySelectorAll(".vt-ed-cm")) {
      const mark = host.shadowRoot?.querySelector(".cm-vt-find-current");
      if (mark)
        return {
          cell: (host.closest(".vt-ed-cell") as HTMLElement).dataset.cellId ?? "",
          text: mark.textContent ?? "",
          how: "editor",
        };
    }
    const range = [...(CSS.highlights.get("vt-find-current")?.values() ?? [])][0] as Range | undefined;
    if (!range) return null;
    const element = range.startContainer.parentElement;
    const where = element?.closest("pre.vt-ed-static")
      ? "static"
      : element?.closest(".vt-ed-rendered")
        ? "markdown"
        : element?.closest(".vt-ed-outputs")
          ? "output"
          : "elsewhere";
    return {
      cell: (element?.closest(".vt-ed-cell") as HTMLElement | null)?.dataset.cellId ?? "",
      text: range.toString(),
      how: where,
    };
  });
}

/**
 * The current mark once `ok` holds of it (marks are placed again a moment after cells are redrawn: an editor made
 * for a cell that came near, in place of its highlighted text), or the last one seen after 5 s.
 */
async function markSettles(
  page: Page,
  ok: (mark: Awaited<ReturnType<typeof currentMark>>) => boolean,
): Promise<Awaited<ReturnType<typeof currentMark>>> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const mark = await currentMark(page);
    if (ok(mark) || Date.now() > deadline) return mark;
    await page.waitForTimeout(50);
  }
}

/** Whether a cell's box overlaps the window. */
const inView = (page: Page, id: string) =>
  editorCell(page, id).evaluate((cell) => {
    const box = cell.getBoundingClientRect();
    return box.bottom > 0 && box.top < window.innerHeight;
  });

/** Where the focus is: the find box, a cell's editor (by cell id), the notebook's element, or something else. */
const focusIs = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement;
    if (active?.matches(".vt-find input")) return "find box";
    if (active?.classList.contains("vt-editor")) return "notebook";
    const cell = active?.closest(".vt-ed-cell") as HTMLElement | null;
    if (cell && active?.shadowRoot?.activeElement?.classList.contains("cm-content"))
      return `editor ${cell.dataset.cellId}`;
    return active?.tagName ?? "none";
  });

/** The box takes the focus as it opens. */
const boxFocused = (page: Page) =>
  page.waitForFunction(() => document.activeElement?.matches(".vt-find input"), undefined, { timeout: 5000 });

/** How many marks there are, of either kind, anywhere on the page. */
const markCount = (page: Page) =>
  page.evaluate(() => {
    let marks = 0;
    for (const host of document.querySelectorAll(".vt-ed-cm"))
      marks += host.shadowRoot?.querySelectorAll(".cm-vt-find").length ?? 0;
    return marks + (CSS.highlights.get("vt-find")?.size ?? 0) + (CSS.highlights.get("vt-find-current")?.size ?? 0);
  });

/** A page signed in as ada, watched for CSP and Trusted Types violations and console errors. */
async function signedInPage(): Promise<{ page: Page; consoleWatch: ConsoleWatch }> {
  const page = await browser.context.newPage();
  await instrumentPage(page);
  const policies = await readPolicies(studio.app, studio.content);
  await signIn(page, studio.app, "ada", PASSWORD);
  return { page, consoleWatch: watchConsole(page, policies, studio.content) };
}

/** Closes the page once it is shown to have had no violation, no blocked hit and no console error. */
async function closeClean(page: Page, consoleWatch: ConsoleWatch): Promise<void> {
  await assertPageClean(page, consoleWatch);
  consoleWatch.stop();
  await page.close();
}

test("Ctrl-F in the editor finds across every cell, steps without leaving command mode, and follows typing", async () => {
  const { page, consoleWatch } = await signedInPage();
  const workspace = await createWorkspace(page, "Finding");
  const url = await uploadNotebook(page, studio.app, workspace, "haystack.ipynb", findNotebook());
  await openEditor(page, url);
  assert.equal(await page.locator(".vt-ed-cell").count(), CELLS);

  // Command mode on the second cell; Ctrl-F opens the studio's box, focused.
  await selectCell(page, "c1");
  await page.keyboard.press("Control+f");
  await findBox(page).waitFor();
  await boxFocused(page);
  await page.keyboard.type("NEEDLE");
  // Every match is counted at once, while only the cells near the window have editors.
  await countIs(page, "1 of 8");
  const live = await page.evaluate(
    () => [...document.querySelectorAll(".vt-ed-cm")].filter((h) => h.shadowRoot?.querySelector(".cm-editor")).length,
  );
  assert.ok(live > 0 && live < 60, `${live} live editors of ${CELLS} cells`);
  // A far cell's matches are marked in its highlighted text, where it has no editor.
  const farMarks = await page.evaluate(() =>
    [...(CSS.highlights.get("vt-find")?.values() ?? [])]
      .map((r) => r as Range)
      .filter((r) => r.startContainer.parentElement?.closest('.vt-ed-cell[data-cell-id="c297"] pre.vt-ed-static'))
      .map((r) => r.toString()),
  );
  assert.deepEqual(farMarks, ["needle", "needle", "needle"]);
  // The first match from the active cell on is c3's, in its live editor, where the other one is marked too.
  await page.screenshot({ path: "/tmp/vitrine-editor-find-editor-1200-light.png" });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: "/tmp/vitrine-editor-find-editor-1200-dark.png" });
  await page.emulateMedia({ colorScheme: "light" });
  assert.deepEqual(await markSettles(page, (m) => m?.cell === "c3" && m.text === "needle"), {
    cell: "c3",
    text: "needle",
    how: "editor",
  });

  // Enter steps on, to a far cell that comes into view with its match marked; the focus stays in the box.
  await page.keyboard.press("Enter");
  await countIs(page, "2 of 8");
  await page.keyboard.press("Enter");
  await countIs(page, "3 of 8");
  await page.waitForFunction(() => {
    const cell = document.querySelector('.vt-ed-cell[data-cell-id="c155"]');
    const box = cell?.getBoundingClientRect();
    return box && box.bottom > 0 && box.top < window.innerHeight;
  });
  assert.ok(await inView(page, "c155"));
  const far = await markSettles(page, (mark) => mark?.cell === "c155" && mark.text === "needle");
  assert.equal(far?.cell, "c155");
  // Once the cell is near, its editor is made and carries the mark.
  await page.waitForFunction(() =>
    document
      .querySelector('.vt-ed-cell[data-cell-id="c155"] .vt-ed-cm')
      ?.shadowRoot?.querySelector(".cm-vt-find-current"),
  );
  assert.equal(await focusIs(page), "find box");
  assert.match(await status(page).innerText(), /Command mode/);
  // An output's text, and rendered markdown, are marked as CSS highlights; the arrow buttons step too.
  await page.keyboard.press("Enter");
  await countIs(page, "4 of 8");
  await page.waitForFunction(() => CSS.highlights.get("vt-find-current")?.size === 1);
  assert.deepEqual(await markSettles(page, (m) => m?.cell === "c201" && m.text === "NEEDLE"), {
    cell: "c201",
    text: "NEEDLE",
    how: "output",
  });
  assert.ok(await inView(page, "c201"));
  await page.getByRole("button", { name: "Next match" }).click();
  await countIs(page, "5 of 8");
  assert.deepEqual(await markSettles(page, (m) => m?.cell === "m250" && m.text === "needle"), {
    cell: "m250",
    text: "needle",
    how: "markdown",
  });
  assert.ok(await inView(page, "m250"));
  await page.getByRole("button", { name: "Previous match" }).click();
  await countIs(page, "4 of 8");
  await findBox(page).focus();
  await page.keyboard.press("Enter");
  await countIs(page, "5 of 8");
  await page.keyboard.press("Shift+Enter");
  await page.keyboard.press("Enter");
  await countIs(page, "5 of 8");
  assert.match(await status(page).innerText(), /Command mode/);

  await page.screenshot({ path: "/tmp/vitrine-editor-find-1200-light.png" });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: "/tmp/vitrine-editor-find-1200-dark.png" });
  await page.setViewportSize({ width: 390, height: 800 });
  await page.screenshot({ path: "/tmp/vitrine-editor-find-390-dark.png" });
  await page.emulateMedia({ colorScheme: "light" });
  await page.screenshot({ path: "/tmp/vitrine-editor-find-390-light.png" });
  await page.setViewportSize({ width: 1200, height: 900 });

  // Typing in a cell (not saved) adds its match; the current one keeps its place, now one further on.
  await focusEditor(page, "c155");
  await page.keyboard.press("Control+End");
  await page.keyboard.type("\nanother_needle = 2");
  await countIs(page, "6 of 9");
  assert.match(await status(page).innerText(), /unsaved changes/);
  // Words removed no longer count.
  await page.keyboard.press("Control+a");
  await page.keyboard.type("gone = 1");
  await countIs(page, "4 of 7");

  // Ctrl-F in an editor: the studio's box opens with the selection (one line), CodeMirror opens no panel of its own.
  await page.keyboard.press("Home");
  for (let i = 0; i < 4; i++) await page.keyboard.press("Shift+ArrowRight");
  await page.keyboard.press("Control+f");
  await findBox(page).waitFor();
  await boxFocused(page);
  assert.equal(await findBox(page).inputValue(), "gone");
  await countIs(page, "1 of 1");
  await boxFocused(page);
  assert.match(await status(page).innerText(), /Edit mode/);
  const panels = await page.evaluate(
    () =>
      [...document.querySelectorAll(".vt-ed-cm")].filter((h) => h.shadowRoot?.querySelector(".cm-panels, .cm-search"))
        .length,
  );
  assert.equal(panels, 0);
  // Escape: the box closes, every mark goes, and the focus is back in the editor, in edit mode.
  await page.keyboard.press("Escape");
  await findBox(page).waitFor({ state: "detached" });
  assert.equal(await focusIs(page), "editor c155");
  assert.match(await status(page).innerText(), /Edit mode/);
  assert.equal(await markCount(page), 0);

  // From command mode, Escape gives the focus back to the notebook, in command mode.
  await page.keyboard.press("Escape");
  assert.match(await status(page).innerText(), /Command mode/);
  await page.keyboard.press("Control+f");
  await findBox(page).waitFor();
  await boxFocused(page);
  assert.equal(await findBox(page).inputValue(), "gone");
  await findBox(page).fill("needle");
  await countIs(page, "3 of 7");
  await page.keyboard.press("Escape");
  await findBox(page).waitFor({ state: "detached" });
  assert.equal(await focusIs(page), "notebook");
  assert.match(await status(page).innerText(), /Command mode/);
  assert.equal(await markCount(page), 0);
  // The notebook's keys work again: J moves the active cell on.
  const before = await page.locator(".vt-ed-active").getAttribute("data-cell-id");
  await page.keyboard.press("j");
  assert.notEqual(await page.locator(".vt-ed-active").getAttribute("data-cell-id"), before);

  await closeClean(page, consoleWatch);
});

test("a far match stepped to stays in view while the cells around it settle, until the person scrolls", async () => {
  const { page, consoleWatch } = await signedInPage();
  const workspace = await createWorkspace(page, "Holding");
  const url = await uploadNotebook(page, studio.app, workspace, "haystack.ipynb", findNotebook());
  await openEditor(page, url);
  await selectCell(page, "c1");
  await page.keyboard.press("Control+f");
  await findBox(page).waitFor();
  // Keys typed before the box has the focus would go to the notebook as commands.
  await boxFocused(page);
  await page.keyboard.type("NEEDLE");
  await countIs(page, "1 of 8");
  // The browser's scroll anchoring would hide a shift above the match; without it the hold alone must act.
  await page.evaluate(() => document.documentElement.style.setProperty("overflow-anchor", "none"));
  // A cell above growing, as one drawn at its real height does (a style change: no node added or removed), once
  // the match is in view; answers whether the match was then out of view.
  const shiftAboveOnceShown = (id: string) =>
    page.evaluate(async (above) => {
      const shown = () => {
        const box = document.querySelector('.vt-ed-cell[data-cell-id="c155"]')?.getBoundingClientRect();
        return box !== undefined && box.bottom > 0 && box.top < window.innerHeight;
      };
      const deadline = performance.now() + 10_000;
      while (!shown()) {
        if (performance.now() > deadline) throw new Error("the match never came into view");
        await new Promise(requestAnimationFrame);
      }
      const cell = document.querySelector<HTMLElement>(`.vt-ed-cell[data-cell-id="${above}"]`)!;
      cell.style.marginTop = `${(parseFloat(cell.style.marginTop) || 0) + 2000}px`;
      return !shown();
    }, id);
  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter");
  await countIs(page, "3 of 8");
  assert.ok(await shiftAboveOnceShown("c151"), "the shift moved the match out of view");
  await page.waitForFunction(() => {
    const box = document.querySelector('.vt-ed-cell[data-cell-id="c155"]')?.getBoundingClientRect();
    return box && box.bottom > 0 && box.top < window.innerHeight;
  });

  // Once the person scrolls, the page is theirs: a later shift is left as it is.
  await page.mouse.move(600, 400);
  await page.mouse.wheel(0, 40);
  assert.ok(await shiftAboveOnceShown("c152"));
  await page.waitForTimeout(2200);
  assert.equal(await inView(page, "c155"), false, "the page did not pull the view back after the person scrolled");
  await closeClean(page, consoleWatch);
});

test("Replace and Replace all change cells' sources as one undoable step each, never an output", async () => {
  const { page, consoleWatch } = await signedInPage();
  const workspace = await createWorkspace(page, "Replacing");
  const notebook = notebookOf([
    {
      cell_type: "code",
      id: "c1",
      metadata: {},
      execution_count: 1,
      source: "needle = 1\nprint(needle)",
      outputs: [{ output_type: "stream", name: "stdout", text: "a NEEDLE\n" }],
    },
    { cell_type: "markdown", id: "m2", metadata: {}, source: "A needle here." },
    { cell_type: "code", id: "c3", metadata: {}, execution_count: null, source: "x = 'needle'", outputs: [] },
  ]);
  const url = await uploadNotebook(page, studio.app, workspace, "replace.ipynb", notebook);
  await openEditor(page, url);
  const code = (id: string) => editorText(editorCell(page, id).locator(".cm-content"));

  await selectCell(page, "c1");
  await page.keyboard.press("Control+f");
  await findBox(page).fill("needle");
  await countIs(page, "1 of 5");
  await page.getByRole("button", { name: "Show replace" }).click();
  const replaceWith = page.getByRole("textbox", { name: "Replace with" });
  // A replacement that holds the words again is not found again: Replace goes on to the next match.
  await replaceWith.fill("needle_2");
  await page.getByRole("button", { name: "Replace", exact: true }).click();
  await countIs(page, "2 of 5");
  assert.equal(await code("c1"), "needle_2 = 1\nprint(needle)");
  await page.getByRole("button", { name: "Replace", exact: true }).click();
  await countIs(page, "3 of 5");
  assert.equal(await code("c1"), "needle_2 = 1\nprint(needle_2)");
  // The next match is in the cell's output: Replace does not touch outputs.
  assert.equal(await page.getByRole("button", { name: "Replace", exact: true }).isDisabled(), true);
  assert.match(await status(page).innerText(), /unsaved changes/);

  await replaceWith.fill("pin");
  await page.getByRole("button", { name: "Replace all" }).click();
  await countIs(page, "1 of 1");
  assert.equal(await code("c1"), "pin_2 = 1\nprint(pin_2)");
  assert.equal(await code("c3"), "x = 'pin'");
  await editorCell(page, "m2").locator(".vt-ed-rendered").getByText("A pin here.").waitFor();
  await editorCell(page, "c1").locator(".vt-ed-outputs").getByText("a NEEDLE").waitFor();
  assert.equal(await page.getByRole("button", { name: "Replace all" }).isDisabled(), true);

  // Replace all was one operation: one undo in command mode takes every cell back.
  await page.keyboard.press("Escape");
  await findBox(page).waitFor({ state: "detached" });
  await page.keyboard.press("z");
  assert.equal(await code("c3"), "x = 'needle'");
  assert.equal(await code("c1"), "needle_2 = 1\nprint(needle_2)");
  await editorCell(page, "m2").locator(".vt-ed-rendered").getByText("A needle here.").waitFor();

  await page.setViewportSize({ width: 390, height: 800 });
  await page.keyboard.press("Control+f");
  await page.getByRole("button", { name: "Show replace" }).click();
  const overflow = await page.evaluate(() => {
    const box = document.querySelector(".vt-find")!;
    const right = Math.max(...[...box.querySelectorAll("input, button")].map((e) => e.getBoundingClientRect().right));
    return Math.max(
      document.documentElement.scrollWidth - innerWidth,
      box.scrollWidth - box.clientWidth,
      right - innerWidth,
    );
  });
  assert.ok(overflow <= 0, `the find box with replace fits a phone (${overflow} px too wide)`);
  await page.screenshot({ path: "/tmp/vitrine-editor-replace-390-light.png" });
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: "/tmp/vitrine-editor-replace-1200-dark.png" });

  await closeClean(page, consoleWatch);
});

test("a match that only a rendered markdown cell's source holds shows that source while it is the current one", async () => {
  const { page, consoleWatch } = await signedInPage();
  const workspace = await createWorkspace(page, "Finding in markdown");
  const notebook = notebookOf([
    { cell_type: "code", id: "c1", metadata: {}, execution_count: null, source: "x = 1", outputs: [] },
    { cell_type: "markdown", id: "m2", metadata: {}, source: "See [the guide](https://docs.example/guide) here." },
    { cell_type: "code", id: "c3", metadata: {}, execution_count: null, source: "docs = 3", outputs: [] },
  ]);
  const url = await uploadNotebook(page, studio.app, workspace, "markdown-find.ipynb", notebook);
  await openEditor(page, url);
  const rendered = editorCell(page, "m2").locator(".vt-ed-rendered");
  await rendered.getByText("See the guide here.").waitFor();

  await selectCell(page, "c1");
  await page.keyboard.press("Control+f");
  await boxFocused(page);
  // "guide" is in the source twice (the link's words and its address) but in the rendered words once: which of the
  // two that one is cannot be told from the rendered view, so the cell shows its source, with the match marked there.
  await findBox(page).fill("guide");
  await countIs(page, "1 of 2");
  const inSource = await markSettles(page, (m) => m?.cell === "m2" && m.how !== "markdown");
  assert.equal(inSource?.text, "guide");
  await page.keyboard.press("Enter");
  await countIs(page, "2 of 2");
  await markSettles(page, (m) => m?.cell === "m2" && m.how !== "markdown");
  assert.equal(await rendered.count(), 0);
  assert.equal(await focusIs(page), "find box");
  assert.match(await status(page).innerText(), /command/i);
  await page.screenshot({ path: "/tmp/vitrine-editor-find-markdown-source.png" });

  // Moving on renders it again; coming back shows the source again; closing the box renders it.
  await findBox(page).fill("docs");
  await countIs(page, "1 of 2");
  await markSettles(page, (m) => m?.cell === "m2" && m.how !== "markdown");
  await page.keyboard.press("Enter");
  await countIs(page, "2 of 2");
  await markSettles(page, (m) => m?.cell === "c3");
  await rendered.getByText("See the guide here.").waitFor();
  await page.keyboard.press("Enter");
  await countIs(page, "1 of 2");
  await markSettles(page, (m) => m?.cell === "m2" && m.how !== "markdown");
  await page.keyboard.press("Escape");
  await findBox(page).waitFor({ state: "detached" });
  await rendered.getByText("See the guide here.").waitFor();

  // Gone into to edit, the source stays when the box moves on, as any cell being edited does.
  await page.keyboard.press("Control+f");
  await findBox(page).fill("docs");
  await markSettles(page, (m) => m?.cell === "m2" && m.how !== "markdown");
  await editorCell(page, "m2").locator(".cm-content").click();
  await page.getByRole("button", { name: "Next match" }).click();
  await markSettles(page, (m) => m?.cell === "c3");
  await page.waitForTimeout(300);
  assert.equal(await rendered.count(), 0, "the cell being edited keeps its source");
  assert.ok((await markCount(page)) > 0);

  await closeClean(page, consoleWatch);
});
