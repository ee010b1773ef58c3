// The account's colour theme on the studio's pages: the one place that turns the choice into the root element's
// `data-theme` (which notebook.css turns into `color-scheme`, and every colour follows), that saves a new choice
// with the account, and that tells the live output frames (output-frame.ts). The choice is kept with the account on
// the server and nowhere in the browser: it comes with the session (GET /api/session) and is applied before the
// first render (page-start.ts).
import type { Theme, ThemeAnswer, ThemeBody } from "../contract/api-theme.ts";
import { markThemeRoot } from "../render/theme-attribute.ts";
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

/** The theme shown now, and the account's as the server last said (they differ while a choice is being saved). */
let current: Theme = "system";
let stored: Theme = "system";
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

/** Shows `theme` on this page: the root's attribute, then whoever listens (the live output frames). */
function show(theme: Theme): void {
  markThemeRoot(document.documentElement, theme);
  if (theme === current) return;
  current = theme;
  for (const listener of listeners) listener(theme);
}

/** Applies the account's theme as the server gave it (with the session, or in answer to a choice). */
export function applyTheme(theme: Theme): void {
  stored = theme;
  show(theme);
}

/** Saves the choice with the account (PUT, with the session's CSRF token) and answers the theme the server kept. */
async function saveTheme(theme: Theme): Promise<Theme> {
  const answer = await apiRequest<ThemeAnswer>("PUT", THEME_PATH, { theme } satisfies ThemeBody);
  return answer.theme;
}

/** The saves under way, one after another: choices made in quick succession (arrow keys) reach the server in order. */
let saving: Promise<unknown> = Promise.resolve();
let choices = 0;

/**
 * A person's choice: shown at once, then saved with the account. The answer to the latest choice is applied; if
 * that save fails, the page shows the account's theme again, and the promise rejects with the server's error. A
 * choice already followed by another settles quietly: only the latest one is the person's to hear about.
 */
export function chooseTheme(theme: Theme): Promise<void> {
  const choice = ++choices;
  show(theme);
  const saved = saving.then(() => saveTheme(theme));
  saving = saved.catch(() => undefined);
  return saved.then(
    (kept) => {
      stored = kept;
      if (choice === choices) show(kept);
    },
    (error: unknown) => {
      if (choice !== choices) return;
      show(stored);
      throw error;
    },
  );
}

/** Reads the account's choice, for a session that came without it (a fresh sign-in's answer). */
export async function loadTheme(): Promise<Theme> {
  const answer = await apiRequest<ThemeAnswer>("GET", THEME_PATH);
  return answer.theme;
}
