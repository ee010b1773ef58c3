import { ruleById } from "./rules.ts";
import { SEVERITIES, type Finding, type ScanSummary, type Severity } from "./types.ts";

/** Headline items the upload dialog shows for one file. */
export const HEADLINE_ITEMS = 3;

export function summarize(file: string, findings: readonly Finding[], readable: boolean): ScanSummary {
  const counts: Record<Severity, number> = { low: 0, medium: 0, high: 0 };
  for (const finding of findings) counts[finding.severity]++;
  const ranked = [...findings].sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity));
  const headline: string[] = [];
  for (const finding of ranked) {
    const item = `${ruleById(finding.rule).title}: ${finding.message}${placeLabel(finding)}`;
    if (!headline.some((seen) => seen.startsWith(`${ruleById(finding.rule).title}: ${finding.message}`)))
      headline.push(item);
    if (headline.length === HEADLINE_ITEMS) break;
  }
  return { file, readable, counts, total: findings.length, headline };
}

/** " (cell 3, line 2)" in the words a reader uses: cells and lines counted from 1. */
export function placeLabel(finding: Finding): string {
  const { place } = finding;
  const parts: string[] = [];
  if (place.cell !== undefined) parts.push(`cell ${place.cell + 1}`);
  if (place.output !== undefined) parts.push(`output ${place.output + 1}`);
  else if (place.part === "metadata") parts.push("metadata");
  parts.push(`line ${place.line}`);
  return ` (${parts.join(", ")})`;
}
