// Hash sources for the static export's CSP: the page allows its own and its frames' inline scripts and styles by
// hash. The policies themselves are built in src/contract/content-security-policy.ts.
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
