// Raster images from notebooks become data: URLs only after their bytes are checked: the declared type
// must match the magic bytes, so a "PNG" that is really HTML or SVG never reaches an <img>.

export const RASTER_MIME_TYPES = Object.freeze(["image/png", "image/jpeg", "image/gif", "image/webp"] as const);
export type RasterMimeType = (typeof RASTER_MIME_TYPES)[number];

export function isRasterMimeType(mime: string): mime is RasterMimeType {
  return (RASTER_MIME_TYPES as readonly string[]).includes(mime);
}

/** Longest base64 payload accepted for one image (characters); larger images are refused, not truncated. */
export const MAX_IMAGE_BASE64_LENGTH = 64 * 1024 * 1024;

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

/** The raster type the bytes really are, by magic number, or undefined. */
export function sniffRasterType(bytes: Uint8Array): RasterMimeType | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38]) && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61)
    return "image/gif";
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8))
    return "image/webp";
  return undefined;
}

/**
 * Every raster type the studio passes on. Notebook outputs use RASTER_MIME_TYPES (the types nbformat and
 * JupyterLab render); the image proxy also passes AVIF, which pages on the web use.
 */
export const WEB_IMAGE_TYPES = Object.freeze([...RASTER_MIME_TYPES, "image/avif"] as const);
export type WebImageType = (typeof WEB_IMAGE_TYPES)[number];

const ASCII = (text: string) => Array.from(text, (c) => c.charCodeAt(0));
const FTYP = ASCII("ftyp");
const AVIF_BRANDS = [ASCII("avif"), ASCII("avis")];

/** The type the bytes really are, by magic number, among WEB_IMAGE_TYPES. SVG and everything else: undefined. */
export function sniffImageType(bytes: Uint8Array): WebImageType | undefined {
  const raster = sniffRasterType(bytes);
  if (raster) return raster;
  // AVIF is an ISO BMFF file whose leading "ftyp" box names the avif or avis brand (major or compatible).
  if (!startsWith(bytes, FTYP, 4) || bytes.length < 16) return undefined;
  const boxSize = (((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0)) >>> 0;
  const end = Math.min(boxSize, bytes.length, 256);
  for (let at = 8; at + 4 <= end; at += at === 8 ? 8 : 4) {
    if (AVIF_BRANDS.some((brand) => startsWith(bytes, brand, at))) return "image/avif";
  }
  return undefined;
}

/** The first bytes of a base64 payload (atob, not Buffer: the plan is built in the browser too). */
export function decodeBase64Prefix(base64: string, chars = 32): Uint8Array {
  const prefix = base64.slice(0, chars);
  const binary = atob(prefix.slice(0, prefix.length - (prefix.length % 4)));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

export type RasterCheck =
  | { ok: true; mime: RasterMimeType; base64: string; dataUrl: string }
  | { ok: false; reason: "not_base64" | "type_mismatch" | "too_large" | "empty" };

/**
 * Checks a base64 image payload (as notebooks store it, possibly with line breaks) against its declared type.
 * Only the first bytes are decoded for the check; the payload must still be well-formed base64 throughout.
 */
export function checkRasterImage(declared: RasterMimeType, payload: string): RasterCheck {
  const base64 = payload.replace(/[\t\n\f\r ]+/g, "");
  if (base64.length === 0) return { ok: false, reason: "empty" };
  if (base64.length > MAX_IMAGE_BASE64_LENGTH) return { ok: false, reason: "too_large" };
  if (base64.length % 4 !== 0 || !BASE64_RE.test(base64)) return { ok: false, reason: "not_base64" };
  const actual = sniffRasterType(decodeBase64Prefix(base64));
  if (actual !== declared) return { ok: false, reason: "type_mismatch" };
  return { ok: true, mime: declared, base64, dataUrl: `data:${declared};base64,${base64}` };
}
