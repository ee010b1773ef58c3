// Each account's colour theme for the studio's pages: "light", "dark", or "system" (the browser's preference).
// Kept with the account, never in the browser's storage, so that it follows the person to any browser.
import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";

export const userThemeMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable("users")
      .addColumn("theme", "varchar(16)", (c) =>
        c
          .notNull()
          .defaultTo("system")
          .check(sql`theme in ('light', 'dark', 'system')`),
      )
      .execute();
  },
};
