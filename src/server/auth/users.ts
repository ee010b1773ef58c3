// Accounts: creation, look-up, password changes. Shared by the HTTP routes and the `vitrine user` commands so that
// both apply the same name and password rules and the same audit events.

import type { Db } from "../storage/database.ts";
import { recordAudit, type AuditContext } from "../audit.ts";
import { AppError } from "../errors.ts";
import { generatePassword, hashPassword, passwordProblem } from "./passwords.ts";

export interface User {
  id: number;
  name: string;
  admin: boolean;
  mustChangePassword: boolean;
}

// Names appear in URLs, audit lines and member lists: a small alphabet keeps them unambiguous and free of
// look-alike or control characters.
const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function userNameProblem(name: string): string | undefined {
  return USER_NAME.test(name)
    ? undefined
    : "a user name is 1 to 64 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit";
}

export function toUser(row: { id: number; name: string; admin: number; must_change_password: number }): User {
  return { id: row.id, name: row.name, admin: row.admin === 1, mustChangePassword: row.must_change_password === 1 };
}

export async function findUserByName(db: Db, name: string) {
  return db.selectFrom("users").selectAll().where("name", "=", name).executeTakeFirst();
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function createUser(
  db: Db,
  input: { name: string; password: string; admin: boolean; mustChangePassword?: boolean },
  context: AuditContext,
): Promise<User> {
  const nameProblem = userNameProblem(input.name);
  if (nameProblem) throw new AppError(400, "invalid_user_name", nameProblem);
  const problem = passwordProblem(input.password);
  if (problem) throw new AppError(400, "weak_password", problem);
  const hash = await hashPassword(input.password);
  const now = Date.now();
  return db.transaction().execute(async (tx) => {
    if (await findUserByName(tx, input.name))
      throw new AppError(409, "user_exists", `a user named "${input.name}" already exists`);
    const row = await tx
      .insertInto("users")
      .values({
        name: input.name,
        password_hash: hash,
        admin: input.admin ? 1 : 0,
        must_change_password: input.mustChangePassword ? 1 : 0,
        created_at: now,
        password_changed_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, context, "user_created", { user: input.name, admin: input.admin });
    return toUser(row);
  });
}

/** Sets a new password and ends every session of the account: whoever held one must sign in with the new password. */
export async function setPassword(
  db: Db,
  userId: number,
  password: string,
  context: AuditContext,
  mustChange = false,
): Promise<void> {
  const problem = passwordProblem(password);
  if (problem) throw new AppError(400, "weak_password", problem);
  const hash = await hashPassword(password);
  await db.transaction().execute(async (tx) => {
    const row = await tx
      .updateTable("users")
      .set({ password_hash: hash, password_changed_at: Date.now(), must_change_password: mustChange ? 1 : 0 })
      .where("id", "=", userId)
      .returning("name")
      .executeTakeFirst();
    if (!row) throw new AppError(404, "user_not_found", "no such user");
    await tx.deleteFrom("sessions").where("user_id", "=", userId).execute();
    await recordAudit(tx, context, "password_changed", { user: row.name, sessionsRevoked: true });
  });
}

/**
 * On a database with no account, creates the administrator "admin" with a generated password that must be changed
 * at first sign-in. Returns the password so that it can be shown once; it is stored nowhere else.
 */
export async function ensureFirstAdministrator(db: Db): Promise<{ name: string; password: string } | undefined> {
  if ((await countUsers(db)) > 0) return undefined;
  const password = generatePassword();
  await createUser(
    db,
    { name: "admin", password, admin: true, mustChangePassword: true },
    { actor: undefined, clientAddress: "local" },
  );
  return { name: "admin", password };
}
