// Image dimensions from the header, before anything decodes the pixels: a 50-byte PNG can claim 100,000 x 100,000
// pixels and make a browser allocate 40 GB. An image whose size cannot be read is refused.
import { decodeBase64Prefix, sniffImageType, type WebImageType } from "./raster.ts";

export interface Dimensions {
  width: number;
  height: number;
}

function u16be(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
}
function u16le(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
}
function u24le(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16);
}
function u32be(b: Uint8Array, at: number): number {
  return (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;
}
function tag(b: Uint8Array, at: number): string {
  return String.fromCharCode(...b.subarray(at, at + 4));
}

function png(b: Uint8Array): Dimensions | null {
  // The IHDR chunk must come first.
  if (b.length < 24 || tag(b, 12) !== "IHDR") return null;
  return { width: u32be(b, 16), height: u32be(b, 20) };
}

function gif(b: Uint8Array): Dimensions | null {
  // The logical screen: decoders clip every frame to it.
  return b.length < 10 ? null : { width: u16le(b, 6), height: u16le(b, 8) };
}

const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpeg(b: Uint8Array): Dimensions | null {
  let at = 2;
  while (at + 9 < b.length) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1] as number;
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    if (JPEG_SOF.has(marker)) return { width: u16be(b, at + 7), height: u16be(b, at + 5) };
    if (marker === 0xd9 || marker === 0xda) return null; // end of image, or scan data before any frame header
    at += 2 + u16be(b, at + 2);
  }
  return null;
}

function webp(b: Uint8Array): Dimensions | null {
  if (b.length < 30) return null;
  const chunk = tag(b, 12);
  if (chunk === "VP8 ") return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  if (chunk === "VP8L") {
    const bits = ((b[21] ?? 0) | ((b[22] ?? 0) << 8) | ((b[23] ?? 0) << 16) | ((b[24] ?? 0) << 24)) >>> 0;
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === "VP8X") return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  return null;
}

function avif(b: Uint8Array): Dimensions | null {
  // Every "ispe" (image spatial extents) property counts, the largest wins: grids and auxiliary images have their own.
  let found: Dimensions | null = null;
  const limit = Math.min(b.length, 1 << 20);
  for (let at = 4; at + 16 <= limit; at++) {
    if (b[at] === 0x69 && b[at + 1] === 0x73 && b[at + 2] === 0x70 && b[at + 3] === 0x65) {
      const width = u32be(b, at + 8);
      const height = u32be(b, at + 12);
      if (!found || width * height > found.width * found.height) found = { width, height };
    }
  }
  return found;
}

/** The pixel size the header declares, or null when the header cannot be read. */
export function imageDimensions(bytes: Uint8Array, type: WebImageType): Dimensions | null {
  switch (type) {
    case "image/png":
      return png(bytes);
    case "image/gif":
      return gif(bytes);
    case "image/jpeg":
      return jpeg(bytes);
    case "image/webp":
      return webp(bytes);
    case "image/avif":
      return avif(bytes);
  }
}

/**
 * Base64 characters decoded to find an image's size: PNG, GIF and WebP say it in their first bytes; a JPEG's frame
 * header follows its EXIF and ICC data, so up to 48 KB of it is read, only when the first bytes did not reach it.
 */
const SIZE_FIRST_CHARS = 64;
const SIZE_PREFIX_CHARS = 64 * 1024;

/**
 * The pixel size a base64 image declares in its header (whitespace already removed), or null when it cannot be
 * read. Drawn with this size as its width and height attributes, an image has its place before it is decoded, so
 * the page neither jumps nor mistakes where its first screen ends.
 */
export function base64ImageDimensions(base64: string): Dimensions | null {
  try {
    const first = decodeBase64Prefix(base64, SIZE_FIRST_CHARS);
    const type = sniffImageType(first);
    if (!type) return null;
    return (
      imageDimensions(first, type) ??
      (base64.length > SIZE_FIRST_CHARS ? imageDimensions(decodeBase64Prefix(base64, SIZE_PREFIX_CHARS), type) : null)
    );
  } catch {
    return null;
  }
}
