// Accounts as administrators manage them from the browser, and the one-time links that let a person set a password.
import { Type, type Static } from "typebox";
import { MAX_PASSWORD_LENGTH, MAX_USER_NAME_LENGTH } from "./limits.ts";

export const AccountParams = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: MAX_USER_NAME_LENGTH }) },
  { additionalProperties: false },
);
export type AccountParams = Static<typeof AccountParams>;

export const Account = Type.Object(
  {
    name: Type.String(),
    admin: Type.Boolean(),
    disabled: Type.Boolean(),
    pending: Type.Boolean({ description: "invited, and no password set yet" }),
    createdAt: Type.String({ description: "ISO 8601" }),
    lastSignInAt: Type.Union([Type.String({ description: "ISO 8601" }), Type.Null()], {
      description: "the latest sign-in the audit log knows of",
    }),
  },
  { description: "an account as it now is" },
);
export type Account = Static<typeof Account>;

export const AccountList = Type.Object({ users: Type.Array(Account) }, { description: "every account, by name" });
export type AccountList = Static<typeof AccountList>;

export const NewAccountBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: MAX_USER_NAME_LENGTH }), admin: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type NewAccountBody = Static<typeof NewAccountBody>;

export const AccountChangeBody = Type.Object(
  { disabled: Type.Optional(Type.Boolean()), admin: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
export type AccountChangeBody = Static<typeof AccountChangeBody>;

/** A one-time link, shown once: the token is in the fragment so that it never reaches a server log. */
export const InvitationLink = Type.Object(
  {
    user: Account,
    link: Type.String({ description: "the address to hand to the person; it works once" }),
    expiresAt: Type.String({ description: "ISO 8601" }),
  },
  { description: "the account and its one-time link" },
);
export type InvitationLink = Static<typeof InvitationLink>;

export const InvitationAcceptBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ maxLength: MAX_PASSWORD_LENGTH }),
  },
  { additionalProperties: false },
);
export type InvitationAcceptBody = Static<typeof InvitationAcceptBody>;
