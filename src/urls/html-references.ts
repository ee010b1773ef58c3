// Character references in attribute values, decoded exactly as the HTML parser decodes them (WHATWG "character
// reference state" in attribute mode), by the entities library that parse5 and jsdom use.
import { decodeHTMLAttribute } from "entities";

function isAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * False only when decoding cannot change the text. Query strings ("?a=1&b=2") are the common case: in an
 * attribute, a reference without ";" followed by "=" is left alone, so they need no decoding at all.
 */
export function mayHaveCharacterReference(text: string): boolean {
  for (let amp = text.indexOf("&"); amp >= 0; amp = text.indexOf("&", amp + 1)) {
    let end = amp + 1;
    if (text.charCodeAt(end) === 35) return true; // "&#"
    while (end < text.length && isAlphanumeric(text.charCodeAt(end))) end++;
    if (end === amp + 1) continue; // "&" followed by nothing a reference can start with
    if (text.charCodeAt(end) !== 61) return true; // ";" or another character: it may be a reference
  }
  return false;
}

/** The attribute value as the browser sees it. */
export function decodeAttribute(text: string): string {
  return mayHaveCharacterReference(text) ? decodeHTMLAttribute(text) : text;
}
