// Reading a notebook file: bytes -> strict UTF-8 -> strict JSON -> version -> (upgrade) -> validated v4
// -> typed Notebook. Every refusal is a NotebookError with a stable code, the file name, a JSON pointer, the
// line and column, and the cell when the place is in one.

import { buildNotebook } from "./build.ts";
import { repairCellIds } from "./cell-ids.ts";
import { noteNewerMinor } from "./newer-minor.ts";
import { ReadingNoteList } from "./reading-notes.ts";
import { isObject } from "./schema-keywords.ts";
import type { Violation } from "./schema-keywords.ts";
import { NotebookError } from "./errors.ts";
import type { SourceLocation } from "./errors.ts";
import { parseJson } from "./json.ts";
import { locatePointer, pointerAtOffset } from "./json-locate.ts";
import { resolveLimits } from "./limits.ts";
import type { NotebookLimits } from "./limits.ts";
import { parsePointer, pointerFromSegments } from "./pointer.ts";
import { positionAt } from "./position.ts";
import type { JsonObject, JsonValue, ParsedNotebook } from "./types.ts";
import { rejoinV2Lines, rejoinV3Lines, upgradeV2ToV3, upgradeV3ToV4 } from "./upgrade.ts";
import { decodeUtf8, utf8ByteLength } from "./utf8.ts";
import { validateNotebookV3 } from "./validate-v3.ts";
import { validateNotebookV4 } from "./validate.ts";
import { detectVersion } from "./version.ts";

export interface ParseNotebookOptions {
  /** The file name errors should name. */
  file?: string;
  /** Overrides of DEFAULT_NOTEBOOK_LIMITS. */
  limits?: Partial<NotebookLimits>;
}

export function parseNotebook(input: Uint8Array | string, options: ParseNotebookOptions = {}): ParsedNotebook {
  const limits = resolveLimits(options.limits);
  let text: string | undefined;
  try {
    text = decodeInput(input, limits);
    return readNotebook(text, limits);
  } catch (error) {
    if (error instanceof NotebookError) {
      error.file = options.file;
      completeLocation(error.location, text);
    }
    throw error;
  }
}

function decodeInput(input: Uint8Array | string, limits: NotebookLimits): string {
  const max = limits.maxFileBytes;
  if (typeof input === "string") {
    // Each UTF-16 unit is at least one UTF-8 byte, so a long string is too large without counting.
    const size = input.length > max ? input.length : utf8ByteLength(input, max);
    if (size > max) throw tooLarge(`the text is more than ${max} bytes as UTF-8`, max);
    return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  }
  if (input.byteLength > max) throw tooLarge(`the file is ${input.byteLength} bytes`, max);
  const decoded = decodeUtf8(input);
  if ("text" in decoded) return decoded.text;
  const { offset, reason } = decoded.invalid;
  const before = decoded.textBefore;
  const { line, column } = positionAt(before, before.length);
  return fail("invalid_utf8", `the file is not valid UTF-8 at byte ${offset}: ${reason}`, {
    pointer: pointerAtOffset(before, before.length),
    line,
    column,
  });
}

function tooLarge(what: string, max: number): NotebookError {
  return new NotebookError("file_too_large", `${what}, more than the limit of ${max} bytes`, { pointer: "" });
}

function readNotebook(text: string, limits: NotebookLimits): ParsedNotebook {
  return readDocument(parseJson(text, limits), limits);
}

/**
 * parseNotebook's result for bytes that the studio has already accepted: its server read them with parseNotebook
 * when they were uploaded, and stores nothing that fails. The studio page reads a notebook from those bytes, and
 * the strict parser, a loop of JavaScript that runs cold on every page load, takes 100 ms and more for a 4 MB
 * notebook where the engine's JSON.parse takes under 10.
 *
 * For every input parseNotebook accepts, the result is the same (deep-equal): JSON.parse reads the same values,
 * the objects are given the null prototype the strict parser gives them, the depth and string limits are applied
 * while doing so, and the version, count limits, validation, upgrade and build are parseNotebook's own code. What
 * JSON.parse does not refuse, the strict parser does: duplicate keys (JSON.parse keeps the last) and unpaired
 * surrogates. So this is only for bytes that already passed parseNotebook, and a caller that shows the result
 * still confirms it with parseNotebook afterwards. Returns null for anything it would refuse: parseNotebook then
 * says what is wrong and where.
 */
export function parseAcceptedNotebook(input: Uint8Array, options: ParseNotebookOptions = {}): ParsedNotebook | null {
  const limits = resolveLimits(options.limits);
  if (input.byteLength > limits.maxFileBytes) return null;
  let root: unknown;
  try {
    // fatal: invalid UTF-8 is refused, as decodeUtf8 refuses it; a leading byte order mark is dropped by both.
    root = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(input));
  } catch {
    return null;
  }
  return readAcceptedDocument(root, options);
}

/**
 * parseAcceptedNotebook for a document JSON.parse has already read (which this takes over: its objects are given
 * a null prototype). The same conditions apply: only for what the studio's server read and accepted.
 */
export function readAcceptedDocument(root: unknown, options: ParseNotebookOptions = {}): ParsedNotebook | null {
  const limits = resolveLimits(options.limits);
  try {
    if (!withinLimitsAsStrictObjects(root, limits)) return null;
    return readDocument(root as JsonValue, limits);
  } catch {
    return null;
  }
}

/**
 * Gives every object of a JSON.parse result a null prototype, as the strict parser makes them, and checks the
 * strict parser's depth and string-length limits; false when a limit is exceeded. Iterative, like the parser.
 */
function withinLimitsAsStrictObjects(root: unknown, limits: NotebookLimits): boolean {
  const values: unknown[] = [root];
  const depths: number[] = [1];
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop() as number;
    if (typeof value === "string") {
      if (value.length > limits.maxStringLength) return false;
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (depth > limits.maxDepth) return false;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (item !== null && (typeof item === "object" || typeof item === "string")) {
          values.push(item);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    Object.setPrototypeOf(value, null);
    for (const key of Object.keys(value)) {
      if (key.length > limits.maxStringLength) return false;
      const item: unknown = (value as Record<string, unknown>)[key];
      if (item !== null && (typeof item === "object" || typeof item === "string")) {
        values.push(item);
        depths.push(depth + 1);
      }
    }
  }
  return true;
}

function readDocument(root: JsonValue, limits: NotebookLimits): ParsedNotebook {
  const version = detectVersion(root);
  const original = { major: version.major, minor: version.minor };
  const document = root as JsonObject;

  if (version.major === 4) {
    checkCountLimits(v4Cells(document), limits);
    // Repaired before validation, as nbformat's validate() does: what is left invalid is refused as before.
    const notes = new ReadingNoteList();
    repairCellIds(document, notes);
    throwFirst(validateNotebookV4(document, { maxViolations: 1 }));
    noteNewerMinor(document, notes);
    const notebook = buildNotebook(document, notes);
    return { notebook, original, upgraded: false, notes: notes.items, noteCounts: notes.counts };
  }

  if (version.major === 2) {
    upgradeV2ToV3(document);
  } else if (!Object.hasOwn(document, "nbformat_minor")) {
    // nbformat reads a missing v3 minor as 0 and upgrades the notebook, though the v3 schema requires it.
    document["nbformat_minor"] = 0;
  }
  checkCountLimits(v3Cells(document), limits);
  throwFirst(validateNotebookV3(document, { maxViolations: 1 }));
  if (version.major === 2) rejoinV2Lines(document);
  else rejoinV3Lines(document);
  const upgrade = upgradeV3ToV4(document, limits);
  // nbformat validates the result too; what can fail here is metadata v4 constrains and v3 did not.
  const violations = validateNotebookV4(upgrade.notebook, { maxViolations: 1 });
  throwFirst(violations.map((violation) => inUpgradedFile(violation, upgrade.cellOrigins)));
  // The upgrade gives every cell a unique id and writes 4.5, so the reading has nothing to note.
  return { notebook: buildNotebook(upgrade.notebook), original, upgraded: true, notes: [], noteCounts: {} };
}

function throwFirst(violations: readonly Violation[]): void {
  const first = violations[0];
  if (first === undefined) return;
  const location: SourceLocation = { pointer: first.pointer };
  if (first.cell !== undefined) location.cell = first.cell;
  fail(first.code, first.message, location);
}

/** Points a violation found after the upgrade back at the place in the v2/v3 file it came from. */
function inUpgradedFile(violation: Violation, cellOrigins: readonly string[]): Violation {
  const segments = parsePointer(violation.pointer) ?? [];
  let pointer = violation.pointer;
  if (segments[0] === "cells" && segments[1] !== undefined) {
    const origin = cellOrigins[Number(segments[1])] ?? "";
    const rest = segments.slice(2);
    // Cell metadata keeps its path through the upgrade; output and other keys are renamed, so name the
    // output or the cell itself.
    if (rest[0] === "metadata") pointer = origin + pointerFromSegments(rest);
    else if (rest[0] === "outputs" && rest[1] !== undefined) pointer = origin + pointerFromSegments(rest.slice(0, 2));
    else pointer = origin;
  }
  return { ...violation, pointer, message: `after the upgrade to nbformat 4: ${violation.message}` };
}

interface CellAt {
  pointer: string;
  cell: JsonValue;
}

function v4Cells(document: JsonObject): CellAt[] {
  const cells = document["cells"];
  return Array.isArray(cells) ? cells.map((cell, index) => ({ pointer: `/cells/${index}`, cell })) : [];
}

function v3Cells(document: JsonObject): CellAt[] {
  const found: CellAt[] = [];
  const worksheets = document["worksheets"];
  if (!Array.isArray(worksheets)) return found;
  worksheets.forEach((worksheet, w) => {
    const cells = isObject(worksheet) ? worksheet["cells"] : undefined;
    if (Array.isArray(cells)) cells.forEach((cell, c) => found.push({ pointer: `/worksheets/${w}/cells/${c}`, cell }));
  });
  return found;
}

/** maxCells and maxOutputsPerCell, checked before validation so that a huge file is refused early. */
function checkCountLimits(cells: readonly CellAt[], limits: NotebookLimits): void {
  const extra = cells[limits.maxCells];
  if (extra !== undefined) {
    fail("too_many_cells", `the notebook has ${cells.length} cells, more than the limit of ${limits.maxCells}`, {
      pointer: extra.pointer,
      cell: limits.maxCells,
    });
  }
  cells.forEach(({ pointer, cell }, index) => {
    const outputs = isObject(cell) ? cell["outputs"] : undefined;
    if (Array.isArray(outputs) && outputs.length > limits.maxOutputsPerCell) {
      fail(
        "too_many_outputs",
        `the cell has ${outputs.length} outputs, more than the limit of ${limits.maxOutputsPerCell}`,
        {
          pointer: `${pointer}/outputs/${limits.maxOutputsPerCell}`,
          cell: index,
        },
      );
    }
  });
}

function fail(code: NotebookError["code"], message: string, location: SourceLocation): never {
  throw new NotebookError(code, message, location);
}

/** Adds the line and column (from the pointer) and the cell index (from a v4 pointer) when missing. */
function completeLocation(location: SourceLocation, text: string | undefined): void {
  if (location.line === undefined && text !== undefined) {
    // The nearest place that exists: a missing property is reported at its object, which does.
    const segments = parsePointer(location.pointer) ?? [];
    for (let keep = segments.length; keep >= 0; keep--) {
      const found = locatePointer(text, pointerFromSegments(segments.slice(0, keep)));
      if (found === undefined) continue;
      location.line = found.line;
      location.column = found.column;
      break;
    }
  }
  if (location.cell === undefined) {
    const match = /^\/cells\/(0|[1-9][0-9]*)(\/|$)/.exec(location.pointer);
    if (match) location.cell = Number(match[1]);
  }
}
