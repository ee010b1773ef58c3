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
import { hashRange } from "./string-table.ts";

export interface HostFacts {
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
const cacheHosts: (string | undefined)[] = new Array<string | undefined>(1 << CACHE_BITS);
const cacheFacts: (HostFacts | undefined)[] = new Array<HostFacts | undefined>(1 << CACHE_BITS);

/**
 * `hostname` as the WHATWG parser gives it (IPv6 in brackets; an IPv4 host always ends in a digit, no name can),
 * found at `hostStart` in `href` (its flat serialization, which is cheaper to read than the host's substring).
 */
export function hostFacts(hostname: string, href: string = hostname, hostStart = 0): HostFacts {
  const slot = hashRange(href, hostStart, hostStart + hostname.length) >>> (32 - CACHE_BITS);
  const cached = cacheHosts[slot];
  // Comparing with the host string itself: a plain equality of two short flat strings is cheaper than matching at
  // an offset inside the href.
  let facts = cached === hostname ? cacheFacts[slot] : undefined;
  if (facts === undefined) {
    // A copy, not the substring: V8 keeps a substring's whole parent alive, and the parent is the full URL. The
    // concatenation is flattened into a new string of the host's size, which is all the slice then holds on to.
    const host = ` ${hostname}`.slice(1);
    const last = host.charCodeAt(host.length - 1);
    const address = host.charCodeAt(0) === 91 || (last >= 48 && last <= 57) ? classifyAddress(host) : null;
    facts = { address, local: address === null && isLocalName(host), display: Object.freeze(displayHost(host, address !== null)), blocklist: null, hostTag: 0, sitePrompt: null };
    cacheHosts[slot] = host;
    cacheFacts[slot] = facts;
  }
  return facts;
}

/** The blocklist's verdict on the host alone, remembered with the host's other facts. */
export function blocklistHostTag(facts: HostFacts, hostname: string, blocklist: Blocklist): number {
  if (facts.blocklist !== blocklist) {
    facts.hostTag = blocklist.hostTag(hostname);
    facts.blocklist = blocklist;
  }
  return facts.hostTag;
}
