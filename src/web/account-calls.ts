// The studio's calls for accounts: the administrators' pages and the page a one-time link opens.
import type {
  Account,
  AccountChangeBody,
  AccountList,
  InvitationAcceptBody,
  InvitationLink,
  NewAccountBody,
} from "../contract/api-accounts.ts";
import type { AuditEvents } from "../contract/api-audit.ts";
import type { Session } from "../contract/api-session.ts";
import { ApiError, apiRequest, currentSession } from "./api-client.ts";

const user = (name: string) => `/api/admin/users/${encodeURIComponent(name)}`;

export const accountApi = {
  users: () => apiRequest<AccountList>("GET", "/api/admin/users").then((r) => r.users),
  create: (name: string, admin: boolean) =>
    apiRequest<InvitationLink>("POST", "/api/admin/users", { name, admin } satisfies NewAccountBody),
  change: (name: string, change: AccountChangeBody) => apiRequest<Account>("PATCH", user(name), change),
  resetPassword: (name: string) => apiRequest<InvitationLink>("POST", `${user(name)}/password-reset`),
};

/**
 * Spends a one-time link and signs in. The person has no session yet, so no CSRF token: the server checks the
 * request's Origin, as for sign-in. The session that comes back is read again through currentSession(), which keeps
 * its CSRF token for the requests that follow.
 */
export async function acceptInvitation(token: string, password: string): Promise<Session> {
  const response = await fetch("/api/invitation", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ token, password } satisfies InvitationAcceptBody),
    credentials: "same-origin",
    redirect: "error",
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
    throw new ApiError(response.status, body.error ?? `http_${response.status}`, body.message ?? "refused");
  }
  const session = await currentSession();
  if (!session) throw new ApiError(401, "not_signed_in", "the link was used but no session started");
  return session;
}

/** The audit page's filters, as the API takes them. */
import type { AuditFilters } from "../contract/addresses.ts";
export type { AuditFilters };

export function auditQuery(filters: AuditFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams(extra);
  for (const [key, value] of Object.entries(filters))
    if (value !== undefined && value !== "") params.set(key, String(value));
  return params.toString();
}

export const auditApi = {
  events: (filters: AuditFilters, limit: number, before?: number) =>
    apiRequest<AuditEvents>(
      "GET",
      `/api/audit?${auditQuery(filters, { limit: String(limit), ...(before ? { before: String(before) } : {}) })}`,
    ).then((r) => r.events),
  exportHref: (filters: AuditFilters, format: "jsonl" | "csv") =>
    `/api/audit/export?${auditQuery(filters, { format })}`,
};
