// Reading back what each output frame of frameAttackNotebook() could reach (the script records it in its own
// document), for the export's srcdoc frames and the studio's content-origin frames alike.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";

/** What every escape script tries; each must come back "blocked:…". */
export const FRAME_ESCAPES = [
  "parentDocument",
  "topLocationRead",
  "cookie",
  "localStorage",
  "sessionStorage",
  "fetch",
  "xhr",
  "image",
  "windowOpen",
  "topNavigation",
] as const;

/**
 * Waits for each output frame's record and asserts that the html, js and svg outputs all ran and that every way
 * out listed in `escapes` was blocked. The markdown output's script never runs: the sanitizer removed it.
 */
export async function assertFramesContained(page: Page, escapes: readonly string[] = FRAME_ESCAPES): Promise<void> {
  const results: Record<string, Record<string, string>> = {};
  for (const child of page.frames()) {
    if (child === page.mainFrame()) continue;
    const handle = await child.waitForFunction(
      () => document.body?.getAttribute("data-escape-results") ?? (document.querySelector("h1") ? "markdown" : null),
      undefined,
      { timeout: 10_000 },
    );
    const value = (await handle.jsonValue()) as string;
    if (value === "markdown") continue;
    results[
      await child.evaluate(() =>
        document.querySelector("svg") ? "svg" : document.getElementById("output") ? "js" : "html",
      )
    ] = JSON.parse(value) as Record<string, string>;
  }
  assert.deepEqual(Object.keys(results).sort(), ["html", "js", "svg"]);
  for (const [label, r] of Object.entries(results)) {
    for (const key of escapes)
      assert.match(r[key] ?? "", /^blocked:/, `${label}: ${key} must be blocked, got ${r[key]}`);
  }
}
