// `vitrine user add|passwd`: accounts from the shell, for the first administrator's colleagues and for scripts.

import { generatePassword } from "../server/auth/passwords.ts";
import { createUser, findUserByName, setPassword } from "../server/auth/users.ts";
import { AppError } from "../server/errors.ts";
import { openStudio } from "../server/server.ts";
import type { CommandIO } from "./render-command.ts";
import { configFrom, parseCommand, withSettingsChecked, readStdinLine } from "./server-options.ts";
import { UsageError } from "./usage-error.ts";

export const USER_USAGE = `Usage:
  vitrine user add NAME [--admin] [--password-stdin]   create an account
  vitrine user passwd NAME [--password-stdin]          set a new password; ends the account's sessions

Without --password-stdin a password is generated, printed once, and must be changed at first sign-in.
Options: --data-dir DIR, --database-url URL (as for vitrine serve)`;

const SHELL = { actor: undefined, clientAddress: "shell" };

export async function userCommand(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { admin: { type: "boolean" }, "password-stdin": { type: "boolean" } },
    ["data-dir", "database-url", "signing-key-file"],
  );
  if (values.help) {
    io.stdout(`${USER_USAGE}\n`);
    return 0;
  }
  const [action, name, ...rest] = positionals;
  if (action !== "add" && action !== "passwd")
    throw new UsageError(
      action ? "unknown_action" : "missing_argument",
      action ? `unknown action "${action}"` : "say add or passwd",
    );
  if (!name) throw new UsageError("missing_argument", "name the user");
  if (rest.length > 0) throw new UsageError("unexpected_argument", `unexpected argument "${rest[0]}"`);
  if (action === "passwd" && values.admin) throw new UsageError("conflicting_options", "--admin is for user add");

  const fromStdin = values["password-stdin"] === true;
  const password = fromStdin ? await readStdinLine() : generatePassword();
  const studio = await withSettingsChecked(() => openStudio(configFrom(values)));
  try {
    if (action === "add") {
      await createUser(
        studio.db,
        { name, password, admin: values.admin === true, mustChangePassword: !fromStdin },
        SHELL,
      );
      io.stdout(`created ${values.admin ? "administrator" : "user"} ${name}\n`);
    } else {
      const user = await findUserByName(studio.db, name);
      if (!user) {
        io.stderr(`vitrine user: no user is named "${name}"\n`);
        return 1;
      }
      await setPassword(studio.db, user.id, password, SHELL, !fromStdin);
      io.stdout(`new password set for ${name}; their sessions have ended\n`);
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
