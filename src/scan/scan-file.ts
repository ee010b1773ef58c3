// The scanner's entry point for one file: bytes in, findings and a short summary out. Nothing is run, fetched or
// written; a file that cannot be read gives a `file-unreadable` finding, never an exception.

import {
  DEFAULT_NOTEBOOK_LIMITS,
  locatePointer,
  NotebookError,
  parseNotebook,
  type NotebookLimits,
  type ParsedNotebook,
} from "../notebook/index.ts";
import type { Cell, JsonObject, Output } from "../notebook/types.ts";
import { positionAt } from "../notebook/position.ts";
import { decodeUtf8 } from "../notebook/utf8.ts";
import { DEFAULT_MARKDOWN_LIMITS, renderMarkdown, type MarkdownLimits } from "../render/markdown.ts";
import { outputType } from "../render/output-types.ts";
import { languageOfPath, notebookLanguage, scanCode, type CodeScanState } from "./code-scan.ts";
import { newFileContext } from "./context.ts";
import { mayHoldMarkup, reportHtml } from "./html.ts";
import {
  checkHiddenCell,
  checkMarkup,
  checkMetadataCode,
  checkRawCell,
  isSavedOutputMarkup,
  jsonStrings,
} from "./hidden-content.ts";
import { PythonScope } from "./python-tree.ts";
import type { UrlPolicy } from "../urls/index.ts";
import { findSecrets } from "./secrets.ts";
import { FindingSink, TextReporter } from "./sink.ts";
import { summarize } from "./summary.ts";
import type { Place, ScanResult } from "./types.ts";

export interface ScanFileInput {
  /** The file's name as it should appear in findings (a path, or the name of an upload). */
  path: string;
  bytes: Uint8Array;
  /**
   * The notebook as the strict reader already read these bytes (a server that has just checked an upload), so that
   * it is not read again. Without it a notebook is parsed here.
   */
  parsed?: ParsedNotebook;
}

export interface ScanOptions {
  /** Overrides of the notebook reader's limits (file size, cells, outputs). */
  limits?: Partial<NotebookLimits>;
  /**
   * Also find each notebook finding's line in the file's JSON (`place.fileLine`), which code scanning tools show.
   * Off by default: each look-up re-reads the file up to that place.
   */
  fileLines?: boolean;
  /**
   * The studio's URL policy (its own origin, blocklists, trusted domains), so that links and images are judged as
   * the studio will judge them. Without it, the URL check's defaults apply.
   */
  urlPolicy?: UrlPolicy;
}

// Math is left as its source: typesetting cannot add active content, and KaTeX is the slowest part of markdown.
const MARKDOWN_LIMITS: MarkdownLimits = { ...DEFAULT_MARKDOWN_LIMITS, maxMathExpressions: 0 };

export function scanFile(input: ScanFileInput, options: ScanOptions = {}): ScanResult {
  const sink = new FindingSink();
  const kind = languageOfPath(input.path);
  try {
    if (kind === "notebook") scanNotebook(input, options, sink);
    else scanTextFile(input, kind, options, sink);
  } catch (error) {
    if (!(error instanceof NotebookError)) throw error;
    // The place is in the file itself (line and column of the JSON), so the cell is named in the message.
    const { line, column, cell, pointer } = error.location;
    const where = [cell !== undefined ? `in cell ${cell + 1}` : "", pointer ? `at ${pointer}` : ""]
      .filter((part) => part !== "")
      .join(" ");
    sink.report(
      "file-unreadable",
      { file: input.path, line: line ?? 1, column: column ?? 1, fileLine: line ?? 1 },
      `the file could not be read: ${error.message} [${error.code}]${where ? ` ${where}` : ""}`,
    );
    return { findings: sink.findings, summary: summarize(input.path, sink.findings, false) };
  }
  sink.findings.sort(byPlace);
  return { findings: sink.findings, summary: summarize(input.path, sink.findings, true) };
}

function byPlace(a: { place: Place }, b: { place: Place }): number {
  return (
    (a.place.cell ?? -1) - (b.place.cell ?? -1) ||
    (a.place.output ?? -1) - (b.place.output ?? -1) ||
    a.place.line - b.place.line ||
    a.place.column - b.place.column
  );
}

function scanTextFile(
  input: ScanFileInput,
  kind: ReturnType<typeof languageOfPath>,
  options: ScanOptions,
  sink: FindingSink,
): void {
  const text = decodeText(input, options);
  const reporter = new TextReporter(text, { place: { file: input.path }, line: 1, column: 1 }, sink);
  reportSecrets(reporter);
  if (kind === "markdown") {
    if (needsHtmlCheck(text))
      reportHtml(renderMarkdown(text, MARKDOWN_LIMITS), reporter, "markdown", options.urlPolicy);
  } else if (kind !== "text" && kind !== "notebook") {
    scanCode(reporter, kind, { file: newFileContext(), scope: new PythonScope() });
  }
}

/** Strict UTF-8 within the size limit, or a NotebookError with the place of the first bad byte. */
function decodeText(input: ScanFileInput, options: ScanOptions): string {
  const max = options.limits?.maxFileBytes ?? DEFAULT_NOTEBOOK_LIMITS.maxFileBytes;
  if (input.bytes.byteLength > max) {
    throw new NotebookError(
      "file_too_large",
      `the file is ${input.bytes.byteLength} bytes, more than the limit of ${max} bytes`,
      { pointer: "" },
      input.path,
    );
  }
  const decoded = decodeUtf8(input.bytes);
  if (!("text" in decoded)) {
    const { line, column } = positionAt(decoded.textBefore, decoded.textBefore.length);
    throw new NotebookError(
      "invalid_utf8",
      `the file is not valid UTF-8 at byte ${decoded.invalid.offset}: ${decoded.invalid.reason}`,
      { pointer: "", line, column },
      input.path,
    );
  }
  const text = decoded.text;
  const nul = text.indexOf("\u0000");
  if (nul >= 0) {
    const { line, column } = positionAt(text, nul);
    throw new NotebookError(
      "invalid_utf8",
      "the file is binary, not text: it contains a NUL byte",
      { pointer: "", line, column },
      input.path,
    );
  }
  return text;
}

function reportSecrets(reporter: TextReporter): void {
  for (const secret of findSecrets(reporter.text)) {
    reporter.report("secret", secret.offset, `contains ${secret.label}`, { to: secret.offset + secret.length });
  }
}

/**
 * Markdown that may turn into more than plain paragraphs: raw HTML, character references, or anything that can
 * become a link or image (inline and reference links, autolinks, bare URLs; GFM's bare e-mail addresses become
 * mailto: links, which the URL check only notes, so they do not count). Markdown without any of
 * these renders to text and headings only, so it is not parsed as HTML (the costly part of the scan).
 */
function needsHtmlCheck(source: string): boolean {
  return mayHoldMarkup(source) || /\]\s*[([:]|:\/\/|www\./i.test(source);
}

/** Hosts of the http(s) URLs written in markdown: where the notebook says it talks to. */
function linkHostsOf(sources: readonly string[]): Set<string> {
  const hosts = new Set<string>();
  for (const source of sources) {
    for (const match of source.matchAll(/https?:\/\/(?:[^\s/@)>\]"']*@)?([A-Za-z0-9.-]+)/g)) {
      const host = match[1]!.toLowerCase().replace(/^www\./, "");
      if (host.includes(".")) hosts.add(host);
    }
  }
  return hosts;
}

function scanNotebook(input: ScanFileInput, options: ScanOptions, sink: FindingSink): void {
  const parsed =
    input.parsed ??
    parseNotebook(input.bytes, {
      file: input.path,
      ...(options.limits ? { limits: options.limits } : {}),
    });
  const { notebook } = parsed;
  const language = notebookLanguage(notebook.metadata);
  const linkHosts = linkHostsOf(
    notebook.cells.filter((cell) => cell.cell_type === "markdown").map((cell) => cell.source),
  );
  const state: CodeScanState = { file: newFileContext(linkHosts), scope: new PythonScope() };
  const first = sink.findings.length;

  scanMetadata(notebook.metadata, "notebook", { file: input.path, part: "metadata", line: 1, column: 1 }, sink);

  notebook.cells.forEach((cell, index) => {
    const place: Place = {
      file: input.path,
      cell: index,
      ...(cell.id !== undefined ? { cellId: cell.id } : {}),
      line: 1,
      column: 1,
    };
    const { line: _line, column: _column, ...partPlace } = place;
    const reporter = new TextReporter(cell.source, { place: partPlace, line: 1, column: 1 }, sink);
    reportSecrets(reporter);
    checkHiddenCell(cell, place, sink);
    scanMetadata(cell.metadata, "cell", { ...place, part: "metadata" }, sink);
    if (cell.cell_type === "code") {
      scanCode(reporter, language, state);
      cell.outputs.forEach((output, outputIndex) =>
        scanOutput(output, { ...partPlace, output: outputIndex }, sink, options.urlPolicy),
      );
    } else if (cell.cell_type === "markdown") {
      if (needsHtmlCheck(cell.source))
        reportHtml(renderMarkdown(cell.source, MARKDOWN_LIMITS), reporter, "markdown", options.urlPolicy);
    } else {
      checkRawCell(cell, place, sink);
      checkMarkup(cell.source, "the raw cell", place, sink);
    }
  });

  if (options.fileLines === true && !parsed.upgraded) addFileLines(input, notebook.cells, sink.findings.slice(first));
}

/** Notebook or cell metadata: code kept there, markup smuggled there, secrets. */
function scanMetadata(metadata: JsonObject, owner: "notebook" | "cell", place: Place, sink: FindingSink): void {
  jsonStrings(metadata, (value, path, machineState) => {
    if (!machineState) checkMetadataCode(value, path, place, sink);
    if (!(machineState && isSavedOutputMarkup(path))) checkMarkup(value, `${owner} metadata ${path}`, place, sink);
    const { line: _line, column: _column, ...part } = place;
    reportSecrets(new TextReporter(value, { place: part, line: 1, column: 1 }, sink));
  });
}

function scanOutput(
  output: Output,
  place: Omit<Place, "line" | "column">,
  sink: FindingSink,
  urlPolicy: UrlPolicy | undefined,
): void {
  const at = (text: string, part: string): TextReporter =>
    new TextReporter(text, { place: { ...place, part }, line: 1, column: 1 }, sink);
  if (output.output_type === "stream") {
    reportSecrets(at(output.text, `stream:${output.name}`));
    return;
  }
  if (output.output_type === "error") {
    reportSecrets(at(output.traceback.join("\n"), "error"));
    return;
  }
  jsonStrings(output.metadata, (value, path) =>
    checkMarkup(value, `output metadata ${path}`, { ...place, part: "metadata", line: 1, column: 1 }, sink),
  );
  for (const [mime, value] of Object.entries(output.data)) {
    if (typeof value !== "string") {
      // JSON data (widget views, application/json) is inserted into pages inside script elements by exporters.
      jsonStrings(value, (text, path) =>
        checkMarkup(text, `${mime} data ${path}`, { ...place, part: mime, line: 1, column: 1 }, sink),
      );
      continue;
    }
    const reporter = at(value, mime);
    // How the output-type registry says this type is read; a type it does not know is not read.
    const scan = outputType(mime)?.scan;
    if (scan?.secrets) reportSecrets(reporter);
    switch (scan?.read) {
      case "html":
        reportHtml(value, reporter, "output", urlPolicy);
        break;
      case "markdown":
        if (needsHtmlCheck(value)) reportHtml(renderMarkdown(value, MARKDOWN_LIMITS), reporter, "output", urlPolicy);
        break;
      case "script":
        reporter.report("active-output", 0, "output is JavaScript, run in its sandboxed frame");
        break;
      case "raster":
        checkMarkup(value, `the ${mime} output`, { ...place, part: mime, line: 1, column: 1 }, sink);
        break;
    }
  }
}

/** Most pointer look-ups per file: each scans the file's text from the start. */
const MAX_FILE_LINE_LOOKUPS = 200;

/** Adds the line in the notebook file itself, where a cell's source or an output is written. */
function addFileLines(input: ScanFileInput, cells: readonly Cell[], findings: readonly { place: Place }[]): void {
  if (findings.length === 0) return;
  const text = new TextDecoder().decode(input.bytes);
  const cache = new Map<string, number | undefined>();
  const lineOf = (pointer: string): number | undefined => {
    if (!cache.has(pointer))
      cache.set(pointer, cache.size < MAX_FILE_LINE_LOOKUPS ? locatePointer(text, pointer)?.line : undefined);
    return cache.get(pointer);
  };
  for (const { place } of findings) {
    const cell = place.cell;
    if (cell === undefined) {
      place.fileLine = lineOf("/metadata") ?? 1;
      continue;
    }
    if (place.part === "metadata") {
      place.fileLine = lineOf(`/cells/${cell}/metadata`) ?? lineOf(`/cells/${cell}`);
    } else if (place.output !== undefined) {
      place.fileLine = lineOf(`/cells/${cell}/outputs/${place.output}`) ?? lineOf(`/cells/${cell}`);
    } else {
      // A source stored as a list of lines has one JSON string per line; a single string starts on one line.
      const perLine = cells[cell] !== undefined ? lineOf(`/cells/${cell}/source/${place.line - 1}`) : undefined;
      place.fileLine = perLine ?? lineOf(`/cells/${cell}/source`) ?? lineOf(`/cells/${cell}`);
    }
    if (place.fileLine === undefined) delete place.fileLine;
  }
}
