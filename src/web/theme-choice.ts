// The account's colour theme on the studio's pages: the one place that turns the choice into the root element's
// `data-theme` (which notebook.css turns into `color-scheme`, and every colour follows), that saves a new choice
// with the account, and that tells the live output frames (output-frame.ts). The choice is kept with the account on
// the server and nowhere in the browser: it comes with the session (GET /api/session) and is applied before the
// first render (page-start.ts).
import type { Theme, ThemeAnswer, ThemeBody } from "../contract/api-theme.ts";
import { apiRequest } from "./api-client.ts";

export const THEME_PATH = "/api/account/theme";

/** The choices in the order a picker offers them, with the words it shows. */
export const THEME_CHOICES: readonly { theme: Theme; label: string }[] = [
  { theme: "system", label: "System" },
  { theme: "light", label: "Light" },
  { theme: "dark", label: "Dark" },
];

export function isTheme(value: unknown): value is Theme {
  return value === "light" || value === "dark" || value === "system";
}

/** The root's `data-theme` for a choice: none for "system", so that the page follows the browser. */
export function themeAttribute(theme: Theme): "light" | "dark" | null {
  return theme === "system" ? null : theme;
}

let current: Theme = "system";
const listeners = new Set<(theme: Theme) => void>();

/** The choice in force on this page ("system" until the session has said otherwise). */
export function currentTheme(): Theme {
  return current;
}

/** Calls `listener` with every later choice; returns the call that stops it. */
export function onThemeChange(listener: (theme: Theme) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Makes `theme` this page's: the root's attribute, then whoever listens (the live output frames). */
export function applyTheme(theme: Theme, root: Element = document.documentElement): void {
  const attribute = themeAttribute(theme);
  if (attribute === null) root.removeAttribute("data-theme");
  else root.setAttribute("data-theme", attribute);
  if (theme === current) return;
  current = theme;
  for (const listener of listeners) listener(theme);
}

/** Saves the choice with the account (PUT, with the session's CSRF token) and answers the theme the server kept. */
export async function saveTheme(theme: Theme): Promise<Theme> {
  const answer = await apiRequest<ThemeAnswer>("PUT", THEME_PATH, { theme } satisfies ThemeBody);
  return answer.theme;
}

/** Reads the account's choice, for a session that came without it (a fresh sign-in's answer). */
export async function loadTheme(): Promise<Theme> {
  const answer = await apiRequest<ThemeAnswer>("GET", THEME_PATH);
  return answer.theme;
}
