// The connect-time rule every outbound connection the studio opens on someone else's behalf obeys (the image
// proxy, the kernels' egress proxy): judged on the address a socket is about to reach or really reached, never on
// a host name, so DNS rebinding and literal IPs in any spelling meet the same table (ip-address.ts).
import { isIP } from "node:net";
import { classifyAddress } from "./ip-address.ts";

export interface ConnectRefusal {
  /** Stable snake_case code: private_address, bad_port, invalid_address. */
  reason: "private_address" | "bad_port" | "invalid_address";
  message: string;
}

/** "address:port" with IPv6 in brackets: the form allowed pairs are kept in. */
export function pairKey(address: string, port: number): string {
  return isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}

/** An IPv4-mapped IPv6 address (how dual-stack sockets report IPv4 peers) as the IPv4 address it is. */
export function canonicalAddress(address: string): string {
  return address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/**
 * Allowed loopback pairs ("127.0.0.1:4567", "[::1]:4568", "localhost:4567") in the form connectionRefusal
 * compares against. Callers have already checked that each pair is loopback (UrlPolicy.allowLoopback does).
 */
export function allowedPairSet(pairs: readonly string[]): ReadonlySet<string> {
  return new Set(
    pairs.map((pair) => {
      const url = new URL(`http://${pair}/`);
      return `${url.hostname === "localhost" ? "127.0.0.1" : url.hostname}:${url.port}`;
    }),
  );
}

/** Whether some allowed pair names this address (on any port): the port is judged once it is known. */
export function addressHasAllowedPair(address: string, allowedPairs: ReadonlySet<string>): boolean {
  const prefix = pairKey(canonicalAddress(address), 0).slice(0, -1);
  for (const pair of allowedPairs) if (pair.startsWith(prefix)) return true;
  return false;
}

/**
 * Why a connection to address:port is refused, or null: only public unicast addresses, on one of allowedPorts, or
 * an exact allowed loopback pair when tests or local development configured one. The ports are a parameter
 * because each proxy has its own list (images: 80 and 443; kernel egress: configurable), the addresses are not.
 */
export function connectionRefusal(
  address: string,
  port: number,
  allowedPairs: ReadonlySet<string>,
  allowedPorts: readonly number[],
): ConnectRefusal | null {
  if (allowedPairs.has(pairKey(canonicalAddress(address), port))) return null;
  const verdict = classifyAddress(address);
  if (verdict === null) return { reason: "invalid_address", message: `"${address}" is not an address` };
  if (verdict.special)
    return { reason: "private_address", message: `the host resolved to ${address}: ${verdict.range}` };
  if (!allowedPorts.includes(port)) return { reason: "bad_port", message: `port ${port}` };
  return null;
}
