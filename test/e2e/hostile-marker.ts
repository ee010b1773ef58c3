// The one marker of every hostile test notebook: a payload that ever runs in a page marks the page's root element
// with data-pwned, its value naming the payload. Export tests read the attribute (pwnedMark); an instrumented studio
// page (studio-page-watch.ts) records it the moment it is set. Payloads inside output frames try to set it on the
// page through their parent and write what happened into their own document.
import type { Page } from "playwright-core";

export const PWNED_ATTRIBUTE = "data-pwned";

/**
 * Script that marks the page. Without a tag it has no comma, quote, space or angle bracket, so it fits unquoted
 * attributes, URLs and template strings as it is; a tag is quoted, still without commas (nbformat's tags forbid them).
 */
export function markScript(tag?: string): string {
  return `document.documentElement.dataset.pwned=${tag === undefined ? "1" : `'${tag}'`}`;
}

/** The page's mark, or null when no payload ran. */
export function pwnedMark(page: Page): Promise<string | null> {
  return page.evaluate((attribute) => document.documentElement.getAttribute(attribute), PWNED_ATTRIBUTE);
}
