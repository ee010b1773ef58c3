// Content-Security-Policy building blocks shared by the static export and its output frames.
import { createHash } from "node:crypto";

/** Hash sources of short texts already hashed: every frame carries the same sizer and stylesheet. */
const recentHashes = new Map<string, string>();
const MAX_REMEMBERED_TEXT = 2048;
const MAX_REMEMBERED = 256;

export function sha256Source(text: string): string {
  const known = recentHashes.get(text);
  if (known !== undefined) return known;
  const source = `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
  if (text.length <= MAX_REMEMBERED_TEXT) {
    if (recentHashes.size >= MAX_REMEMBERED) recentHashes.clear();
    recentHashes.set(text, source);
  }
  return source;
}

/**
 * The policy every output frame document carries. Frames get script (their output may need it) but no network:
 * nothing to connect to, no forms to submit, images only from data: URLs, no <base> to redirect relative URLs.
 * In the export, a srcdoc frame also inherits the page's policy, so both apply and the stricter wins.
 */
export const FRAME_CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline'",
  "style-src 'unsafe-inline'",
  "img-src data:",
  "font-src data:",
  "media-src data:",
  "connect-src 'none'",
  "form-action 'none'",
  "base-uri 'none'",
].join("; ");

/**
 * The policy of the studio's output frame shell, sent by the content origin as a header. The same walls as an
 * export frame, plus: the shell's own module from 'self' (the content origin, which also serves the libraries
 * outputs draw with), and only the studio may embed it.
 */
export function studioFrameCsp(appOrigin: string): string {
  return [
    "default-src 'none'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "img-src data:",
    "font-src 'self' data:",
    "media-src data:",
    "connect-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
    `frame-ancestors ${appOrigin}`,
  ].join("; ");
}
