// Findings as SARIF 2.1.0, the format GitHub code scanning uploads. Every rule is described in the tool's driver
// (with its severity for code scanning's security view); each result points at the file and line, and, for a
// notebook, names the cell and output in its message and properties.

import { RULES } from "./rules.ts";
import { placeLabel } from "./summary.ts";
import type { Finding, ScanResult, Severity } from "./types.ts";

export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { high: "error", medium: "warning", low: "note" };
/** GitHub's security-severity scale: 7.0+ high, 4.0-6.9 medium, 0.1-3.9 low. */
const SECURITY_SEVERITY: Record<Severity, string> = { high: "8.0", medium: "5.0", low: "2.0" };

export interface SarifOptions {
  toolVersion: string;
}

export function formatSarif(results: readonly ScanResult[], options: SarifOptions): string {
  const ruleIndex = new Map(RULES.map((rule, index) => [rule.id, index]));
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "vitrine-scan",
            semanticVersion: options.toolVersion,
            version: options.toolVersion,
            rules: RULES.map((rule) => ({
              id: rule.id,
              name: rule.title.replace(/[^A-Za-z0-9]+(.)?/g, (_all, next: string | undefined) =>
                (next ?? "").toUpperCase(),
              ),
              shortDescription: { text: rule.title },
              fullDescription: { text: rule.description },
              help: { text: rule.check },
              defaultConfiguration: { level: LEVEL[rule.severity] },
              properties: { tags: ["security"], "security-severity": SECURITY_SEVERITY[rule.severity] },
            })),
          },
        },
        columnKind: "utf16CodeUnits",
        results: results.flatMap((result) =>
          result.findings.map((finding) => sarifResult(finding, ruleIndex.get(finding.rule) ?? 0)),
        ),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function sarifResult(finding: Finding, ruleIndex: number): Record<string, unknown> {
  const { place } = finding;
  const inNotebook = place.cell !== undefined || place.part !== undefined;
  const region: Record<string, unknown> = inNotebook
    ? { startLine: place.fileLine ?? 1 }
    : { startLine: place.fileLine ?? place.line, startColumn: place.column };
  if (finding.excerpt !== undefined) region["snippet"] = { text: finding.excerpt };
  const properties: Record<string, unknown> = { severity: finding.severity, check: finding.check };
  if (place.cell !== undefined) properties["cell"] = place.cell;
  if (place.cellId !== undefined) properties["cellId"] = place.cellId;
  if (place.output !== undefined) properties["output"] = place.output;
  if (place.part !== undefined) properties["part"] = place.part;
  if (inNotebook) {
    properties["lineInCell"] = place.line;
    properties["columnInCell"] = place.column;
  }
  return {
    ruleId: finding.rule,
    ruleIndex,
    level: LEVEL[finding.severity],
    message: { text: `${finding.message}${inNotebook ? placeLabel(finding) : ""}. Check: ${finding.check}` },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: fileUri(place.file) }, region },
        ...(place.cell !== undefined ? { logicalLocations: [{ name: `cell ${place.cell + 1}`, kind: "module" }] } : {}),
      },
    ],
    properties,
  };
}

/** A relative URI reference for a path: forward slashes, each segment percent-encoded. */
export function fileUri(path: string): string {
  const slashed = path.replaceAll("\\", "/").replace(/^\.\//, "");
  const absolute = slashed.startsWith("/");
  const encoded = slashed
    .split("/")
    .map((segment) => encodeURIComponent(segment))
    .join("/");
  return absolute ? `file://${encoded}` : encoded;
}
