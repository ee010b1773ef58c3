// Where detectors report. A detector sees one stretch of text (a cell's source, a string inside it, a script file)
// and reports offsets in it; the sink turns them into the place a person can open: cell, line, column.

import { maskedSlice, maskSecrets } from "./secrets.ts";
import { ruleById } from "./rules.ts";
import type { Finding, Place, Severity } from "./types.ts";

export interface ReportOptions {
  severity?: Severity;
  /** End offset of the text to quote (default: the end of the line). */
  to?: number;
}

/** The part of a file a stretch of text came from, and where that text starts in it. */
export interface TextOrigin {
  place: Omit<Place, "line" | "column">;
  /** Lines and columns of the text's first character within the part (1-based). */
  line: number;
  column: number;
}

const EXCERPT_CHARS = 120;

export class FindingSink {
  readonly findings: Finding[];
  readonly #seen = new Set<string>();

  constructor(findings: Finding[] = []) {
    this.findings = findings;
  }

  /** Adds a finding unless the same rule already reported the same message at the same place. */
  add(finding: Finding): void {
    const { place } = finding;
    const key = `${finding.rule}\u0000${place.cell ?? ""}\u0000${place.output ?? ""}\u0000${place.part ?? ""}\u0000${place.line}\u0000${finding.message}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.findings.push(finding);
  }

  /** A finding of `rule` at `place`, with the rule's severity and check unless overridden. */
  report(rule: string, place: Place, message: string, options: { severity?: Severity; excerpt?: string } = {}): void {
    const meta = ruleById(rule);
    const finding: Finding = { rule, severity: options.severity ?? meta.severity, place, message, check: meta.check };
    if (options.excerpt !== undefined && options.excerpt !== "") finding.excerpt = excerpt(options.excerpt);
    this.add(finding);
  }
}

/** One stretch of text that detectors read, bound to the sink and the place it came from. */
export class TextReporter {
  readonly text: string;
  readonly origin: TextOrigin;
  readonly sink: FindingSink;
  #lineStarts: number[] | undefined;

  constructor(text: string, origin: TextOrigin, sink: FindingSink) {
    this.text = text;
    this.origin = origin;
    this.sink = sink;
  }

  /** A reporter for `text` found at `offset` of this one (a string literal, a command inside a string). */
  nested(text: string, offset: number): TextReporter {
    const { line, column } = this.position(offset);
    return new TextReporter(text, { place: this.origin.place, line, column }, this.sink);
  }

  report(rule: string, offset: number, message: string, options: ReportOptions = {}): void {
    const { line, column } = this.position(offset);
    const lineEnd = this.text.indexOf("\n", offset);
    const to = Math.max(offset, Math.min(options.to ?? (lineEnd < 0 ? this.text.length : lineEnd), offset + 1000));
    const severity = options.severity;
    this.sink.report(rule, { ...this.origin.place, line, column }, message, {
      excerpt: maskedSlice(this.text, offset, to),
      ...(severity ? { severity } : {}),
    });
  }

  /** Line and column of `offset`, in the part's coordinates. */
  position(offset: number): { line: number; column: number } {
    const starts = (this.#lineStarts ??= lineStarts(this.text));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    const lineIndex = low;
    const column = offset - starts[lineIndex]! + 1;
    return lineIndex === 0
      ? { line: this.origin.line, column: this.origin.column + column - 1 }
      : { line: this.origin.line + lineIndex, column };
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** One line, shortened, secrets masked: safe to print, store and show. */
export function excerpt(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  const masked = maskSecrets(oneLine);
  return masked.length > EXCERPT_CHARS ? `${masked.slice(0, EXCERPT_CHARS - 1)}…` : masked;
}
