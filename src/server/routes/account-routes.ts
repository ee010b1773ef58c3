// Accounts managed from the browser: administrators list, invite, reset, disable and promote; the person holding a
// one-time link sets a password through the public route, which signs them in.

import { refTo, withErrors } from "../../contract/api-answers.ts";
import {
  AccountChangeBody,
  AccountList,
  AccountParams,
  Account,
  InvitationAcceptBody,
  InvitationLink,
  NewAccountBody,
} from "../../contract/api-accounts.ts";
import { Session } from "../../contract/api-session.ts";
import { changeAccount, inviteUser, issuePasswordReset, listAccounts } from "../auth/accounts.ts";
import { acceptInvitation } from "../auth/invitations.ts";
import { createSession } from "../auth/sessions.ts";
import { rateLimits } from "../rate-limits.ts";
import { sessionCookie } from "../request-guards.ts";
import type { StudioRoutePlugin } from "../studio.ts";
import { administratorsOnly } from "./require-admin.ts";
import { auditContext } from "./audit-context.ts";

const linkAnswer = (r: { user: Account; link: string; expiresAt: number }) => ({
  user: r.user,
  link: r.link,
  expiresAt: new Date(r.expiresAt).toISOString(),
});

export const accountRoutes: StudioRoutePlugin = async (app, { studio }) => {
  const { db } = studio;
  const origin = studio.config.appUrl.origin;
  administratorsOnly(app, "manage accounts");

  app.get(
    "/api/admin/users",
    {
      schema: {
        summary: "Every account (administrators)",
        tags: ["admin"],
        response: withErrors({ 200: AccountList }),
      },
    },
    async () => ({ users: await listAccounts(db) }),
  );

  app.post(
    "/api/admin/users",
    {
      schema: {
        summary: "Create an account with a one-time invitation link, shown once (administrators)",
        tags: ["admin"],
        body: NewAccountBody,
        response: withErrors({ 201: InvitationLink }),
      },
    },
    async (request, reply) => {
      const made = await inviteUser(
        db,
        { name: request.body.name, admin: request.body.admin ?? false },
        auditContext(request),
        origin,
      );
      return reply.code(201).send(linkAnswer(made));
    },
  );

  app.patch(
    "/api/admin/users/:username",
    {
      schema: {
        summary: "Disable or enable an account, grant or remove administrator (administrators)",
        tags: ["admin"],
        params: AccountParams,
        body: AccountChangeBody,
        response: withErrors({ 200: Account }),
      },
    },
    async (request) => {
      return changeAccount(db, request.params.username, request.body, auditContext(request));
    },
  );

  app.post(
    "/api/admin/users/:username/password-reset",
    {
      schema: {
        summary:
          "A one-time link to set a new password, shown once; using it ends the account's sessions (administrators)",
        tags: ["admin"],
        params: AccountParams,
        response: withErrors({ 201: InvitationLink }),
      },
    },
    async (request, reply) => {
      const made = await issuePasswordReset(db, request.params.username, auditContext(request), origin);
      return reply.code(201).send(linkAnswer(made));
    },
  );
};

/** POST /api/invitation: outside the authenticated scope, since the person has no password yet. */
export const invitationRoute: StudioRoutePlugin = async (app, { studio }) => {
  app.post(
    "/api/invitation",
    {
      // The sign-in budget: a token is 256 random bits, so the limit is against load, not guessing.
      config: rateLimits(studio.config).login,
      schema: {
        summary: "Use a one-time link: set the password and sign in (the token is in the body, never the URL)",
        tags: ["session"],
        body: InvitationAcceptBody,
        response: withErrors({ 200: refTo(Session) }),
      },
    },
    async (request, reply) => {
      const user = await acceptInvitation(studio.db, request.body.token, request.body.password, request.ip);
      const { token, csrfToken } = await createSession(studio.db, user.id, request.ip);
      reply.header("set-cookie", sessionCookie(token, studio.config.sessionAbsoluteSeconds));
      return { user, csrfToken };
    },
  );
};
