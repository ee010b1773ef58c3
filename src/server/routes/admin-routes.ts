// Administrators' view of the audit log, and its exports.

import { textAnswer, withErrors } from "../../contract/api-answers.ts";
import { AuditEvents, AuditExportQuery, AuditQuery } from "../../contract/api-audit.ts";
import { auditCsv, auditJsonLines } from "../audit-export.ts";
import { listAudit, type AuditFilter } from "../audit.ts";
import type { StudioRoutePlugin } from "../studio.ts";
import { administratorsOnly } from "./require-admin.ts";

/** Most events in one export: a larger log is exported by time range, a piece at a time. */
export const MAX_AUDIT_EXPORT = 100_000;

/** The filters that were given, without the ones that were not (exactOptionalPropertyTypes). */
function filterOf(query: AuditFilter): AuditFilter {
  const filter: AuditFilter = {};
  for (const key of ["event", "user", "workspace", "from", "to"] as const)
    if (query[key] !== undefined) Object.assign(filter, { [key]: query[key] });
  return filter;
}

export const adminRoutes: StudioRoutePlugin = async (app, { studio }) => {
  administratorsOnly(app, "read the audit log");
  app.get(
    "/api/audit",
    {
      schema: {
        summary: "Security events, newest first, filtered by event, user, workspace and time (administrators)",
        tags: ["admin"],
        querystring: AuditQuery,
        response: withErrors({ 200: AuditEvents }),
      },
    },
    async (request) => {
      const { limit = 100, before } = request.query;
      return {
        events: await listAudit(studio.db, {
          limit,
          ...(before !== undefined ? { before } : {}),
          ...filterOf(request.query),
        }),
      };
    },
  );

  app.get(
    "/api/audit/export",
    {
      schema: {
        summary: `The filtered events as a JSON-lines or CSV download, newest first, at most ${MAX_AUDIT_EXPORT} (administrators)`,
        tags: ["admin"],
        querystring: AuditExportQuery,
        response: withErrors({
          200: {
            description: "the events, as a download",
            content: {
              "application/x-ndjson": textAnswer("application/x-ndjson", "").content["application/x-ndjson"],
              "text/csv": textAnswer("text/csv", "").content["text/csv"],
            },
          },
        }),
      },
    },
    async (request, reply) => {
      const events = await listAudit(studio.db, { limit: MAX_AUDIT_EXPORT, ...filterOf(request.query) });
      const csv = request.query.format === "csv";
      const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, "-");
      reply.header("content-disposition", `attachment; filename="vitrine-audit-${stamp}.${csv ? "csv" : "jsonl"}"`);
      reply.header("cache-control", "no-store");
      return reply
        .type(csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8")
        .send(csv ? auditCsv(events) : auditJsonLines(events));
    },
  );
};
