// Special-purpose addresses: everything the IANA IPv4 and IPv6 special-purpose registries list, plus IPv4 carried
// inside IPv6 (mapped, compatible, NAT64, 6to4, Teredo), judged by the IPv4 address it really reaches.
// One table for the verdict engine (URL hosts, already canonical after the WHATWG parser) and for the image proxy
// (the address a socket actually connected to, as Node prints it).
import { isIPv4, isIPv6 } from "node:net";

export interface AddressClass {
  /** The address is not a public unicast address: nothing the studio fetches or links to may reach it. */
  special: boolean;
  /** The range's name, for people ("loopback", "private (RFC 1918)", "IPv4-mapped: loopback", ...). */
  range: string;
}

const PUBLIC: AddressClass = Object.freeze({ special: false, range: "public" });

type V4Range = readonly [base: number, prefix: number, name: string];

// IANA IPv4 Special-Purpose Address Registry, plus multicast and the reserved class E block.
// Ranges IANA marks as globally reachable anycast (192.0.0.9/32, 192.0.0.10/32) are still refused: nothing a
// notebook shows needs them, and a short deny list is easier to trust than exceptions inside it.
const V4_RANGES: readonly V4Range[] = [
  [ipv4("255.255.255.255"), 32, "broadcast"],
  [ipv4("0.0.0.0"), 8, "this network"],
  [ipv4("10.0.0.0"), 8, "private (RFC 1918)"],
  [ipv4("100.64.0.0"), 10, "shared address space (carrier-grade NAT)"],
  [ipv4("127.0.0.0"), 8, "loopback"],
  [ipv4("169.254.0.0"), 16, "link-local (cloud metadata lives here)"],
  [ipv4("172.16.0.0"), 12, "private (RFC 1918)"],
  [ipv4("192.0.0.0"), 24, "IETF protocol assignments"],
  [ipv4("192.0.2.0"), 24, "documentation (TEST-NET-1)"],
  [ipv4("192.31.196.0"), 24, "AS112"],
  [ipv4("192.52.193.0"), 24, "AMT"],
  [ipv4("192.88.99.0"), 24, "6to4 relay anycast (deprecated)"],
  [ipv4("192.168.0.0"), 16, "private (RFC 1918)"],
  [ipv4("192.175.48.0"), 24, "AS112 direct delegation"],
  [ipv4("198.18.0.0"), 15, "benchmarking"],
  [ipv4("198.51.100.0"), 24, "documentation (TEST-NET-2)"],
  [ipv4("203.0.113.0"), 24, "documentation (TEST-NET-3)"],
  [ipv4("224.0.0.0"), 4, "multicast"],
  [ipv4("240.0.0.0"), 4, "reserved"],
];

function ipv4(text: string): number {
  const parts = text.split(".");
  return ((Number(parts[0]) << 24) | (Number(parts[1]) << 16) | (Number(parts[2]) << 8) | Number(parts[3])) >>> 0;
}

/** Classifies a 32-bit IPv4 address. */
export function classifyIPv4Number(address: number): AddressClass {
  for (const [base, prefix, name] of V4_RANGES) {
    const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
    if ((address & mask) >>> 0 === base) return { special: true, range: name };
  }
  return PUBLIC;
}

function formatIPv4(address: number): string {
  return `${address >>> 24}.${(address >>> 16) & 255}.${(address >>> 8) & 255}.${address & 255}`;
}

/** Parses IPv6 text (with "::", an embedded dotted IPv4 tail, or a zone id) into eight 16-bit groups. */
export function parseIPv6(text: string): number[] | null {
  let s = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  if (!isIPv6(s)) return null;
  const lastColon = s.lastIndexOf(":");
  if (s.includes(".", lastColon)) {
    // A dotted IPv4 tail is two groups written another way.
    const v4 = ipv4(s.slice(lastColon + 1));
    s = `${s.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = s.split("::");
  const parse = (part: string | undefined) => (part ? part.split(":").map((g) => Number.parseInt(g, 16)) : []);
  const head = parse(halves[0]);
  const rest = halves.length > 1 ? parse(halves[1]) : [];
  const zeros = halves.length > 1 ? 8 - head.length - rest.length : 0;
  const groups = [...head, ...new Array<number>(Math.max(zeros, 0)).fill(0), ...rest];
  return groups.length === 8 ? groups : null;
}

function v4From(high: number, low: number): number {
  return ((high << 16) | low) >>> 0;
}

function embedded(kind: string, address: number): AddressClass {
  const inner = classifyIPv4Number(address);
  if (inner.special) return { special: true, range: `${kind} ${formatIPv4(address)}: ${inner.range}` };
  return PUBLIC;
}

/** Classifies eight IPv6 groups. Only global unicast (2000::/3) outside the special ranges is public. */
export function classifyIPv6Groups(g: readonly number[]): AddressClass {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const firstFive = g0 | g1 | g2 | g3 | g4;
  if (firstFive === 0 && g5 === 0) {
    if (g6 === 0 && g7 === 0) return { special: true, range: "unspecified" };
    if (g6 === 0 && g7 === 1) return { special: true, range: "loopback" };
    // ::a.b.c.d, deprecated since 2006: no legitimate host uses it, and stacks disagree on how to route it.
    const inner = embedded("IPv4-compatible", v4From(g6, g7));
    return { special: true, range: inner.special ? inner.range : "IPv4-compatible (deprecated)" };
  }
  if (firstFive === 0 && g5 === 0xffff) return embedded("IPv4-mapped", v4From(g6, g7));
  // ::ffff:0:a.b.c.d (SIIT IPv4-translated) reaches the IPv4 address too.
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0xffff && g5 === 0)
    return embedded("IPv4-translated", v4From(g6, g7));
  if (g0 === 0x64 && g1 === 0xff9b) {
    if (g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return embedded("NAT64", v4From(g6, g7));
    if (g2 === 1) return { special: true, range: "local-use NAT64 (64:ff9b:1::/48)" };
  }
  if (g0 === 0x2002) {
    const inner = embedded("6to4", v4From(g1, g2));
    return inner.special ? inner : PUBLIC;
  }
  if (g0 === 0x2001 && g1 === 0) {
    // Teredo: the server address in plain, the client's obfuscated (inverted bits). Both must be public, and the
    // range is not globally reachable anyway, so it is refused either way; the name says which address it hides.
    const server = embedded("Teredo server", v4From(g2, g3));
    const client = embedded("Teredo client", v4From(g6 ^ 0xffff, g7 ^ 0xffff));
    return { special: true, range: server.special ? server.range : client.special ? client.range : "Teredo" };
  }
  if ((g0 & 0xe000) !== 0x2000) {
    if ((g0 & 0xfe00) === 0xfc00) return { special: true, range: "unique local (fc00::/7)" };
    if ((g0 & 0xffc0) === 0xfe80) return { special: true, range: "link-local (fe80::/10)" };
    if ((g0 & 0xffc0) === 0xfec0) return { special: true, range: "site-local (deprecated)" };
    if ((g0 & 0xff00) === 0xff00) return { special: true, range: "multicast" };
    if (g0 === 0x100 && g1 === 0 && g2 === 0 && (g3 === 0 || g3 === 1))
      return { special: true, range: "discard-only / dummy prefix" };
    return { special: true, range: "reserved (not global unicast)" };
  }
  if (g0 === 0x2001 && g1 < 0x200) {
    if (g1 === 0xdb8) return { special: true, range: "documentation (2001:db8::/32)" };
    if (g1 === 2 && g2 === 0) return { special: true, range: "benchmarking (2001:2::/48)" };
    return { special: true, range: "IETF protocol assignments (2001::/23)" };
  }
  if (g0 === 0x2001 && g1 === 0xdb8) return { special: true, range: "documentation (2001:db8::/32)" };
  if (g0 === 0x2620 && g1 === 0x4f && g2 === 0x8000) return { special: true, range: "AS112 direct delegation" };
  if (g0 === 0x3fff && g1 < 0x1000) return { special: true, range: "documentation (3fff::/20)" };
  return PUBLIC;
}

/**
 * Classifies an address as text: dotted IPv4 or IPv6 (bracketed or not, with or without a zone). Returns null for
 * text that is not an IP address (a host name).
 */
export function classifyAddress(text: string): AddressClass | null {
  if (isIPv4(text)) return classifyIPv4Number(ipv4(text));
  const groups = parseIPv6(text);
  return groups ? classifyIPv6Groups(groups) : null;
}
