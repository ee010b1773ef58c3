// Workspaces and their members. Access is decided here, once: a caller who is not a member learns nothing, not
// even that the workspace exists (404); a member whose role is too low is told so (403).

import { randomBytes } from "node:crypto";
import type { Db } from "./storage/database.ts";
import { recordAudit, type AuditContext } from "./audit.ts";
import { AppError, notFound } from "./errors.ts";
import type { User } from "./auth/users.ts";
import { findUserByName } from "./auth/users.ts";
import type { Role } from "../contract/api-workspaces.ts";
import { MAX_WORKSPACE_NAME_LENGTH } from "../contract/limits.ts";

const RANK: Record<Role, number> = { viewer: 0, editor: 1, owner: 2 };

export interface WorkspaceAccess {
  id: string;
  name: string;
  role: Role;
}

export function workspaceNameProblem(name: string): string | undefined {
  if (name.trim() !== name || name.length === 0)
    return "a workspace name is not empty and has no leading or trailing spaces";
  // eslint-disable-next-line no-control-regex -- control and bidi characters are exactly what this refuses
  if (/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u.test(name))
    return "a workspace name may not contain control or bidirectional-text characters";
  if (name.length > MAX_WORKSPACE_NAME_LENGTH)
    return `a workspace name has at most ${MAX_WORKSPACE_NAME_LENGTH} characters`;
  return undefined;
}

/** The caller's access to a workspace, or 404 when not a member; 403 when a member's role is below `least`. */
export async function requireRole(db: Db, workspaceId: string, user: User, least: Role): Promise<WorkspaceAccess> {
  const row = await db
    .selectFrom("workspaces")
    .innerJoin("members", "members.workspace_id", "workspaces.id")
    .select(["workspaces.id", "workspaces.name", "members.role"])
    .where("workspaces.id", "=", workspaceId)
    .where("members.user_id", "=", user.id)
    .executeTakeFirst();
  if (!row) throw notFound("no such workspace");
  if (RANK[row.role] < RANK[least])
    throw new AppError(403, "role_insufficient", `this needs the ${least} role in the workspace; you are ${row.role}`);
  return row;
}

export async function listWorkspaces(db: Db, user: User) {
  const rows = await db
    .selectFrom("workspaces")
    .innerJoin("members", "members.workspace_id", "workspaces.id")
    .select(["workspaces.id", "workspaces.name", "members.role", "workspaces.created_at"])
    .where("members.user_id", "=", user.id)
    .orderBy("workspaces.name")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    role: r.role,
    createdAt: new Date(Number(r.created_at)).toISOString(),
  }));
}

export async function createWorkspace(
  db: Db,
  user: User,
  name: string,
  context: AuditContext,
): Promise<WorkspaceAccess> {
  const problem = workspaceNameProblem(name);
  if (problem) throw new AppError(400, "invalid_workspace_name", problem);
  const id = randomBytes(12).toString("base64url");
  const now = Date.now();
  await db.transaction().execute(async (tx) => {
    await tx.insertInto("workspaces").values({ id, name, created_at: now, created_by: user.id }).execute();
    await tx
      .insertInto("members")
      .values({ workspace_id: id, user_id: user.id, role: "owner", added_at: now })
      .execute();
    await recordAudit(tx, context, "workspace_created", { name }, id);
  });
  return { id, name, role: "owner" };
}

export async function renameWorkspace(
  db: Db,
  access: WorkspaceAccess,
  name: string,
  context: AuditContext,
): Promise<void> {
  const problem = workspaceNameProblem(name);
  if (problem) throw new AppError(400, "invalid_workspace_name", problem);
  await db.transaction().execute(async (tx) => {
    await tx.updateTable("workspaces").set({ name }).where("id", "=", access.id).execute();
    await recordAudit(tx, context, "workspace_renamed", { from: access.name, to: name }, access.id);
  });
}

export async function listMembers(db: Db, workspaceId: string) {
  const rows = await db
    .selectFrom("members")
    .innerJoin("users", "users.id", "members.user_id")
    .select(["users.name", "members.role", "members.added_at"])
    .where("members.workspace_id", "=", workspaceId)
    .orderBy("users.name")
    .execute();
  return rows.map((r) => ({ username: r.name, role: r.role, addedAt: new Date(Number(r.added_at)).toISOString() }));
}

async function memberUser(db: Db, username: string) {
  const user = await findUserByName(db, username);
  if (!user) throw new AppError(404, "user_not_found", `no user is named "${username}"`);
  return user;
}

/** A user's membership of a workspace, read inside the transaction that changes it. */
function memberRole(tx: Db, workspaceId: string, userId: number) {
  return tx
    .selectFrom("members")
    .select("role")
    .where("workspace_id", "=", workspaceId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
}

export async function addMember(
  db: Db,
  access: WorkspaceAccess,
  username: string,
  role: Role,
  context: AuditContext,
): Promise<void> {
  const user = await memberUser(db, username);
  await db.transaction().execute(async (tx) => {
    const existing = await memberRole(tx, access.id, user.id);
    if (existing) throw new AppError(409, "already_member", `${username} is already a member (${existing.role})`);
    await tx
      .insertInto("members")
      .values({ workspace_id: access.id, user_id: user.id, role, added_at: Date.now() })
      .execute();
    await recordAudit(tx, context, "member_added", { user: username, role }, access.id);
  });
}

/** Changes a member's role, or removes the member when role is undefined. A workspace always keeps one owner. */
export async function changeMember(
  db: Db,
  access: WorkspaceAccess,
  username: string,
  role: Role | undefined,
  context: AuditContext,
): Promise<void> {
  const user = await memberUser(db, username);
  await db.transaction().execute(async (tx) => {
    const existing = await memberRole(tx, access.id, user.id);
    if (!existing) throw new AppError(404, "not_a_member", `${username} is not a member of this workspace`);
    if (existing.role === "owner" && role !== "owner") {
      const owners = await tx
        .selectFrom("members")
        .select("user_id")
        .where("workspace_id", "=", access.id)
        .where("role", "=", "owner")
        .execute();
      if (owners.length === 1)
        throw new AppError(409, "last_owner", "a workspace needs at least one owner; make someone else owner first");
    }
    if (role === undefined) {
      await tx.deleteFrom("members").where("workspace_id", "=", access.id).where("user_id", "=", user.id).execute();
      await recordAudit(tx, context, "member_removed", { user: username, role: existing.role }, access.id);
    } else {
      await tx
        .updateTable("members")
        .set({ role })
        .where("workspace_id", "=", access.id)
        .where("user_id", "=", user.id)
        .execute();
      await recordAudit(
        tx,
        context,
        "member_role_changed",
        { user: username, from: existing.role, to: role },
        access.id,
      );
    }
  });
}
