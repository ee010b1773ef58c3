// The account's colour theme written into the studio's page itself (`<html data-theme="dark">`), so that the page's
// very first paint, before any script has run, is in the colours the account chose (web/theme-choice.ts applies
// the same attribute once the app runs, and every later choice). Only for a request whose session cookie names a
// live session; anyone else's page follows the browser.
import type { Theme } from "../contract/api-theme.ts";
import { themeAttribute } from "../render/theme-attribute.ts";
import { findSession } from "./auth/sessions.ts";
import type { ServerConfig } from "./config.ts";
import { accountTheme } from "./routes/theme-routes.ts";
import type { Db } from "./storage/database.ts";

/** The theme of the account whose session `token` names, or "system" when it names none. */
export async function sessionTheme(db: Db, config: ServerConfig, token: string | undefined): Promise<Theme> {
  if (token === undefined) return "system";
  const timeouts = { idleSeconds: config.sessionIdleSeconds, absoluteSeconds: config.sessionAbsoluteSeconds };
  const session = await findSession(db, token, timeouts);
  return session ? accountTheme(db, session.user.id) : "system";
}

/**
 * The page with its root marked for `theme`. The attribute's value is one of two literals chosen here, never text
 * from storage, so nothing the database holds reaches the markup.
 */
export function withTheme(indexHtml: string, theme: Theme): string {
  const attribute = themeAttribute(theme);
  if (attribute === null) return indexHtml;
  return indexHtml.replace(/<html(?=[\s>])/, `<html data-theme="${attribute}"`);
}
