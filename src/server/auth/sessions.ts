// Server-side sessions. The cookie holds a random token; the database holds only its SHA-256, so a leaked copy of
// the database does not sign anyone in. A session ends when unused for the idle timeout, at the absolute timeout
// after sign-in, on sign-out, and on any password change of its account.

import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "../storage/database.ts";
import { toUser, type User } from "./users.ts";

export interface SessionTimeouts {
  idleSeconds: number;
  absoluteSeconds: number;
}

export interface Session {
  id: string;
  user: User;
  csrfToken: string;
  createdAt: number;
}

// Writing last_seen_at on every request would turn each read into a write; a minute's precision is plenty for an
// idle timeout counted in hours.
const TOUCH_INTERVAL_MS = 60_000;

const digest = (token: string) => createHash("sha256").update(token).digest("hex");

export async function createSession(
  db: Db,
  userId: number,
  clientAddress: string,
): Promise<{ token: string; csrfToken: string }> {
  const token = randomBytes(32).toString("base64url");
  const csrfToken = randomBytes(32).toString("base64url");
  const now = Date.now();
  await db
    .insertInto("sessions")
    .values({
      id: digest(token),
      user_id: userId,
      csrf_token: csrfToken,
      created_at: now,
      last_seen_at: now,
      client_address: clientAddress,
    })
    .execute();
  return { token, csrfToken };
}

/** The live session for a cookie token, or undefined; an expired one is deleted on sight. */
export async function findSession(
  db: Db,
  token: string,
  timeouts: SessionTimeouts,
  now = Date.now(),
): Promise<Session | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const id = digest(token);
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select([
      "sessions.id",
      "sessions.csrf_token",
      "sessions.created_at",
      "sessions.last_seen_at",
      "users.id as user_id",
      "users.name",
      "users.admin",
      "users.must_change_password",
    ])
    .where("sessions.id", "=", id)
    // A disabled account's sessions are deleted when it is disabled; this keeps any that slipped by from working.
    .where("users.disabled_at", "is", null)
    .executeTakeFirst();
  if (!row) return undefined;
  const createdAt = Number(row.created_at);
  const lastSeen = Number(row.last_seen_at);
  if (now - lastSeen > timeouts.idleSeconds * 1000 || now - createdAt > timeouts.absoluteSeconds * 1000) {
    await db.deleteFrom("sessions").where("id", "=", id).execute();
    return undefined;
  }
  if (now - lastSeen > TOUCH_INTERVAL_MS)
    await db.updateTable("sessions").set({ last_seen_at: now }).where("id", "=", id).execute();
  return {
    id,
    user: toUser({ id: row.user_id, name: row.name, admin: row.admin, must_change_password: row.must_change_password }),
    csrfToken: row.csrf_token,
    createdAt,
  };
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom("sessions").where("id", "=", id).execute();
}

/** Removes sessions past either timeout; run now and then so the table does not keep dead rows. */
export async function deleteExpiredSessions(db: Db, timeouts: SessionTimeouts, now = Date.now()): Promise<void> {
  await db
    .deleteFrom("sessions")
    .where((eb) =>
      eb.or([
        eb("last_seen_at", "<", now - timeouts.idleSeconds * 1000),
        eb("created_at", "<", now - timeouts.absoluteSeconds * 1000),
      ]),
    )
    .execute();
}

export function csrfTokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
