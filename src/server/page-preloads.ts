// What a studio page will ask the API for first, named in the page itself (`<link rel="preload">`), so that the
// browser fetches it while it is still loading the UI's scripts instead of after: the session and the public
// settings on every page, and on a file's page that file's details and bytes (a notebook's head instead of its
// bytes). Every address comes from the same
// functions the UI calls (contract/addresses.ts), so each preload is the request the page then makes, and the browser
// hands the page the answer it already has.
import { escapeAttribute } from "../render/serialize.ts";
import { fileApiHref, isNotebookPath, notebookHeadHref, parseRoute, rawHref } from "../contract/addresses.ts";

/** The API reads every page starts with (app.tsx). */
const EVERY_PAGE = ["/api/session", "/api/config"] as const;

/**
 * The reads the page at `url` (a request's path and query) makes first. Reads that need a session are named only
 * when the request carries a session cookie: a signed-out page never makes them, and a preload left unused is a
 * warning in the browser's console.
 */
export function pagePreloads(url: string, signedIn: boolean): string[] {
  const preloads: string[] = [...EVERY_PAGE];
  if (!signedIn) return preloads;
  const { pathname, search } = new URL(url, "http://studio.invalid");
  const route = parseRoute(pathname, search);
  // A stored file's path never has empty, "." or ".." segments; an address that does names no file.
  if (route.page === "file" && !route.path.split("/").some((s) => s === "" || s === "." || s === "..")) {
    // A notebook's head rather than its bytes: the page draws the first screen from the head, and asks for the
    // bytes (megabytes with figures, which the page's main thread takes in as they arrive) once it is painted.
    if (isNotebookPath(route.path))
      preloads.push(
        notebookHeadHref(route.workspace, route.path, route.version),
        fileApiHref(route.workspace, route.path),
      );
    else preloads.push(fileApiHref(route.workspace, route.path), rawHref(route.workspace, route.path, route.version));
  }
  return preloads;
}

/**
 * The UI's index.html with the preloads first in its head. `crossorigin="anonymous"` makes each a CORS-mode,
 * same-origin-credentials request, which is what the page's fetch() calls are, so the browser can match them.
 */
export function withPreloads(indexHtml: string, preloads: readonly string[]): string {
  const links = preloads
    .map((href) => `<link rel="preload" href="${escapeAttribute(href)}" as="fetch" crossorigin="anonymous">`)
    .join("\n    ");
  const at = indexHtml.indexOf("<meta charset");
  if (at < 0 || preloads.length === 0) return indexHtml;
  const afterCharset = indexHtml.indexOf(">", at) + 1;
  return `${indexHtml.slice(0, afterCharset)}\n    ${links}${indexHtml.slice(afterCharset)}`;
}
