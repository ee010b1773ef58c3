// The audit log as a file an administrator downloads: JSON lines (one event per line, as the API answers it) or
// CSV (one row per event, details as a JSON cell).

import type { AuditEvent } from "./audit.ts";

export const AUDIT_CSV_COLUMNS = ["id", "at", "event", "actor", "clientAddress", "workspace", "details"] as const;

/** One event a line; JSON.stringify escapes line breaks inside strings, so a line is always one event. */
export function auditJsonLines(events: AuditEvent[]): string {
  return events.map((e) => `${JSON.stringify(e)}\n`).join("");
}

/**
 * A CSV cell (RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled). A cell that starts
 * with = + - @ (or a tab or carriage return, which some spreadsheets skip before reading a formula) gets a leading
 * apostrophe: the log holds text that users chose (names, paths, domains), and a spreadsheet that opens the export
 * would otherwise run such a cell as a formula (CSV injection), for example one that sends other cells to a
 * web address.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function auditCsv(events: AuditEvent[]): string {
  const lines = [AUDIT_CSV_COLUMNS.join(",")];
  for (const e of events) {
    const cells = [
      String(e.id),
      e.at,
      e.event,
      e.actor ?? "",
      e.clientAddress ?? "",
      e.workspace ?? "",
      JSON.stringify(e.details),
    ];
    lines.push(cells.map(csvCell).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}
