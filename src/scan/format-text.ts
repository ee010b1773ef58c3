// Findings as text for a person at a terminal: grouped by file, most severe first within a cell, colour only when
// asked (the CLI asks when standard output is a terminal).

import { SEVERITIES, type Finding, type ScanResult, type Severity } from "./types.ts";

export interface TextFormatOptions {
  color: boolean;
}

const COLORS: Record<Severity | "dim" | "bold", string> = {
  high: "\u001b[31m",
  medium: "\u001b[33m",
  low: "\u001b[36m",
  dim: "\u001b[2m",
  bold: "\u001b[1m",
};
const RESET = "\u001b[0m";

export function formatText(results: readonly ScanResult[], options: TextFormatOptions): string {
  const paint = (style: keyof typeof COLORS, text: string): string =>
    options.color ? `${COLORS[style]}${text}${RESET}` : text;
  const lines: string[] = [];
  const totals: Record<Severity, number> = { low: 0, medium: 0, high: 0 };
  for (const { findings, summary } of results) {
    for (const severity of SEVERITIES) totals[severity] += summary.counts[severity];
    if (findings.length === 0) continue;
    lines.push(paint("bold", summary.file));
    const explained = new Set<string>();
    for (const finding of findings) {
      const severity = paint(finding.severity, finding.severity.padEnd(6));
      const where = whereLabel(finding);
      lines.push(`  ${severity} ${where}  ${finding.message}  ${paint("dim", finding.rule)}`);
      if (finding.excerpt !== undefined) lines.push(`         ${paint("dim", `| ${finding.excerpt}`)}`);
      // How to check a rule is said once per file, at its first finding.
      if (!explained.has(finding.rule)) lines.push(`         check: ${finding.check}`);
      explained.add(finding.rule);
    }
    lines.push("");
  }
  const files = results.length;
  const withFindings = results.filter((result) => result.findings.length > 0).length;
  lines.push(
    `${files} file${files === 1 ? "" : "s"} scanned, ${withFindings} with findings: ` +
      `${paint("high", `${totals.high} high`)}, ${paint("medium", `${totals.medium} medium`)}, ${paint("low", `${totals.low} low`)}`,
  );
  return `${lines.join("\n")}\n`;
}

/** "cell 3 [id abc], output 2, line 4:7": cells, outputs, lines and columns counted from 1. */
function whereLabel({ place }: Finding): string {
  const parts: string[] = [];
  if (place.cell !== undefined)
    parts.push(`cell ${place.cell + 1}${place.cellId !== undefined ? ` [id ${place.cellId}]` : ""}`);
  if (place.output !== undefined) parts.push(`output ${place.output + 1}`);
  else if (place.part === "metadata") parts.push("metadata");
  parts.push(`line ${place.line}:${place.column}`);
  return parts.join(", ");
}

/** Findings as JSON: one entry per file with its summary and findings (the library's own data, as is). */
export function formatJson(results: readonly ScanResult[]): string {
  return `${JSON.stringify({ version: 1, files: results }, null, 2)}\n`;
}
