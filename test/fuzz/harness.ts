// One fuzz case through the reader, the export and the scanner as `vitrine render` and `vitrine scan` run them,
// and one URL through the verdict engine, each checked against the properties every hostile input must keep.
import fc from "fast-check";
import { LIBRARY_BLOCK_ATTRIBUTE } from "../../src/render/export-libraries.ts";
import { NotebookError, type NotebookErrorCode } from "../../src/notebook/errors.ts";
import { parseNotebook } from "../../src/notebook/parse.ts";
import type { ParsedNotebook } from "../../src/notebook/types.ts";
import { exportNotebookParts } from "../../src/render/export.ts";
import { scanFile } from "../../src/scan/scan-file.ts";
import { SEVERITIES } from "../../src/scan/types.ts";
import { checkUrl } from "../../src/urls/check-url.ts";
import { REASONS } from "../../src/urls/reasons.ts";
import type { UrlContext } from "../../src/urls/types.ts";
import type { NotebookInput } from "./families.ts";

const NOTEBOOK_ERROR_CODES: ReadonlySet<NotebookErrorCode> = new Set<NotebookErrorCode>([
  "invalid_utf8",
  "invalid_json",
  "duplicate_key",
  "too_deep",
  "string_too_long",
  "file_too_large",
  "too_many_cells",
  "too_many_outputs",
  "not_a_notebook",
  "unsupported_version",
  "schema_violation",
  "duplicate_cell_id",
]);

/**
 * An export carries a fixed part (stylesheet, CSP, sizer script) and then grows with the notebook. Escaping a
 * character for an attribute of a frame's srcdoc costs at most a few times its length, and an ANSI colour wraps
 * every coloured run in one span; a page beyond these bounds means a stage copies its input over and over.
 */

/** Characters of the library blocks (`<script type="application/octet-stream" data-vt-library=…>`) in an export. */
function embeddedLibraryChars(page: string): number {
  let chars = 0;
  const block = new RegExp(
    `<script type="application/octet-stream" ${LIBRARY_BLOCK_ATTRIBUTE}=[^>]*>[\\s\\S]*?</script>`,
    "g",
  );
  for (const match of page.matchAll(block)) chars += match[0].length;
  return chars;
}

/** Characters of the font files an export embeds for its math (`url(data:font/woff2;base64,…)`, export-math.ts). */
function embeddedFontChars(page: string): number {
  let chars = 0;
  for (const match of page.matchAll(/url\(data:font\/woff2;base64,[A-Za-z0-9+/=]*\)/g)) chars += match[0].length;
  return chars;
}

export const OUTPUT_ALLOWANCE_CHARS = 64 * 1024;
export const OUTPUT_RATIO = 64;

/** A case slower than this is reported; machine speed never fails a test. */
export const SOFT_CASE_MS = 2_000;

export type Outcome = "refused" | "rendered";

export interface CaseResult {
  outcome: Outcome;
  /** The located error's code, for a refused file. */
  code?: string;
  inputBytes: number;
  outputChars: number;
  parseMs: number;
  renderMs: number;
  scanMs: number;
  /** A broken property: what went wrong, in one line. */
  failure?: string;
}

function toBytes(input: NotebookInput): Uint8Array {
  return typeof input === "string" ? new Uint8Array(Buffer.from(input, "utf8")) : input;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const frame = error.stack?.split("\n").find((line) => line.includes("/src/"));
    return `${error.name}: ${error.message.slice(0, 200)}${frame ? ` (${frame.trim()})` : ""}`;
  }
  return `non-Error thrown: ${String(error).slice(0, 200)}`;
}

/** Why a NotebookError is not a documented located error, or undefined when it is one. */
function unlocated(error: NotebookError): string | undefined {
  if (!NOTEBOOK_ERROR_CODES.has(error.code)) return `undocumented code ${JSON.stringify(error.code)}`;
  const { pointer, line, column, cell } = error.location ?? {};
  if (typeof pointer !== "string") return "no JSON pointer";
  if (pointer !== "" && !pointer.startsWith("/")) return `malformed pointer ${JSON.stringify(pointer)}`;
  for (const [name, n] of [
    ["line", line],
    ["column", column],
  ] as const)
    if (n !== undefined && !(Number.isInteger(n) && n >= 1)) return `${name} ${n}`;
  if (cell !== undefined && !(Number.isInteger(cell) && cell >= 0)) return `cell ${cell}`;
  if (error.message.length === 0) return "empty message";
  return undefined;
}

/** Reads, exports and scans one file; never throws, a broken property is returned as `failure`. */
export function runNotebookCase(input: NotebookInput): CaseResult {
  const bytes = toBytes(input);
  const result: CaseResult = {
    outcome: "refused",
    inputBytes: bytes.byteLength,
    outputChars: 0,
    parseMs: 0,
    renderMs: 0,
    scanMs: 0,
  };
  let t = performance.now();
  let parsed: ParsedNotebook | undefined;
  try {
    parsed = parseNotebook(bytes, { file: "case.ipynb" });
  } catch (error) {
    if (!(error instanceof NotebookError)) return { ...result, failure: `reader threw ${describe(error)}` };
    const why = unlocated(error);
    if (why) return { ...result, failure: `reader's NotebookError is not located: ${why}` };
    result.code = error.code;
  }
  result.parseMs = performance.now() - t;

  if (parsed) {
    result.outcome = "rendered";
    t = performance.now();
    try {
      const parts = exportNotebookParts(parsed, { fileName: "case.ipynb" });
      // The output libraries an export embeds (once per file, whatever the input's size: plotly's alone is 4.8 MB)
      // and KaTeX's fonts (the faces its math uses, once per file: up to 349 KB) are a fixed cost, not a blowup of
      // the input: they are left out of the count.
      const whole = parts.join("");
      result.outputChars = whole.length - embeddedLibraryChars(whole) - embeddedFontChars(whole);
    } catch (error) {
      return { ...result, renderMs: performance.now() - t, failure: `export threw ${describe(error)}` };
    }
    result.renderMs = performance.now() - t;
    parsed = undefined;
    const bound = OUTPUT_ALLOWANCE_CHARS + OUTPUT_RATIO * bytes.byteLength;
    if (result.outputChars > bound)
      return {
        ...result,
        failure: `export blowup: ${result.outputChars} chars for ${bytes.byteLength} bytes of input`,
      };
  }

  t = performance.now();
  try {
    const scan = scanFile({ path: "case.ipynb", bytes });
    for (const finding of scan.findings) {
      if (!finding.rule || !SEVERITIES.includes(finding.severity) || finding.place.file !== "case.ipynb")
        return { ...result, failure: `scanner finding without rule, severity or place: ${JSON.stringify(finding)}` };
    }
  } catch (error) {
    return { ...result, scanMs: performance.now() - t, failure: `scanner threw ${describe(error)}` };
  }
  result.scanMs = performance.now() - t;
  return result;
}

export function totalMs(result: CaseResult): number {
  return result.parseMs + result.renderMs + result.scanMs;
}

/** Milliseconds per KB of input, the measure a super-linear stage stands out by. */
export function msPerKb(result: CaseResult): number {
  return totalMs(result) / Math.max(1, result.inputBytes / 1024);
}

export interface UrlCase {
  input: string;
  context: UrlContext;
  source: "html" | "text";
}

const VERDICTS = new Set(["allow", "prompt", "block"]);

/** Checks one URL; a broken property is returned as a sentence, never thrown. */
export function runUrlCase(c: UrlCase): string | undefined {
  let verdict;
  try {
    verdict = checkUrl(c.input, c.context, { source: c.source });
  } catch (error) {
    return `checkUrl threw ${describe(error)}`;
  }
  if (!VERDICTS.has(verdict.verdict)) return `verdict ${JSON.stringify(verdict.verdict)}`;
  if (!Object.hasOwn(REASONS, verdict.reason)) return `reason ${JSON.stringify(verdict.reason)} is not a reason code`;
  if (typeof verdict.message !== "string" || verdict.message.length === 0) return "verdict without a message";
  if (verdict.normalized !== null && typeof verdict.normalized !== "string")
    return "normalized is neither text nor null";
  if (verdict.verdict === "allow" && verdict.normalized === null) return "allowed without a normalized URL";
  return undefined;
}

const HOSTS = fc.oneof(
  fc.domain(),
  fc.ipV4(),
  fc.ipV6().map((a) => `[${a}]`),
  fc.ipV4Extended(),
  fc.constantFrom(
    "localhost",
    "127.1",
    "0x7f.1",
    "2130706433",
    "[::ffff:127.0.0.1]",
    "[::1]",
    "169.254.169.254",
    "metadata.google.internal",
    "printer.local",
    "xn--pple-43d.com",
    "аpple.com",
    "ex%61mple.com",
    "a.b.c.d.e.f.g.h.i.j.k",
    "localhost:8080",
  ),
);

/** URL-shaped strings around the engine's decision points, and arbitrary text. */
export const urlCases: fc.Arbitrary<UrlCase> = fc.record({
  input: fc.oneof(
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc
      .tuple(
        fc.constantFrom(
          "http",
          "https",
          "HTTPS",
          "javascript",
          "data",
          "file",
          "ftp",
          "ms-settings",
          "vscode",
          "blob",
          "attachment",
          "jav\tascript",
          "",
        ),
        fc.constantFrom("://", ":", ":/", ":\\\\", "&#x3a;//", "&colon;//"),
        fc.option(
          fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })).map(([u, p]) => `${u}:${p}@`),
          { nil: "" },
        ),
        HOSTS,
        fc.option(
          fc.integer({ min: 0, max: 70_000 }).map((p) => `:${p}`),
          { nil: "" },
        ),
        fc.array(
          fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom("..", "%2e%2e", "api", "w", "f", "%00", "&amp;")),
          { maxLength: 5 },
        ),
      )
      .map(([scheme, sep, user, host, port, path]) => `${scheme}${sep}${user}${host}${port}/${path.join("/")}`),
    fc.string({ maxLength: 200 }),
    fc.string({ unit: "binary", maxLength: 200 }),
    fc.constantFrom("#", "?", "//", "/api/x", "../x", "data:image/png;base64,iVBORw0KGgo=", "&#106;avascript:x"),
  ),
  context: fc.constantFrom("link", "image"),
  source: fc.constantFrom("html", "text"),
});
