// Workspaces and their members.

import {
  addMember,
  changeMember,
  createWorkspace,
  listMembers,
  listWorkspaces,
  renameWorkspace,
  requireRole,
  ROLES,
  MAX_WORKSPACE_NAME,
  type Role,
} from "../workspaces.ts";
import type { StudioRoutePlugin } from "../studio.ts";
import { auditContext, signedIn } from "./audit-context.ts";

export const wsParams = {
  type: "object",
  required: ["ws"],
  additionalProperties: false,
  properties: { ws: { type: "string", pattern: "^[A-Za-z0-9_-]{16}$", description: "workspace id" } },
} as const;
const memberParams = {
  type: "object",
  required: ["ws", "username"],
  additionalProperties: false,
  properties: { ws: wsParams.properties.ws, username: { type: "string", maxLength: 64 } },
} as const;
const nameBody = {
  type: "object",
  required: ["name"],
  additionalProperties: false,
  properties: { name: { type: "string", minLength: 1, maxLength: MAX_WORKSPACE_NAME } },
} as const;
const roleSchema = { type: "string", enum: ROLES } as const;

export const workspaceRoutes: StudioRoutePlugin = async (app, { studio }) => {
  const { db } = studio;

  app.get(
    "/api/workspaces",
    { schema: { summary: "Workspaces you are a member of, with your role", tags: ["workspaces"] } },
    async (request) => ({
      workspaces: await listWorkspaces(db, signedIn(request)),
    }),
  );

  app.post<{ Body: { name: string } }>(
    "/api/workspaces",
    { schema: { summary: "Create a workspace; you become its owner", tags: ["workspaces"], body: nameBody } },
    async (request, reply) => {
      const ws = await createWorkspace(db, signedIn(request), request.body.name, auditContext(request));
      return reply.code(201).send(ws);
    },
  );

  app.get<{ Params: { ws: string } }>(
    "/api/workspaces/:ws",
    { schema: { summary: "One workspace and your role in it", tags: ["workspaces"], params: wsParams } },
    async (request) => requireRole(db, request.params.ws, signedIn(request), "viewer"),
  );

  app.patch<{ Params: { ws: string }; Body: { name: string } }>(
    "/api/workspaces/:ws",
    { schema: { summary: "Rename a workspace (owner)", tags: ["workspaces"], params: wsParams, body: nameBody } },
    async (request) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "owner");
      await renameWorkspace(db, access, request.body.name, auditContext(request));
      return { ...access, name: request.body.name };
    },
  );

  app.get<{ Params: { ws: string } }>(
    "/api/workspaces/:ws/members",
    { schema: { summary: "Members and their roles", tags: ["members"], params: wsParams } },
    async (request) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "viewer");
      return { members: await listMembers(db, access.id) };
    },
  );

  app.post<{ Params: { ws: string }; Body: { username: string; role: Role } }>(
    "/api/workspaces/:ws/members",
    {
      schema: {
        summary: "Add a member (owner)",
        tags: ["members"],
        params: wsParams,
        body: {
          type: "object",
          required: ["username", "role"],
          additionalProperties: false,
          properties: { username: { type: "string", minLength: 1, maxLength: 64 }, role: roleSchema },
        },
      },
    },
    async (request, reply) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "owner");
      await addMember(db, access, request.body.username, request.body.role, auditContext(request));
      return reply.code(201).send({ username: request.body.username, role: request.body.role });
    },
  );

  app.patch<{ Params: { ws: string; username: string }; Body: { role: Role } }>(
    "/api/workspaces/:ws/members/:username",
    {
      schema: {
        summary: "Change a member's role (owner)",
        tags: ["members"],
        params: memberParams,
        body: { type: "object", required: ["role"], additionalProperties: false, properties: { role: roleSchema } },
      },
    },
    async (request) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "owner");
      await changeMember(db, access, request.params.username, request.body.role, auditContext(request));
      return { username: request.params.username, role: request.body.role };
    },
  );

  app.delete<{ Params: { ws: string; username: string } }>(
    "/api/workspaces/:ws/members/:username",
    { schema: { summary: "Remove a member (owner)", tags: ["members"], params: memberParams } },
    async (request, reply) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "owner");
      await changeMember(db, access, request.params.username, undefined, auditContext(request));
      return reply.code(204).send();
    },
  );
};
