// A read-only hash set of ASCII strings, each tagged with a small number, packed into a few typed arrays.
// Written here because a million-entry blocklist as a JavaScript Set or Map costs several hundred bytes per entry
// (string headers, hash table nodes) and seconds of GC; packed, it costs about the bytes of the strings plus 14 (slots, offset, tag).
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

export class StringTable {
  readonly size: number;
  readonly #bytes: Buffer;
  readonly #offsets: Uint32Array;
  readonly #tags: Uint16Array;
  /**
   * Open addressing with linear probing; each slot is [hash, index + 1] side by side, so a probe that misses
   * (most lookups: hosts no list names) costs one cache line, not one per array.
   */
  readonly #slots: Uint32Array;
  readonly #mask: number;

  /** `strings` must be ASCII (callers normalize to punycode and percent-encoding first); duplicates keep the first. */
  constructor(strings: readonly string[], tags: readonly number[]) {
    let total = 0;
    for (const s of strings) total += s.length;
    let capacity = 16;
    // Load factor at most ~0.7: linear probing stays short, and a million entries need 8 MiB of slots, not 16.
    while (capacity < strings.length * 1.4) capacity *= 2;
    this.#mask = capacity - 1;
    this.#slots = new Uint32Array(capacity * 2);
    const bytes = Buffer.allocUnsafe(total);
    this.#bytes = bytes;
    const offsets = new Uint32Array(strings.length + 1);
    const tagArray = new Uint16Array(strings.length);
    let count = 0;
    let at = 0;
    for (let i = 0; i < strings.length; i++) {
      const s = strings[i] as string;
      if (this.#findRange(s, 0, s.length, offsets) >= 0) continue;
      bytes.write(s, at, "latin1");
      offsets[count] = at;
      at += s.length;
      offsets[count + 1] = at;
      const h = hashRange(s, 0, s.length);
      tagArray[count] = tags[i] ?? 0;
      let slot = h & this.#mask;
      while (this.#slots[slot * 2 + 1] !== EMPTY) slot = (slot + 1) & this.#mask;
      this.#slots[slot * 2] = h;
      this.#slots[slot * 2 + 1] = count + 1;
      count++;
    }
    this.size = count;
    if (at < total) this.#bytes = Buffer.from(bytes.subarray(0, at));
    // Trim what duplicates left unused, so memory is what is kept.
    this.#offsets = offsets.slice(0, count + 1);
    this.#tags = tagArray.slice(0, count);
  }

  #findRange(text: string, start: number, end: number, offsets: Uint32Array): number {
    return this.#findHashed(hashRange(text, start, end), text, start, end, offsets);
  }

  #findHashed(h: number, text: string, start: number, end: number, offsets: Uint32Array): number {
    const length = end - start;
    const slots = this.#slots;
    let slot = h & this.#mask;
    for (;;) {
      const entry = slots[slot * 2 + 1] as number;
      if (entry === EMPTY) return -1;
      if (slots[slot * 2] === h) {
        const index = entry - 1;
        const from = offsets[index] as number;
        if ((offsets[index + 1] as number) - from === length && this.#equalRange(from, text, start, length)) return index;
      }
      slot = (slot + 1) & this.#mask;
    }
  }

  #equalRange(from: number, text: string, start: number, length: number): boolean {
    const bytes = this.#bytes;
    for (let i = 0; i < length; i++) if (bytes[from + i] !== text.charCodeAt(start + i)) return false;
    return true;
  }

  /** Index of text[start, end) in the table, or -1. */
  find(text: string, start = 0, end = text.length): number {
    return this.#findRange(text, start, end, this.#offsets);
  }

  /** Like find, with the hash of text[start, end) (from hashRange) already known. */
  findHashed(hash: number, text: string, start: number, end: number): number {
    return this.#findHashed(hash >>> 0, text, start, end, this.#offsets);
  }

  tag(index: number): number {
    return this.#tags[index] as number;
  }

  /** Whether entry `index` is a prefix of text (from its start). */
  isPrefixOf(index: number, text: string): boolean {
    const from = this.#offsets[index] as number;
    const length = (this.#offsets[index + 1] as number) - from;
    return length <= text.length && this.#equalRange(from, text, 0, length);
  }

  get(index: number): string {
    return this.#bytes.toString("latin1", this.#offsets[index], this.#offsets[index + 1]);
  }

  /** Bytes held by the table's arrays. */
  get byteLength(): number {
    return this.#bytes.byteLength + this.#offsets.byteLength + this.#tags.byteLength + this.#slots.byteLength;
  }
}
