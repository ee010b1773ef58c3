// Kernels over REST: the kernelspecs on offer, a workspace's kernels, their lifecycle, and the workspace's network
// permission for kernels. Editors and owners run; viewers see the list; owners decide about network.
import { NoContent, withErrors } from "../../contract/api-answers.ts";
import {
  KernelInfo,
  KernelList,
  KernelNetwork,
  KernelParams,
  KernelSpecList,
  StartKernelBody,
} from "../../contract/api-kernels.ts";
import { WorkspaceParams } from "../../contract/api-workspaces.ts";
import type { StudioRoutePlugin } from "../studio.ts";
import { requireRole } from "../workspaces.ts";
import { auditContext, signedIn } from "./audit-context.ts";

export const kernelRoutes: StudioRoutePlugin = async (app, { studio }) => {
  const { db, kernels } = studio;
  const tags = ["kernels"];

  app.get(
    "/api/kernelspecs",
    {
      schema: {
        summary: "The kernels this studio may start, and whether it can start them here",
        tags,
        response: withErrors({ 200: KernelSpecList }),
      },
    },
    async () => kernels.specList(),
  );

  app.get(
    "/api/workspaces/:ws/kernels",
    {
      schema: {
        summary: "The workspace's kernels and their state",
        tags,
        params: WorkspaceParams,
        response: withErrors({ 200: KernelList }),
      },
    },
    async (request) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "viewer");
      return { kernels: kernels.list(access.id) };
    },
  );

  app.post(
    "/api/workspaces/:ws/kernels",
    {
      schema: {
        summary: "Start a kernel for a file of the workspace, in its own sandbox",
        tags,
        params: WorkspaceParams,
        body: StartKernelBody,
        response: withErrors({ 201: KernelInfo }),
      },
    },
    async (request, reply) => {
      const user = signedIn(request);
      const access = await requireRole(db, request.params.ws, user, "editor");
      const started = await kernels.start(
        access,
        user,
        request.body.path,
        request.body.kernelspec,
        auditContext(request),
      );
      return reply.code(201).send(started);
    },
  );

  app.post(
    "/api/workspaces/:ws/kernels/:id/interrupt",
    {
      schema: {
        summary: "Interrupt the code a kernel is running",
        tags,
        params: KernelParams,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "editor");
      await kernels.interrupt(access.id, request.params.id);
      return reply.code(204).send();
    },
  );

  app.post(
    "/api/workspaces/:ws/kernels/:id/restart",
    {
      schema: {
        summary: "Restart a kernel: its state is lost, its files and network stay",
        tags,
        params: KernelParams,
        response: withErrors({ 200: KernelInfo }),
      },
    },
    async (request) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "editor");
      return kernels.restart(access.id, request.params.id, auditContext(request));
    },
  );

  app.delete(
    "/api/workspaces/:ws/kernels/:id",
    {
      schema: {
        summary: "Shut a kernel down",
        tags,
        params: KernelParams,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "editor");
      await kernels.shutdown(access.id, request.params.id, auditContext(request));
      return reply.code(204).send();
    },
  );

  app.get(
    "/api/workspaces/:ws/kernel-network",
    {
      schema: {
        summary: "Whether the workspace's kernels may reach out through the studio's egress proxy",
        tags,
        params: WorkspaceParams,
        response: withErrors({ 200: KernelNetwork }),
      },
    },
    async (request) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "viewer");
      return { allowed: await kernels.networkAllowed(access.id) };
    },
  );

  app.put(
    "/api/workspaces/:ws/kernel-network",
    {
      schema: {
        summary: "Allow or forbid network for the workspace's kernels started from now on (owners; audited)",
        tags,
        params: WorkspaceParams,
        body: KernelNetwork,
        response: withErrors({ 200: KernelNetwork }),
      },
    },
    async (request) => {
      const access = await requireRole(db, request.params.ws, signedIn(request), "owner");
      await kernels.setNetwork(access.id, request.body.allowed, auditContext(request));
      return { allowed: request.body.allowed };
    },
  );
};
