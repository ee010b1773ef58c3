// The scanner's data: plain objects only, so that findings can be stored, sent to the upload dialog as JSON and
// recorded in the audit event of an acknowledged upload exactly as the user saw them.

export type Severity = "low" | "medium" | "high";

export const SEVERITIES: readonly Severity[] = Object.freeze(["low", "medium", "high"]);

/** Whether `severity` is at or above `threshold`. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(threshold);
}

/** Where a finding is. Lines and columns are 1-based; in a notebook they count within the cell's source or output. */
export interface Place {
  file: string;
  /** 0-based cell index, for notebooks. */
  cell?: number;
  cellId?: string;
  /** 0-based output index within the cell. */
  output?: number;
  /** The output's mime type, or "metadata" for code found in metadata. */
  part?: string;
  line: number;
  column: number;
  /** 1-based line in the file itself (a notebook's JSON), when known: what code scanning tools display. */
  fileLine?: number;
}

export interface Finding {
  rule: string;
  severity: Severity;
  place: Place;
  message: string;
  /** How a reviewer checks whether this is harmless. */
  check: string;
  /** The text found, shortened, with any secret in it masked. */
  excerpt?: string;
}

export interface ScanSummary {
  file: string;
  /** False when the file could not be read at all (one `file-unreadable` finding says why). */
  readable: boolean;
  counts: Record<Severity, number>;
  total: number;
  /** The most severe findings' messages, de-duplicated, most severe first: what the upload dialog lists. */
  headline: string[];
}

export interface ScanResult {
  findings: Finding[];
  summary: ScanSummary;
}
