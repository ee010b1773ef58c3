// A read-only hash set of ASCII strings, each tagged with a small number, packed into a few typed arrays.
// Written here because a million-entry blocklist as a JavaScript Set or Map costs several hundred bytes per entry
// (string headers, hash table nodes) and seconds of GC; packed, it costs about the bytes of the strings plus 17 (slots, offset, record header).
// Lookups take a range of a larger string, so checking every suffix of a host or the origin of a URL allocates
// nothing.

const EMPTY = 0;
export const HASH_SEED = 0x811c9dc5;

/** One step of the hash (FNV-1a over UTF-16 code units). */
export function hashStep(h: number, code: number): number {
  return Math.imul(h ^ code, 0x01000193);
}

/**
 * FNV-1a read from the end backwards, so one pass over a host name yields the hash of each of its suffixes
 * ("a.b.example", "b.example", "example") as it reaches each dot.
 */
export function hashRange(text: string, start: number, end: number): number {
  let h = HASH_SEED;
  for (let i = end - 1; i >= start; i--) h = hashStep(h, text.charCodeAt(i));
  return h >>> 0;
}

/** Bytes before each string in the packed buffer: its length (24 bits) and its tag (16 bits), little-endian. */
const HEADER = 5;
/** Longer strings are refused: no host or URL a list can name comes near it. */
export const MAX_STRING_LENGTH = 0xffffff;
export const MAX_TAG = 0xffff;

export class StringTable {
  readonly size: number;
  /** Each string as a record: HEADER bytes, then its characters. */
  readonly #bytes: Buffer;
  /** Where each string's record starts, in insertion order (so ascending). */
  readonly #offsets: Uint32Array;
  /**
   * Open addressing with linear probing; each slot is [hash, record offset + 1] side by side, so a probe that
   * misses (most lookups: hosts no list names) costs one cache line, and a hit one more, for the record that
   * holds the length, the tag and the characters together. On a table of a million entries each line is a
   * cache miss and often a TLB miss too: a separate array for offsets, lengths or tags costs one more each.
   */
  readonly #slots: Uint32Array;
  readonly #mask: number;

  /** `strings` must be ASCII (callers normalize to punycode and percent-encoding first); duplicates keep the first. */
  constructor(strings: readonly string[], tags: readonly number[]) {
    let total = 0;
    for (const s of strings) {
      if (s.length > MAX_STRING_LENGTH)
        throw new RangeError(`a table string is at most ${MAX_STRING_LENGTH} characters`);
      total += HEADER + s.length;
    }
    let capacity = 16;
    // Load factor at most ~0.7: linear probing stays short, and a million entries need 8 MiB of slots, not 16.
    while (capacity < strings.length * 1.4) capacity *= 2;
    this.#mask = capacity - 1;
    this.#slots = new Uint32Array(capacity * 2);
    const bytes = Buffer.allocUnsafe(total);
    this.#bytes = bytes;
    const offsets = new Uint32Array(strings.length);
    let count = 0;
    let at = 0;
    for (let i = 0; i < strings.length; i++) {
      const s = strings[i] as string;
      const h = hashRange(s, 0, s.length);
      if (this.#findRecord(h, s, 0, s.length) >= 0) continue;
      const tag = tags[i] ?? 0;
      if (tag < 0 || tag > MAX_TAG) throw new RangeError(`a table tag is between 0 and ${MAX_TAG}`);
      bytes[at] = s.length & 0xff;
      bytes[at + 1] = (s.length >>> 8) & 0xff;
      bytes[at + 2] = s.length >>> 16;
      bytes[at + 3] = tag & 0xff;
      bytes[at + 4] = tag >>> 8;
      bytes.write(s, at + HEADER, "latin1");
      offsets[count] = at;
      let slot = h & this.#mask;
      while (this.#slots[slot * 2 + 1] !== EMPTY) slot = (slot + 1) & this.#mask;
      this.#slots[slot * 2] = h;
      this.#slots[slot * 2 + 1] = at + 1;
      at += HEADER + s.length;
      count++;
    }
    this.size = count;
    // Trim what duplicates left unused, so memory is what is kept.
    if (at < total) this.#bytes = Buffer.from(bytes.subarray(0, at));
    this.#offsets = offsets.slice(0, count);
  }

  #length(record: number): number {
    const bytes = this.#bytes;
    return (bytes[record] as number) | ((bytes[record + 1] as number) << 8) | ((bytes[record + 2] as number) << 16);
  }

  #tag(record: number): number {
    return (this.#bytes[record + 3] as number) | ((this.#bytes[record + 4] as number) << 8);
  }

  /** The record holding text[start, end), whose hash is h, or -1. */
  #findRecord(h: number, text: string, start: number, end: number): number {
    const length = end - start;
    const slots = this.#slots;
    let slot = h & this.#mask;
    for (;;) {
      const entry = slots[slot * 2 + 1] as number;
      if (entry === EMPTY) return -1;
      if (slots[slot * 2] === h) {
        const record = entry - 1;
        if (this.#length(record) === length && this.#equalRange(record + HEADER, text, start, length)) return record;
      }
      slot = (slot + 1) & this.#mask;
    }
  }

  #equalRange(from: number, text: string, start: number, length: number): boolean {
    const bytes = this.#bytes;
    for (let i = 0; i < length; i++) if (bytes[from + i] !== text.charCodeAt(start + i)) return false;
    return true;
  }

  /** The tag of text[start, end) in the table, or -1. */
  findTag(text: string, start = 0, end = text.length): number {
    const record = this.#findRecord(hashRange(text, start, end), text, start, end);
    return record < 0 ? -1 : this.#tag(record);
  }

  /** Like findTag, with the hash of text[start, end) (from hashRange) already known. */
  findHashedTag(hash: number, text: string, start: number, end: number): number {
    const record = this.#findRecord(hash >>> 0, text, start, end);
    return record < 0 ? -1 : this.#tag(record);
  }

  /** Index of text[start, end) in the table, or -1 (a binary search over the offsets after the hash probe). */
  find(text: string, start = 0, end = text.length): number {
    const record = this.#findRecord(hashRange(text, start, end), text, start, end);
    if (record < 0) return -1;
    const offsets = this.#offsets;
    let low = 0;
    let high = offsets.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if ((offsets[middle] as number) <= record) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  tag(index: number): number {
    return this.#tag(this.#offsets[index] as number);
  }

  /** Whether entry `index` is a prefix of text (from its start). */
  isPrefixOf(index: number, text: string): boolean {
    const record = this.#offsets[index] as number;
    const length = this.#length(record);
    return length <= text.length && this.#equalRange(record + HEADER, text, 0, length);
  }

  get(index: number): string {
    const record = this.#offsets[index] as number;
    return this.#bytes.toString("latin1", record + HEADER, record + HEADER + this.#length(record));
  }

  /** Bytes held by the table's arrays. */
  get byteLength(): number {
    return this.#bytes.byteLength + this.#offsets.byteLength + this.#slots.byteLength;
  }
}
