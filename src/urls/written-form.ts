// How a web URL is written, judged apart from where it goes. The URL parser turns what a notebook writes into the
// address the browser uses, and the engine judges that address; this module judges the writing. A URL that a
// person reads as one destination while the browser goes to another is malicious in its own right, even when the
// real destination is an ordinary website, so these forms are blocked with a code each (check-url.ts decides how
// they combine with the destination's verdict).
//
// The WHATWG URL standard lists the validation errors its parser forgives (url.spec.whatwg.org, "Validation
// errors"). Which of them block here, and which are only normalized:
//
// Blocked, because the text shows a destination other than the one the parser produces, or one that depends on
// the page the link is in:
// - invalid-reverse-solidus, where it moves the host: a backslash among the slashes after the scheme
//   (`https:\\evil.example`), a relative reference that becomes a network-path reference (`\\evil.example`,
//   `/\evil.example`), or a backslash that ends the host (`https://bank.example\@evil.example` goes to
//   bank.example). Code `backslash_slash`.
// - special-scheme-missing-following-solidus: `https:evil.example`, `https:/evil.example`, `https:///evil.example`,
//   `///evil.example`. Against a page of another scheme the first goes to evil.example, against a page of the same
//   scheme to a path of the studio. Code `scheme_slashes`.
// - invalid-credentials: any user name or password before `@` (`https://bank.example@evil.example`), empty,
//   percent-encoded or looking like the studio's own origin. Code `userinfo`.
// - domain-percent-encoded: an ASCII character percent-encoded in the host (`exam%70le.org`,
//   `bank.example%2eevil.example` is one host). UTF-8 percent-encoding of non-ASCII characters is how markdown
//   writes every international name, so it is decoded and judged as the characters it stands for. Code
//   `host_percent_encoded`.
// - invalid-URL-unit inside the host: tab, line feed and carriage return, which the parser drops and so joins the
//   pieces on either side into another name. Code `host_hidden_characters`, with the characters the host's
//   IDNA mapping drops (soft hyphen, zero-width space and joiners, variation selectors, byte order mark).
// - IPv4-too-few-parts, IPv4-non-decimal-part and IPv4-non-ASCII-input: `127.1`, `2130706433`, `0x7f.0.0.1`,
//   `8.8.8.010` (which reads as 10 and goes to 8), circled digits. Code `ip_address_form`.
//
// Beyond the standard's errors, IDNA maps some characters silently: fullwidth and small forms become ASCII dots,
// commas and semicolons, and fraction and division slashes, ratio signs and middle dots stay in the name while
// they read as a slash, a colon or a dot. Any punctuation, math or modifier symbol, box drawing, parenthesized or
// dotted number, overlay mark or letter shaped like punctuation in the host is code `host_lookalike`; honest
// names that need one (the Catalan `l·l`, the Japanese middle dot between kana) keep their verdict.
//
// Only normalized, because the host the text shows is the host the browser uses:
// - invalid-URL-unit outside the host: spaces, `<`, `>`, lone `%` in a path, query or fragment, and tabs or
//   newlines there (long hrefs are wrapped in HTML); leading and trailing spaces and controls.
// - invalid-reverse-solidus after the host or in a plain relative path (`\api\x` stays on the studio and is
//   judged as the path it becomes).
// - IPv4-empty-part (`1.2.3.4.`), IPv6-piece-leading-zero, a port with leading zeros or an empty port, letters in
//   another case or width (`ＥＸＡＭＰＬＥ.com` reads as the letters it gets).
// Errors that make the parser fail (hosts with forbidden code points, out-of-range ports or IPv4 parts, broken
// IPv6) never reach this module: they are `invalid_url`.
import type { WrittenFormCode } from "../contract/url-reasons.ts";

export interface WrittenFormProblem {
  code: WrittenFormCode;
  /** Where in the text, for the message: the characters or the part at fault. */
  detail: string;
}

const SLASH = 47;
const BACKSLASH = 92;
const QUESTION = 63;
const HASH = 35;
const AT = 64;
const COLON = 58;

/** Tab, line feed and carriage return: the parser removes them wherever they are. */
function isDropped(code: number): boolean {
  return code === 9 || code === 10 || code === 13;
}

/**
 * The fast path, for text that starts "http://" or "https://" at `hostStart - 3 - scheme`: whether the authority
 * from `hostStart` is plain lower-case ASCII letters, digits, dots, hyphens and a port, ended by `/`, `?`, `#` or
 * the end. Such a host has no form to refuse but an IPv4 address written short (checked apart, see ipAddressForm).
 */
export function plainAuthority(text: string, hostStart: number): boolean {
  let i = hostStart;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 58) || c === 46 || c === 45) continue;
    if (c === SLASH || c === QUESTION || c === HASH) break;
    return false;
  }
  return i > hostStart;
}

/**
 * An IPv4 destination written in another form than its address: the host as written (`written`, lower case,
 * without a trailing dot or port) against the address the parser made of it (`destination`).
 */
export function ipAddressForm(written: string, destination: string): WrittenFormProblem | null {
  if (!IPV4.test(destination)) return null;
  const host = written.toLowerCase().replace(/\.$/, "");
  if (host === destination) return null;
  return { code: "ip_address_form", detail: `"${written}" is the address ${destination}` };
}

const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** The written host of a plain authority (see plainAuthority), without its port. */
export function plainHost(text: string, hostStart: number): string {
  let i = hostStart;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === SLASH || c === QUESTION || c === HASH || c === COLON) break;
    i++;
  }
  return text.slice(hostStart, i);
}

/**
 * What is wrong with how an http(s) URL is written, or null. `text` is the URL after character-reference
 * decoding, starting at `start` (its leading spaces and controls skipped); `destination` is the host the parser
 * made of it, as the verdict shows it (for the IPv4 forms).
 */
export function writtenFormProblem(text: string, start: number, destination: string | null): WrittenFormProblem | null {
  let end = text.length;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  let i = start;
  // A scheme, as the parser reads one: letters first, tabs and newlines skipped. Only http and https reach here.
  let scheme = "";
  let j = i;
  while (j < end) {
    const c = text.charCodeAt(j);
    if (!isDropped(c)) {
      if ((c | 0x20) < 97 || (c | 0x20) > 122) break;
      scheme += String.fromCharCode(c | 0x20);
    }
    j++;
  }
  const hasScheme = j < end && text.charCodeAt(j) === COLON && (scheme === "http" || scheme === "https");
  if (hasScheme) i = j + 1;
  // The run of slashes and backslashes that decides whether, and where, a host follows.
  let run = 0;
  let backslash = false;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (isDropped(c)) i++;
    else if (c === SLASH || c === BACKSLASH) {
      run++;
      backslash ||= c === BACKSLASH;
      i++;
    } else break;
  }
  if (!hasScheme && run <= 1) return null; // a path on the page's own host, or a name relative to the page
  if (backslash) return { code: "backslash_slash", detail: `"${text.slice(start, i).trim()}" before the host` };
  if (hasScheme ? run !== 2 : run > 2) {
    const written = hasScheme ? `${run} slash${run === 1 ? "" : "es"} after "${scheme}:"` : `${run} slashes`;
    return { code: "scheme_slashes", detail: `${written} where two belong` };
  }
  // The authority: up to the first slash, backslash, question mark or hash. Its last "@" ends any userinfo.
  const authorityStart = i;
  let at = -1;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === SLASH || c === BACKSLASH || c === QUESTION || c === HASH) break;
    if (c === AT) at = i;
    i++;
  }
  if (at >= 0) {
    const user = text.slice(authorityStart, at);
    return { code: "userinfo", detail: user === "" ? "an empty name before the @" : `"${clip(user)}" before the @` };
  }
  if (i < end && text.charCodeAt(i) === BACKSLASH)
    return { code: "backslash_slash", detail: `a backslash after "${clip(text.slice(authorityStart, i))}"` };
  const authority = text.slice(authorityStart, i);
  if (authority.startsWith("[")) return null; // an IPv6 address: brackets, hex and colons only, or no URL at all
  const colon = authority.indexOf(":");
  const host = colon < 0 ? authority : authority.slice(0, colon);
  return hostProblem(host) ?? (destination === null ? null : ipAddressForm(host, destination));
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function codePoint(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Characters in a host the parser drops, which join its pieces into another name. */
const HIDDEN = /[\t\n\r\p{Default_Ignorable_Code_Point}]/u;

/**
 * Characters that read as the URL's own punctuation (a slash, a dot, a colon, an at sign) or are mapped to ASCII
 * punctuation: punctuation, math and modifier symbols, box drawing, parenthesized and dotted numbers and letters,
 * the overlay marks, and letters shaped like punctuation (the click ǃ, the triangular colons ː ˑ, the Canadian
 * middle dot ᐧ, the Lisu tone letters). ASCII is not here: the parser refuses the ASCII punctuation that would
 * change the host, and the rest (a hyphen, an underscore) is what it reads as.
 */
const LOOKALIKE =
  /[\p{P}\p{Sm}\p{Sk}\u2500-\u257f\u2474-\u24b5\u{1f100}-\u{1f10a}\u01c3\u02d0\u02d1\u1427\ua4f8-\ua4ff]/u;

/** Combining marks drawn across the letter before them as a slash (kept apart: a class would combine them). */
function isOverlayMark(code: number): boolean {
  return (code >= 0x334 && code <= 0x338) || code === 0x20d2 || code === 0x20d3 || code === 0x20e5 || code === 0x20e6;
}

/**
 * Punctuation that IDNA2008 allows in a label in context, with the neighbours it needs: the Catalan middle dot
 * between two l, the katakana middle dot among Japanese letters, the Tibetan tsheg after Tibetan.
 */
function honestInContext(ch: string, before: string, after: string): boolean {
  if (ch === "\u00b7") return /l$/i.test(before) && /^l/i.test(after);
  if (ch === "\u30fb") return /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u.test(before + after);
  if (ch === "\u0f0b") return /\p{Script=Tibetan}$/u.test(before);
  return false;
}

/** The host as written: percent-encoded ASCII, dropped characters and punctuation look-alikes. */
function hostProblem(written: string): WrittenFormProblem | null {
  let host = written;
  if (host.includes("%")) {
    const ascii = /%(?:[0-7][0-9a-f])/i.exec(host);
    if (ascii) return { code: "host_percent_encoded", detail: `"${ascii[0]}" in the host "${clip(written)}"` };
    // Only UTF-8 of non-ASCII characters is left, as markdown writes international names: judged as they read.
    try {
      host = decodeURIComponent(host);
    } catch {
      return null; // not UTF-8: the parser refuses such a host
    }
  }
  let ascii = true;
  for (let i = 0; i < host.length; i++)
    if (host.charCodeAt(i) > 0x7e || isDropped(host.charCodeAt(i))) {
      ascii = false;
      break;
    }
  if (ascii) return null;
  const characters = Array.from(host);
  for (let k = 0; k < characters.length; k++) {
    const ch = characters[k]!;
    if (HIDDEN.test(ch))
      return { code: "host_hidden_characters", detail: `${codePoint(ch)} in the host "${clip(printable(host))}"` };
    if (ch.charCodeAt(0) > 0x7f && (LOOKALIKE.test(ch) || isOverlayMark(ch.charCodeAt(0)))) {
      const before = characters.slice(0, k).join("");
      const after = characters.slice(k + 1).join("");
      if (!honestInContext(ch, before, after))
        return { code: "host_lookalike", detail: `"${ch}" (${codePoint(ch)}) in the host "${clip(host)}"` };
    }
  }
  return null;
}

/** The host for the message, its dropped characters shown as code points (a person cannot see them). */
function printable(text: string): string {
  return text.replace(new RegExp(HIDDEN.source, "gu"), (ch) => `<${codePoint(ch)}>`);
}
