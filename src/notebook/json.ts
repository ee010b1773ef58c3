// A strict JSON parser for untrusted notebooks.
//
// Why not JSON.parse: it keeps the last of two duplicate keys without a word (so two readers of one file can
// disagree about what it says), it reports no line, column or JSON pointer for what is wrong, and it has no
// depth or string-size limits. This parser reports all of those as located NotebookErrors.
//
// Safety properties, each relied on elsewhere:
// - iterative: nesting is an explicit stack, so no input can overflow the call stack (only maxDepth limits it);
// - linear: every character is looked at a bounded number of times, and nothing waits on anything, so it
//   always ends;
// - objects have a null prototype, so "__proto__", "constructor" and friends are plain keys, never prototypes;
// - strings follow I-JSON (RFC 7493): an unpaired surrogate, escaped or raw, is an error, so every string
//   that comes out is well-formed Unicode that can be encoded as UTF-8.

import { NotebookError } from "./errors.ts";
import type { NotebookErrorCode } from "./errors.ts";
import { DEFAULT_NOTEBOOK_LIMITS } from "./limits.ts";
import {
  TAB,
  LF,
  CR,
  SPACE,
  QUOTE,
  PLUS,
  COMMA,
  MINUS,
  DOT,
  SLASH,
  ZERO,
  NINE,
  COLON,
  UPPER_E,
  OPEN_BRACKET,
  BACKSLASH,
  CLOSE_BRACKET,
  LOWER_E,
  OPEN_BRACE,
  CLOSE_BRACE,
} from "./json-chars.ts";
import { pointerFromSegments } from "./pointer.ts";
import type { PointerSegment } from "./pointer.ts";
import { positionAt } from "./position.ts";
import type { JsonObject, JsonValue } from "./types.ts";

export interface JsonLimits {
  /** Deepest nesting of arrays and objects; the outermost container is depth 1. */
  maxDepth: number;
  /** Longest string (values and keys), in UTF-16 code units after escapes are decoded. */
  maxStringLength: number;
}

// Characters that end a plain run inside a string: the quote, the backslash, control characters (which must be
// escaped) and surrogates (which must come in pairs). One table load per character is the hot loop.
const STRING_SPECIAL = new Uint8Array(0x10000);
STRING_SPECIAL[QUOTE] = 1;
STRING_SPECIAL[BACKSLASH] = 1;
STRING_SPECIAL.fill(1, 0, SPACE);
STRING_SPECIAL.fill(1, 0xd800, 0xe000);
// The same characters as a regular expression, for long strings (images, plotly figures, long sources): the regex
// engine scans natively, where the loop above runs as unoptimized code the first time a page parses a notebook.
// eslint-disable-next-line no-control-regex -- JSON forbids raw control characters in strings: finding them is the point.
const STRING_SPECIAL_RE = /["\\\u0000-\u001f\ud800-\udfff]/g;
/** Characters the loop looks at before a string counts as long. */
const SHORT_STRING = 48;

/** The index of the first character at or after `from` that ends a plain run (see STRING_SPECIAL), or `end`. */
function plainRunEnd(text: string, from: number, end: number): number {
  let i = from;
  const stop = Math.min(end, from + SHORT_STRING);
  while (i < stop && STRING_SPECIAL[text.charCodeAt(i)] === 0) i++;
  if (i < stop || i === end) return i;
  STRING_SPECIAL_RE.lastIndex = i;
  return STRING_SPECIAL_RE.test(text) ? STRING_SPECIAL_RE.lastIndex - 1 : end;
}

/** Parses one JSON document; throws NotebookError (invalid_json, duplicate_key, too_deep, string_too_long). */
export function parseJson(text: string, limits: Partial<JsonLimits> = {}): JsonValue {
  const parser = new StrictJsonParser(text, {
    maxDepth: limits.maxDepth ?? DEFAULT_NOTEBOOK_LIMITS.maxDepth,
    maxStringLength: limits.maxStringLength ?? DEFAULT_NOTEBOOK_LIMITS.maxStringLength,
  });
  return parser.parseDocument();
}

interface Frame {
  container: JsonObject | JsonValue[];
  isArray: boolean;
  /** The key or index of the member being parsed; undefined between members. */
  segment: PointerSegment | undefined;
}

class StrictJsonParser {
  private readonly text: string;
  private readonly limits: JsonLimits;
  private readonly frames: Frame[] = [];
  private pos = 0;

  constructor(text: string, limits: JsonLimits) {
    this.text = text;
    this.limits = limits;
  }

  parseDocument(): JsonValue {
    const text = this.text;
    const frames = this.frames;
    let value: JsonValue;
    for (;;) {
      // A value starts here (the document, an array element or an object member's value).
      this.skipWhitespace();
      const c = text.charCodeAt(this.pos);
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (frames.length >= this.limits.maxDepth) {
          this.fail("too_deep", this.pos, `nesting is deeper than the limit of ${this.limits.maxDepth} levels`);
        }
        this.pos++;
        this.skipWhitespace();
        if (c === OPEN_BRACE) {
          const object = Object.create(null) as JsonObject;
          if (text.charCodeAt(this.pos) === CLOSE_BRACE) {
            this.pos++;
            value = object;
          } else {
            const frame: Frame = { container: object, isArray: false, segment: undefined };
            frames.push(frame);
            frame.segment = this.parseMemberKey(object, "a string key or '}'");
            continue;
          }
        } else {
          const array: JsonValue[] = [];
          if (text.charCodeAt(this.pos) === CLOSE_BRACKET) {
            this.pos++;
            value = array;
          } else {
            frames.push({ container: array, isArray: true, segment: 0 });
            continue;
          }
        }
      } else {
        value = this.parseScalar(c);
      }

      // A value ended: store it, then close every container that ends right after it.
      for (;;) {
        const frame = frames[frames.length - 1];
        this.skipWhitespace();
        if (frame === undefined) {
          if (this.pos < text.length)
            this.fail(
              "invalid_json",
              this.pos,
              `expected the end of the document, found ${describeAt(text, this.pos)}`,
            );
          return value;
        }
        const next = text.charCodeAt(this.pos);
        if (frame.isArray) {
          const array = frame.container as JsonValue[];
          array.push(value);
          frame.segment = undefined;
          if (next === COMMA) {
            this.pos++;
            frame.segment = array.length;
            break;
          }
          if (next !== CLOSE_BRACKET)
            this.fail(
              "invalid_json",
              this.pos,
              `expected ',' or ']' after an array element, found ${describeAt(text, this.pos)}`,
            );
        } else {
          const object = frame.container as JsonObject;
          object[frame.segment as string] = value;
          frame.segment = undefined;
          if (next === COMMA) {
            this.pos++;
            frame.segment = this.parseMemberKey(object, "a string key after ','");
            break;
          }
          if (next !== CLOSE_BRACE)
            this.fail(
              "invalid_json",
              this.pos,
              `expected ',' or '}' after an object member, found ${describeAt(text, this.pos)}`,
            );
        }
        this.pos++;
        frames.pop();
        value = frame.container;
      }
    }
  }

  /** Reads `"key" :` and leaves the position at the member's value. */
  private parseMemberKey(object: JsonObject, expected: string): string {
    this.skipWhitespace();
    const start = this.pos;
    if (this.text.charCodeAt(start) !== QUOTE) {
      const trailing =
        this.text.charCodeAt(start) === CLOSE_BRACE && this.followsComma(start)
          ? " (JSON allows no trailing comma)"
          : "";
      this.fail("invalid_json", start, `expected ${expected}, found ${describeAt(this.text, start)}${trailing}`);
    }
    const key = this.parseString();
    if (key in object) {
      // `in` is safe here: the object has no prototype, so only its own keys are found.
      this.fail(
        "duplicate_key",
        start,
        `duplicate key ${quoteForMessage(key)}: a later value would silently replace the earlier one`,
        [key],
      );
    }
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) !== COLON) {
      this.fail(
        "invalid_json",
        this.pos,
        `expected ':' after the key ${quoteForMessage(key)}, found ${describeAt(this.text, this.pos)}`,
        [key],
      );
    }
    this.pos++;
    return key;
  }

  private parseScalar(c: number): JsonValue {
    if (c === QUOTE) return this.parseString();
    if (c === MINUS || (c >= ZERO && c <= NINE)) return this.parseNumber();
    if (this.text.startsWith("true", this.pos)) return this.literal(4, true);
    if (this.text.startsWith("false", this.pos)) return this.literal(5, false);
    if (this.text.startsWith("null", this.pos)) return this.literal(4, null);
    const trailing = c === CLOSE_BRACKET && this.followsComma(this.pos) ? " (JSON allows no trailing comma)" : "";
    return this.fail(
      "invalid_json",
      this.pos,
      `expected a value (object, array, string, number, true, false or null), found ${describeAt(this.text, this.pos)}${trailing}`,
    );
  }

  private followsComma(offset: number): boolean {
    let i = offset - 1;
    while (i >= 0 && isWhitespace(this.text.charCodeAt(i))) i--;
    return this.text.charCodeAt(i) === COMMA;
  }

  private literal(length: number, value: boolean | null): boolean | null {
    this.pos += length;
    return value;
  }

  private parseNumber(): number {
    const text = this.text;
    const start = this.pos;
    let i = start;
    if (text.charCodeAt(i) === MINUS) i++;
    const first = text.charCodeAt(i);
    if (first === ZERO) {
      i++;
      if (isDigit(text.charCodeAt(i))) this.fail("invalid_json", start, "a number cannot start with a leading zero");
    } else if (isDigit(first)) {
      while (isDigit(text.charCodeAt(i))) i++;
    } else {
      this.fail("invalid_json", i, `expected a digit after '-', found ${describeAt(text, i)}`);
    }
    if (text.charCodeAt(i) === DOT) {
      i++;
      if (!isDigit(text.charCodeAt(i)))
        this.fail("invalid_json", i, `expected a digit after '.', found ${describeAt(text, i)}`);
      while (isDigit(text.charCodeAt(i))) i++;
    }
    const e = text.charCodeAt(i);
    if (e === LOWER_E || e === UPPER_E) {
      i++;
      const sign = text.charCodeAt(i);
      if (sign === PLUS || sign === MINUS) i++;
      if (!isDigit(text.charCodeAt(i)))
        this.fail("invalid_json", i, `expected a digit in the exponent, found ${describeAt(text, i)}`);
      while (isDigit(text.charCodeAt(i))) i++;
    }
    this.pos = i;
    return Number(text.slice(start, i));
  }

  /** Reads the string whose opening quote is at the position. */
  private parseString(): string {
    const text = this.text;
    const end = text.length;
    const quote = this.pos;
    // Fast path: a run with no escape, control character or surrogate is returned as one slice.
    const i = plainRunEnd(text, quote + 1, end);
    if (text.charCodeAt(i) === QUOTE) {
      this.checkStringLength(quote, i - quote - 1);
      this.pos = i + 1;
      return text.slice(quote + 1, i);
    }
    return this.parseStringSlowly(quote, i);
  }

  /**
   * Validates the rest of a string that has escapes (or surrogates), then lets JSON.parse decode just that
   * one string token: it is already known to be valid, and native decoding is far faster than building the
   * string here piece by piece.
   */
  private parseStringSlowly(quote: number, from: number): string {
    const text = this.text;
    const end = text.length;
    let length = from - quote - 1;
    let i = from;
    for (;;) {
      const runStart = i;
      i = plainRunEnd(text, i, end);
      length += i - runStart;
      if (i >= end)
        this.fail("invalid_json", quote, "unterminated string: expected a closing '\"' before the end of the document");
      const c = text.charCodeAt(i);
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        const escape = text.charCodeAt(i + 1);
        if (escape === 0x75 /* u */) {
          const unit = readHex4(text, i + 2);
          if (unit < 0)
            this.fail(
              "invalid_json",
              i,
              `expected four hex digits after '\\u', found ${quoteForMessage(text.slice(i, i + 6))}`,
            );
          if (unit >= 0xdc00 && unit <= 0xdfff) this.failSurrogate(i, unit);
          if (unit >= 0xd800 && unit <= 0xdbff) {
            const low =
              text.charCodeAt(i + 6) === BACKSLASH && text.charCodeAt(i + 7) === 0x75 ? readHex4(text, i + 8) : -1;
            if (low < 0xdc00 || low > 0xdfff) this.failSurrogate(i, unit);
            i += 12;
            length += 2;
            continue;
          }
          i += 6;
        } else if (isSimpleEscape(escape)) {
          i += 2;
        } else {
          this.fail(
            "invalid_json",
            i,
            `invalid escape ${i + 1 < end ? quoteForMessage(text.slice(i, i + 2)) : "'\\' at the end of the document"}; JSON allows \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX`,
          );
        }
        length++;
      } else if (c < SPACE) {
        this.fail("invalid_json", i, `control character ${codePointName(c)} must be escaped inside a string`);
      } else if ((c & 0xf800) === 0xd800) {
        const low = text.charCodeAt(i + 1);
        if (c >= 0xdc00 || !(low >= 0xdc00 && low <= 0xdfff)) this.failSurrogate(i, c);
        i += 2;
        length += 2;
      }
    }
    this.checkStringLength(quote, length);
    this.pos = i + 1;
    return JSON.parse(text.slice(quote, i + 1)) as string;
  }

  private checkStringLength(quote: number, length: number): void {
    if (length > this.limits.maxStringLength) {
      this.fail(
        "string_too_long",
        quote,
        `a string of ${length} characters is longer than the limit of ${this.limits.maxStringLength}`,
      );
    }
  }

  private failSurrogate(offset: number, unit: number): never {
    return this.fail(
      "invalid_json",
      offset,
      `unpaired surrogate ${codePointName(unit)} in a string: text must be well-formed Unicode (I-JSON, RFC 7493)`,
    );
  }

  private skipWhitespace(): void {
    const text = this.text;
    let i = this.pos;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c !== SPACE && c !== LF && c !== CR && c !== TAB) break;
      i++;
    }
    this.pos = i;
  }

  private pointer(extra: readonly PointerSegment[]): string {
    const segments: PointerSegment[] = [];
    for (const frame of this.frames) if (frame.segment !== undefined) segments.push(frame.segment);
    segments.push(...extra);
    return pointerFromSegments(segments);
  }

  private fail(code: NotebookErrorCode, offset: number, message: string, extra: readonly PointerSegment[] = []): never {
    const { line, column } = positionAt(this.text, offset);
    throw new NotebookError(code, message, { pointer: this.pointer(extra), line, column });
  }
}

function isWhitespace(c: number): boolean {
  return c === SPACE || c === LF || c === CR || c === TAB;
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

function isSimpleEscape(c: number): boolean {
  // " \ / b f n r t
  return (
    c === QUOTE || c === BACKSLASH || c === SLASH || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74
  );
}

function readHex4(text: string, at: number): number {
  let value = 0;
  for (let k = 0; k < 4; k++) {
    const c = text.charCodeAt(at + k);
    let digit: number;
    if (c >= ZERO && c <= NINE) digit = c - ZERO;
    else if (c >= 0x61 && c <= 0x66) digit = c - 0x61 + 10;
    else if (c >= 0x41 && c <= 0x46) digit = c - 0x41 + 10;
    else return -1;
    value = value * 16 + digit;
  }
  return value;
}

function codePointName(code: number): string {
  return "U+" + code.toString(16).toUpperCase().padStart(4, "0");
}

/** Shows user text in a message: quoted, shortened, control characters escaped. */
function quoteForMessage(text: string, max = 40): string {
  const short = text.length > max ? text.slice(0, max) + "…" : text;
  return JSON.stringify(short);
}

/** What the parser found at an offset, for "expected X, found Y" messages. */
function describeAt(text: string, offset: number): string {
  if (offset >= text.length) return "the end of the document";
  const word = /^[A-Za-z_][A-Za-z0-9_]{0,23}/.exec(text.slice(offset, offset + 24));
  if (word) return `'${word[0]}'`;
  const code = text.codePointAt(offset) ?? 0;
  if (code > 0x20 && code < 0x7f) return `'${String.fromCharCode(code)}'`;
  return codePointName(code);
}
