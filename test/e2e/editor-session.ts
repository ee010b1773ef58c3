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

/** The cell's prompt as drawn: "[ ]:" before any run, "[3]:" after. */
export const promptOf = (page: Page, id: string): Promise<string> =>
  editorCell(page, id).locator(".vt-ed-prompt").innerText();

/**
 * Runs a cell as a person does: a click in its editor, then Ctrl-Enter. A file whose review has high findings asks
 * first; the test confirms, as its author trusts the notebook it wrote. Resolves once the cell shows an execution
 * count (the kernel took it); its outputs may still be arriving.
 */
export async function runCell(page: Page, id: string, timeout = 90_000): Promise<number> {
  const cell = editorCell(page, id);
  const before = await promptOf(page, id);
  await cell.locator(".cm-content").click();
  await page.keyboard.press("Control+Enter");
  const prompt = page.getByRole("alertdialog", { name: "Review before running" });
  const counted = page.waitForFunction(
    ({ id, before }) => {
      const text = document.querySelector(`.vt-ed-cell[data-cell-id="${id}"] .vt-ed-prompt`)?.textContent ?? "";
      return /^\[\d+\]:$/.test(text) && text !== before ? text : null;
    },
    { id, before },
    { timeout, polling: 50 },
  );
  const first = await Promise.race([
    counted.then(() => "counted" as const),
    prompt.waitFor({ timeout }).then(() => "review" as const),
  ]);
  if (first === "review") await prompt.getByRole("button", { name: "Run anyway" }).click();
  const text = (await (await counted).jsonValue()) as string;
  return Number(/\d+/.exec(text)?.[0]);
}

/** Waits until the file's kernel is idle again, as the editor's status line says. */
export async function kernelIdle(page: Page, timeout = 90_000): Promise<void> {
  await page
    .locator(".vt-ed-status")
    .getByText(/kernel idle/)
    .waitFor({ timeout });
}
