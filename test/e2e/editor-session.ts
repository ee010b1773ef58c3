// The notebook editor in the browser tests that run cells: a notebook of code cells uploaded through the page,
// opened with `?edit=1`, and cells run with the editor's own keys on the file's real kernel, as a person does.
import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";
import type { JsonObject } from "../../src/notebook/types.ts";
import { pagePostFiles } from "./studio-session.ts";

/** A Python notebook of code cells without outputs. */
export function codeNotebook(cells: { id: string; source: string }[]): JsonObject {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    cells: cells.map((c) => ({
      cell_type: "code",
      id: c.id,
      metadata: {},
      source: c.source,
      execution_count: null,
      outputs: [],
    })),
  };
}

/** Uploads a notebook (acknowledging its source as trusted) and returns its page's address. */
export async function uploadNotebook(
  page: Page,
  app: string,
  workspace: string,
  name: string,
  notebook: unknown,
): Promise<string> {
  const answer = await pagePostFiles(
    page,
    `/api/workspaces/${workspace}/files`,
    [{ name, base64: Buffer.from(JSON.stringify(notebook)).toString("base64") }],
    "trusted-source-v1",
  );
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return `${app}/w/${workspace}/f/${encodeURIComponent(name)}`;
}

export async function openEditor(page: Page, url: string): Promise<void> {
  await page.goto(`${url}?edit=1`);
  await page.locator(".vt-editor").waitFor();
  await page.locator(".vt-ed-cell .cm-content").first().waitFor();
}

export const editorCell = (page: Page, id: string): Locator => page.locator(`.vt-ed-cell[data-cell-id="${id}"]`);

/** The cell's prompt as drawn: "[ ]:" before any run, "[*]:" while queued or running, "[3]:" after. */
export const promptOf = (page: Page, id: string): Promise<string> =>
  editorCell(page, id).locator(".vt-ed-prompt").innerText();

/**
 * Runs a cell as a person does: a click on it, then Ctrl-Enter. A file whose review has high findings asks
 * first; the test confirms, as its author trusts the notebook it wrote. Resolves once the cell shows its new
 * execution count (the run ended), or with `until: "running"` once the kernel has begun it.
 */
export async function runCell(
  page: Page,
  id: string,
  timeout = 60_000,
  until: "counted" | "running" = "counted",
): Promise<number> {
  const before = await promptOf(page, id);
  await selectCell(page, id);
  await page.keyboard.press("Control+Enter");
  const prompt = page.getByRole("alertdialog", { name: "Review before running" });
  // The prompt shows `[*]:` while the cell is queued or running, and its new count once it has run.
  const counted = page.waitForFunction(
    ({ id, before, until }) => {
      const cell = document.querySelector(`.vt-ed-cell[data-cell-id="${id}"]`);
      const text = cell?.querySelector(".vt-ed-prompt")?.textContent ?? "";
      if (until === "running" && cell?.querySelector('.vt-ed-run[data-run-phase="running"]')) return "[*]:";
      return /^\[\d+\]:$/.test(text) && text !== before ? text : null;
    },
    { id, before, until },
    { timeout, polling: 50 },
  );
  const first = await Promise.race([
    counted.then(() => "counted" as const),
    prompt.waitFor({ timeout }).then(() => "review" as const),
  ]).catch(async (error: unknown) => {
    await page.screenshot({ path: `/tmp/vitrine-run-failed-${id}.png` });
    throw new Error(
      `cell ${id} never ran: ${await page.locator(".vt-ed-status").innerText()}; ` +
        `notices: ${JSON.stringify(await page.locator(".vt-notice").allInnerTexts())}; prompt: ${await promptOf(page, id)}`,
      { cause: error },
    );
  });
  if (first === "review") await prompt.getByRole("button", { name: "Run anyway" }).click();
  const text = (await (await counted).jsonValue()) as string;
  return Number(/\d+/.exec(text)?.[0]);
}

/**
 * Puts the focus in a cell's CodeMirror editor with a click, as a person does. Editors live only near the viewport
 * (far cells are highlighted text), so the cell is scrolled to first; and live output frames above it can change
 * their heights and move the editor from under the click, so the focus is checked and the click made again.
 */
export async function focusEditor(page: Page, id: string): Promise<Locator> {
  const cell = editorCell(page, id);
  const content = cell.locator(".cm-content");
  for (let attempt = 0; ; attempt++) {
    await cell.scrollIntoViewIfNeeded();
    await content.click({ timeout: 5000 }).catch(() => {});
    const focused = await page.evaluate(
      (id) => (document.activeElement?.closest(".vt-ed-cell") as HTMLElement | null)?.dataset.cellId === id,
      id,
    );
    if (focused) return content;
    if (attempt === 5) throw new Error(`the editor of cell ${id} did not take the focus`);
    await page.waitForTimeout(200);
  }
}

/**
 * Makes a cell the active one in command mode with a click on its prompt (the left column, which no output
 * covers), checked and made again if moving outputs made it land elsewhere.
 */
export async function selectCell(page: Page, id: string): Promise<void> {
  const cell = editorCell(page, id);
  for (let attempt = 0; ; attempt++) {
    await cell.scrollIntoViewIfNeeded();
    await cell
      .locator(".vt-ed-prompt")
      .click({ timeout: 5000 })
      .catch(() => {});
    if ((await page.locator(".vt-ed-active").getAttribute("data-cell-id")) === id) return;
    if (attempt === 5) throw new Error(`cell ${id} did not become the active cell`);
    await page.waitForTimeout(200);
  }
}

/** Waits until the file's kernel is idle again, as the editor's status line says. */
export async function kernelIdle(page: Page, timeout = 90_000): Promise<void> {
  await page
    .locator(".vt-ed-status")
    .getByText(/kernel idle/)
    .waitFor({ timeout });
}

/**
 * A CodeMirror editor's text, line by line (innerText would count an empty line's <br> as a line of its own).
 * Editors are made a few a frame as their cells come near the viewport, so this waits for the editor's first line.
 */
export async function editorText(content: Locator): Promise<string> {
  await content.locator(".cm-line").first().waitFor();
  return content.locator(".cm-line").evaluateAll((lines) => lines.map((l) => l.textContent ?? "").join("\n"));
}

/**
 * Waits until `selector` is in the document of the cell's last output frame. Frames are made only near the
 * viewport, and live frames above the cell can change their heights while they draw and move it far from the view,
 * so the output is scrolled back to between looks, as a reader would.
 */
export async function waitInOutputFrame(page: Page, id: string, selector: string, timeout = 30_000): Promise<Locator> {
  const cell = editorCell(page, id);
  const target = cell.locator("iframe.vt-frame").last().contentFrame().locator(selector);
  const deadline = Date.now() + timeout;
  while ((await target.count().catch(() => 0)) === 0) {
    if (Date.now() > deadline) throw new Error(`${selector} never showed in cell ${id}'s output frame`);
    await cell
      .locator(".vt-output")
      .last()
      .scrollIntoViewIfNeeded({ timeout: 1000 })
      .catch(() => {});
    await page.waitForTimeout(200);
  }
  return target;
}
