// The signed-in user's trusted domains and trusted external applications.

import { NoContent, withErrors } from "../../contract/api-answers.ts";
import {
  DomainBody,
  DomainParams,
  SchemeBody,
  SchemeParams,
  TrustedApplication,
  TrustedApplications,
  TrustedDomain,
  TrustedDomains,
} from "../../contract/api-trust.ts";
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

  app.get(
    "/api/trust/domains",
    { schema: { summary: "Your trusted domains", tags, response: withErrors({ 200: TrustedDomains }) } },
    async (request) => ({
      domains: await listTrustedDomains(db, signedIn(request).id),
    }),
  );
  app.post(
    "/api/trust/domains",
    { schema: { summary: "Trust a domain", tags, body: DomainBody, response: withErrors({ 201: TrustedDomain }) } },
    async (request, reply) =>
      reply
        .code(201)
        .send({ domain: await trustDomain(db, signedIn(request).id, request.body.domain, auditContext(request)) }),
  );
  app.delete(
    "/api/trust/domains/:domain",
    {
      schema: {
        summary: "Stop trusting a domain",
        tags,
        params: DomainParams,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await distrustDomain(db, signedIn(request).id, request.params.domain, auditContext(request));
      return reply.code(204).send();
    },
  );

  app.get(
    "/api/trust/applications",
    {
      schema: {
        summary: "Your trusted external applications (URL schemes)",
        tags,
        response: withErrors({ 200: TrustedApplications }),
      },
    },
    async (request) => ({
      applications: await listTrustedApplications(db, signedIn(request).id),
    }),
  );
  app.post(
    "/api/trust/applications",
    {
      schema: {
        summary: "Trust an external application by its URL scheme",
        tags,
        body: SchemeBody,
        response: withErrors({ 201: TrustedApplication }),
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send({ scheme: await trustApplication(db, signedIn(request).id, request.body.scheme, auditContext(request)) }),
  );
  app.delete(
    "/api/trust/applications/:scheme",
    {
      schema: {
        summary: "Stop trusting an external application",
        tags,
        params: SchemeParams,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await distrustApplication(db, signedIn(request).id, request.params.scheme, auditContext(request));
      return reply.code(204).send();
    },
  );
};
