// The host as people should read it: Unicode when that is honest, punycode when the Unicode form could imitate
// another name, never any userinfo, and the registrable domain (who owns the name) singled out.
import { domainToUnicode } from "node:url";
import { getDomain } from "tldts";
import { checkConfusable } from "./confusable.ts";

export interface HostDisplay {
  display: string;
  registrableDomain: string | null;
  /** Set when the Unicode form is confusable and the punycode form is shown instead. */
  confusable?: string;
}

const TLDTS_OPTIONS = Object.freeze({
  allowPrivateDomains: true,
  extractHostname: false,
  validateHostname: false,
  detectIp: false,
  mixedInputs: false,
});

export function displayHost(asciiHost: string, isIp: boolean): HostDisplay {
  if (isIp) return { display: asciiHost, registrableDomain: null };
  const host = asciiHost.endsWith(".") ? asciiHost.slice(0, -1) : asciiHost;
  // Private suffixes (github.io, blogspot.com) count: whoever owns "name.github.io" is not GitHub.
  const registrable = getDomain(host, TLDTS_OPTIONS) ?? null;
  const confusable = checkConfusable(host);
  if (confusable.confusable)
    return { display: host, registrableDomain: registrable, confusable: confusable.why ?? "confusable" };
  if (!host.includes("xn--")) return { display: host, registrableDomain: registrable };
  return { display: domainToUnicode(host), registrableDomain: registrable ? domainToUnicode(registrable) : null };
}
