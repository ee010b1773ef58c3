import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeHTMLAttribute } from "entities";
import { decodeAttribute, mayHaveCharacterReference } from "./html-references.ts";

test("decoding follows the HTML attribute rules", () => {
  assert.equal(decodeAttribute("java&Tab;script&colon;x"), "java\tscript:x");
  assert.equal(decodeAttribute("&#106;&#x61;"), "ja");
  assert.equal(decodeAttribute("?a=1&amp;b=2"), "?a=1&b=2");
  assert.equal(decodeAttribute("?a=1&amp=2"), "?a=1&amp=2", "no semicolon, then '=': left alone in attributes");
  assert.equal(decodeAttribute("?a=1&copy2"), "?a=1&copy2", "no semicolon, then alphanumeric: left alone");
  assert.equal(decodeAttribute("?x&amp"), "?x&", "a legacy name at the end is decoded");
  assert.equal(decodeAttribute("?w=800&h=600"), "?w=800&h=600");
});

test("the shortcut never skips a string that decoding would change", () => {
  const alphabet = [
    "&",
    "#",
    ";",
    "=",
    "a",
    "m",
    "p",
    "l",
    "t",
    "x",
    "3",
    "9",
    "A",
    "c",
    "o",
    "y",
    "/",
    "?",
    " ",
    "N",
    "e",
    "w",
    "i",
    "n",
  ];
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (let i = 0; i < 20_000; i++) {
    let s = "";
    const length = next() % 14;
    for (let j = 0; j < length; j++) s += alphabet[next() % alphabet.length];
    if (!mayHaveCharacterReference(s)) assert.equal(decodeHTMLAttribute(s), s, JSON.stringify(s));
  }
  for (const s of ["&lt=", "&notin=", "&amp;=", "&#x3d=", "a&b", "&", "&&", "&=", "&lt;"]) {
    if (!mayHaveCharacterReference(s)) assert.equal(decodeHTMLAttribute(s), s, s);
  }
});
