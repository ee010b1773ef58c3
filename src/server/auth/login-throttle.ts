// Sign-in throttling, per account and per client address, kept in the database so that a restart does not reset
// it. Counting failures in a sliding window (rather than locking an account for good) keeps a guesser slow
// without letting anyone lock a colleague out for longer than the window.

import type { Db } from "../storage/database.ts";

export interface ThrottleLimits {
  perAccount: number;
  perAddress: number;
  windowSeconds: number;
}

const subjects = (account: string, address: string) => ({
  account: `account:${account}`,
  address: `address:${address}`,
});

/** Seconds until sign-in may be tried again, or 0 when it may be tried now. */
export async function loginBlockedFor(
  db: Db,
  account: string,
  address: string,
  limits: ThrottleLimits,
  now = Date.now(),
): Promise<number> {
  const since = now - limits.windowSeconds * 1000;
  const s = subjects(account, address);
  let wait = 0;
  for (const [subject, limit] of [
    [s.account, limits.perAccount],
    [s.address, limits.perAddress],
  ] as const) {
    const rows = await db
      .selectFrom("login_failures")
      .select("at")
      .where("subject", "=", subject)
      .where("at", ">", since)
      .orderBy("at", "desc")
      .limit(limit)
      .execute();
    if (rows.length >= limit) {
      // Blocked until the oldest counted failure leaves the window.
      const oldest = Number(rows[rows.length - 1]?.at ?? now);
      wait = Math.max(wait, Math.ceil((oldest + limits.windowSeconds * 1000 - now) / 1000));
    }
  }
  return wait;
}

export async function recordLoginFailure(
  db: Db,
  account: string,
  address: string,
  limits: ThrottleLimits,
  now = Date.now(),
): Promise<void> {
  const s = subjects(account, address);
  await db
    .insertInto("login_failures")
    .values([
      { subject: s.account, at: now },
      { subject: s.address, at: now },
    ])
    .execute();
  await db
    .deleteFrom("login_failures")
    .where("at", "<", now - limits.windowSeconds * 1000)
    .execute();
}

/** A successful sign-in clears the account's failures (not the address's: one good password must not reset a spray). */
export async function clearAccountFailures(db: Db, account: string): Promise<void> {
  await db.deleteFrom("login_failures").where("subject", "=", subjects(account, "").account).execute();
}
