// `vitrine user`: accounts from the shell, for the first administrator's colleagues, for scripts, and for a studio
// whose administrators cannot sign in. Every change goes through the same functions as the Users page, so the
// last-administrator rule and the audit log hold here too (the actor is recorded as the shell).

import {
  changeAccount,
  inviteUser,
  issuePasswordReset,
  listAccounts,
  type AccountView,
} from "../server/auth/accounts.ts";
import { generatePassword } from "../server/auth/passwords.ts";
import { createUser, findUserByName, setPassword } from "../server/auth/users.ts";
import { AppError } from "../server/errors.ts";
import { openStudio } from "../server/server.ts";
import type { CommandIO } from "./render-command.ts";
import { configFrom, parseCommand, withSettingsChecked, readStdinLine } from "./server-options.ts";
import { UsageError } from "./usage-error.ts";

export const USER_USAGE = `Usage:
  vitrine user add NAME [--admin] [--password-stdin]   create an account with a password
  vitrine user invite NAME [--admin]                   create an account and print a one-time link to set its password
  vitrine user passwd NAME [--password-stdin]          set a new password; ends the account's sessions
  vitrine user reset NAME                              print a one-time link to set a new password
  vitrine user disable NAME                            stop the account signing in; ends its sessions and links
  vitrine user enable NAME                             let a disabled account sign in again
  vitrine user grant-admin NAME                        make the account an administrator
  vitrine user revoke-admin NAME                       make it an ordinary account (never the last administrator)
  vitrine user list [--json]                           every account, its role and state

Without --password-stdin a password is generated, printed once, and must be changed at first sign-in.
Links are on --app-url and last 7 days.
Options: --data-dir DIR, --database-url URL, --app-url URL (as for vitrine serve)`;

const ACTIONS = [
  "add",
  "invite",
  "passwd",
  "reset",
  "disable",
  "enable",
  "grant-admin",
  "revoke-admin",
  "list",
] as const;
type Action = (typeof ACTIONS)[number];

const SHELL = { actor: undefined, clientAddress: "shell" };

/** The account changes that take only a name, as the Users page makes them. */
const CHANGES: Partial<Record<Action, { change: { disabled?: boolean; admin?: boolean }; done: string }>> = {
  disable: { change: { disabled: true }, done: "disabled; its sessions and unused links have ended" },
  enable: { change: { disabled: false }, done: "enabled" },
  "grant-admin": { change: { admin: true }, done: "is now an administrator" },
  "revoke-admin": { change: { admin: false }, done: "is no longer an administrator" },
};

function accountLine(account: AccountView): string {
  const state = account.disabled ? "disabled" : account.pending ? "link not used yet" : "active";
  const last = account.lastSignInAt ? `last signed in ${account.lastSignInAt}` : "never signed in";
  return `${account.name}\t${account.admin ? "administrator" : "user"}\t${state}\t${last}\n`;
}

export async function userCommand(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { admin: { type: "boolean" }, "password-stdin": { type: "boolean" }, json: { type: "boolean" } },
    ["data-dir", "database-url", "signing-key-file", "app-url"],
  );
  if (values.help) {
    io.stdout(`${USER_USAGE}\n`);
    return 0;
  }
  const [given, name, ...rest] = positionals;
  if (!ACTIONS.includes(given as Action))
    throw new UsageError(
      given ? "unknown_action" : "missing_argument",
      given ? `unknown action "${given}"` : `say one of ${ACTIONS.join(", ")}`,
    );
  const action = given as Action;
  if (action === "list") {
    if (name !== undefined) throw new UsageError("unexpected_argument", `unexpected argument "${name}"`);
  } else if (!name) throw new UsageError("missing_argument", "name the user");
  if (rest.length > 0) throw new UsageError("unexpected_argument", `unexpected argument "${rest[0]}"`);
  if (values.admin && action !== "add" && action !== "invite")
    throw new UsageError("conflicting_options", "--admin is for user add and user invite");
  if (values["password-stdin"] && action !== "add" && action !== "passwd")
    throw new UsageError("conflicting_options", "--password-stdin is for user add and user passwd");
  if (values.json && action !== "list") throw new UsageError("conflicting_options", "--json is for user list");

  const fromStdin = values["password-stdin"] === true;
  const password =
    action === "add" || action === "passwd" ? (fromStdin ? await readStdinLine() : generatePassword()) : "";
  const config = configFrom(values);
  const studio = await withSettingsChecked(() => openStudio(config));
  try {
    const user = name ?? "";
    const printLink = (made: { link: string; expiresAt: number }) =>
      io.stdout(
        `one-time link (shown only now; valid until ${new Date(made.expiresAt).toISOString()}):\n${made.link}\n`,
      );
    switch (action) {
      case "list": {
        const accounts = await listAccounts(studio.db);
        if (values.json) for (const account of accounts) io.stdout(`${JSON.stringify(account)}\n`);
        else for (const account of accounts) io.stdout(accountLine(account));
        return 0;
      }
      case "add":
        await createUser(
          studio.db,
          { name: user, password, admin: values.admin === true, mustChangePassword: !fromStdin },
          SHELL,
        );
        io.stdout(`created ${values.admin ? "administrator" : "user"} ${user}\n`);
        break;
      case "passwd": {
        const found = await findUserByName(studio.db, user);
        if (!found) throw new AppError(404, "user_not_found", `no user is named "${user}"`);
        await setPassword(studio.db, found.id, password, SHELL, !fromStdin);
        io.stdout(`new password set for ${user}; their sessions have ended\n`);
        break;
      }
      case "invite": {
        const made = await inviteUser(
          studio.db,
          { name: user, admin: values.admin === true },
          SHELL,
          config.appUrl.origin,
        );
        io.stdout(
          `created ${values.admin ? "administrator" : "user"} ${user}, without a password until the link is used\n`,
        );
        printLink(made);
        return 0;
      }
      case "reset":
        printLink(await issuePasswordReset(studio.db, user, SHELL, config.appUrl.origin));
        return 0;
      default: {
        const { change, done } = CHANGES[action]!;
        await changeAccount(studio.db, user, change, SHELL);
        io.stdout(`${user} ${done}\n`);
        return 0;
      }
    }
    if (!fromStdin) io.stdout(`one-time password (shown only now; change it at first sign-in): ${password}\n`);
    return 0;
  } catch (error) {
    if (error instanceof AppError) {
      io.stderr(`vitrine user: ${error.message} [${error.code}]\n`);
      return 1;
    }
    throw error;
  } finally {
    await studio.db.destroy();
  }
}
