// Administrators' view of the audit log.

import { listAudit } from "../audit.ts";
import { AppError } from "../errors.ts";
import type { StudioRoutePlugin } from "../studio.ts";
import { signedIn } from "./audit-context.ts";

export const adminRoutes: StudioRoutePlugin = async (app, { studio }) => {
  app.get<{ Querystring: { limit?: number; before?: number; event?: string } }>(
    "/api/audit",
    {
      schema: {
        summary: "Security events, newest first (administrators)",
        tags: ["admin"],
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            limit: { type: "integer", minimum: 1, maximum: 1000, default: 100 },
            before: { type: "integer", minimum: 1 },
            event: { type: "string", maxLength: 64 },
          },
        },
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
