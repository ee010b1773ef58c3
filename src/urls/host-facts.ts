// Everything the engine knows about a host name that does not depend on the rest of the URL, computed once per
// host: the public-suffix walk and the blocklist probes are the dearest steps of a verdict, and a notebook names
// the same few hosts again and again. The cache is direct-mapped on our own hash rather than a Map: a host name
// fresh from the URL parser is a new string each time, and having V8 hash it for a Map costs more than the rest
// of the lookup.
import type { Blocklist } from "./blocklist.ts";
import type { PromptData } from "./types.ts";
import { displayHost, type HostDisplay } from "./display.ts";
import { classifyAddress, type AddressClass } from "./ip-address.ts";
import { isLocalName } from "./local-names.ts";

export interface HostFacts {
  /** The host name as the WHATWG parser serializes it (IPv6 in brackets), a flat string of its own. */
  host: string;
  /** The address class when the host is an IP literal, else null. */
  address: AddressClass | null;
  local: boolean;
  display: HostDisplay;
  /** The blocklist hostTag was computed against (lists are immutable; a reload is a new object). */
  blocklist: Blocklist | null;
  hostTag: number;
  /** The prompt for an ordinary link to this host, built once and shared (frozen): most links get exactly it. */
  sitePrompt: PromptData | null;
}

const CACHE_BITS = 15;
const cacheFacts: (HostFacts | undefined)[] = new Array<HostFacts | undefined>(1 << CACHE_BITS);

/**
 * The facts of the host that starts at `start` in `href`, the flat serialization of a parsed http(s) URL. One pass
 * finds the host's end and hashes it (the parser always serializes a path "/" after the host, or a port after ":",
 * and an IPv6 address in brackets); the parser's own getters would cost a second pass.
 */
export function hostFacts(href: string, start: number): HostFacts {
  // Shift-and-add (djb2) rather than the blocklist's FNV-1a: its multiply chain is the dearest part of a cached
  // verdict, and a direct-mapped cache only needs the bits spread, which the one multiply after the loop does.
  let h = 5381;
  let end = start;
  if (href.charCodeAt(start) === 91) {
    end = href.indexOf("]", start) + 1;
    for (let i = start; i < end; i++) h = ((h << 5) + h + href.charCodeAt(i)) | 0;
  } else {
    for (let code = href.charCodeAt(end); code !== 47 && code !== 58 && end < href.length; code = href.charCodeAt(++end)) h = ((h << 5) + h + code) | 0;
  }
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  const slot = h >>> (32 - CACHE_BITS);
  const cached = cacheFacts[slot];
  // V8 compares a fresh slice with === faster than startsWith() or a loop of charCodeAt() reads the href in place.
  const hostname = href.slice(start, end);
  if (cached !== undefined && cached.host === hostname) return cached;
  return (cacheFacts[slot] = newFacts(hostname));
}

function newFacts(hostname: string): HostFacts {
  // A copy, not a substring: V8 keeps a substring's whole parent alive, and the parent is the full URL. The
  // concatenation is flattened into a new string of the host's size, which is all the slice then holds on to.
  const host = ` ${hostname}`.slice(1);
  const last = host.charCodeAt(host.length - 1);
  // An IPv4 host always ends in a digit; no name can.
  const address = host.charCodeAt(0) === 91 || (last >= 48 && last <= 57) ? classifyAddress(host) : null;
  return { host, address, local: address === null && isLocalName(host), display: Object.freeze(displayHost(host, address !== null)), blocklist: null, hostTag: 0, sitePrompt: null };
}

/** The blocklist's verdict on the host alone, remembered with the host's other facts. */
export function blocklistHostTag(facts: HostFacts, blocklist: Blocklist): number {
  if (facts.blocklist !== blocklist) {
    facts.hostTag = blocklist.hostTag(facts.host);
    facts.blocklist = blocklist;
  }
  return facts.hostTag;
}
