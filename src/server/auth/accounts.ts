// Accounts as administrators manage them: the list, invited accounts, disabling and the administrator flag. The
// rule that the studio always keeps an enabled administrator lives here, checked in the transaction that changes it.

import { sql } from "kysely";
import type { Db } from "../storage/database.ts";
import { recordAudit, type AuditContext } from "../audit.ts";
import { AppError } from "../errors.ts";
import { issueInvitation } from "./invitations.ts";
import { findUserByName, userNameProblem } from "./users.ts";

/**
 * The password hash of an invited account until its link is used. It matches no password (it is not a hash at
 * all), so the account cannot sign in before its owner chooses a password.
 */
export const NO_PASSWORD_YET = "!invited";

export interface AccountView {
  name: string;
  admin: boolean;
  disabled: boolean;
  pending: boolean;
  createdAt: string;
  lastSignInAt: string | null;
}

type AccountRow = {
  name: string;
  admin: number;
  disabled_at: number | null;
  password_hash: string;
  created_at: number;
  last_sign_in: number | null;
};

function view(row: AccountRow): AccountView {
  return {
    name: row.name,
    admin: row.admin === 1,
    disabled: row.disabled_at !== null,
    pending: row.password_hash === NO_PASSWORD_YET,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    lastSignInAt: row.last_sign_in === null ? null : new Date(Number(row.last_sign_in)).toISOString(),
  };
}

function accountQuery(db: Db) {
  return db
    .selectFrom("users")
    .select(["users.name", "users.admin", "users.disabled_at", "users.password_hash", "users.created_at"])
    .select((eb) =>
      // The audit log already records every sign-in; reading it spares a write on each one.
      eb
        .selectFrom("audit_events")
        .select(sql<number | null>`max(audit_events.at)`.as("at"))
        .whereRef("audit_events.actor_id", "=", "users.id")
        .where("audit_events.event", "in", ["login_succeeded", "invitation_accepted"])
        .as("last_sign_in"),
    );
}

export async function listAccounts(db: Db): Promise<AccountView[]> {
  const rows = await accountQuery(db).orderBy("users.name").execute();
  return rows.map((r) => view(r as AccountRow));
}

async function account(db: Db, name: string): Promise<AccountView> {
  const row = await accountQuery(db).where("users.name", "=", name).executeTakeFirst();
  if (!row) throw new AppError(404, "user_not_found", `no user is named "${name}"`);
  return view(row as AccountRow);
}

/** Creates an account with no password and its invitation link, shown once. */
export async function inviteUser(
  db: Db,
  input: { name: string; admin: boolean },
  context: AuditContext,
  appOrigin: string,
): Promise<{ user: AccountView; link: string; expiresAt: number }> {
  const nameProblem = userNameProblem(input.name);
  if (nameProblem) throw new AppError(400, "invalid_user_name", nameProblem);
  return db.transaction().execute(async (tx) => {
    if (await findUserByName(tx, input.name))
      throw new AppError(409, "user_exists", `a user named "${input.name}" already exists`);
    const now = Date.now();
    const row = await tx
      .insertInto("users")
      .values({
        name: input.name,
        password_hash: NO_PASSWORD_YET,
        admin: input.admin ? 1 : 0,
        must_change_password: 0,
        created_at: now,
        password_changed_at: now,
        disabled_at: null,
      })
      .returning(["id", "name"])
      .executeTakeFirstOrThrow();
    await recordAudit(tx, context, "user_created", { user: input.name, admin: input.admin, invited: true });
    const link = await issueInvitation(tx, row, "invitation", context, appOrigin, now);
    return { user: await account(tx, input.name), ...link };
  });
}

/** A password-reset link; the account's sessions end when it is used (acceptInvitation). */
export async function issuePasswordReset(
  db: Db,
  name: string,
  context: AuditContext,
  appOrigin: string,
): Promise<{ user: AccountView; link: string; expiresAt: number }> {
  return db.transaction().execute(async (tx) => {
    const row = await findUserByName(tx, name);
    if (!row) throw new AppError(404, "user_not_found", `no user is named "${name}"`);
    const link = await issueInvitation(tx, row, "password_reset", context, appOrigin);
    return { user: await account(tx, name), ...link };
  });
}

/**
 * Disables or enables an account, grants or removes administrator. Disabling ends the account's sessions at once.
 * Refuses a change that would leave no enabled administrator: nobody could manage accounts from then on.
 */
export async function changeAccount(
  db: Db,
  name: string,
  change: { disabled?: boolean; admin?: boolean },
  context: AuditContext,
): Promise<AccountView> {
  return db.transaction().execute(async (tx) => {
    const row = await findUserByName(tx, name);
    if (!row) throw new AppError(404, "user_not_found", `no user is named "${name}"`);
    const wasDisabled = row.disabled_at !== null;
    const wasAdmin = row.admin === 1;
    const disabled = change.disabled ?? wasDisabled;
    const admin = change.admin ?? wasAdmin;
    if (wasAdmin && !wasDisabled && (!admin || disabled)) {
      const others = await tx
        .selectFrom("users")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("admin", "=", 1)
        .where("disabled_at", "is", null)
        .where("id", "!=", row.id)
        .executeTakeFirstOrThrow();
      if (Number(others.n) === 0)
        throw new AppError(
          409,
          "last_administrator",
          "this is the last enabled administrator; make another administrator first",
        );
    }
    if (disabled !== wasDisabled) {
      await tx
        .updateTable("users")
        .set({ disabled_at: disabled ? Date.now() : null })
        .where("id", "=", row.id)
        .execute();
      if (disabled) {
        await tx.deleteFrom("sessions").where("user_id", "=", row.id).execute();
        // An unused link would let the account back in.
        await tx.deleteFrom("invitations").where("user_id", "=", row.id).where("used_at", "is", null).execute();
      }
      await recordAudit(tx, context, disabled ? "user_disabled" : "user_enabled", {
        user: name,
        ...(disabled ? { sessionsRevoked: true } : {}),
      });
    }
    if (admin !== wasAdmin) {
      await tx
        .updateTable("users")
        .set({ admin: admin ? 1 : 0 })
        .where("id", "=", row.id)
        .execute();
      await recordAudit(tx, context, admin ? "admin_granted" : "admin_revoked", { user: name });
    }
    return account(tx, name);
  });
}
