// Administrators' view of the audit log.

import { withErrors } from "../../contract/api-answers.ts";
import { AuditEvents, AuditQuery } from "../../contract/api-audit.ts";
import { listAudit } from "../audit.ts";
import { AppError } from "../errors.ts";
import type { StudioRoutePlugin } from "../studio.ts";
import { signedIn } from "./audit-context.ts";

export const adminRoutes: StudioRoutePlugin = async (app, { studio }) => {
  app.get(
    "/api/audit",
    {
      schema: {
        summary: "Security events, newest first (administrators)",
        tags: ["admin"],
        querystring: AuditQuery,
        response: withErrors({ 200: AuditEvents }),
      },
    },
    async (request) => {
      if (!signedIn(request).admin)
        throw new AppError(403, "admin_required", "only administrators can read the audit log");
      const { limit = 100, before, event } = request.query;
      return {
        events: await listAudit(studio.db, {
          limit,
          ...(before !== undefined ? { before } : {}),
          ...(event !== undefined ? { event } : {}),
        }),
      };
    },
  );
};
