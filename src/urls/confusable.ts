// Host names that imitate other names with look-alike letters. The rules follow what Chromium shows in the address
// bar (its IDN spoof checker, which uses ICU's "highly restrictive" level): a label may use one script, or Latin
// with the CJK combinations people actually write; a label written wholly in letters of another script that look
// like Latin letters (Cyrillic "аррӏе") is confusable unless the top-level domain is of that script too.
// Written here rather than taken from a library: the npm packages for this are either unmaintained or pull in
// the whole ICU data; the script property escapes of the JavaScript regex engine carry the Unicode data we need.
import { domainToUnicode } from "node:url";

const SCRIPTS = [
  "Latin",
  "Cyrillic",
  "Greek",
  "Armenian",
  "Hebrew",
  "Arabic",
  "Han",
  "Hiragana",
  "Katakana",
  "Hangul",
  "Bopomofo",
  "Thai",
  "Devanagari",
  "Georgian",
  "Cherokee",
  "Ethiopic",
  "Tamil",
  "Bengali",
  "Lao",
  "Khmer",
  "Myanmar",
] as const;
const SCRIPT_RES = SCRIPTS.map((name) => [name, new RegExp(`\\p{Script=${name}}`, "u")] as const);
const NEUTRAL = /[\p{Script=Common}\p{Script=Inherited}]/u;

/** Script combinations allowed in one label (besides a single script). */
const ALLOWED_MIXES: readonly (readonly string[])[] = [
  ["Latin", "Han", "Hiragana", "Katakana"],
  ["Latin", "Han", "Bopomofo"],
  ["Latin", "Han", "Hangul"],
];

/** Letters of other scripts that are drawn like Latin letters (lower case, as hosts are). */
const LATIN_LOOKALIKES: Readonly<Record<string, RegExp>> = {
  Cyrillic: /^[аысԁеԍһіюјӏорԛѕԝхуъьҽпгѵѡ\p{Mn}\d-]+$/u,
  Greek: /^[αβεικνορτυχωϲϳ\p{Mn}\d-]+$/u,
  Armenian: /^[օսհոցզոռև\p{Mn}\d-]+$/u,
  Cherokee: /^[\p{Script=Cherokee}\d-]+$/u,
};

/** Characters never honest in a host: they imitate the URL's own punctuation (slashes, dots, colons) or i/l. */
const DECEPTIVE_CHARACTERS =
  /[\u0131\u0237\u01c0\u01c3\u02d0\u0589\u05c3\u05f4\u0609\u060a\u066a\u06d4\u0701-\u0704\u2024\u2027\u2044\u2215\u2236\u29f8\u3014\u3015\u30fc\uff0f\u1d00-\u1d2b\u0261]|\u0338/u;

function scriptsOf(label: string): Set<string> {
  const found = new Set<string>();
  for (const ch of label) {
    if (NEUTRAL.test(ch)) continue;
    const entry = SCRIPT_RES.find(([, re]) => re.test(ch));
    found.add(entry ? entry[0] : "Other");
  }
  return found;
}

export interface ConfusableCheck {
  confusable: boolean;
  /** Why, for the warning a person sees. */
  why?: string;
}

/** Checks an ASCII (punycode) host name. Hosts without "xn--" labels are plain ASCII and never confusable. */
export function checkConfusable(asciiHost: string): ConfusableCheck {
  if (!asciiHost.includes("xn--")) return { confusable: false };
  const unicode = domainToUnicode(asciiHost);
  if (!unicode) return { confusable: true, why: "the host name cannot be shown in Unicode" };
  const labels = unicode.split(".").filter((label) => label.length > 0);
  const tld = labels.at(-1) ?? "";
  const tldScripts = scriptsOf(tld);
  for (const label of labels) {
    if (DECEPTIVE_CHARACTERS.test(label))
      return { confusable: true, why: `"${label}" contains a character that imitates punctuation or a Latin letter` };
    const scripts = scriptsOf(label);
    if (scripts.size > 1 && !ALLOWED_MIXES.some((mix) => [...scripts].every((s) => mix.includes(s)))) {
      return { confusable: true, why: `"${label}" mixes ${[...scripts].join(" and ")} letters` };
    }
    if (scripts.size === 1) {
      const [script = ""] = scripts;
      const lookalikes = LATIN_LOOKALIKES[script];
      if (lookalikes && lookalikes.test(label) && !tldScripts.has(script)) {
        return { confusable: true, why: `"${label}" is written in ${script} letters that look like Latin ones` };
      }
    }
  }
  return { confusable: false };
}
