import { test } from "node:test";
import assert from "node:assert/strict";
import { checkRasterDataUrl, MAX_DATA_URL_CHARS, type DataUrlProblem } from "./data-url.ts";

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>').toString("base64");
const NORMAL = `data:image/png;base64,${PNG}`;
const wrapped = (separator: string) => `data:image/png;base64,${PNG.slice(0, 20)}${separator}${PNG.slice(20)}`;

test("the one spelling, in any case and wrapped, is accepted and normalized", () => {
  for (const url of [
    NORMAL,
    `DATA:IMAGE/PNG;BASE64,${PNG}`,
    `Data:Image/Png;Base64,${PNG}`,
    wrapped("\n"),
    wrapped("\r\n"),
    wrapped(" "),
    wrapped("\t"),
    wrapped("\f"),
    ` ${NORMAL}`,
    `\n\t${NORMAL} \n`,
    `\v${NORMAL}\v`,
  ]) {
    const check = checkRasterDataUrl(url);
    assert.deepEqual(check, { ok: true, mime: "image/png", base64: PNG, dataUrl: NORMAL }, JSON.stringify(url));
  }
  for (const [mime, base64] of [
    ["image/jpeg", "/9j/4AAQ"],
    ["image/gif", "R0lGODlhAQABAAAAACw="],
    ["image/webp", "UklGRiQAAABXRUJQVlA4"],
  ]) {
    assert.equal(checkRasterDataUrl(`data:${mime};base64,${base64}`).ok, true, mime);
  }
});

test("every other spelling is refused, with the reason", () => {
  const rows: [string, DataUrlProblem][] = [
    // Not plainly a data: URL: a browser would drop the control character or the tab; a filter might not.
    [`\u0001${NORMAL}`, "not_data_url"],
    [`\u00a0${NORMAL}`, "not_data_url"],
    [`da\tta:image/png;base64,${PNG}`, "not_data_url"],
    [`data\n:image/png;base64,${PNG}`, "not_data_url"],
    [`https://example.com/${NORMAL}`, "not_data_url"],
    ["data:image/png;base64", "no_payload"],
    // Not a raster type we show, or not one we can name.
    [`data:image/svg+xml;base64,${SVG}`, "not_raster"],
    ["data:image/jpg;base64,/9j/4AAQ", "not_raster"],
    ["data:image/avif;base64,AAAAHGZ0eXBhdmlm", "not_raster"],
    ["data:text/html;base64,PHNjcmlwdD4=", "not_raster"],
    [`data:;base64,${PNG}`, "not_raster"],
    [`data:,${PNG}`, "not_raster"],
    [`data:image%2Fpng;base64,${PNG}`, "not_raster"],
    [`data: image/png;base64,${PNG}`, "not_raster"],
    [`data:image/png ;base64,${PNG}`, "not_raster"],
    // A header that is more than TYPE;base64.
    [`data:image/png,${PNG}`, "not_plain_base64"],
    [`data:image/png;charset=utf-8;base64,${PNG}`, "not_plain_base64"],
    [`data:image/png;base64;charset=utf-8,${PNG}`, "not_plain_base64"],
    [`data:image/png;name=a.png;base64,${PNG}`, "not_plain_base64"],
    [`data:image/png;base64;base64,${PNG}`, "not_plain_base64"],
    [`data:image/png; base64,${PNG}`, "not_plain_base64"],
    [`data:image/png;base64 ,${PNG}`, "not_plain_base64"],
    [`data:image/png;ba\nse64,${PNG}`, "not_plain_base64"],
    // The payload: percent-encoded, fragments, queries, other blanks, broken base64.
    [`data:image/png;base64,${PNG.replace("AAAA", "%41AAA")}`, "not_base64"],
    [`${NORMAL}#frag`, "not_base64"],
    [`${NORMAL}?q`, "not_base64"],
    [`${NORMAL}\u0001`, "not_base64"],
    [`${NORMAL}\u00a0`, "not_base64"],
    [wrapped("\u000b"), "not_base64"],
    [wrapped("\u00a0"), "not_base64"],
    [`data:image/png;base64,${PNG.replace(/=+$/, "")}`, "not_base64"],
    [`${NORMAL}=`, "not_base64"],
    [`data:image/png;base64,${PNG.replace(/A/g, "-")}`, "not_base64"],
    ["data:image/png;base64,", "empty"],
    // The bytes are not the declared type.
    [`data:image/jpeg;base64,${PNG}`, "type_mismatch"],
    [`data:image/png;base64,${SVG}`, "type_mismatch"],
  ];
  for (const [url, reason] of rows) {
    const check = checkRasterDataUrl(url);
    assert.equal(check.ok ? "accepted" : check.reason, reason, JSON.stringify(url));
  }
});

test("a data: URL longer than the limit is refused, not truncated", () => {
  const payload = PNG.slice(0, 40);
  const url = `data:image/png;base64,${payload}`;
  assert.equal(checkRasterDataUrl(url, url.length).ok, true);
  assert.deepEqual(checkRasterDataUrl(url, url.length - 1), { ok: false, reason: "too_large", mime: "image/png" });
  const padded = `data:image/png;base64,${payload}${"A".repeat(MAX_DATA_URL_CHARS)}`;
  assert.deepEqual(checkRasterDataUrl(padded), { ok: false, reason: "too_large", mime: "image/png" });
});
