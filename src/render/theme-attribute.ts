// The root element's `data-theme`, which notebook.css (pages) and frame-style.ts (output frames) turn into
// `color-scheme`: the account's choice of light or dark, and no attribute for "system", so that the page or frame
// follows the reader's system. The studio's page (web/theme-choice.ts), its frames (web/frame/frame-scheme.ts) and
// the server writing the page (server/page-theme.ts) all mark the root through this.
import type { Theme } from "../contract/api-theme.ts";

/** The attribute's value for a choice, or null for none; anything that is not a choice gets none either. */
export function themeAttribute(theme: Theme): "light" | "dark" | null {
  return theme === "light" ? "light" : theme === "dark" ? "dark" : null;
}

/** Marks `root` (a page's or a frame's document element) for a choice. */
export function markThemeRoot(root: Element, theme: Theme): void {
  const attribute = themeAttribute(theme);
  if (attribute === null) root.removeAttribute("data-theme");
  else root.setAttribute("data-theme", attribute);
}
