// Sign-in, the current session, sign-out and password change.

import type { FastifyReply, FastifyRequest } from "fastify";
import { NoContent, refTo, withErrors } from "../../contract/api-answers.ts";
import { PasswordChangeBody, Session, SignInBody } from "../../contract/api-session.ts";
import { recordAudit } from "../audit.ts";
import { clearAccountFailures, loginBlockedFor, recordLoginFailure } from "../auth/login-throttle.ts";
import { hashPassword, needsRehash, parametersOf, spendVerificationTime, verifyPassword } from "../auth/passwords.ts";
import { createSession, deleteSession } from "../auth/sessions.ts";
import { findUserByName, setPassword, toUser, type User } from "../auth/users.ts";
import { AppError } from "../errors.ts";
import { rateLimits } from "../rate-limits.ts";
import { expiredSessionCookie, sessionCookie } from "../request-guards.ts";
import type { StudioRoutePlugin, Studio } from "../studio.ts";
import { auditContext, signedIn, signedInSession } from "./audit-context.ts";
import { accountTheme, registerThemeRoutes } from "./theme-routes.ts";

const sessionAnswer = refTo(Session);

async function startSession(
  studio: Studio,
  reply: FastifyReply,
  request: FastifyRequest,
  user: User,
): Promise<Session> {
  const { token, csrfToken } = await createSession(studio.db, user.id, request.ip);
  reply.header("set-cookie", sessionCookie(token, studio.config.sessionAbsoluteSeconds));
  return { user, csrfToken };
}

/** POST /api/session: outside the authenticated scope, since the caller has no session yet. */
export const signInRoute: StudioRoutePlugin = async (app, { studio }) => {
  const limits = {
    perAccount: studio.config.loginFailuresPerAccount,
    perAddress: studio.config.loginFailuresPerAddress,
    windowSeconds: studio.config.loginWindowSeconds,
  };
  app.post(
    "/api/session",
    {
      config: rateLimits(studio.config).login,
      schema: {
        summary: "Sign in: sets the session cookie and answers the user and the CSRF token",
        tags: ["session"],
        body: SignInBody,
        response: withErrors({ 200: sessionAnswer }),
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const context = auditContext(request);
      const wait = await loginBlockedFor(studio.db, username, request.ip, limits);
      if (wait > 0) {
        await recordAudit(studio.db, context, "login_throttled", { user: username });
        throw new AppError(
          429,
          "login_throttled",
          `too many failed sign-ins; try again in ${Math.ceil(wait / 60)} minute(s)`,
          { retryAfterSeconds: wait },
          { "retry-after": String(wait) },
        );
      }
      const row = await findUserByName(studio.db, username);
      // An invited account has no hash yet (auth/accounts.ts): it costs the same time as a wrong password, so that
      // timing does not tell which names are pending invitations.
      const ok =
        row && parametersOf(row.password_hash)
          ? await verifyPassword(password, row.password_hash)
          : (await spendVerificationTime(password), false);
      if (!row || !ok) {
        await recordLoginFailure(studio.db, username, request.ip, limits);
        await recordAudit(studio.db, context, "login_failed", { user: username });
        throw new AppError(401, "invalid_credentials", "wrong user name or password");
      }
      // Said only to whoever knows the password, so that it tells a guesser nothing.
      if (row.disabled_at !== null) {
        await recordAudit(studio.db, context, "login_failed", { user: username, disabled: true });
        throw new AppError(403, "account_disabled", "this account is disabled; ask an administrator");
      }
      await clearAccountFailures(studio.db, username);
      if (needsRehash(row.password_hash)) {
        await studio.db
          .updateTable("users")
          .set({ password_hash: await hashPassword(password) })
          .where("id", "=", row.id)
          .execute();
      }
      const user = toUser(row);
      await recordAudit(studio.db, { actor: user, clientAddress: request.ip }, "login_succeeded", { user: user.name });
      return startSession(studio, reply, request, user);
    },
  );
};

export const sessionRoutes: StudioRoutePlugin = async (app, { studio }) => {
  app.get(
    "/api/session",
    {
      config: { allowedBeforePasswordChange: true },
      schema: {
        summary: "The current session's user and CSRF token (401 when signed out)",
        tags: ["session"],
        response: withErrors({ 200: sessionAnswer }),
      },
    },
    async (request) => ({
      user: signedIn(request),
      csrfToken: signedInSession(request).csrfToken,
      theme: await accountTheme(studio.db, signedIn(request).id),
    }),
  );
  // The account's colour theme (theme-routes.ts).
  registerThemeRoutes(app, studio);

  app.delete(
    "/api/session",
    {
      config: { allowedBeforePasswordChange: true },
      schema: { summary: "Sign out: ends this session", tags: ["session"], response: withErrors({ 204: NoContent }) },
    },
    async (request, reply) => {
      if (request.session) await deleteSession(studio.db, request.session.id);
      await recordAudit(studio.db, auditContext(request), "logout", {});
      reply.header("set-cookie", expiredSessionCookie());
      return reply.code(204).send();
    },
  );

  app.put(
    "/api/account/password",
    {
      config: { allowedBeforePasswordChange: true },
      schema: {
        summary: "Change your password: ends every session of the account and starts a new one here",
        tags: ["session"],
        body: PasswordChangeBody,
        response: withErrors({ 200: sessionAnswer }),
      },
    },
    async (request, reply) => {
      const user = signedIn(request);
      const row = await findUserByName(studio.db, user.name);
      if (!row || !(await verifyPassword(request.body.currentPassword, row.password_hash))) {
        throw new AppError(403, "wrong_password", "the current password is wrong");
      }
      if (request.body.newPassword === request.body.currentPassword)
        throw new AppError(400, "password_unchanged", "choose a password different from the current one");
      await setPassword(studio.db, user.id, request.body.newPassword, auditContext(request));
      return startSession(studio, reply, request, { ...user, mustChangePassword: false });
    },
  );
};
