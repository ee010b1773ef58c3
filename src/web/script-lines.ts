// Script files as lines of highlighted text runs.
import type { TextRun } from "../render/terminal.ts";

const LANGUAGE_BY_EXTENSION: Record<string, string> = {
  py: "python",
  r: "r",
  jl: "julia",
  sh: "bash",
  sql: "sql",
  md: "markdown",
  json: "json",
  yaml: "yaml",
  yml: "yaml",
  txt: "",
  csv: "",
};

export function languageOfPath(path: string): string {
  const dot = path.lastIndexOf(".");
  return dot < 0 ? "" : (LANGUAGE_BY_EXTENSION[path.slice(dot + 1).toLowerCase()] ?? "");
}

/** Splits highlighted runs into lines, keeping each run's classes on every line it spans. */
export function runsByLine(runs: readonly TextRun[]): TextRun[][] {
  const lines: TextRun[][] = [[]];
  for (const run of runs) {
    const parts = run.text.split("\n");
    parts.forEach((part, i) => {
      if (i > 0) lines.push([]);
      if (part) lines[lines.length - 1]!.push({ text: part, classes: run.classes });
    });
  }
  return lines;
}
