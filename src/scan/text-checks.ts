// Checks on characters rather than syntax: invisible and bidirectional controls anywhere in code (Trojan Source
// hides them in comments and strings, where they reorder what a reader sees), and identifiers that mix scripts.

import type { TextReporter } from "./sink.ts";

/** Bidi embedding/override/isolate controls, bidi marks, zero-width characters, word joiner and invisible operators. */
const INVISIBLE = /[\u202A-\u202E\u2066-\u2069\u200B-\u200F\u061C\u2060-\u2064\uFEFF]/g;

const NAMES: Record<number, string> = {
  0x202a: "LEFT-TO-RIGHT EMBEDDING",
  0x202b: "RIGHT-TO-LEFT EMBEDDING",
  0x202c: "POP DIRECTIONAL FORMATTING",
  0x202d: "LEFT-TO-RIGHT OVERRIDE",
  0x202e: "RIGHT-TO-LEFT OVERRIDE",
  0x2066: "LEFT-TO-RIGHT ISOLATE",
  0x2067: "RIGHT-TO-LEFT ISOLATE",
  0x2068: "FIRST STRONG ISOLATE",
  0x2069: "POP DIRECTIONAL ISOLATE",
  0x200b: "ZERO WIDTH SPACE",
  0x200c: "ZERO WIDTH NON-JOINER",
  0x200d: "ZERO WIDTH JOINER",
  0x200e: "LEFT-TO-RIGHT MARK",
  0x200f: "RIGHT-TO-LEFT MARK",
  0x061c: "ARABIC LETTER MARK",
  0x2060: "WORD JOINER",
  0xfeff: "ZERO WIDTH NO-BREAK SPACE",
};

/** Embeddings, overrides and isolates: they reorder how text is displayed, and code never needs them. */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;

/**
 * Zero-width joiners and bidi marks have real uses inside words of some scripts (ZWNJ in Persian, ZWJ in emoji
 * sequences, RLM in Hebrew text); next to an ASCII character, in an identifier or an ASCII string, they only hide.
 */
function nextToAscii(text: string, at: number): boolean {
  const before = text.charCodeAt(at - 1);
  const after = text.charCodeAt(at + 1);
  return (before > 0x20 && before < 0x7f) || (after > 0x20 && after < 0x7f);
}

/** Reports invisible and bidi control characters in code, once per line. */
export function checkInvisibleCharacters(reporter: TextReporter): void {
  const text = reporter.text;
  INVISIBLE.lastIndex = 0;
  let lastLine = -1;
  for (let match = INVISIBLE.exec(text); match !== null; match = INVISIBLE.exec(text)) {
    if (match.index === 0 && match[0] === "\uFEFF") continue;
    if (!BIDI_CONTROL.test(match[0]) && !nextToAscii(text, match.index)) continue;
    const { line } = reporter.position(match.index);
    if (line === lastLine) continue;
    lastLine = line;
    const code = match[0].charCodeAt(0);
    const name = NAMES[code] ?? "an invisible character";
    reporter.report(
      "trojan-source",
      match.index,
      `contains U+${code.toString(16).toUpperCase().padStart(4, "0")} ${name}: the code may run differently from how it reads`,
    );
  }
}

// Letters of other scripts that look like Latin letters (from Unicode's confusables for the Latin alphabet).
// Greek small letters used in maths (α, λ, ρ, σ) are left out on purpose: `λ_max` and `ρ_xy` are ordinary names.
const LATIN_LOOKALIKES = new Set([..."аеорсухіјѕԁԛԝһӏԌАВЕКМНОРСТХІЈЅУԜοΑΒΕΖΗΙΚΜΝΟΡΤΥΧ"]);

type Script = "latin" | "cyrillic" | "greek" | "other";

function scriptOf(char: string): Script | undefined {
  const code = char.codePointAt(0)!;
  if (/[A-Za-z]/.test(char) || (code >= 0xc0 && code <= 0x24f)) return "latin";
  if (code >= 0x400 && code <= 0x52f) return "cyrillic";
  if (code >= 0x370 && code <= 0x3ff) return "greek";
  return /\p{L}/u.test(char) ? "other" : undefined;
}

/**
 * An identifier that mixes Latin with Cyrillic or Greek letters (`pаssword` with a Cyrillic а), or that is made
 * only of letters imitating Latin ones (`ехес`). Single-script names (`данные`, `α`, `λ_max`) are ordinary.
 */
export function lookalikeIdentifier(name: string): string | undefined {
  if (/^\p{ASCII}*$/u.test(name)) return undefined;
  const scripts = new Set<Script>();
  let letters = 0;
  let lookalikes = 0;
  for (const char of name) {
    const script = scriptOf(char);
    if (script === undefined) continue;
    scripts.add(script);
    letters++;
    if (LATIN_LOOKALIKES.has(char)) lookalikes++;
  }
  if (scripts.has("latin") && lookalikes > 0) return "mixes Latin letters with look-alike Cyrillic or Greek ones";
  if (letters >= 2 && lookalikes === letters) return "is made only of letters that look Latin but are not";
  return undefined;
}

export function checkIdentifier(name: string, offset: number, reporter: TextReporter): void {
  const why = lookalikeIdentifier(name);
  if (why !== undefined)
    reporter.report("homoglyph-identifier", offset, `identifier "${name}" ${why}`, { to: offset + name.length });
}
