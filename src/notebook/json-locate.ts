// Finding where a JSON pointer's value starts in a notebook's text. Validation runs on parsed values, which no
// longer know their offsets; rather than make every parsed value carry a position, error paths re-scan the text
// here. Like the parser, every scan is iterative and linear.

import {
  TAB,
  LF,
  CR,
  SPACE,
  QUOTE,
  COMMA,
  COLON,
  OPEN_BRACKET,
  BACKSLASH,
  CLOSE_BRACKET,
  OPEN_BRACE,
  CLOSE_BRACE,
} from "./json-chars.ts";
import { parsePointer, pointerFromSegments } from "./pointer.ts";
import type { PointerSegment } from "./pointer.ts";
import { positionAt } from "./position.ts";
import type { TextPosition } from "./position.ts";

/** Line and column where the value at `pointer` starts, or undefined if the text has no such value. */
export function locatePointer(text: string, pointer: string): TextPosition | undefined {
  const tokens = parsePointer(pointer);
  if (tokens === undefined) return undefined;
  let pos = skipWs(text, 0);
  for (const token of tokens) {
    const c = text.charCodeAt(pos);
    if (c === OPEN_BRACE) {
      pos = findMember(text, pos, token);
    } else if (c === OPEN_BRACKET) {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
      pos = findElement(text, pos, Number(token));
    } else {
      return undefined;
    }
    if (pos < 0) return undefined;
  }
  if (pos >= text.length) return undefined;
  return positionAt(text, pos);
}

function findMember(text: string, open: number, wanted: string): number {
  let pos = skipWs(text, open + 1);
  while (text.charCodeAt(pos) === QUOTE) {
    const keyEnd = skipString(text, pos);
    if (keyEnd < 0) return -1;
    const key = decodeKey(text.slice(pos, keyEnd));
    pos = skipWs(text, keyEnd);
    if (text.charCodeAt(pos) !== COLON) return -1;
    pos = skipWs(text, pos + 1);
    if (key === wanted) return pos;
    pos = skipValue(text, pos);
    if (pos < 0 || text.charCodeAt(pos) !== COMMA) return -1;
    pos = skipWs(text, pos + 1);
  }
  return -1;
}

function findElement(text: string, open: number, index: number): number {
  let pos = skipWs(text, open + 1);
  if (text.charCodeAt(pos) === CLOSE_BRACKET) return -1;
  for (let k = 0; k < index; k++) {
    pos = skipValue(text, pos);
    if (pos < 0 || text.charCodeAt(pos) !== COMMA) return -1;
    pos = skipWs(text, pos + 1);
  }
  return pos < text.length ? pos : -1;
}

function decodeKey(token: string): string | undefined {
  if (!token.includes("\\")) return token.slice(1, -1);
  try {
    return JSON.parse(token) as string;
  } catch {
    return undefined;
  }
}

function skipWs(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && c !== LF && c !== CR && c !== TAB) return i;
    i++;
  }
}

/** The offset just after the string starting at `quote`, or -1. */
function skipString(text: string, quote: number): number {
  for (let i = quote + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) i++;
  }
  return -1;
}

/** The offset just after the value starting at `from` (and its trailing whitespace), or -1. Iterative. */
function skipValue(text: string, from: number): number {
  let depth = 0;
  let i = from;
  do {
    i = skipWs(text, i);
    if (i >= text.length) return -1;
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = skipString(text, i);
      if (i < 0) return -1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      i++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--depth < 0) return -1;
      i++;
    } else if (c === COMMA || c === COLON) {
      if (depth === 0) return -1;
      i++;
    } else {
      const start = i;
      while (i < text.length && !isScalarEnd(text.charCodeAt(i))) i++;
      if (i === start) return -1;
    }
  } while (depth > 0);
  return skipWs(text, i);
}

function isScalarEnd(c: number): boolean {
  return (
    c === COMMA ||
    c === CLOSE_BRACE ||
    c === CLOSE_BRACKET ||
    c === COLON ||
    c === SPACE ||
    c === LF ||
    c === CR ||
    c === TAB
  );
}

/**
 * The pointer of the innermost value around `offset`, for problems found before the text could be parsed
 * (invalid UTF-8 is reported with the text before the bad byte). Best effort on text that may be cut short;
 * iterative and linear.
 */
export function pointerAtOffset(text: string, offset: number): string {
  const stack: { isArray: boolean; segment: PointerSegment | undefined; expectingKey: boolean }[] = [];
  const end = Math.min(offset, text.length);
  let i = 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === QUOTE) {
      const close = skipString(text, i);
      if (close < 0 || close > end) break; // the offset is inside this string
      if (top !== undefined && !top.isArray && top.expectingKey) {
        top.segment = decodeKey(text.slice(i, close)) ?? "";
        top.expectingKey = false;
      }
      i = close;
      continue;
    }
    if (c === OPEN_BRACE) stack.push({ isArray: false, segment: undefined, expectingKey: true });
    else if (c === OPEN_BRACKET) stack.push({ isArray: true, segment: 0, expectingKey: false });
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) stack.pop();
    else if (c === COMMA && top !== undefined) {
      if (top.isArray) top.segment = (top.segment as number) + 1;
      else {
        top.segment = undefined;
        top.expectingKey = true;
      }
    }
    i++;
  }
  const segments: PointerSegment[] = [];
  for (const frame of stack) if (frame.segment !== undefined) segments.push(frame.segment);
  return pointerFromSegments(segments);
}
