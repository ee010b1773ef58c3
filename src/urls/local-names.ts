// Names that resolve only on a local network or this machine (RFC 6761, RFC 8375, ICANN's .internal, and the
// suffixes home routers and companies use in practice). A notebook must not reach them through the proxy or a link.

/** Last labels (or last two) that mark a local name. */
export const LOCAL_SUFFIXES: readonly string[] = Object.freeze([
  "localhost",
  "local",
  "internal",
  "home.arpa",
  "localdomain",
  "lan",
  "home",
  "corp",
  "intranet",
  "private",
  "test",
  "invalid",
  "arpa",
]);

const SUFFIXES = new Set(LOCAL_SUFFIXES);

/** `host` is an ASCII host name (not an IP address), as the URL parser gives it. */
export function isLocalName(host: string): boolean {
  const name = host.endsWith(".") ? host.replace(/\.+$/, "") : host;
  const lastDot = name.lastIndexOf(".");
  if (lastDot < 0) return true; // a single label resolves through the local search domain
  if (SUFFIXES.has(name.slice(lastDot + 1))) return true;
  const secondDot = name.lastIndexOf(".", lastDot - 1);
  return SUFFIXES.has(name.slice(secondDot + 1));
}
