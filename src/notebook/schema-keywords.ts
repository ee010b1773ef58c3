// Building blocks for the nbformat validators (validate.ts for v4, validate-v3.ts for v3). Each check mirrors
// one JSON Schema (draft 4) keyword the way Ajv applies it, so that our verdict and the official schema's agree.

import { joinPointer } from "./pointer.ts";
import type { JsonObject, JsonValue } from "./types.ts";

export type ViolationCode = "schema_violation" | "duplicate_cell_id";

export interface Violation {
  code: ViolationCode;
  message: string;
  /** JSON pointer into the document that was validated. */
  pointer: string;
  /** 0-based index of the cell the violation is in, counting cells in document order. */
  cell?: number;
  /**
   * Set for the rules nbformat relaxes in a notebook newer than the newest schema: a property the schema does not
   * know (additionalProperties: false), or a cell or output type it does not know.
   */
  relaxable?: "unknown_property" | "unknown_type";
}

/** Collects violations, up to a cap so that a hostile file cannot make us build a huge list. */
export class ViolationList {
  readonly items: Violation[] = [];
  /** The cell being checked; attached to every violation added meanwhile. */
  cell: number | undefined = undefined;
  private readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  add(
    pointer: string,
    message: string,
    code: ViolationCode = "schema_violation",
    relaxable?: Violation["relaxable"],
  ): void {
    if (this.items.length >= this.max) return;
    const violation: Violation = { code, message, pointer };
    if (this.cell !== undefined) violation.cell = this.cell;
    if (relaxable !== undefined) violation.relaxable = relaxable;
    this.items.push(violation);
  }
}

export function has(object: JsonObject, key: string): boolean {
  return Object.hasOwn(object, key);
}

export function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Ajv's "integer" (with strictNumbers): a finite number without a fractional part. JSON `1.0` counts. */
export function isInteger(value: JsonValue | undefined): value is number {
  return typeof value === "number" && Number.isInteger(value);
}

/** The JSON Schema type name of a value, for messages. */
export function typeOf(value: JsonValue | undefined): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** A short description of a value for messages: the value itself when short, else its type. */
export function describeValue(value: JsonValue | undefined): string {
  if (typeof value === "string")
    return value.length <= 40 ? JSON.stringify(value) : `a string of ${value.length} characters`;
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  return `an ${typeOf(value)}`;
}

export function expectObject(
  out: ViolationList,
  value: JsonValue | undefined,
  pointer: string,
  what: string,
): JsonObject | undefined {
  if (isObject(value)) return value;
  out.add(pointer, `${what} must be an object, found ${describeValue(value)}`);
  return undefined;
}

export function expectArray(
  out: ViolationList,
  value: JsonValue | undefined,
  pointer: string,
  what: string,
): JsonValue[] | undefined {
  if (Array.isArray(value)) return value;
  out.add(pointer, `${what} must be an array, found ${describeValue(value)}`);
  return undefined;
}

export function checkRequired(
  out: ViolationList,
  object: JsonObject,
  pointer: string,
  what: string,
  keys: readonly string[],
): void {
  for (const key of keys) if (!has(object, key)) out.add(pointer, `${what} is missing the required property '${key}'`);
}

/** additionalProperties: false. `patterns` are patternProperties keys that also make a key known. */
export function checkNoUnknownKeys(
  out: ViolationList,
  object: JsonObject,
  pointer: string,
  what: string,
  known: ReadonlySet<string>,
  patterns: readonly RegExp[] = [],
  hint?: (key: string) => string | undefined,
): void {
  for (const key of Object.keys(object)) {
    if (known.has(key) || (patterns.length > 0 && patterns.some((pattern) => pattern.test(key)))) continue;
    const extra = hint?.(key);
    out.add(
      joinPointer(pointer, key),
      `${what} has the unknown property ${JSON.stringify(key)}${extra ? ` (${extra})` : ""}`,
      "schema_violation",
      "unknown_property",
    );
  }
}

export function checkString(out: ViolationList, value: JsonValue | undefined, pointer: string, what: string): void {
  if (typeof value !== "string") out.add(pointer, `${what} must be a string, found ${describeValue(value)}`);
}

export function checkBoolean(out: ViolationList, value: JsonValue | undefined, pointer: string, what: string): void {
  if (typeof value !== "boolean") out.add(pointer, `${what} must be true or false, found ${describeValue(value)}`);
}

export function checkInteger(
  out: ViolationList,
  value: JsonValue | undefined,
  pointer: string,
  what: string,
  range: { min?: number; max?: number; nullable?: boolean },
): void {
  if (range.nullable && value === null) return;
  const bounds =
    range.min !== undefined && range.max !== undefined
      ? range.min === range.max
        ? ` equal to ${range.min}`
        : ` from ${range.min} to ${range.max}`
      : range.min !== undefined
        ? ` >= ${range.min}`
        : "";
  const ok =
    isInteger(value) &&
    (range.min === undefined || value >= range.min) &&
    (range.max === undefined || value <= range.max);
  if (!ok)
    out.add(
      pointer,
      `${what} must be an integer${bounds}${range.nullable ? " or null" : ""}, found ${describeValue(value)}`,
    );
}

export function isMultiline(value: JsonValue | undefined): boolean {
  return typeof value === "string" || (Array.isArray(value) && value.every((line) => typeof line === "string"));
}

/** The schemas' multiline_string: a string, or an array of strings that readers join. */
export function checkMultiline(out: ViolationList, value: JsonValue | undefined, pointer: string, what: string): void {
  if (typeof value === "string") return;
  if (Array.isArray(value)) {
    const bad = value.findIndex((line) => typeof line !== "string");
    if (bad < 0) return;
    out.add(
      joinPointer(pointer, bad),
      `${what} must be a string or a list of strings; item ${bad} is ${describeValue(value[bad])}`,
    );
    return;
  }
  out.add(pointer, `${what} must be a string or a list of strings, found ${describeValue(value)}`);
}

export function checkArrayOfStrings(
  out: ViolationList,
  value: JsonValue | undefined,
  pointer: string,
  what: string,
): void {
  const list = expectArray(out, value, pointer, what);
  if (!list) return;
  const bad = list.findIndex((item) => typeof item !== "string");
  if (bad >= 0)
    out.add(joinPointer(pointer, bad), `${what} must contain only strings; item ${bad} is ${describeValue(list[bad])}`);
}

// Patterns are compiled with the "u" flag, as Ajv compiles them, so "." excludes the same line terminators.
const METADATA_NAME = /^.+$/u;
const METADATA_TAG = /^[^,]+$/u;

/** misc/metadata_name: a non-empty string on one line. */
export function checkCellName(out: ViolationList, value: JsonValue | undefined, pointer: string): void {
  if (typeof value !== "string") return checkString(out, value, pointer, "the cell name in metadata 'name'");
  if (!METADATA_NAME.test(value))
    out.add(pointer, "the cell name in metadata 'name' must be non-empty and on one line");
}

/** misc/metadata_tags: unique strings, none empty, none with a comma. */
export function checkTags(out: ViolationList, value: JsonValue | undefined, pointer: string): void {
  const tags = expectArray(out, value, pointer, "metadata 'tags'");
  if (!tags) return;
  const seen = new Set<string>();
  tags.forEach((tag, index) => {
    const at = joinPointer(pointer, index);
    if (typeof tag !== "string") return out.add(at, `a tag must be a string, found ${describeValue(tag)}`);
    if (!METADATA_TAG.test(tag)) out.add(at, `the tag ${describeValue(tag)} must be non-empty and contain no comma`);
    if (seen.has(tag)) out.add(at, `the tag ${describeValue(tag)} appears twice; tags must be unique`);
    seen.add(tag);
  });
}
