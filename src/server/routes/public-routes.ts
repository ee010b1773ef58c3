// Routes anyone may read: health, the OpenAPI description, security.txt and the security policy it points at.

import { readFileSync } from "node:fs";
import { textAnswer, withErrors } from "../../contract/api-answers.ts";
import { Health, OpenApiDocument, StudioSettings } from "../../contract/api-public.ts";
import { TRUST_STATEMENTS } from "../files.ts";
import type { StudioRoutePlugin } from "../studio.ts";

const SECURITY_POLICY = readFileSync(new URL("../../../SECURITY.md", import.meta.url), "utf8");
const YEAR_MS = 365 * 86400_000;

export const publicRoutes: StudioRoutePlugin = async (app, { studio }) => {
  const { config } = studio;

  app.get(
    "/healthz",
    { schema: { summary: "Liveness and database check", tags: ["meta"], response: withErrors({ 200: Health }) } },
    async () => {
      await studio.db.selectFrom("users").select("id").limit(1).execute();
      return { status: "ok" as const };
    },
  );

  // What the UI needs before anything else: where its output frames and proxied images come from, and the words
  // of the trust statement an upload asks a person to agree to (shown exactly as the audit records them).
  app.get(
    "/api/config",
    {
      schema: {
        summary: "The studio's public settings for its UI",
        tags: ["meta"],
        response: withErrors({ 200: StudioSettings }),
      },
    },
    async () => ({
      contentOrigin: config.contentUrl.origin,
      trustStatements: Object.entries(TRUST_STATEMENTS).map(([id, text]) => ({ id, text })),
      autosaveSeconds: config.autosaveSeconds,
    }),
  );

  app.get(
    "/api/openapi.json",
    {
      schema: {
        summary: "This API's OpenAPI description",
        tags: ["meta"],
        response: withErrors({ 200: OpenApiDocument }),
      },
    },
    async () => app.swagger(),
  );

  // RFC 9116: Contact and Expires are required; Expires is computed at each request so that it never lapses on a
  // server that runs for a long time.
  app.get(
    "/.well-known/security.txt",
    {
      schema: {
        summary: "RFC 9116 security contact",
        tags: ["meta"],
        response: withErrors({ 200: textAnswer("text/plain", "the security.txt file") }),
      },
    },
    async (_request, reply) => {
      const origin = config.appUrl.origin;
      const body = [
        `Contact: ${config.securityContact}`,
        `Expires: ${new Date(Date.now() + YEAR_MS).toISOString().replace(/\.\d{3}Z$/, "Z")}`,
        `Policy: ${origin}/SECURITY.md`,
        "Preferred-Languages: en",
        `Canonical: ${origin}/.well-known/security.txt`,
        "",
      ].join("\n");
      return reply.type("text/plain; charset=utf-8").send(body);
    },
  );

  app.get(
    "/SECURITY.md",
    {
      schema: {
        summary: "The security policy: how to report a vulnerability",
        tags: ["meta"],
        response: withErrors({ 200: textAnswer("text/plain", "the policy, in Markdown") }),
      },
    },
    async (_request, reply) => reply.type("text/plain; charset=utf-8").send(SECURITY_POLICY),
  );
};
