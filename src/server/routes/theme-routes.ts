// Reading and choosing the account's colour theme (migration-0005-user-theme.ts). The page also gets it with its
// session (GET /api/session), so that it is applied before anything is drawn.
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { withErrors } from "../../contract/api-answers.ts";
import { ThemeAnswer, ThemeBody, type Theme } from "../../contract/api-theme.ts";
import { recordAudit } from "../audit.ts";
import type { Db } from "../storage/database.ts";
import type { Studio } from "../studio.ts";
import { auditContext, signedIn } from "./audit-context.ts";

/** The account's theme ("system" for an account that never chose). */
export async function accountTheme(db: Db, user: number): Promise<Theme> {
  const row = await db.selectFrom("users").select("theme").where("id", "=", user).executeTakeFirst();
  return (row?.theme as Theme | undefined) ?? "system";
}

export function registerThemeRoutes(app: FastifyInstance, studio: Studio): void {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  routes.get(
    "/api/account/theme",
    {
      schema: {
        summary: "Your colour theme for the studio's pages",
        tags: ["session"],
        response: withErrors({ 200: ThemeAnswer }),
      },
    },
    async (request) => ({ theme: await accountTheme(studio.db, signedIn(request).id) }),
  );
  routes.put(
    "/api/account/theme",
    {
      schema: {
        summary: "Choose your colour theme: light, dark, or system (the browser's preference)",
        description: "Kept with the account, so it follows you to every browser. Audited as `theme_changed`.",
        tags: ["session"],
        body: ThemeBody,
        response: withErrors({ 200: ThemeAnswer }),
      },
    },
    async (request) => {
      const user = signedIn(request);
      const theme = request.body.theme;
      await studio.db.transaction().execute(async (trx) => {
        await trx.updateTable("users").set({ theme }).where("id", "=", user.id).execute();
        await recordAudit(trx, auditContext(request), "theme_changed", { theme });
      });
      return { theme };
    },
  );
}
