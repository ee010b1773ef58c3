// Everything the engine knows about a host name that does not depend on the rest of the URL, computed once per
// host. The public-suffix walk and hashing a fresh host string into sets are the dearest steps of a verdict, and
// a notebook names the same few hosts again and again. Bounded: the whole cache is dropped when it is full.
import type { Blocklist } from "./blocklist.ts";
import { displayHost, type HostDisplay } from "./display.ts";
import { classifyAddress, type AddressClass } from "./ip-address.ts";
import { isLocalName } from "./local-names.ts";

export interface HostFacts {
  /** The address class when the host is an IP literal, else null. */
  address: AddressClass | null;
  local: boolean;
  display: HostDisplay;
  /** The blocklist hostTag was computed against (lists are immutable; a reload is a new object). */
  blocklist: Blocklist | null;
  hostTag: number;
}

const CACHE_LIMIT = 8192;
const cache = new Map<string, HostFacts>();

/** `hostname` as the WHATWG parser gives it (IPv6 in brackets; an IPv4 host always ends in a digit, no name can). */
export function hostFacts(hostname: string): HostFacts {
  let facts = cache.get(hostname);
  if (facts === undefined) {
    const last = hostname.charCodeAt(hostname.length - 1);
    const address = hostname.charCodeAt(0) === 91 || (last >= 48 && last <= 57) ? classifyAddress(hostname) : null;
    facts = { address, local: address === null && isLocalName(hostname), display: Object.freeze(displayHost(hostname, address !== null)), blocklist: null, hostTag: 0 };
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(hostname, facts);
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
