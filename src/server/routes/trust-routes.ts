// The signed-in user's trusted domains and trusted external applications.

import type { StudioRoutePlugin } from "../studio.ts";
import {
  distrustApplication,
  distrustDomain,
  listTrustedApplications,
  listTrustedDomains,
  trustApplication,
  trustDomain,
} from "../trust.ts";
import { auditContext, signedIn } from "./audit-context.ts";

export const trustRoutes: StudioRoutePlugin = async (app, { studio }) => {
  const { db } = studio;
  const tags = ["trust"];

  app.get("/api/trust/domains", { schema: { summary: "Your trusted domains", tags } }, async (request) => ({
    domains: await listTrustedDomains(db, signedIn(request).id),
  }));
  app.post<{ Body: { domain: string } }>(
    "/api/trust/domains",
    {
      schema: {
        summary: "Trust a domain",
        tags,
        body: {
          type: "object",
          required: ["domain"],
          additionalProperties: false,
          properties: { domain: { type: "string", minLength: 1, maxLength: 253 } },
        },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send({ domain: await trustDomain(db, signedIn(request).id, request.body.domain, auditContext(request)) }),
  );
  app.delete<{ Params: { domain: string } }>(
    "/api/trust/domains/:domain",
    {
      schema: {
        summary: "Stop trusting a domain",
        tags,
        params: {
          type: "object",
          required: ["domain"],
          additionalProperties: false,
          properties: { domain: { type: "string", maxLength: 253 } },
        },
      },
    },
    async (request, reply) => {
      await distrustDomain(db, signedIn(request).id, request.params.domain, auditContext(request));
      return reply.code(204).send();
    },
  );

  app.get(
    "/api/trust/applications",
    { schema: { summary: "Your trusted external applications (URL schemes)", tags } },
    async (request) => ({
      applications: await listTrustedApplications(db, signedIn(request).id),
    }),
  );
  app.post<{ Body: { scheme: string } }>(
    "/api/trust/applications",
    {
      schema: {
        summary: "Trust an external application by its URL scheme",
        tags,
        body: {
          type: "object",
          required: ["scheme"],
          additionalProperties: false,
          properties: { scheme: { type: "string", minLength: 1, maxLength: 64 } },
        },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send({ scheme: await trustApplication(db, signedIn(request).id, request.body.scheme, auditContext(request)) }),
  );
  app.delete<{ Params: { scheme: string } }>(
    "/api/trust/applications/:scheme",
    {
      schema: {
        summary: "Stop trusting an external application",
        tags,
        params: {
          type: "object",
          required: ["scheme"],
          additionalProperties: false,
          properties: { scheme: { type: "string", maxLength: 64 } },
        },
      },
    },
    async (request, reply) => {
      await distrustApplication(db, signedIn(request).id, request.params.scheme, auditContext(request));
      return reply.code(204).send();
    },
  );
};
