// What the kernels' egress proxy may connect to: the target a kernel names (a CONNECT authority or an absolute
// http URL), checked by name against the studio's own origins, resolved once, and every resolved address checked
// with the connect-time rule the image proxy uses (src/urls/connect-rules.ts). The proxy then connects to one of
// the checked addresses itself, so a second, different DNS answer (rebinding) never reaches a socket.
import { Resolver, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { networkInterfaces } from "node:os";
import { allowedPairSet, canonicalAddress, connectionRefusal, pairKey } from "../urls/connect-rules.ts";
import { hostWithoutTrailingDot } from "../urls/studio-paths.ts";

/** A refusal with its HTTP status and stable reason code (sent in the X-Vitrine-Egress-Refusal header). */
export interface EgressRefusal {
  ok: false;
  status: number;
  reason: string;
  message: string;
}

export interface EgressTarget {
  /** Host name or IP literal as the URL parser canonicalizes it (lower case, punycode, IPv6 without brackets). */
  host: string;
  port: number;
}

export type Checked<T> = ({ ok: true } & T) | EgressRefusal;

export function egressRefusal(status: number, reason: string, message: string): EgressRefusal {
  return { ok: false, status, reason, message };
}

function hostOf(url: URL): string {
  const host = hostWithoutTrailingDot(url.hostname);
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/** The authority of a CONNECT request ("example.org:443", "[2001:db8::1]:443"): a host and an explicit port. */
export function parseConnectTarget(authority: string): Checked<EgressTarget> {
  const url = /^[^/?#@\\\s]+:\d{1,5}$/.test(authority) ? URL.parse(`http://${authority}/`) : null;
  const port = url ? Number(url.port || 80) : NaN;
  if (!url || url.hostname === "" || !(port > 0 && port < 65536))
    return egressRefusal(400, "bad_target", "CONNECT needs host:port");
  return { ok: true, host: hostOf(url), port };
}

/** An absolute-form request target ("http://example.org/path?q"): plain HTTP only; https goes through CONNECT. */
export function parseProxyUrl(target: string): Checked<EgressTarget & { path: string; hostHeader: string }> {
  const url = URL.parse(target);
  if (!url || !/^[a-z][a-z0-9+.-]*:\/\//i.test(target))
    return egressRefusal(400, "not_a_proxy_request", "a proxy request names an absolute http:// URL");
  if (url.protocol !== "http:")
    return egressRefusal(400, "bad_scheme", `only http:// is forwarded; ${url.protocol}// goes through CONNECT`);
  if (url.hostname === "") return egressRefusal(400, "bad_target", "the URL has no host");
  return {
    ok: true,
    host: hostOf(url),
    port: Number(url.port || 80),
    path: url.pathname + url.search,
    hostHeader: url.host,
  };
}

export interface EgressRuleOptions {
  /** Ports that may be reached on public addresses (setting egressPorts). */
  ports: readonly number[];
  /** The studio's public origins (app and content): refused by host name, and by address:port when literal. */
  studioOrigins: readonly (string | URL)[];
  /**
   * Where the studio listens ("0.0.0.0:8080", "[::]:8081", "203.0.113.5:443"): refused by address and port. A
   * wildcard address stands for every address of this machine's interfaces, read at each check.
   */
  studioListeners?: readonly string[];
  /** Exact loopback pairs that may be reached anyway, for tests ("127.0.0.1:4567"); never in production. */
  allowLoopback?: readonly string[];
  /** Host name resolver (default: DNS queries through c-ares, see dnsResolverLookup). Tests pass their own. */
  lookup?: LookupFunction;
}

/**
 * A LookupFunction that asks DNS directly (A and AAAA through c-ares) instead of getaddrinfo. dns.lookup runs on
 * libuv's small thread pool, which the server's file system work shares: kernels asking for many slow names could
 * stall the whole server. /etc/hosts is not read, which costs nothing here: its names are local ones the rule
 * refuses anyway. `servers` replaces the system's name servers ("127.0.0.1:5353"; tests).
 */
export function dnsResolverLookup(servers?: readonly string[]): LookupFunction {
  const resolver = new Resolver({ timeout: 2_500, tries: 2 });
  if (servers) resolver.setServers([...servers]);
  return ((
    host: string,
    _options: unknown,
    callback: (error: NodeJS.ErrnoException | null, answers?: LookupAddress[]) => void,
  ) => {
    let pending = 2;
    const found: LookupAddress[] = [];
    let firstError: NodeJS.ErrnoException | null = null;
    const settle = (family: 4 | 6) => (error: NodeJS.ErrnoException | null, addresses: string[]) => {
      if (error) firstError ??= error;
      else for (const address of addresses) found.push({ address, family });
      if (--pending > 0) return;
      if (found.length > 0) callback(null, found);
      else callback(firstError ?? Object.assign(new Error(`${host} has no address`), { code: "ENOTFOUND" }));
    };
    resolver.resolve4(host, settle(4));
    resolver.resolve6(host, settle(6));
  }) as unknown as LookupFunction;
}

const SEVERITY: Readonly<Record<string, number>> = {
  studio_origin: 0,
  private_address: 1,
  invalid_address: 1,
  bad_port: 2,
};

interface Listener {
  address: string;
  port: number;
  wildcard: boolean;
}

function listenerOf(text: string): Listener {
  const url = URL.parse(`http://${text}/`);
  const address = url ? hostOf(url) : "";
  if (!url || !url.port || isIP(address) === 0)
    throw new Error(`studioListeners entries are address:port pairs, not "${text}"`);
  return { address, port: Number(url.port), wildcard: address === "0.0.0.0" || address === "::" };
}

export class EgressRule {
  readonly #ports: readonly number[];
  readonly #studioHosts: ReadonlySet<string>;
  readonly #studioPairs: ReadonlySet<string>;
  readonly #wildcardPorts: ReadonlySet<number>;
  readonly #allowedPairs: ReadonlySet<string>;
  readonly #lookup: LookupFunction;

  constructor(options: EgressRuleOptions) {
    this.#ports = Object.freeze([...options.ports]);
    const origins = options.studioOrigins.map((origin) => new URL(String(origin)));
    this.#studioHosts = new Set(origins.map(hostOf));
    const listeners = [
      ...origins
        .filter((url) => isIP(hostOf(url)) !== 0)
        .map((url) => listenerOf(`${url.hostname}:${url.port || (url.protocol === "https:" ? 443 : 80)}`)),
      ...(options.studioListeners ?? []).map(listenerOf),
    ];
    this.#studioPairs = new Set(listeners.filter((l) => !l.wildcard).map((l) => pairKey(l.address, l.port)));
    this.#wildcardPorts = new Set(listeners.filter((l) => l.wildcard).map((l) => l.port));
    this.#allowedPairs = allowedPairSet(options.allowLoopback ?? []);
    this.#lookup = options.lookup ?? dnsResolverLookup();
  }

  /** Why address:port may not be reached, or null. The studio's own listeners come first: no test pair opens them. */
  addressRefusal(address: string, port: number): EgressRefusal | null {
    const canonical = canonicalAddress(address);
    if (this.#isStudio(canonical, port))
      return egressRefusal(403, "studio_origin", `${pairKey(canonical, port)} is where the studio itself listens`);
    const refusal = connectionRefusal(canonical, port, this.#allowedPairs, this.#ports);
    return refusal ? egressRefusal(403, refusal.reason, refusal.message) : null;
  }

  #isStudio(address: string, port: number): boolean {
    if (this.#studioPairs.has(pairKey(address, port))) return true;
    if (!this.#wildcardPorts.has(port)) return false;
    // A studio listening on every interface is reached through any of this machine's own addresses.
    for (const list of Object.values(networkInterfaces()))
      for (const nic of list ?? []) if (canonicalAddress(nic.address) === address) return true;
    return address === "0.0.0.0" || address === "::";
  }

  /**
   * The addresses a target may be connected to, all of them checked; a refusal when the name is the studio's, or
   * when ANY answer is refused (a name that mixes public and inward answers is a rebinding attempt, not a mirror).
   */
  async resolve(target: EgressTarget, signal: AbortSignal): Promise<Checked<{ addresses: string[] }>> {
    if (this.#studioHosts.has(hostWithoutTrailingDot(target.host.toLowerCase())))
      return egressRefusal(403, "studio_origin", `${target.host} is the studio's own origin`);
    let addresses: string[];
    if (isIP(target.host) !== 0) {
      addresses = [target.host];
    } else {
      const answers = await this.#resolveName(target.host, signal);
      if (!Array.isArray(answers)) return answers;
      addresses = answers;
    }
    if (addresses.length === 0) return egressRefusal(502, "unknown_host", `${target.host} has no address`);
    // The gravest refusal is the one reported: a name with a public and a private answer is private_address.
    let worst: EgressRefusal | null = null;
    for (const address of addresses) {
      const refusal = this.addressRefusal(address, target.port);
      if (refusal && (worst === null || SEVERITY[refusal.reason]! < SEVERITY[worst.reason]!)) worst = refusal;
    }
    if (worst) return worst;
    return { ok: true, addresses: addresses.map(canonicalAddress) };
  }

  #resolveName(host: string, signal: AbortSignal): Promise<string[] | EgressRefusal> {
    return new Promise((resolve) => {
      const timedOut = () => resolve(egressRefusal(504, "connect_timeout", `resolving ${host} took too long`));
      if (signal.aborted) return timedOut();
      signal.addEventListener("abort", timedOut, { once: true });
      try {
        this.#lookup(host, { all: true }, (error, answers) => {
          signal.removeEventListener("abort", timedOut);
          if (error) return resolve(egressRefusal(502, "unknown_host", `${host} does not resolve (${error.code})`));
          const list = Array.isArray(answers)
            ? (answers as LookupAddress[]).map((a) => a.address)
            : [answers as unknown as string];
          resolve(list.filter((a) => typeof a === "string"));
        });
      } catch {
        signal.removeEventListener("abort", timedOut);
        resolve(egressRefusal(502, "unknown_host", `${host} does not resolve`));
      }
    });
  }
}
