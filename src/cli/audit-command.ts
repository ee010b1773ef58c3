// `vitrine audit`: the security event log, newest first, with the audit page's filters and exports.

import { listAudit, type AuditFilter } from "../server/audit.ts";
import { auditCsv, auditJsonLines } from "../server/audit-export.ts";
import { openStudio } from "../server/server.ts";
import type { CommandIO } from "./render-command.ts";
import { configFrom, parseCommand, withSettingsChecked } from "./server-options.ts";
import { UsageError } from "./usage-error.ts";

export const AUDIT_USAGE = `Usage: vitrine audit [--limit N] [--event NAME] [--user NAME] [--workspace ID]
                     [--since TIME] [--until TIME] [--json | --csv]

Prints security events (sign-ins, failures, uploads with their acknowledgment, permission changes, trust
decisions), newest first, 100 unless --limit says otherwise. --user matches who did it or whom it was about.
TIME is an ISO 8601 date or date and time (2026-12-01, 2026-12-01T09:30Z); --since is inclusive, --until exclusive;
a time without a zone is UTC. --json prints one JSON object per line, --csv a CSV file (as the audit page exports).
Options: --data-dir DIR, --database-url URL (as for vitrine serve)`;

/** An ISO 8601 date or date-time as ms since the epoch; a time without a zone is read as UTC, not local time. */
export function auditTime(option: string, text: string): number {
  const match = /^(\d{4}-\d\d-\d\d)(?:T(\d\d:\d\d(?::\d\d(?:\.\d{1,3})?)?)(Z|[+-]\d\d:\d\d)?)?$/.exec(text);
  const ms = match ? Date.parse(`${match[1]}T${match[2] ?? "00:00"}${match[3] ?? "Z"}`) : NaN;
  if (!Number.isFinite(ms))
    throw new UsageError(
      "bad_option_value",
      `--${option}: "${text}" is not a date (2026-12-01) or time (2026-12-01T09:30Z)`,
    );
  return ms;
}

export async function auditCommand(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    {
      limit: { type: "string" },
      event: { type: "string" },
      user: { type: "string" },
      workspace: { type: "string" },
      since: { type: "string" },
      until: { type: "string" },
      json: { type: "boolean" },
      csv: { type: "boolean" },
    },
    ["data-dir", "database-url", "signing-key-file"],
  );
  if (values.help) {
    io.stdout(`${AUDIT_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError("unexpected_argument", `unexpected argument "${positionals[0]}"`);
  if (values.json && values.csv) throw new UsageError("conflicting_options", "say --json or --csv, not both");
  const limitText = typeof values.limit === "string" ? values.limit : "100";
  if (!/^\d+$/.test(limitText) || Number(limitText) < 1)
    throw new UsageError("bad_option_value", `--limit: "${limitText}" is not a positive whole number`);
  const filter: AuditFilter = {};
  if (typeof values.event === "string") filter.event = values.event;
  if (typeof values.user === "string") filter.user = values.user;
  if (typeof values.workspace === "string") filter.workspace = values.workspace;
  if (typeof values.since === "string") filter.from = auditTime("since", values.since);
  if (typeof values.until === "string") filter.to = auditTime("until", values.until);
  const studio = await withSettingsChecked(() => openStudio(configFrom(values)));
  try {
    const events = await listAudit(studio.db, { limit: Number(limitText), ...filter });
    if (values.json) io.stdout(auditJsonLines(events));
    else if (values.csv) io.stdout(auditCsv(events));
    else
      for (const e of events)
        io.stdout(
          `${e.at}  ${e.event.padEnd(26)} ${(e.actor ?? "-").padEnd(16)} ${(e.clientAddress ?? "-").padEnd(16)} ${e.workspace ?? "-"}  ${JSON.stringify(e.details)}\n`,
        );
    return 0;
  } finally {
    await studio.db.destroy();
  }
}
