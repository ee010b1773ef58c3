// `vitrine audit`: the security event log, newest first.

import { listAudit } from "../server/audit.ts";
import { openStudio } from "../server/server.ts";
import type { CommandIO } from "./render-command.ts";
import { configFrom, parseCommand, withSettingsChecked } from "./server-options.ts";
import { UsageError } from "./usage-error.ts";

export const AUDIT_USAGE = `Usage: vitrine audit [--limit N] [--event NAME] [--json]

Prints security events (sign-ins, failures, uploads with their acknowledgment, permission changes, trust
decisions), newest first. --json prints one JSON object per line.
Options: --data-dir DIR, --database-url URL (as for vitrine serve)`;

export async function auditCommand(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { limit: { type: "string" }, event: { type: "string" }, json: { type: "boolean" } },
    ["data-dir", "database-url", "signing-key-file"],
  );
  if (values.help) {
    io.stdout(`${AUDIT_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError("unexpected_argument", `unexpected argument "${positionals[0]}"`);
  const limitText = typeof values.limit === "string" ? values.limit : "100";
  if (!/^\d+$/.test(limitText) || Number(limitText) < 1)
    throw new UsageError("bad_option_value", `--limit: "${limitText}" is not a positive whole number`);
  const studio = await withSettingsChecked(() => openStudio(configFrom(values)));
  try {
    const events = await listAudit(studio.db, {
      limit: Number(limitText),
      ...(typeof values.event === "string" ? { event: values.event } : {}),
    });
    for (const e of events) {
      if (values.json) io.stdout(`${JSON.stringify(e)}\n`);
      else
        io.stdout(
          `${e.at}  ${e.event.padEnd(26)} ${(e.actor ?? "-").padEnd(16)} ${(e.clientAddress ?? "-").padEnd(16)} ${e.workspace ?? "-"}  ${JSON.stringify(e.details)}\n`,
        );
    }
    return 0;
  } finally {
    await studio.db.destroy();
  }
}
