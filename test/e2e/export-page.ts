// An exported file opened as a reader opens it, from disk with no network: every request but the file itself (and
// data: and about: documents) is aborted and listed, and the page's script errors and CSP refusals are collected.
import assert from "node:assert/strict";
import type { Frame, Page } from "playwright-core";
import type { Browser } from "./browser.ts";

export interface OpenedExport {
  page: Page;
  /** Script errors, console errors and CSP refusals, in the page and its frames. */
  problems: string[];
  /** Requests for anything but the file (all aborted). */
  outside: string[];
}

export async function openExportOffline(browser: Browser, fileUrl: string): Promise<OpenedExport> {
  const outside: string[] = [];
  const page = await browser.context.newPage();
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url === fileUrl || url.startsWith("data:") || url.startsWith("about:")) return route.continue();
    outside.push(url);
    return route.abort();
  });
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" || /Content Security Policy|Refused to|is not defined/.test(message.text()))
      problems.push(`${message.text()} (${message.location().url.slice(0, 40)}:${message.location().lineNumber})`);
  });
  await page.goto(fileUrl, { waitUntil: "load", timeout: 120_000 });
  return { page, problems, outside };
}

/** The output frames of the page, in document order. */
export async function exportFrames(page: Page): Promise<Frame[]> {
  const list: Frame[] = [];
  for (const handle of await page.locator("iframe.vt-frame").elementHandles()) {
    const frame = await handle.contentFrame();
    assert.ok(frame);
    list.push(frame);
  }
  return list;
}

/** A code cell with one display_data output of `data`, for notebooks written by a test. */
export function displayCell(data: Record<string, unknown>) {
  return {
    cell_type: "code",
    execution_count: 1,
    metadata: {},
    source: "",
    outputs: [{ output_type: "display_data", metadata: {}, data }],
  };
}
