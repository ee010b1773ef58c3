// Review before trust: what a notebook or script would do and what it carries, read without running it.
// `scanFile` is the library call the server uses for the upload dialog, the file page and the audit event.

export { scanFile } from "./scan-file.ts";
export type { ScanFileInput, ScanOptions } from "./scan-file.ts";
export { RULES, ruleById } from "./rules.ts";
export type { Rule } from "./rules.ts";
export { SEVERITIES, atLeast } from "./types.ts";
export type { Finding, Place, ScanResult, ScanSummary, Severity } from "./types.ts";
export { formatText, formatJson } from "./format-text.ts";
export { formatSarif } from "./format-sarif.ts";
export { maskSecrets } from "./secrets.ts";
