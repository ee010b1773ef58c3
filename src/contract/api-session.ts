// Sign-in, the current session, sign-out and the password change.
import { Theme } from "./api-theme.ts";
import { Type, type Static } from "typebox";
import { MAX_PASSWORD_LENGTH, MAX_USER_NAME_LENGTH } from "./limits.ts";

export const SessionUser = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  admin: Type.Boolean(),
  mustChangePassword: Type.Boolean({
    description: "a one-time password is in use: the account must choose its own before anything else",
  }),
});
export type SessionUser = Static<typeof SessionUser>;

/** The signed-in user and the session's CSRF token, which the page keeps in memory only. */
export const Session = Type.Object(
  {
    user: SessionUser,
    csrfToken: Type.String({ description: "send it in the X-CSRF-Token header" }),
    // The account's colour theme, with the session the page reads first (api-theme.ts).
    theme: Type.Optional(Theme),
  },
  { $id: "Session", description: "the signed-in user and the session's CSRF token" },
);
export type Session = Static<typeof Session>;

export const SignInBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: MAX_USER_NAME_LENGTH }),
    password: Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }),
  },
  { additionalProperties: false },
);
export type SignInBody = Static<typeof SignInBody>;

export const PasswordChangeBody = Type.Object(
  {
    currentPassword: Type.String({ maxLength: MAX_PASSWORD_LENGTH }),
    newPassword: Type.String({ maxLength: MAX_PASSWORD_LENGTH }),
  },
  { additionalProperties: false },
);
export type PasswordChangeBody = Static<typeof PasswordChangeBody>;
