import type { FastifyInstance } from "fastify";
import { AppError } from "../errors.ts";
import { signedIn } from "./audit-context.ts";

/**
 * Limits every route of a plugin to administrators. The check runs before the request is validated, so that a
 * non-administrator learns nothing about what the routes take; it answers 403, as the routes exist for everyone
 * who reads the OpenAPI description.
 */
export function administratorsOnly(app: FastifyInstance, what: string): void {
  app.addHook("preValidation", async (request) => {
    if (!signedIn(request).admin) throw new AppError(403, "admin_required", `only administrators can ${what}`);
  });
}
