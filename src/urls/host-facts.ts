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

// Two-way set associative: a direct-mapped cache of a few thousand hosts keeps evicting the pairs of hosts that
// share a slot (about one host in six with 1,200 hosts in 32K slots), and each miss redoes the dear part.
const SET_BITS = 14;
const WAYS = 2;
const SLOTS = (1 << SET_BITS) * WAYS;
// Each slot's key is one 64-byte cache line: the host's full hash, its length, and its first KEY_CHARS characters.
// A verdict on a known host reads that line to find and confirm its host, and one more for the facts object;
// comparing against the cached host string cost two lines more (the string and an array of references) and a
// runtime call, since a host sliced from the href is a SlicedString, which V8's === does not compare inline.
const SLOT_BYTES = 64;
const SLOT_WORDS = SLOT_BYTES >> 2;
const KEY_HEADER = 8;
const KEY_CHARS = SLOT_BYTES - KEY_HEADER;
const keyBytes = new Uint8Array(SLOTS * SLOT_BYTES);
/** Word 0 of a slot: the host's hash; word 1: its length + 1 (0: the slot is empty). */
const keyWords = new Int32Array(keyBytes.buffer);
const cacheFacts: (HostFacts | undefined)[] = new Array<HostFacts | undefined>(SLOTS);

/** Where the host that starts at `start` in an http(s) href ends. */
export function hostEnd(href: string, start: number): number {
  // The parser serializes "/" after the host and its port, an IPv6 address in brackets, and a port only as
  // ":digits"; the native search is cheaper than testing every character for both "/" and ":".
  if (href.charCodeAt(start) === 91) return href.indexOf("]", start) + 1;
  const slash = href.indexOf("/", start);
  let end = slash < 0 ? href.length : slash;
  let digit = end - 1;
  while (digit > start && href.charCodeAt(digit) >= 48 && href.charCodeAt(digit) <= 57) digit--;
  if (digit < end - 1 && href.charCodeAt(digit) === 58) end = digit;
  return end;
}

/** The cache's hash of the text's [start, end) range (exported for the tests that make hosts collide). */
export function hostHash(text: string, start: number, end: number): number {
  // Shift-and-add (djb2) rather than the blocklist's FNV-1a: its multiply chain is the dearest part of a cached
  // verdict, and the cache only needs the bits spread, which the one multiply after the loop does. The hash only
  // picks a set: a hit is confirmed on every character, so a collision (djb2's are easy to make) costs time,
  // never another host's facts.
  let h = 5381;
  for (let i = start; i < end; i++) h = ((h << 5) + h + text.charCodeAt(i)) | 0;
  return Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
}

/** The facts of the host that starts at `start` in `href`, the flat serialization of a parsed http(s) URL. */
export function hostFacts(href: string, start: number): HostFacts {
  const end = hostEnd(href, start);
  const h = hostHash(href, start, end);
  const length = end - start;
  const first = (h >>> (32 - SET_BITS)) * WAYS;
  for (let slot = first; slot < first + WAYS; slot++) {
    const word = slot * SLOT_WORDS;
    if (keyWords[word] === h && keyWords[word + 1] === length + 1) {
      const cached = cacheFacts[slot] as HostFacts;
      if (length <= KEY_CHARS ? sameKey(href, start, length, slot * SLOT_BYTES + KEY_HEADER) : sameText(href, start, cached.host)) return cached;
    }
  }
  // The newest host goes first and the others move one way along; the last one leaves.
  keyBytes.copyWithin((first + 1) * SLOT_BYTES, first * SLOT_BYTES, (first + WAYS - 1) * SLOT_BYTES);
  for (let slot = first + WAYS - 1; slot > first; slot--) cacheFacts[slot] = cacheFacts[slot - 1];
  const facts = newFacts(href.slice(start, end));
  keyWords[first * SLOT_WORDS] = h;
  keyWords[first * SLOT_WORDS + 1] = length + 1;
  // The parser serializes http(s) hosts in ASCII; a character that did not fit a byte would be stored truncated
  // and never match, which would only make that host miss the cache.
  for (let i = 0, at = first * SLOT_BYTES + KEY_HEADER; i < length && i < KEY_CHARS; i++) keyBytes[at + i] = href.charCodeAt(start + i);
  cacheFacts[first] = facts;
  return facts;
}

function sameKey(href: string, start: number, length: number, at: number): boolean {
  for (let i = 0; i < length; i++) if (keyBytes[at + i] !== href.charCodeAt(start + i)) return false;
  return true;
}

/** Hosts longer than a slot's key are confirmed against the cached name itself. */
function sameText(href: string, start: number, host: string): boolean {
  for (let i = 0; i < host.length; i++) if (host.charCodeAt(i) !== href.charCodeAt(start + i)) return false;
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
