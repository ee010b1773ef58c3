import type { FastifyRequest } from "fastify";
import type { AuditContext } from "../audit.ts";

/** Who did it and from where, for the audit log. */
export function auditContext(request: FastifyRequest): AuditContext {
  return {
    actor: request.user ? { id: request.user.id, name: request.user.name } : undefined,
    clientAddress: request.ip,
  };
}

/** The signed-in user; only for routes in the authenticated scope, where the guard has set it. */
export function signedIn(request: FastifyRequest) {
  if (!request.user) throw new Error("route outside the authenticated scope");
  return request.user;
}

/** The live session; only for routes in the authenticated scope, where the guard has set it. */
export function signedInSession(request: FastifyRequest) {
  if (!request.session) throw new Error("route outside the authenticated scope");
  return request.session;
}
