// Everything the engine knows about a host name that does not depend on the rest of the URL, computed once per
// host: the public-suffix walk and the blocklist probes are the dearest steps of a verdict, and a notebook names
// the same few hosts again and again. The cache is our own rather than a Map: a host name fresh from the URL
// parser is a new string each time, and having V8 hash it for a Map costs more than the rest of the lookup.
import type { Blocklist } from "./blocklist.ts";
import type { PromptData } from "./types.ts";
import { displayHost, type HostDisplay } from "./display.ts";
import { classifyAddress, type AddressClass } from "./ip-address.ts";
import { isLocalName } from "./local-names.ts";

/**
 * What a verdict reads about its host, in one object: the display fields sit here rather than in a HostDisplay
 * of their own, so a verdict on a known host touches one object (each further one is a likely cache miss).
 */
export interface HostFacts extends HostDisplay {
  /** The host name as the WHATWG parser serializes it (IPv6 in brackets), a flat string of its own. */
  host: string;
  /** The address class when the host is an IP literal, else null. */
  address: AddressClass | null;
  local: boolean;
  /** Set when the Unicode form is confusable (see HostDisplay); present, undefined, on every other host. */
  confusable: string | undefined;
  /** The blocklist hostTag was computed against (lists are immutable; a reload is a new object). */
  blocklist: Blocklist | null;
  hostTag: number;
  /** The prompt for an ordinary link to this host, built once and shared (frozen): most links get exactly it. */
  sitePrompt: PromptData | null;
}

// Two-way set associative: direct-mapped, hosts that share a slot keep evicting each other, and each miss redoes
// the dear part (bench:urls's 1,252 hosts in 32K slots: 59 shared one, and 1% of verdicts missed).
const SET_BITS = 14;
const WAYS = 2;
const SLOTS = (1 << SET_BITS) * WAYS;
// Each slot's key is one 64-byte cache line: the host's full hash, its length, the number of its facts, and its
// first KEY_CHARS characters. A verdict on a known host reads that line to find and confirm its host, and one more
// for the facts object; comparing against the cached host string cost a line more and a runtime call, since a
// host sliced from the href is a SlicedString, which V8's === does not compare inline.
const SLOT_BYTES = 64;
const SLOT_WORDS = SLOT_BYTES >> 2;
const KEY_HEADER_WORDS = 3;
const KEY_CHARS = SLOT_BYTES - KEY_HEADER_WORDS * 4;
const keyBytes = new Uint8Array(SLOTS * SLOT_BYTES);
/** Word 0 of a slot: the host's hash; word 1: its length + 1 (0: the slot is empty); word 2: its facts' number. */
const keyWords = new Int32Array(keyBytes.buffer);
// The facts of the cached hosts, numbered densely (a host evicted from a set leaves its number to the one that
// replaces it): the array stays as small as the number of hosts in use, so reading it is rarely a cache miss,
// where an array with a place for every slot spreads a few hundred hosts over as many cache lines.
const factsByNumber: HostFacts[] = [];

/** The host's first KEY_CHARS characters as bytes, zero-padded to whole words, written while hashing it. */
const scratchBytes = new Uint8Array(KEY_CHARS + 4);
const scratchWords = new Int32Array(scratchBytes.buffer);

/** The cache's hash of a host, as hostFacts computes it (for the tests that make hosts collide). */
export function hostHash(host: string): number {
  let h = 5381;
  for (let i = 0; i < host.length; i++) h = ((h << 5) + h + host.charCodeAt(i)) | 0;
  return Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
}

/** The set a host's facts are cached in (for the tests that fill one set past its ways). */
export function hostCacheSet(host: string): number {
  return hostHash(host) >>> (32 - SET_BITS);
}

/** How many hosts one set holds. */
export const HOST_CACHE_WAYS = WAYS;
/** How many characters of a host its slot's key holds; longer hosts are confirmed against their cached name. */
export const HOST_KEY_CHARS = KEY_CHARS;

/**
 * The facts of the host that starts at `start` in `href`, the flat serialization of a parsed http(s) URL. One pass
 * finds the host's end, hashes it and copies its first characters (the parser always serializes a path "/" after
 * the host, or a port after ":", and an IPv6 address in brackets); the parser's own getters would cost a second pass.
 */
export function hostFacts(href: string, start: number): HostFacts {
  // Shift-and-add (djb2) rather than the blocklist's FNV-1a: its multiply chain is the dearest part of a cached
  // verdict, and the cache only needs the bits spread, which the one multiply after the loop does. The hash only
  // picks a set: a hit is confirmed on every character, so a collision (djb2's are easy to make) costs time,
  // never another host's facts.
  let h = 5381;
  let end = start;
  let bits = 0;
  // An IPv6 host runs to its "]"; any other to the "/" of the path or the ":" of a port.
  const ipv6 = href.charCodeAt(start) === 91;
  const stop = ipv6 ? href.indexOf("]", start) + 1 : href.length;
  for (
    let code = href.charCodeAt(end);
    end < stop && (ipv6 || (code !== 47 && code !== 58));
    code = href.charCodeAt(++end)
  ) {
    h = ((h << 5) + h + code) | 0;
    bits |= code;
    if (end - start < KEY_CHARS) scratchBytes[end - start] = code;
  }
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  const length = end - start;
  // The parser serializes http(s) hosts in ASCII; anything else would not fit the byte-wide keys, so it is judged
  // afresh rather than cached (a truncated character could match another host's key).
  if (bits > 0x7f) return newFacts(href.slice(start, end));
  const keyLength = length < KEY_CHARS ? length : KEY_CHARS;
  for (let i = keyLength; i < keyLength + 4; i++) scratchBytes[i] = 0;
  // The key is compared a word (four characters) at a time: a character loop cost as much as the rest of the lookup.
  const keyWordCount = (keyLength + 3) >> 2;
  const first = (h >>> (32 - SET_BITS)) * WAYS;
  for (let slot = first; slot < first + WAYS; slot++) {
    const word = slot * SLOT_WORDS;
    if (keyWords[word] === h && keyWords[word + 1] === length + 1 && sameKey(word + KEY_HEADER_WORDS, keyWordCount)) {
      const cached = factsByNumber[keyWords[word + 2] as number] as HostFacts;
      if (length <= KEY_CHARS || sameText(href, start, cached.host)) return cached;
    }
  }
  const facts = newFacts(href.slice(start, end));
  // The newest host goes first and the others move one way along; the last one leaves, and its number is reused.
  const last = (first + WAYS - 1) * SLOT_WORDS;
  const number = keyWords[last + 1] !== 0 ? (keyWords[last + 2] as number) : factsByNumber.length;
  keyBytes.copyWithin((first + 1) * SLOT_BYTES, first * SLOT_BYTES, (first + WAYS - 1) * SLOT_BYTES);
  const word = first * SLOT_WORDS;
  keyWords[word] = h;
  keyWords[word + 1] = length + 1;
  keyWords[word + 2] = number;
  for (let i = 0; i < keyWordCount; i++) keyWords[word + KEY_HEADER_WORDS + i] = scratchWords[i] as number;
  factsByNumber[number] = facts;
  return facts;
}

function sameKey(at: number, count: number): boolean {
  for (let i = 0; i < count; i++) if (keyWords[at + i] !== scratchWords[i]) return false;
  return true;
}

/** Hosts longer than a slot's key are confirmed against the cached name itself. */
function sameText(href: string, start: number, host: string): boolean {
  for (let i = KEY_CHARS; i < host.length; i++) if (host.charCodeAt(i) !== href.charCodeAt(start + i)) return false;
  return true;
}

function newFacts(hostname: string): HostFacts {
  // A copy, not a substring: V8 keeps a substring's whole parent alive, and the parent is the full URL. The
  // concatenation is flattened into a new string of the host's size, which is all the slice then holds on to.
  const host = ` ${hostname}`.slice(1);
  const last = host.charCodeAt(host.length - 1);
  // An IPv4 host always ends in a digit; no name can.
  const address = host.charCodeAt(0) === 91 || (last >= 48 && last <= 57) ? classifyAddress(host) : null;
  const shown = displayHost(host, address !== null);
  return {
    host,
    address,
    local: address === null && isLocalName(host),
    display: shown.display,
    registrableDomain: shown.registrableDomain,
    confusable: shown.confusable,
    blocklist: null,
    hostTag: 0,
    sitePrompt: null,
  };
}

/** The blocklist's verdict on the host alone, remembered with the host's other facts. */
export function blocklistHostTag(facts: HostFacts, blocklist: Blocklist): number {
  if (facts.blocklist !== blocklist) {
    facts.hostTag = blocklist.hostTag(facts.host);
    facts.blocklist = blocklist;
  }
  return facts.hostTag;
}
