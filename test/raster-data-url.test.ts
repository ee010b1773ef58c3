// The sanitizer (an <img src> in markdown) and the URL verdict engine (the studio's URL check, the scanner) judge a
// raster data: URL by one rule, src/images/data-url.ts. Each spelling here goes through both, the sanitizer by way
// of DOMPurify and the HTML parser, and both must give the same verdict and the same normalized URL.
import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";
import { createSanitizer } from "../src/render/sanitize.ts";
import { checkUrl } from "../src/urls/index.ts";
import { png } from "./png-fixture.ts";

const sanitizer = createSanitizer(new JSDOM("").window);

/** What the sanitizer keeps of `<img src=...>` written with this value, or null if it drops the source. */
function sanitizerVerdict(value: string): string | null {
  const attribute = value.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
  const img = sanitizer.sanitizeToFragment(`<img src="${attribute}">`).querySelector("img");
  return img?.getAttribute("src") ?? null;
}

function engineVerdict(value: string): string | null {
  const verdict = checkUrl(value, "image", { source: "text" });
  if (verdict.verdict !== "allow") return null;
  assert.equal(verdict.reason, "data_image", JSON.stringify(value));
  return verdict.normalized;
}

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const PNG_8PX = png(8, 8).toString("base64");
const GIF = "R0lGODlhAQABAAAAACw=";
const JPEG = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA==";
const WEBP = "UklGRiQAAABXRUJQVlA4IBgAAAAwAQCdASoBAAEAAwA0JaQAA3AA/vuUAAA=";
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>').toString("base64");
const NORMAL = `data:image/png;base64,${PNG}`;
const wrapped = (separator: string) => `data:image/png;base64,${PNG.slice(0, 20)}${separator}${PNG.slice(20)}`;

/** [spelling, the normalized URL both keep, or null when both refuse it]. */
const ROWS: readonly (readonly [string, string | null])[] = [
  // Accepted: the one spelling, in any case, wrapped, with ASCII whitespace around it.
  [NORMAL, NORMAL],
  [`DATA:IMAGE/PNG;base64,${PNG}`, NORMAL],
  [`Data:Image/Png;BASE64,${PNG}`, NORMAL],
  [wrapped("\n"), NORMAL],
  [wrapped("\r\n"), NORMAL],
  [wrapped(" "), NORMAL],
  [wrapped("\t"), NORMAL],
  [wrapped("\f"), NORMAL],
  [` ${NORMAL}`, NORMAL],
  [`\n\t${NORMAL} \n`, NORMAL],
  [`\v${NORMAL}\v`, NORMAL],
  [`data:image/gif;base64,${GIF}`, `data:image/gif;base64,${GIF}`],
  [`data:image/jpeg;base64,${JPEG}`, `data:image/jpeg;base64,${JPEG}`],
  [`data:image/webp;base64,${WEBP}`, `data:image/webp;base64,${WEBP}`],
  // What the existing tests of each caller use, and the studio's browser tests.
  ["data:image/png;base64,iVBORw0KGgo=", "data:image/png;base64,iVBORw0KGgo="],
  ["data:image/PNG;BASE64,iVBORw0K\nGgo=", "data:image/png;base64,iVBORw0KGgo="],
  ["data:image/jpeg;base64,/9j/4AAQ", "data:image/jpeg;base64,/9j/4AAQ"],
  ["data:image/gif;base64,R0lGODlhAQABAAAAACw=", "data:image/gif;base64,R0lGODlhAQABAAAAACw="],
  ["data:image/webp;base64,UklGRiQAAABXRUJQVlA4", "data:image/webp;base64,UklGRiQAAABXRUJQVlA4"],
  [`data:image/png;base64,${PNG_8PX}`, `data:image/png;base64,${PNG_8PX}`],
  [`data:image/jpeg;base64,${PNG}`, null],
  [`data:image/png;base64,${SVG}`, null],
  [`data:image/svg+xml;base64,${SVG}`, null],
  ["data:image/svg+xml,<svg onload=alert(1)>", null],
  ["data:image/png,%89PNG", null],
  ["data:image/png,rawbytes", null],
  ["data:image/png;base64,iVBORw0KGgo!!!", null],
  ["data:text/html;base64,PHNjcmlwdD4=", null],
  ["data:text/html,<script>alert(1)</script>", null],
  ["data:image/gif;base64,iVBORw0KGgo=", null],
  // Refused by both now; the sanitizer refused them before and the URL check let them through.
  [`data:image/png;charset=utf-8;base64,${PNG}`, null],
  [`data:image/png;base64;charset=utf-8,${PNG}`, null],
  [`data:image/png;name=a.png;base64,${PNG}`, null],
  [`data:image/png;base64;base64,${PNG}`, null],
  [`data: image/png;base64,${PNG}`, null],
  [`data:image/png ;base64,${PNG}`, null],
  [`data:image/png; base64,${PNG}`, null],
  [`data:image/png;base64 ,${PNG}`, null],
  [`data:image/png;\tbase64,${PNG}`, null],
  [`data:image/png;ba\nse64,${PNG}`, null],
  [`da\tta:image/png;base64,${PNG}`, null],
  [`data\n:image/png;base64,${PNG}`, null],
  [`\u0001${NORMAL}`, null],
  [`${NORMAL}\u0001`, null],
  [`data:image/png;base64,${PNG.replace("AAAA", "%41AAA")}`, null],
  [`data:image/png;base64,%69${PNG.slice(1)}`, null],
  [`data:image/png;base64,${PNG.slice(0, 40)}${"A".repeat(20 * 1024 * 1024)}`, null],
  // Refused by both now; the URL check refused them before and the sanitizer let them through.
  [`${NORMAL}\u00a0`, null],
  [`${NORMAL}\u2028`, null],
  [`${NORMAL}\u3000`, null],
  // Refused by both before, and still.
  [wrapped("\u000b"), null],
  [wrapped("\u00a0"), null],
  [`${NORMAL}%`, null],
  [`data:image%2Fpng;base64,${PNG}`, null],
  [`data:image/png%3Bbase64,${PNG}`, null],
  [`${NORMAL}#frag`, null],
  [`${NORMAL}?q`, null],
  [`data:image/png;base64,${PNG.replace(/=+$/, "")}`, null],
  [`data:image/png;base64,${PNG.replace(/A/g, "_")}`, null],
  ["data:image/jpg;base64,/9j/4AAQ", null],
  ["data:image/avif;base64,AAAAHGZ0eXBhdmlm", null],
  ["data:image/png;base64,", null],
  ["data:image/png;base64", null],
  [`data:;base64,${PNG}`, null],
  [`data:,${PNG}`, null],
];

test("the sanitizer and the URL check agree on every spelling of a raster data: URL", () => {
  for (const [spelling, expected] of ROWS) {
    const label = JSON.stringify(spelling.length > 120 ? `${spelling.slice(0, 100)}…` : spelling);
    assert.equal(sanitizerVerdict(spelling), expected, `sanitizer: ${label}`);
    assert.equal(engineVerdict(spelling), expected, `URL check: ${label}`);
  }
});

test("a data: URL behind a non-ASCII blank is no data: image to either", () => {
  // DOMPurify trims every Unicode blank; the URL parser, like a browser's, trims none, and reads a path relative
  // to the page. The sanitizer drops the source; the URL check judges the relative address, never the data rule.
  for (const blank of ["\u00a0", "\ufeff", "\u2028"]) {
    const spelling = `${blank}${NORMAL}`;
    assert.equal(sanitizerVerdict(spelling), null, JSON.stringify(spelling));
    const verdict = checkUrl(spelling, "image", { source: "text" });
    assert.notEqual(verdict.reason, "data_image", JSON.stringify(spelling));
    assert.doesNotMatch(verdict.normalized ?? "", /^data:/);
  }
});
