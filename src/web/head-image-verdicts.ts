// The server's verdicts on the images of a notebook's head (its first cells), asked for as soon as the head
// arrives, before the first render. The first screen then draws each image as it will stay (through the proxy, or
// the box that says why it is not shown) instead of an empty image that becomes a box of several lines once the
// check answers, which moved every cell below it.
//
// The verdicts are the server's own answers to POST /api/url-check for exactly these sources and this base, the
// same request the page would make after drawing; nothing here decides anything about a URL.
import { browserSanitizer } from "./browser-sanitizer.ts";
import type { ReadHead } from "../render/notebook-head.ts";
import type { StudioVerdict } from "./studio-host.ts";
import { checkUrls } from "./url-check-client.ts";

/**
 * How long the verdicts are used, in ms: well inside the lifetime of the proxy addresses they carry (an hour by
 * default, src/urls/image-signature.ts). A page drawn again later asks again.
 */
const FRESH_MS = 20 * 60_000;

export interface HeadImageVerdicts {
  /** The verdict on an image source as the page's sanitizer left it, when it was asked for with this base. */
  get(src: string, base: string): StudioVerdict | undefined;
}

/**
 * The image sources of the head's markdown cells, as the page's sanitizer leaves them (the markup is the server's,
 * not safe yet). Embedded (data:) images need no check; an attachment's source becomes one when it is drawn.
 */
export function headImageSources(head: ReadHead): string[] {
  const sources = new Set<string>();
  for (const html of head.markdown?.values() ?? []) {
    if (!/<img\b/i.test(html)) continue;
    for (const img of browserSanitizer().sanitizeToFragment(html, { attachments: {} }).querySelectorAll("img")) {
      const src = img.getAttribute("src") ?? "";
      // The sanitizer leaves an attachment's image without a source here (no attachments given): not a URL.
      if (src !== "" && !src.startsWith("data:") && !src.startsWith("attachment:")) sources.add(src);
    }
  }
  return [...sources];
}

/** Asks the server about the head's images; none when it has none, or when the check fails (the drawing asks again). */
export async function checkHeadImages(head: ReadHead, base: string): Promise<HeadImageVerdicts | null> {
  const sources = headImageSources(head);
  if (sources.length === 0) return null;
  let verdicts: StudioVerdict[];
  try {
    verdicts = await checkUrls(
      sources.map((url) => ({ url, context: "image" as const })),
      base,
    );
  } catch {
    return null;
  }
  const known = new Map<string, StudioVerdict>();
  sources.forEach((src, i) => {
    const verdict = verdicts[i];
    if (verdict) known.set(src, verdict);
  });
  const askedAt = Date.now();
  return {
    get: (src, askedBase) => (askedBase === base && Date.now() - askedAt < FRESH_MS ? known.get(src) : undefined),
  };
}
