// Upgrading nbformat 2 and 3 notebooks to nbformat 4, step by step as nbformat's Python code does it
// (jupyter/nbformat: v2/rwbase.py and v3/rwbase.py `rejoin_lines`, v3/convert.py and v4/convert.py `upgrade`).
// The functions work on parsed JSON in place and expect the caller to have validated the v3 shape first
// (validate-v3.ts), so they never guess at malformed input.
//
// Where we differ from nbformat, on purpose:
// - Cell ids: nbformat gives upgraded cells random ids; ours are "cell-1", "cell-2", ... so that reading the
//   same file twice gives the same notebook (stable links and anchors).
// - The v3 "pdf" output key becomes "application/pdf"; nbformat's mime map has no entry for it and leaves a
//   "pdf" key that no renderer recognizes.
// - A v3 "json" output that is not valid JSON is a located error here; in nbformat, json.loads raises.
// - A heading whose "#" prefix would exceed maxStringLength is refused rather than built.

import { NotebookError } from "./errors.ts";
import { parseJson } from "./json.ts";
import type { NotebookLimits } from "./limits.ts";
import { joinPointer } from "./pointer.ts";
import type { JsonObject, JsonValue } from "./types.ts";

/** nbformat's upgrade sets the newest minor it knows. */
export const UPGRADED_NBFORMAT_MINOR = 5;

export interface UpgradeResult {
  /** The notebook as nbformat 4.5 (multi-line values may still be lists of strings). */
  notebook: JsonObject;
  /** For each v4 cell, the pointer of the v3 cell it came from, e.g. "/worksheets/0/cells/3". */
  cellOrigins: string[];
}

function emptyObject(): JsonObject {
  return Object.create(null) as JsonObject;
}

function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
}

function isStringList(value: JsonValue | undefined): value is string[] {
  return Array.isArray(value) && value.every((line) => typeof line === "string");
}

/** Calls `visit` for every cell object of a v2/v3 notebook, worksheets flattened, in order. */
function forEachV3Cell(notebook: JsonObject, visit: (cell: JsonObject, pointer: string, index: number) => void): void {
  const worksheets = notebook["worksheets"];
  if (!Array.isArray(worksheets)) return;
  let index = 0;
  worksheets.forEach((worksheet, w) => {
    const cells = asObject(worksheet)?.["cells"];
    if (!Array.isArray(cells)) return;
    cells.forEach((cell, c) => {
      const object = asObject(cell);
      if (object) visit(object, `/worksheets/${w}/cells/${c}`, index);
      index++;
    });
  });
}

// v2 and v3 both split these output keys into lines when writing; readers join them back.
const MULTILINE_OUTPUT_KEYS = ["text", "html", "svg", "latex", "javascript", "json"];

function rejoinLines(notebook: JsonObject, join: (lines: string[]) => string): void {
  forEachV3Cell(notebook, (cell) => {
    if (cell["cell_type"] === "code") {
      const input = cell["input"];
      if (isStringList(input)) cell["input"] = join(input);
      const outputs = cell["outputs"];
      if (!Array.isArray(outputs)) return;
      for (const value of outputs) {
        const output = asObject(value);
        if (!output) continue;
        for (const key of MULTILINE_OUTPUT_KEYS) {
          const lines = output[key];
          if (isStringList(lines)) output[key] = join(lines);
        }
      }
    } else {
      for (const key of ["source", "rendered"]) {
        const lines = cell[key];
        if (isStringList(lines)) cell[key] = join(lines);
      }
    }
  });
}

/** v2's rejoin_lines: its writer used splitlines() without line ends, so lines are joined with "\n". */
export function rejoinV2Lines(notebook: JsonObject): void {
  rejoinLines(notebook, (lines) => lines.join("\n"));
}

/** v3's rejoin_lines: lines written with their line ends are concatenated, older ones joined with "\n". */
export function rejoinV3Lines(notebook: JsonObject): void {
  rejoinLines(notebook, joinV3Lines);
}

function joinV3Lines(lines: string[]): string {
  const first = lines[0];
  return first !== undefined && (first.endsWith("\n") || first.endsWith("\r")) ? lines.join("") : lines.join("\n");
}

/** nbformat v3/convert.py `upgrade` from 2: marks the version and gives every cell a metadata object. */
export function upgradeV2ToV3(notebook: JsonObject): JsonObject {
  notebook["nbformat"] = 3;
  notebook["nbformat_minor"] = 0;
  notebook["orig_nbformat"] = 2;
  forEachV3Cell(notebook, (cell) => {
    if (!Object.hasOwn(cell, "metadata")) cell["metadata"] = emptyObject();
  });
  return notebook;
}

/** nbformat v4/convert.py `upgrade` from 3: worksheets flattened, cells and outputs renamed. */
export function upgradeV3ToV4(
  notebook: JsonObject,
  limits: Pick<NotebookLimits, "maxDepth" | "maxStringLength">,
): UpgradeResult {
  const metadata = asObject(notebook["metadata"]) ?? emptyObject();
  // `or` in nbformat: a missing (or zero) original version means the file itself was v3.0.
  metadata["orig_nbformat"] = numberOr(notebook["orig_nbformat"], 3);
  metadata["orig_nbformat_minor"] = numberOr(notebook["orig_nbformat_minor"], 0);
  delete metadata["name"];
  delete metadata["signature"];

  const cells: JsonValue[] = [];
  const cellOrigins: string[] = [];
  forEachV3Cell(notebook, (cell, pointer, index) => {
    cells.push(upgradeCell(cell, pointer, index, limits));
    cellOrigins.push(pointer);
  });
  const upgraded = emptyObject();
  upgraded["metadata"] = metadata;
  upgraded["nbformat"] = 4;
  upgraded["nbformat_minor"] = UPGRADED_NBFORMAT_MINOR;
  upgraded["cells"] = cells;
  return { notebook: upgraded, cellOrigins };
}

function numberOr(value: JsonValue | undefined, fallback: number): number {
  return typeof value === "number" && value !== 0 ? value : fallback;
}

function upgradeCell(
  cell: JsonObject,
  pointer: string,
  index: number,
  limits: Pick<NotebookLimits, "maxDepth" | "maxStringLength">,
): JsonObject {
  const upgraded = emptyObject();
  upgraded["id"] = `cell-${index + 1}`;
  const metadata = asObject(cell["metadata"]) ?? emptyObject();
  const type = cell["cell_type"];
  if (type === "code") {
    // The cell's `language` is dropped, as nbformat does: v3 wrote "python" there whatever the kernel.
    if (Object.hasOwn(cell, "collapsed")) metadata["collapsed"] = cell["collapsed"] ?? null;
    upgraded["cell_type"] = "code";
    upgraded["metadata"] = metadata;
    upgraded["source"] = cell["input"] ?? "";
    upgraded["execution_count"] = cell["prompt_number"] ?? null;
    const outputs = Array.isArray(cell["outputs"]) ? cell["outputs"] : [];
    upgraded["outputs"] = outputs.map((output, k) =>
      upgradeOutput(asObject(output) ?? emptyObject(), `${pointer}/outputs/${k}`, index, limits),
    );
  } else if (type === "heading") {
    const level = typeof cell["level"] === "number" ? cell["level"] : 1;
    const source = cell["source"];
    const text = typeof source === "string" ? source : isStringList(source) ? joinV3Lines(source) : "";
    const line = splitLinesLikePython(text).join(" ");
    if (level + 1 + line.length > limits.maxStringLength) {
      throw new NotebookError(
        "string_too_long",
        `a level ${level} heading would become a markdown line longer than the limit of ${limits.maxStringLength} characters`,
        { pointer: `${pointer}/level`, cell: index },
      );
    }
    upgraded["cell_type"] = "markdown";
    upgraded["metadata"] = metadata;
    upgraded["source"] = "#".repeat(level) + " " + line;
  } else {
    // raw and markdown stay; "html" cells (which nbformat says never happen in practice) become markdown.
    upgraded["cell_type"] = type === "html" ? "markdown" : (type ?? null);
    upgraded["metadata"] = metadata;
    upgraded["source"] = cell["source"] ?? "";
  }
  return upgraded;
}

// nbformat's _mime_map, plus "pdf" (see the top of this file).
const V3_FORMAT_TO_MIME: readonly (readonly [string, string])[] = [
  ["text", "text/plain"],
  ["html", "text/html"],
  ["svg", "image/svg+xml"],
  ["png", "image/png"],
  ["jpeg", "image/jpeg"],
  ["latex", "text/latex"],
  ["json", "application/json"],
  ["javascript", "application/javascript"],
  ["pdf", "application/pdf"],
];

/** to_mime_key: renames format keys in place; a format key wins over a mime key already there, as in nbformat. */
function toMimeKeys(bundle: JsonObject): void {
  for (const [format, mime] of V3_FORMAT_TO_MIME) {
    if (!Object.hasOwn(bundle, format)) continue;
    bundle[mime] = bundle[format] ?? null;
    delete bundle[format];
  }
}

function upgradeOutput(
  output: JsonObject,
  pointer: string,
  cellIndex: number,
  limits: Pick<NotebookLimits, "maxDepth" | "maxStringLength">,
): JsonObject {
  const type = output["output_type"];
  const upgraded = emptyObject();
  if (type === "pyout" || type === "display_data") {
    upgraded["output_type"] = type === "pyout" ? "execute_result" : "display_data";
    if (type === "pyout") upgraded["execution_count"] = output["prompt_number"] ?? null;
    const data = emptyObject();
    for (const key of Object.keys(output)) {
      if (
        key === "output_type" ||
        key === "metadata" ||
        key === "execution_count" ||
        (type === "pyout" && key === "prompt_number")
      )
        continue;
      data[key] = output[key] ?? null;
    }
    const jsonPointer = joinPointer(pointer, Object.hasOwn(output, "json") ? "json" : "application/json");
    toMimeKeys(data);
    const metadata = asObject(output["metadata"]) ?? emptyObject();
    toMimeKeys(metadata);
    if (Object.hasOwn(data, "application/json")) {
      data["application/json"] = parseEmbeddedJson(data["application/json"], jsonPointer, cellIndex, limits);
    }
    upgraded["data"] = data;
    upgraded["metadata"] = metadata;
  } else if (type === "pyerr") {
    upgraded["output_type"] = "error";
    for (const key of ["ename", "evalue", "traceback"])
      if (Object.hasOwn(output, key)) upgraded[key] = output[key] ?? null;
  } else if (type === "stream") {
    upgraded["output_type"] = "stream";
    upgraded["name"] = output["stream"] ?? "stdout";
    upgraded["text"] = output["text"] ?? "";
  } else {
    return output;
  }
  return upgraded;
}

/** v3 stored JSON output as a string of JSON; v4 stores the value. */
function parseEmbeddedJson(
  value: JsonValue | undefined,
  pointer: string,
  cellIndex: number,
  limits: Pick<NotebookLimits, "maxDepth" | "maxStringLength">,
): JsonValue {
  const text = typeof value === "string" ? value : isStringList(value) ? value.join("") : undefined;
  if (text === undefined) return value ?? null;
  try {
    return parseJson(text, limits);
  } catch (error) {
    if (!(error instanceof NotebookError)) throw error;
    const { line, column } = error.location;
    throw new NotebookError(
      error.code,
      `the v3 JSON output is not valid JSON (${error.message}, at line ${line ?? "?"}, column ${column ?? "?"} of the embedded text)`,
      { pointer, cell: cellIndex },
    );
  }
}

/** Python's str.splitlines(): every line boundary Python knows, and no empty piece after a final one. */
export function splitLinesLikePython(text: string): string[] {
  // eslint-disable-next-line no-control-regex -- Python counts the file/group/record separators as line ends.
  const lines = text.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/u);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}
