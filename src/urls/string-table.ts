// A read-only hash set of ASCII strings, each tagged with a small number, packed into a few typed arrays.
// Written here because a million-entry blocklist as a JavaScript Set or Map costs several hundred bytes per entry
// (string headers, hash table nodes) and seconds of GC; packed, it costs about the bytes of the strings plus 14.
// Lookups take a range of a larger string, so checking every suffix of a host or the origin of a URL allocates
// nothing.

const EMPTY = 0;

function hashRange(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class StringTable {
  readonly size: number;
  readonly #bytes: Buffer;
  readonly #offsets: Uint32Array;
  readonly #hashes: Uint32Array;
  readonly #tags: Uint16Array;
  readonly #slots: Uint32Array;
  readonly #mask: number;

  /** `strings` must be ASCII (callers normalize to punycode and percent-encoding first); duplicates keep the first. */
  constructor(strings: readonly string[], tags: readonly number[]) {
    let total = 0;
    for (const s of strings) total += s.length;
    let capacity = 16;
    while (capacity < strings.length * 2) capacity *= 2;
    this.#mask = capacity - 1;
    this.#slots = new Uint32Array(capacity);
    const bytes = Buffer.allocUnsafe(total);
    this.#bytes = bytes;
    const offsets = new Uint32Array(strings.length + 1);
    const hashes = new Uint32Array(strings.length);
    const tagArray = new Uint16Array(strings.length);
    let count = 0;
    let at = 0;
    for (let i = 0; i < strings.length; i++) {
      const s = strings[i] as string;
      if (this.#findRange(s, 0, s.length, offsets, hashes) >= 0) continue;
      bytes.write(s, at, "latin1");
      offsets[count] = at;
      at += s.length;
      offsets[count + 1] = at;
      const h = hashRange(s, 0, s.length);
      hashes[count] = h;
      tagArray[count] = tags[i] ?? 0;
      let slot = h & this.#mask;
      while (this.#slots[slot] !== EMPTY) slot = (slot + 1) & this.#mask;
      this.#slots[slot] = count + 1;
      count++;
    }
    this.size = count;
    if (at < total) this.#bytes = Buffer.from(bytes.subarray(0, at));
    // Trim what duplicates left unused, so memory is what is kept.
    this.#offsets = offsets.slice(0, count + 1);
    this.#hashes = hashes.slice(0, count);
    this.#tags = tagArray.slice(0, count);
  }

  #findRange(text: string, start: number, end: number, offsets: Uint32Array, hashes: Uint32Array): number {
    const h = hashRange(text, start, end);
    const length = end - start;
    let slot = h & this.#mask;
    for (;;) {
      const entry = this.#slots[slot] as number;
      if (entry === EMPTY) return -1;
      const index = entry - 1;
      if (hashes[index] === h) {
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
    return this.#findRange(text, start, end, this.#offsets, this.#hashes);
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
    return this.#bytes.byteLength + this.#offsets.byteLength + this.#hashes.byteLength + this.#tags.byteLength + this.#slots.byteLength;
  }
}
