// The audit log of security events: sign-ins and their failures, uploads with their trust acknowledgment,
// permission changes and trust decisions. Rows are written in the same transaction as the change they record, so
// the log never claims a change that did not happen nor misses one that did.

import { sql, type Kysely } from "kysely";
import type { AuditEventName } from "../contract/audit-events.ts";
import type { Database } from "./storage/schema.ts";

export interface AuditContext {
  actor: { id: number; name: string } | undefined;
  clientAddress: string;
}

export type { AuditEventName };

export async function recordAudit(
  db: Kysely<Database>,
  context: AuditContext,
  event: AuditEventName,
  details: Record<string, unknown>,
  workspaceId?: string,
): Promise<void> {
  await db
    .insertInto("audit_events")
    .values({
      at: Date.now(),
      event,
      actor_id: context.actor?.id ?? null,
      actor_name: context.actor?.name ?? null,
      client_address: context.clientAddress,
      workspace_id: workspaceId ?? null,
      details: JSON.stringify(details),
    })
    .execute();
}

export interface AuditEvent {
  id: number;
  at: string;
  event: string;
  actor: string | null;
  clientAddress: string | null;
  workspace: string | null;
  details: Record<string, unknown>;
}

export interface AuditFilter {
  event?: string;
  /** The actor, or the account an event was about (its details' "user"). */
  user?: string;
  workspace?: string;
  /** Milliseconds since the epoch: from inclusive, to exclusive. */
  from?: number;
  to?: number;
}

/** LIKE's own characters, escaped with backslash (the query says ESCAPE '\\'). */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Newest first; `before` pages back by id. */
export async function listAudit(
  db: Kysely<Database>,
  options: { limit: number; before?: number } & AuditFilter,
): Promise<AuditEvent[]> {
  let query = db.selectFrom("audit_events").selectAll().orderBy("id", "desc").limit(options.limit);
  if (options.before !== undefined) query = query.where("id", "<", options.before);
  if (options.event !== undefined) query = query.where("event", "=", options.event);
  if (options.workspace !== undefined) query = query.where("workspace_id", "=", options.workspace);
  if (options.from !== undefined) query = query.where("at", ">=", options.from);
  if (options.to !== undefined) query = query.where("at", "<", options.to);
  const user = options.user;
  if (user !== undefined) {
    // The details are JSON.stringify's text, so the user's field is this exact substring (LIKE and ESCAPE are in
    // both SQLite and PostgreSQL; JSON functions differ between them).
    const field = `%${likeLiteral(JSON.stringify({ user }).slice(1, -1))}%`;
    query = query.where((eb) =>
      eb.or([eb("actor_name", "=", user), sql<boolean>`${eb.ref("details")} like ${field} escape '\\'`]),
    );
  }
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    at: new Date(Number(r.at)).toISOString(),
    event: r.event,
    actor: r.actor_name,
    clientAddress: r.client_address,
    workspace: r.workspace_id,
    details: JSON.parse(r.details) as Record<string, unknown>,
  }));
}
