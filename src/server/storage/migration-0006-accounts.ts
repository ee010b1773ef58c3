// Accounts managed from the browser: a disabled flag on users, and one-time invitation links (new accounts and
// password resets). An invitation row keeps only the SHA-256 of its token: a copy of the database signs no one in.
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

export const accountsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("users").addColumn("disabled_at", "bigint").execute();
    await db.schema
      .createTable("invitations")
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("token_hash", "varchar(64)", (c) => c.notNull().unique())
      .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("purpose", "varchar(16)", (c) => c.notNull())
      .addColumn("created_by", "integer")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("expires_at", "bigint", (c) => c.notNull())
      .addColumn("used_at", "bigint")
      .execute();
    await db.schema.createIndex("invitations_user").on("invitations").column("user_id").execute();
    // The accounts list reads each account's latest sign-in from the audit log (auth/accounts.ts).
    await db.schema.createIndex("audit_events_actor").on("audit_events").columns(["actor_id", "event", "at"]).execute();
  },
};
