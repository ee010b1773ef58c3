// Workspaces and their members.
import { Type, type Static } from "typebox";
import { MAX_USER_NAME_LENGTH, MAX_WORKSPACE_NAME_LENGTH } from "./limits.ts";

export const Role = Type.Enum(["viewer", "editor", "owner"], {
  type: "string",
  description: "viewers read; editors also upload, move and trash; owners also manage members and restore",
});
export type Role = Static<typeof Role>;

const WorkspaceId = Type.String({ pattern: "^[A-Za-z0-9_-]{16}$", description: "workspace id" });

export const WorkspaceParams = Type.Object({ ws: WorkspaceId }, { additionalProperties: false });
export type WorkspaceParams = Static<typeof WorkspaceParams>;

export const MemberParams = Type.Object(
  { ws: WorkspaceId, username: Type.String({ maxLength: MAX_USER_NAME_LENGTH }) },
  { additionalProperties: false },
);
export type MemberParams = Static<typeof MemberParams>;

export const WorkspaceNameBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: MAX_WORKSPACE_NAME_LENGTH }) },
  { additionalProperties: false },
);
export type WorkspaceNameBody = Static<typeof WorkspaceNameBody>;

/** A workspace and the caller's role in it. */
export const WorkspaceAccess = Type.Object(
  { id: Type.String(), name: Type.String(), role: Role },
  { description: "the workspace and your role in it" },
);
export type WorkspaceAccess = Static<typeof WorkspaceAccess>;

/** A workspace as the list of one's workspaces shows it. */
export const Workspace = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Role,
  createdAt: Type.String({ description: "ISO 8601" }),
});
export type Workspace = Static<typeof Workspace>;

export const WorkspaceList = Type.Object(
  { workspaces: Type.Array(Workspace) },
  { description: "your workspaces, by name" },
);
export type WorkspaceList = Static<typeof WorkspaceList>;

export const Member = Type.Object({
  username: Type.String(),
  role: Role,
  addedAt: Type.String({ description: "ISO 8601" }),
});
export type Member = Static<typeof Member>;

export const MemberList = Type.Object(
  { members: Type.Array(Member) },
  { description: "the workspace's members, by name" },
);
export type MemberList = Static<typeof MemberList>;

export const NewMemberBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: MAX_USER_NAME_LENGTH }), role: Role },
  { additionalProperties: false },
);
export type NewMemberBody = Static<typeof NewMemberBody>;

export const MemberRoleBody = Type.Object({ role: Role }, { additionalProperties: false });
export type MemberRoleBody = Static<typeof MemberRoleBody>;

/** A member's role as it now is, after it was given or changed. */
export const MemberRole = Type.Object(
  { username: Type.String(), role: Role },
  { description: "the member's role as it now is" },
);
export type MemberRole = Static<typeof MemberRole>;
