// The one rule for a raster image written as a `data:` URL, which the sanitizer (an <img src> in markdown) and the
// URL verdict engine (the studio's check of image URLs, the scanner) both apply, so the two cannot disagree on a
// spelling. It accepts one spelling only, `data:TYPE;base64,PAYLOAD`, and answers with that spelling
// normalized; anything a browser would read more leniently is refused rather than interpreted:
// - `data:`, TYPE and `;base64` in any case; TYPE one of RASTER_MIME_TYPES, matching the payload's magic bytes;
// - no other parameter (`;charset=`, `;name=`), no blank inside `data:` or the header, no percent-encoding;
// - ASCII whitespace inside the payload (notebooks wrap base64); around the whole URL, ASCII whitespace and the
//   vertical tab, which a browser's URL parser drops there too. Any other character around it (a control
//   character, a no-break space, a BOM) is refused: the URL parser keeps the Unicode ones in the payload, and a
//   control character before `data:` is a way to hide the scheme from a filter.
import { checkRasterImage, isRasterMimeType, type RasterCheck, type RasterMimeType } from "./raster.ts";

/** Longest `data:` image URL accepted (characters, once normalized); larger ones are refused, not truncated. */
export const MAX_DATA_URL_CHARS = 20 * 1024 * 1024;

export type DataUrlProblem =
  /** It does not start with `data:` once ASCII whitespace around it is removed. */
  | "not_data_url"
  /** There is no comma, so no payload. */
  | "no_payload"
  /** The declared type is not a raster type we show. */
  | "not_raster"
  /** The header is more than `TYPE;base64`. */
  | "not_plain_base64"
  | Extract<RasterCheck, { ok: false }>["reason"];

export type DataUrlCheck =
  | { ok: true; mime: RasterMimeType; base64: string; dataUrl: string }
  | { ok: false; reason: DataUrlProblem; mime?: string };

const PREFIX = "data:";

/** Tab, line feed, vertical tab, form feed, carriage return, space. */
const isAround = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);

export function checkRasterDataUrl(url: string, maxChars: number = MAX_DATA_URL_CHARS): DataUrlCheck {
  let start = 0;
  let end = url.length;
  while (start < end && isAround(url.charCodeAt(start))) start++;
  while (end > start && isAround(url.charCodeAt(end - 1))) end--;
  const text = url.slice(start, end);
  if (text.slice(0, PREFIX.length).toLowerCase() !== PREFIX) return { ok: false, reason: "not_data_url" };
  const comma = text.indexOf(",");
  if (comma < 0) return { ok: false, reason: "no_payload" };
  const header = text.slice(PREFIX.length, comma).toLowerCase();
  const semicolon = header.indexOf(";");
  const mime = semicolon < 0 ? header : header.slice(0, semicolon);
  if (!isRasterMimeType(mime)) return { ok: false, reason: "not_raster", mime };
  if (header !== `${mime};base64`) return { ok: false, reason: "not_plain_base64", mime };
  const checked = checkRasterImage(mime, text.slice(comma + 1));
  if (!checked.ok) return { ok: false, reason: checked.reason, mime };
  if (checked.dataUrl.length > maxChars) return { ok: false, reason: "too_large", mime };
  return checked;
}
