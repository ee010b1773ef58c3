// Runs a whole notebook on a started Kernel, headlessly: parameters injected as a cell (papermill's convention),
// code cells executed in order, their outputs and execution counts written into a copy of the notebook. No command
// line concerns live here, so the studio's "run all" can use the same engine.
//
// What happens, and which tool each choice follows:
// - Before the run every code cell's outputs and execution count are cleared (papermill does the same), so the
//   result never mixes outputs of an earlier run with this one: a cell that did not run is left empty.
// - A code cell whose source is only whitespace is not executed (nbclient skips it too).
// - The first cell that fails (error reply, timeout, kernel death) stops the run; later cells stay cleared.
//   With allowErrors a cell that raised does not stop it (nbconvert's --allow-errors); a timeout or a dead kernel
//   still does, as in nbclient, where neither is covered by allow_errors.
// - A cell over its time limit is interrupted; if it has not ended after the grace period the kernel is shut down.
//   Either way the cell gets an error output that says it timed out.

import type { Cell, CodeCell, ErrorOutput, Notebook, Output } from "../notebook/types.ts";
import { JSON_MIME_TYPE } from "../notebook/validate.ts";
import type { Kernel } from "./kernel.ts";

/** A parameter's value, as papermill's -p reads it: None, True/False, an int, a float, or else a string. */
export type ParameterValue = null | boolean | bigint | number | string;

export interface NotebookParameter {
  name: string;
  value: ParameterValue;
}

export type ParameterErrorCode = "parameter_name_invalid" | "parameters_unsupported_language";

export class ParameterError extends Error {
  readonly code: ParameterErrorCode;
  /** The parameter's name, or "" when the error is about all of them. */
  readonly place: string;
  constructor(code: ParameterErrorCode, place: string, message: string) {
    super(message);
    this.name = "ParameterError";
    this.code = code;
    this.place = place;
  }
}

/** The tag of the cell whose values the injected cell overrides, and the injected cell's own (papermill's). */
export const PARAMETERS_TAG = "parameters";
export const INJECTED_PARAMETERS_TAG = "injected-parameters";

const PYTHON_KEYWORDS = new Set([
  "False",
  "None",
  "True",
  "and",
  "as",
  "assert",
  "async",
  "await",
  "break",
  "class",
  "continue",
  "def",
  "del",
  "elif",
  "else",
  "except",
  "finally",
  "for",
  "from",
  "global",
  "if",
  "import",
  "in",
  "is",
  "lambda",
  "nonlocal",
  "not",
  "or",
  "pass",
  "raise",
  "return",
  "try",
  "while",
  "with",
  "yield",
]);

/**
 * A Python identifier that is not a keyword. Only NFKC-normalized names: Python normalizes identifiers to NFKC, so
 * another spelling would assign a name other than the one shown.
 */
export function isPythonIdentifier(name: string): boolean {
  return (
    /^[\p{XID_Start}_]\p{XID_Continue}*$/u.test(name) && name.normalize("NFKC") === name && !PYTHON_KEYWORDS.has(name)
  );
}

const PYTHON_INT = /^[+-]?\d+(?:_\d+)*$/;
const DIGITS = String.raw`\d+(?:_\d+)*`;
const PYTHON_FLOAT = new RegExp(String.raw`^[+-]?(?:(?:${DIGITS})?\.${DIGITS}|${DIGITS}\.?)(?:[eE][+-]?${DIGITS})?$`);
const PYTHON_SPECIAL_FLOAT = /^([+-]?)(nan|inf|infinity)$/i;

/**
 * Reads a -p VALUE as papermill's command line does (`_resolve_type`): exactly "True", "False" or "None"; else an
 * int if Python's int() takes it; else a float if float() takes it (nan and inf included); else the text itself as
 * a string. Surrounding whitespace is ignored for numbers, as int() and float() ignore it.
 */
export function parseParameterValue(text: string): ParameterValue {
  if (text === "True") return true;
  if (text === "False") return false;
  if (text === "None") return null;
  const trimmed = text.trim();
  if (PYTHON_INT.test(trimmed)) return BigInt(trimmed.replaceAll("_", ""));
  if (PYTHON_FLOAT.test(trimmed)) return Number(trimmed.replaceAll("_", ""));
  const special = PYTHON_SPECIAL_FLOAT.exec(trimmed);
  if (special) {
    if ((special[2] as string).toLowerCase() === "nan") return Number.NaN;
    return special[1] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  return text;
}

/** A value as a Python literal, as papermill's PythonTranslator writes it. */
export function pythonLiteral(value: ParameterValue): string {
  if (value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "float('nan')";
    if (!Number.isFinite(value)) return value < 0 ? "float('-inf')" : "float('inf')";
    // JavaScript's shortest round-trip form is a valid Python literal of the same value; a float must keep a
    // point or an exponent, or Python would read an int.
    const text = String(value);
    return /[.e]/.test(text) ? text : `${text}.0`;
  }
  return pythonString(value);
}

/**
 * A double-quoted Python string literal. Like papermill (`unicode_escape`), everything outside printable ASCII is
 * escaped, so the injected cell shows no invisible or direction-changing characters.
 */
export function pythonString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (char === "\\") out += "\\\\";
    else if (char === '"') out += '\\"';
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code >= 0x20 && code < 0x7f) out += char;
    else if (code < 0x100) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += `\\U${code.toString(16).padStart(8, "0")}`;
  }
  return `${out}"`;
}

/** The injected cell's source: a comment line, then one assignment per parameter, in the order given. */
export function renderPythonParameters(parameters: readonly NotebookParameter[]): string {
  for (const { name } of parameters) checkParameterName(name);
  return (
    ["# Parameters", ...parameters.map(({ name, value }) => `${name} = ${pythonLiteral(value)}`)].join("\n") + "\n"
  );
}

function checkParameterName(name: string): void {
  if (!isPythonIdentifier(name)) {
    throw new ParameterError(
      "parameter_name_invalid",
      name,
      `parameter name "${name}" is not a Python identifier (letters, digits and _, not starting with a digit, not a keyword)`,
    );
  }
}

function tags(cell: Cell): string[] {
  const value = cell.metadata.tags;
  return Array.isArray(value) ? value.filter((tag): tag is string => typeof tag === "string") : [];
}

/**
 * A copy of the notebook with a code cell tagged `injected-parameters` that assigns the parameters: right after
 * the first cell tagged `parameters`, else first. An injected cell left by an earlier run is removed first (as
 * papermill does). Parameters are written in Python, so only a Python kernel takes them.
 */
export function injectParameters(
  notebook: Notebook,
  parameters: readonly NotebookParameter[],
  language: string,
): Notebook {
  if (language.toLowerCase() !== "python") {
    throw new ParameterError(
      "parameters_unsupported_language",
      "",
      `parameters are written as Python assignments, and this kernel's language is ${language}`,
    );
  }
  const source = renderPythonParameters(parameters);
  const cells = notebook.cells.filter((cell) => !tags(cell).includes(INJECTED_PARAMETERS_TAG));
  const after = cells.findIndex((cell) => tags(cell).includes(PARAMETERS_TAG));
  const injected: CodeCell = {
    cell_type: "code",
    // Cell ids exist from nbformat 4.5 on; an older notebook's cells have none and must not get one.
    ...(notebook.nbformat_minor >= 5 ? { id: freeCellId(cells) } : {}),
    source,
    metadata: { tags: [INJECTED_PARAMETERS_TAG] },
    execution_count: null,
    outputs: [],
  };
  cells.splice(after + 1, 0, injected);
  return { ...notebook, cells };
}

function freeCellId(cells: readonly Cell[]): string {
  const taken = new Set(cells.map((cell) => cell.id));
  let id = INJECTED_PARAMETERS_TAG;
  for (let n = 2; taken.has(id); n++) id = `${INJECTED_PARAMETERS_TAG}-${n}`;
  return id;
}

export type CellFailureKind = "error" | "timeout" | "kernel_died" | "aborted";

export interface CellFailure {
  kind: CellFailureKind;
  /** The cell's index among all cells of the result notebook (0-based). */
  cellIndex: number;
  cellId?: string;
  ename: string;
  evalue: string;
}

export type RunProgress =
  | { type: "cell_start"; cellIndex: number; codeIndex: number; codeCells: number; source: string }
  | { type: "cell_end"; cellIndex: number; codeIndex: number; codeCells: number; failure?: CellFailure };

export interface RunNotebookOptions {
  /** A started kernel; the run leaves it running unless a timeout or an abort had to shut it down. */
  kernel: Kernel;
  /** Per-cell time limit in milliseconds (nbconvert's ExecutePreprocessor.timeout); none when undefined. */
  cellTimeoutMs?: number;
  /** How long an interrupted cell (timeout or abort) may take to end before the kernel is shut down. */
  interruptGraceMs?: number;
  /** A cell that raised does not stop the run. */
  allowErrors?: boolean;
  /** Aborting interrupts the running cell and stops the run (status "aborted"). */
  signal?: AbortSignal;
  onProgress?: (event: RunProgress) => void;
}

export interface NotebookRunResult {
  /** The notebook with every code cell's outputs and execution count as this run left them. */
  notebook: Notebook;
  /** "ok": every code cell ran with no failure (or only errors allowed by allowErrors). */
  status: "ok" | "failed" | "aborted";
  codeCells: number;
  /** Code cells executed (failed ones included; empty ones are not executed). */
  executed: number;
  failures: CellFailure[];
}

export const DEFAULT_INTERRUPT_GRACE_MS = 5_000;

/** Runs the notebook's code cells in order on the kernel; see the top of this file for the rules. */
export async function runNotebook(input: Notebook, options: RunNotebookOptions): Promise<NotebookRunResult> {
  const grace = options.interruptGraceMs ?? DEFAULT_INTERRUPT_GRACE_MS;
  const cells: Cell[] = input.cells.map((cell) =>
    cell.cell_type === "code" ? { ...cell, outputs: [], execution_count: null } : cell,
  );
  const notebook: Notebook = { ...input, cells };
  const codeIndexes = cells.flatMap((cell, index) => (cell.cell_type === "code" ? [index] : []));
  const failures: CellFailure[] = [];
  let executed = 0;
  let status: NotebookRunResult["status"] = "ok";
  for (const [codeIndex, cellIndex] of codeIndexes.entries()) {
    if (options.signal?.aborted) {
      status = "aborted";
      break;
    }
    const cell = cells[cellIndex] as CodeCell;
    const progress = { cellIndex, codeIndex, codeCells: codeIndexes.length };
    if (cell.source.trim() === "") continue;
    options.onProgress?.({ type: "cell_start", ...progress, source: cell.source });
    executed++;
    const { outputs, executionCount, failure } = await runCell(cell, cellIndex, options, grace);
    cells[cellIndex] = { ...cell, outputs, execution_count: executionCount };
    options.onProgress?.({ type: "cell_end", ...progress, ...(failure ? { failure } : {}) });
    if (!failure) continue;
    failures.push(failure);
    if (failure.kind === "aborted") {
      status = "aborted";
      break;
    }
    status = "failed";
    if (failure.kind !== "error" || !options.allowErrors) break;
  }
  if (status === "failed" && options.allowErrors && failures.every((failure) => failure.kind === "error")) {
    status = "ok";
  }
  return { notebook, status, codeCells: codeIndexes.length, executed, failures };
}

async function runCell(
  cell: CodeCell,
  cellIndex: number,
  options: RunNotebookOptions,
  grace: number,
): Promise<{ outputs: Output[]; executionCount: number | null; failure?: CellFailure }> {
  const { kernel } = options;
  let stoppedFor: "timeout" | "aborted" | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  const stop = (why: "timeout" | "aborted"): void => {
    if (stoppedFor) return;
    stoppedFor = why;
    kernel.interrupt().catch(() => undefined);
    // An interrupt the code ignores (or a kernel stuck in native code) ends with the kernel.
    graceTimer = setTimeout(() => void kernel.shutdown().catch(() => undefined), grace);
  };
  const timeoutTimer =
    options.cellTimeoutMs === undefined ? undefined : setTimeout(() => stop("timeout"), options.cellTimeoutMs);
  const onAbort = (): void => stop("aborted");
  options.signal?.addEventListener("abort", onAbort);
  try {
    const result = await kernel.execute(cell.source, { ...(cell.id ? { cellId: cell.id } : {}) });
    const outputs = [...result.outputs];
    const where = { cellIndex, ...(cell.id ? { cellId: cell.id } : {}) };
    if (stoppedFor === "timeout") {
      const seconds = (options.cellTimeoutMs as number) / 1000;
      const error = errorOutput(
        "CellTimeoutError",
        `the cell ran longer than ${seconds} s and was interrupted` +
          (result.status === "dead" ? "; it did not stop, so the kernel was shut down" : ""),
      );
      outputs.push(error);
      return {
        outputs,
        executionCount: result.executionCount,
        failure: { kind: "timeout", ...where, ...names(error) },
      };
    }
    if (stoppedFor === "aborted") {
      const error = errorOutput("RunAborted", "the run was stopped while this cell ran");
      return {
        outputs,
        executionCount: result.executionCount,
        failure: { kind: "aborted", ...where, ...names(error) },
      };
    }
    if (result.status === "dead") {
      const error = errorOutput("DeadKernelError", result.error?.message ?? "the kernel died");
      outputs.push(error);
      return {
        outputs,
        executionCount: result.executionCount,
        failure: { kind: "kernel_died", ...where, ...names(error) },
      };
    }
    if (result.status !== "ok") {
      const raised = outputs.findLast((output): output is ErrorOutput => output.output_type === "error");
      const error = raised ?? errorOutput("CellExecutionError", `the kernel answered ${result.status}`);
      return { outputs, executionCount: result.executionCount, failure: { kind: "error", ...where, ...names(error) } };
    }
    return { outputs, executionCount: result.executionCount };
  } finally {
    clearTimeout(timeoutTimer);
    clearTimeout(graceTimer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

function errorOutput(ename: string, evalue: string): ErrorOutput {
  return { output_type: "error", ename, evalue, traceback: [`${ename}: ${evalue}`] };
}

function names(error: ErrorOutput): { ename: string; evalue: string } {
  return { ename: error.ename, evalue: error.evalue };
}

/**
 * The notebook as nbformat writes it: JSON indented by one space, multi-line strings (sources, stream text,
 * text-valued outputs) as lists of lines, keys in the order given, a final newline.
 */
export function serializeNotebook(notebook: Notebook): string {
  const cells = notebook.cells.map((cell) => {
    const base = { ...cell, source: splitLines(cell.source) };
    if (cell.cell_type !== "code") return base;
    return { ...base, outputs: cell.outputs.map(splitOutput) };
  });
  return `${JSON.stringify({ ...notebook, cells }, null, 1)}\n`;
}

function splitOutput(output: Output): unknown {
  if (output.output_type === "stream") return { ...output, text: splitLines(output.text) };
  if (output.output_type === "error") return output;
  const data: Record<string, unknown> = {};
  for (const [mime, value] of Object.entries(output.data)) {
    // JSON mime types hold structured values; every other string value is text that nbformat writes as lines.
    data[mime] = typeof value === "string" && !JSON_MIME_TYPE.test(mime) ? splitLines(value) : value;
  }
  return { ...output, data };
}

function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}
