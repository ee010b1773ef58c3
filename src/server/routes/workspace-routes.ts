// Workspaces and their members.

import { NoContent, withErrors } from "../../contract/api-answers.ts";
import {
  MemberList,
  MemberParams,
  MemberRole,
  MemberRoleBody,
  NewMemberBody,
  WorkspaceAccess,
  WorkspaceList,
  WorkspaceNameBody,
  WorkspaceParams,
} from "../../contract/api-workspaces.ts";
import {
  addMember,
  changeMember,
  createWorkspace,
  listMembers,
  listWorkspaces,
  renameWorkspace,
  requireRole,
} from "../workspaces.ts";
import type { StudioRoutePlugin } from "../studio.ts";
import { auditContext, signedIn } from "./audit-context.ts";

export const workspaceRoutes: StudioRoutePlugin = async (app, { studio }) => {
  const { db } = studio;

  app.get(
    "/api/workspaces",
    {
      schema: {
        summary: "Workspaces you are a member of, with your role",
        tags: ["workspaces"],
        response: withErrors({ 200: WorkspaceList }),
      },
    },
    async (request) => ({
      workspaces: await listWorkspaces(db, signedIn(request)),
    }),
  );

  app.post(
    "/api/workspaces",
    {
      schema: {
        summary: "Create a workspace; you become its owner",
        tags: ["workspaces"],
        body: WorkspaceNameBody,
        response: withErrors({ 201: WorkspaceAccess }),
      },
    },
    async (request, reply) => {
      const ws = await createWorkspace(db, signedIn(request), request.body.name, auditContext(request));
      return reply.code(201).send(ws);
    },
  );

  app.get(
    "/api/workspaces/:ws",
    {
      schema: {
        summary: "One workspace and your role in it",
        tags: ["workspaces"],
        params: WorkspaceParams,
        response: withErrors({ 200: WorkspaceAccess }),
      },
    },
    async (request) => requireRole(db, request.params.ws, signedIn(request), "viewer"),
  );

  app.patch(
    "/api/workspaces/:ws",
    {
      schema: {
        summary: "Rename a workspace (owner)",
        tags: ["workspaces"],
        params: WorkspaceParams,
        body: WorkspaceNameBody,
        response: withErrors({ 200: WorkspaceAccess }),
      },
    },
    async (request) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "owner");
      await renameWorkspace(db, access, request.body.name, auditContext(request));
      return { ...access, name: request.body.name };
    },
  );

  app.get(
    "/api/workspaces/:ws/members",
    {
      schema: {
        summary: "Members and their roles",
        tags: ["members"],
        params: WorkspaceParams,
        response: withErrors({ 200: MemberList }),
      },
    },
    async (request) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "viewer");
      return { members: await listMembers(db, access.id) };
    },
  );

  app.post(
    "/api/workspaces/:ws/members",
    {
      schema: {
        summary: "Add a member (owner)",
        tags: ["members"],
        params: WorkspaceParams,
        body: NewMemberBody,
        response: withErrors({ 201: MemberRole }),
      },
    },
    async (request, reply) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "owner");
      await addMember(db, access, request.body.username, request.body.role, auditContext(request));
      return reply.code(201).send({ username: request.body.username, role: request.body.role });
    },
  );

  app.patch(
    "/api/workspaces/:ws/members/:username",
    {
      schema: {
        summary: "Change a member's role (owner)",
        tags: ["members"],
        params: MemberParams,
        body: MemberRoleBody,
        response: withErrors({ 200: MemberRole }),
      },
    },
    async (request) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "owner");
      await changeMember(db, access, request.params.username, request.body.role, auditContext(request));
      return { username: request.params.username, role: request.body.role };
    },
  );

  app.delete(
    "/api/workspaces/:ws/members/:username",
    {
      schema: {
        summary: "Remove a member (owner)",
        tags: ["members"],
        params: MemberParams,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "owner");
      await changeMember(db, access, request.params.username, undefined, auditContext(request));
      return reply.code(204).send();
    },
  );
};
