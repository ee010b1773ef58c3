// Image sizes read from headers, for every type the proxy passes; and the magic-byte table it relies on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { sniffImageType } from "./raster.ts";
import { imageDimensions } from "./image-dimensions.ts";

const bytes = (...parts: (number[] | string | Buffer)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p))));
const u32be = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const u16le = (n: number) => [n & 255, (n >>> 8) & 255];
const u16be = (n: number) => [(n >>> 8) & 255, n & 255];
const u24le = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255];

const PNG = bytes(
  [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  u32be(13),
  "IHDR",
  u32be(640),
  u32be(480),
  [8, 2, 0, 0, 0],
);
const GIF = bytes("GIF89a", u16le(320), u16le(200), [0, 0, 0]);
// SOI, an APP0 segment to skip, then a baseline frame header.
const JPEG = bytes(
  [0xff, 0xd8],
  [0xff, 0xe0],
  u16be(16),
  "JFIF\0",
  new Array(9).fill(0),
  [0xff, 0xc0],
  u16be(17),
  [8],
  u16be(1080),
  u16be(1920),
  [3],
);
const PROGRESSIVE = bytes([0xff, 0xd8], [0xff, 0xc2], u16be(17), [8], u16be(50), u16be(70), [3], new Array(12).fill(0));
const WEBP_LOSSY = bytes(
  "RIFF",
  [0, 0, 0, 0],
  "WEBP",
  "VP8 ",
  [0, 0, 0, 0],
  [0, 0, 0],
  [0x9d, 0x01, 0x2a],
  u16le(800),
  u16le(600),
  [0, 0],
);
const WEBP_LOSSLESS = bytes(
  "RIFF",
  [0, 0, 0, 0],
  "WEBP",
  "VP8L",
  [0, 0, 0, 0],
  [0x2f],
  (() => {
    const bits = (99 & 0x3fff) | ((49 & 0x3fff) << 14);
    return [bits & 255, (bits >>> 8) & 255, (bits >>> 16) & 255, (bits >>> 24) & 255];
  })(),
  [0, 0, 0, 0, 0],
);
const WEBP_EXTENDED = bytes(
  "RIFF",
  [0, 0, 0, 0],
  "WEBP",
  "VP8X",
  [10, 0, 0, 0],
  [0, 0, 0, 0],
  u24le(16383),
  u24le(16383),
  [0, 0],
);
const AVIF = bytes(
  u32be(28),
  "ftyp",
  "avif",
  [0, 0, 0, 0],
  "mif1",
  "miaf",
  "MA1B",
  u32be(20),
  "ispe",
  [0, 0, 0, 0],
  u32be(4000),
  u32be(3000),
);
const HEIC = bytes(
  u32be(24),
  "ftyp",
  "heic",
  [0, 0, 0, 0],
  "mif1",
  "heic",
  u32be(20),
  "ispe",
  [0, 0, 0, 0],
  u32be(1),
  u32be(1),
);

test("types by magic bytes: the five raster types; SVG, HTML, HEIC and short input are none", () => {
  assert.equal(sniffImageType(PNG), "image/png");
  assert.equal(sniffImageType(GIF), "image/gif");
  assert.equal(sniffImageType(JPEG), "image/jpeg");
  assert.equal(sniffImageType(WEBP_LOSSY), "image/webp");
  assert.equal(sniffImageType(AVIF), "image/avif");
  assert.equal(sniffImageType(HEIC), undefined);
  assert.equal(sniffImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')), undefined);
  assert.equal(sniffImageType(Buffer.from("<!DOCTYPE html>")), undefined);
  assert.equal(sniffImageType(Buffer.from([0x89, 0x50])), undefined);
});

test("dimensions from each header", () => {
  assert.deepEqual(imageDimensions(PNG, "image/png"), { width: 640, height: 480 });
  assert.deepEqual(imageDimensions(GIF, "image/gif"), { width: 320, height: 200 });
  assert.deepEqual(imageDimensions(JPEG, "image/jpeg"), { width: 1920, height: 1080 });
  assert.deepEqual(imageDimensions(PROGRESSIVE, "image/jpeg"), { width: 70, height: 50 });
  assert.deepEqual(imageDimensions(WEBP_LOSSY, "image/webp"), { width: 800, height: 600 });
  assert.deepEqual(imageDimensions(WEBP_LOSSLESS, "image/webp"), { width: 100, height: 50 });
  assert.deepEqual(imageDimensions(WEBP_EXTENDED, "image/webp"), { width: 16384, height: 16384 });
  assert.deepEqual(imageDimensions(AVIF, "image/avif"), { width: 4000, height: 3000 });
});

test("headers that do not say their size give null, so the image is refused", () => {
  assert.equal(imageDimensions(PNG.subarray(0, 20), "image/png"), null);
  assert.equal(
    imageDimensions(
      bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], u32be(13), "tEXt", u32be(1), u32be(1)),
      "image/png",
    ),
    null,
  );
  assert.equal(
    imageDimensions(bytes([0xff, 0xd8], [0xff, 0xda], new Array(20).fill(0)), "image/jpeg"),
    null,
    "scan data before any frame header",
  );
  assert.equal(imageDimensions(bytes([0xff, 0xd8], [0x00, 0x00], new Array(20).fill(0)), "image/jpeg"), null);
  assert.equal(imageDimensions(bytes("RIFF", [0, 0, 0, 0], "WEBP", "ALPH", new Array(20).fill(0)), "image/webp"), null);
  assert.equal(imageDimensions(AVIF.subarray(0, 28), "image/avif"), null);
});
