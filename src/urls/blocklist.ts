// Reputation lists: host suffixes, URL prefixes and exact URLs, from any number of named lists. A hit blocks and
// names its list. Built once (at start-up or after an import), then read-only and shared.
import { HASH_SEED, hashRange, hashStep, StringTable } from "./string-table.ts";

export type EntryKind = "host" | "prefix" | "url";

export interface BlocklistEntry {
  kind: EntryKind;
  /** Normalized: an ASCII host name without trailing dot, or an href (without fragment) from the WHATWG parser. */
  value: string;
}

export class BlocklistError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "BlocklistError";
    this.code = code;
  }
}

/** Lists are named so a refusal can say which list refused; names become file names, so they are plain. */
export const LIST_NAME_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const MAX_LISTS = 0xffff;

/**
 * Turns a pattern as people write it into an entry:
 *   evil.example, .evil.example, *.evil.example -> host suffix (the name and every subdomain)
 *   https://evil.example/path/*                  -> URL prefix
 *   https://evil.example/path/file.exe           -> exact URL
 */
export function parsePattern(pattern: string): BlocklistEntry {
  const text = pattern.trim();
  if (text === "") throw new BlocklistError("empty_pattern", "the pattern is empty");
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    const prefix = text.endsWith("*");
    const url = URL.parse(prefix ? text.slice(0, -1) : text);
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
      throw new BlocklistError("bad_pattern", `"${pattern}" is not an http(s) URL`);
    }
    url.hash = "";
    url.username = "";
    url.password = "";
    if (url.hostname.endsWith(".")) url.hostname = url.hostname.replace(/\.+$/, "");
    const href = decodeUnreserved(url.href);
    return { kind: prefix ? "prefix" : "url", value: href };
  }
  const host = normalizeHost(text.replace(/^\*?\./, ""));
  if (host === null) throw new BlocklistError("bad_pattern", `"${pattern}" is neither a host name nor an http(s) URL`);
  return { kind: "host", value: host };
}

/**
 * Percent-encoded letters, digits and "-._~" mean the same to every server as the characters themselves
 * (RFC 3986, 6.2.2.2), so "/%6Dalware.exe" must hit an entry for "/malware.exe". Entries and lookups both go
 * through this.
 */
export function decodeUnreserved(href: string): string {
  if (!href.includes("%")) return href;
  return href.replace(/%([0-9a-fA-F]{2})/g, (whole, hex: string) => {
    const c = Number.parseInt(hex, 16);
    const unreserved =
      (c >= 0x30 && c <= 0x39) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x61 && c <= 0x7a) ||
      c === 0x2d ||
      c === 0x2e ||
      c === 0x5f ||
      c === 0x7e;
    return unreserved ? String.fromCharCode(c) : whole.toUpperCase();
  });
}

/**
 * A host name as the URL parser spells it (ASCII, lower case, IPv4 in dotted decimal, IPv6 compressed in
 * brackets), without trailing dot; or null for anything that is not a bare host.
 */
export function normalizeHost(text: string): string | null {
  if (text === "" || /[/?#@\s\\]/.test(text) || (text.includes(":") && !text.startsWith("["))) return null;
  const url = URL.parse(`http://${text}/`);
  if (!url || url.port !== "" || url.hostname === "") return null;
  const host = url.hostname.replace(/\.+$/, "");
  return host === "" ? null : host;
}

/** Collects entries of several lists, then packs them. */
export class BlocklistBuilder {
  readonly #names: string[] = [];
  readonly #values: Record<EntryKind, string[]> = { host: [], prefix: [], url: [] };
  readonly #tags: Record<EntryKind, number[]> = { host: [], prefix: [], url: [] };

  /** The tag of a list, creating it. */
  list(name: string): number {
    let index = this.#names.indexOf(name);
    if (index < 0) {
      if (this.#names.length >= MAX_LISTS) throw new BlocklistError("too_many_lists", `at most ${MAX_LISTS} lists`);
      index = this.#names.push(name) - 1;
    }
    return index;
  }

  add(entry: BlocklistEntry, list: number): void {
    this.#values[entry.kind].push(entry.value);
    this.#tags[entry.kind].push(list);
  }

  build(): Blocklist {
    return new Blocklist(this.#names, this.#values, this.#tags);
  }
}

/** Where the path starts in an http(s) href, i.e. the length of its origin. */
function originLength(href: string): number {
  const slash = href.indexOf("/", href.indexOf("//") + 2);
  return slash < 0 ? href.length : slash;
}

/** The host name of a normalized http(s) href (no userinfo: normalization removed it). */
function hrefHost(href: string): string {
  const authority = href.slice(href.indexOf("//") + 2, originLength(href));
  if (authority.startsWith("[")) return authority.slice(0, authority.indexOf("]") + 1);
  const colon = authority.lastIndexOf(":");
  return colon < 0 ? authority : authority.slice(0, colon);
}

/** hostTag: no entry for this host, nor any URL entry on it. */
export const NO_HIT = -1;
/** hostTag: no host entry, but URL or prefix entries on this host may exist: ask urlTag. */
export const URL_ENTRIES = -2;

/**
 * Bloom filters with two bits per key, over the same hash the tables use. Probing a table of a million entries
 * is a cache miss or two; the filters are small enough to stay in the processor's cache, and most questions
 * ("is this suffix listed?", "does this host have URL entries?") are answered no by them alone.
 */
class BloomFilter {
  readonly #bits: Uint32Array;
  readonly #shift: number;

  /** Sized at about 12 bits per key (about 1% false positives), between 2^10 and 2^24 bits. */
  constructor(keys: number) {
    let log = 10;
    while (log < 24 && 1 << log < keys * 12) log++;
    this.#bits = new Uint32Array(1 << (log - 5));
    this.#shift = 32 - log;
  }

  add(h: number): void {
    const a = h >>> this.#shift;
    const b = Math.imul(h ^ (h >>> 16), 0x9e3779b1) >>> this.#shift;
    this.#bits[a >>> 5] = (this.#bits[a >>> 5] as number) | (1 << (a & 31));
    this.#bits[b >>> 5] = (this.#bits[b >>> 5] as number) | (1 << (b & 31));
  }

  mayHave(h: number): boolean {
    const a = h >>> this.#shift;
    const b = Math.imul(h ^ (h >>> 16), 0x9e3779b1) >>> this.#shift;
    return (
      ((this.#bits[a >>> 5] as number) & (1 << (a & 31))) !== 0 &&
      ((this.#bits[b >>> 5] as number) & (1 << (b & 31))) !== 0
    );
  }

  get byteLength(): number {
    return this.#bits.byteLength;
  }
}

export class Blocklist {
  readonly names: readonly string[];
  readonly #hosts: StringTable;
  readonly #urls: StringTable;
  readonly #prefixes: StringTable;
  readonly #prefixOrigins: StringTable;
  readonly #groupStart: Uint32Array;
  /** Host suffix entries. */
  readonly #hostFilter: BloomFilter;
  /** Hosts of URL and prefix entries: most URLs are on hosts no entry names, and their URL is never hashed. */
  readonly #urlHosts: BloomFilter;

  constructor(names: readonly string[], values: Record<EntryKind, string[]>, tags: Record<EntryKind, number[]>) {
    this.names = [...names];
    this.#hosts = new StringTable(values.host, tags.host);
    this.#urls = new StringTable(values.url, tags.url);
    // Prefixes are grouped by origin: a lookup hashes the URL's origin once and tries that origin's prefixes only.
    const order = values.prefix
      .map((_, i) => i)
      .sort((a, b) => compare(values.prefix[a] as string, values.prefix[b] as string));
    const sorted: string[] = [];
    const sortedTags: number[] = [];
    const origins: string[] = [];
    const starts: number[] = [];
    for (const i of order) {
      const prefix = values.prefix[i] as string;
      if (sorted.at(-1) === prefix) continue;
      const origin = prefix.slice(0, originLength(prefix));
      if (origins.at(-1) !== origin) {
        origins.push(origin);
        starts.push(sorted.length);
      }
      sorted.push(prefix);
      sortedTags.push(tags.prefix[i] ?? 0);
    }
    starts.push(sorted.length);
    this.#prefixes = new StringTable(sorted, sortedTags);
    this.#prefixOrigins = new StringTable(origins, []);
    this.#groupStart = Uint32Array.from(starts);
    this.#hostFilter = new BloomFilter(this.#hosts.size);
    for (let i = 0; i < this.#hosts.size; i++) {
      const host = this.#hosts.get(i);
      this.#hostFilter.add(hashRange(host, 0, host.length));
    }
    this.#urlHosts = new BloomFilter(values.url.length + sorted.length);
    for (const href of values.url) this.#markHost(hrefHost(href));
    for (const href of sorted) this.#markHost(hrefHost(href));
  }

  #markHost(host: string): void {
    this.#urlHosts.add(hashRange(host, 0, host.length));
  }

  get size(): number {
    return this.#hosts.size + this.#urls.size + this.#prefixes.size;
  }

  get byteLength(): number {
    return (
      this.#hosts.byteLength +
      this.#urls.byteLength +
      this.#prefixes.byteLength +
      this.#prefixOrigins.byteLength +
      this.#groupStart.byteLength +
      this.#hostFilter.byteLength +
      this.#urlHosts.byteLength
    );
  }

  lookup(url: string, host: string): string | null {
    const tag = this.lookupTag(url, host);
    return tag < 0 ? null : (this.names[tag] ?? null);
  }

  /** The tag of the list that blocks the URL, or -1. */
  lookupTag(href: string, host: string): number {
    const byHost = this.hostTag(host);
    return byHost === URL_ENTRIES ? this.urlTag(href) : byHost;
  }

  /**
   * What the host alone says: a list tag, NO_HIT, or URL_ENTRIES. It depends on the host only, so the engine keeps
   * it with the rest of what it knows about a host: on a big table every probe is a cache miss.
   */
  hostTag(host: string): number {
    return this.#lookupHost(host);
  }

  #lookupHost(host: string): number {
    // One pass over the host, from its end: at each dot the hash of the suffix after it is ready.
    const ip = host.charCodeAt(0) === 91 || /\d$/.test(host);
    const hosts = this.#hosts.size > 0 ? this.#hosts : null;
    let h = HASH_SEED;
    for (let i = host.length - 1; i >= 0; i--) {
      const code = host.charCodeAt(i);
      if (code === 46 && hosts !== null && !ip && this.#hostFilter.mayHave(h >>> 0)) {
        const found = hosts.findHashedTag(h, host, i + 1, host.length);
        if (found >= 0) return found;
      }
      h = hashStep(h, code);
    }
    h >>>= 0;
    if (hosts !== null && this.#hostFilter.mayHave(h)) {
      const found = hosts.findHashedTag(h, host, 0, host.length);
      if (found >= 0) return found;
    }
    return this.#urlHosts.mayHave(h) ? URL_ENTRIES : NO_HIT;
  }

  /** The tag of a URL or prefix entry matching the href, or NO_HIT. */
  urlTag(href: string): number {
    const url = decodeUnreserved(href);
    const hash = url.indexOf("#");
    const end = hash < 0 ? url.length : hash;
    if (this.#urls.size > 0) {
      const found = this.#urls.findTag(url, 0, end);
      if (found >= 0) return found;
    }
    if (this.#prefixes.size > 0) {
      const group = this.#prefixOrigins.find(url, 0, originLength(url));
      if (group >= 0) {
        const target = end === url.length ? url : url.slice(0, end);
        for (let i = this.#groupStart[group] as number; i < (this.#groupStart[group + 1] as number); i++) {
          if (this.#prefixes.isPrefixOf(i, target)) return this.#prefixes.tag(i);
        }
      }
    }
    return -1;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
