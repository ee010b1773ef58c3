// One-time links that let a person set their password: a new account's invitation, and a password reset. The link
// carries a random token in its fragment (browsers never send a fragment, so it stays out of request logs and
// Referer headers); the database keeps only the token's SHA-256, and the row is spent by its first use.

import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../storage/database.ts";
import { recordAudit, type AuditContext } from "../audit.ts";
import { AppError } from "../errors.ts";
import { hashPassword, passwordProblem } from "./passwords.ts";
import { toUser, type User } from "./users.ts";

export type InvitationPurpose = "invitation" | "password_reset";

/** How long a link works: long enough to reach someone over a weekend, short enough that a forgotten one dies. */
export const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

/** The page that reads the token from the fragment (src/web/pages/admin-welcome-page.tsx). */
export const WELCOME_PATH = "/welcome";

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const digest = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * Issues a link for an account, replacing any unused one it had (only the newest link works). Runs inside the
 * caller's transaction so that the audit event and the change are one.
 */
export async function issueInvitation(
  tx: Db,
  user: { id: number; name: string },
  purpose: InvitationPurpose,
  context: AuditContext,
  appOrigin: string,
  now = Date.now(),
): Promise<{ link: string; expiresAt: number }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = now + INVITATION_LIFETIME_MS;
  await tx.deleteFrom("invitations").where("user_id", "=", user.id).where("used_at", "is", null).execute();
  await tx
    .insertInto("invitations")
    .values({
      token_hash: digest(token),
      user_id: user.id,
      purpose,
      created_by: context.actor?.id ?? null,
      created_at: now,
      expires_at: expiresAt,
      used_at: null,
    })
    .execute();
  await recordAudit(tx, context, "invitation_issued", {
    user: user.name,
    purpose,
    expiresAt: new Date(expiresAt).toISOString(),
  });
  return { link: `${appOrigin}${WELCOME_PATH}#token=${token}`, expiresAt };
}

/**
 * Spends a link: sets the account's password and ends every session it had. Unknown and used tokens get the same
 * answer; an expired one says so, since only the holder of the token can learn that.
 */
export async function acceptInvitation(
  db: Db,
  token: string,
  password: string,
  clientAddress: string,
  now = Date.now(),
): Promise<User> {
  if (!TOKEN.test(token)) throw invalid();
  const problem = passwordProblem(password);
  if (problem) throw new AppError(400, "weak_password", problem);
  const hash = await hashPassword(password);
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom("invitations")
      .innerJoin("users", "users.id", "invitations.user_id")
      .select([
        "invitations.id as invitation_id",
        "invitations.purpose",
        "invitations.expires_at",
        "invitations.used_at",
        "users.id",
        "users.name",
        "users.admin",
        "users.disabled_at",
      ])
      .where("invitations.token_hash", "=", digest(token))
      .executeTakeFirst();
    if (!row || row.used_at !== null) throw invalid();
    if (Number(row.expires_at) <= now)
      throw new AppError(410, "invitation_expired", "this link has expired; ask an administrator for a new one");
    if (row.disabled_at !== null) throw new AppError(403, "account_disabled", "this account is disabled");
    // Spent first, and only if still unspent: two concurrent uses cannot both set a password.
    const spent = await tx
      .updateTable("invitations")
      .set({ used_at: now })
      .where("id", "=", row.invitation_id)
      .where("used_at", "is", null)
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) !== 1) throw invalid();
    await tx
      .updateTable("users")
      .set({ password_hash: hash, password_changed_at: now, must_change_password: 0 })
      .where("id", "=", row.id)
      .execute();
    await tx.deleteFrom("sessions").where("user_id", "=", row.id).execute();
    const user = toUser({ id: row.id, name: row.name, admin: row.admin, must_change_password: 0 });
    await recordAudit(tx, { actor: user, clientAddress }, "invitation_accepted", {
      user: row.name,
      purpose: row.purpose,
      sessionsRevoked: true,
    });
    return user;
  });
}

function invalid(): AppError {
  return new AppError(404, "invitation_invalid", "this link is not valid, or it was already used");
}
