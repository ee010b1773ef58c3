// Strict UTF-8: a notebook's bytes either decode exactly or the file is refused with the place of the first
// bad byte. Decoding is the platform's TextDecoder in fatal mode (fast, and it refuses overlong forms,
// surrogates and code points past U+10FFFF); it cannot say where it failed, so the error path finds the
// place with its own scan of Unicode's table of well-formed byte sequences (Table 3-7).

export interface InvalidUtf8 {
  /** Offset of the first byte of the ill-formed sequence. */
  offset: number;
  reason: string;
}

const fatalDecoder = new TextDecoder("utf-8", { fatal: true });
// Only used on a prefix already known to be well-formed, so replacement never happens.
const prefixDecoder = new TextDecoder("utf-8");

/** Decodes strictly; a leading byte order mark is dropped. Returns the first problem instead of throwing. */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { invalid: InvalidUtf8; textBefore: string } {
  try {
    return { text: fatalDecoder.decode(bytes) };
  } catch {
    const invalid = findInvalidUtf8(bytes) ?? { offset: bytes.length, reason: "the decoder refused it" };
    return { invalid, textBefore: prefixDecoder.decode(bytes.subarray(0, invalid.offset)) };
  }
}

function hex(byte: number): string {
  return "0x" + byte.toString(16).toUpperCase().padStart(2, "0");
}

/** The first ill-formed sequence, or undefined when every byte is part of a well-formed character. */
export function findInvalidUtf8(bytes: Uint8Array): InvalidUtf8 | undefined {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let low = 0x80;
    let high = 0xbf;
    let rangeReason = "";
    if (lead >= 0xc2 && lead <= 0xdf) {
      need = 1;
    } else if (lead === 0xe0) {
      need = 2;
      low = 0xa0;
      rangeReason = "an overlong encoding";
    } else if ((lead >= 0xe1 && lead <= 0xec) || lead === 0xee || lead === 0xef) {
      need = 2;
    } else if (lead === 0xed) {
      need = 2;
      high = 0x9f;
      rangeReason = "a UTF-16 surrogate (U+D800 to U+DFFF), which UTF-8 may not encode";
    } else if (lead === 0xf0) {
      need = 3;
      low = 0x90;
      rangeReason = "an overlong encoding";
    } else if (lead >= 0xf1 && lead <= 0xf3) {
      need = 3;
    } else if (lead === 0xf4) {
      need = 3;
      high = 0x8f;
      rangeReason = "a code point above U+10FFFF";
    } else if (lead >= 0x80 && lead <= 0xbf) {
      return { offset: i, reason: `continuation byte ${hex(lead)} without a lead byte` };
    } else if (lead === 0xc0 || lead === 0xc1) {
      return { offset: i, reason: `byte ${hex(lead)} only ever starts an overlong encoding` };
    } else {
      return { offset: i, reason: `byte ${hex(lead)} never appears in UTF-8` };
    }
    for (let k = 1; k <= need; k++) {
      const next = bytes[i + k];
      if (next === undefined)
        return {
          offset: i,
          reason: `a ${need + 1}-byte sequence starting with ${hex(lead)} is cut off by the end of the file`,
        };
      const min = k === 1 ? low : 0x80;
      const max = k === 1 ? high : 0xbf;
      if (next < min || next > max) {
        const why =
          k === 1 && rangeReason && next >= 0x80 && next <= 0xbf
            ? rangeReason
            : `byte ${hex(next)} where a continuation byte belongs`;
        const seen = Array.from(bytes.subarray(i, i + k + 1), hex).join(" ");
        return { offset: i, reason: `${seen}: ${why}` };
      }
    }
    i += need + 1;
  }
  return undefined;
}

/** UTF-8 size of a string, counting up to `stopAbove` at most (enough to compare with a limit). */
export function utf8ByteLength(text: string, stopAbove = Infinity): number {
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= stopAbove; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
