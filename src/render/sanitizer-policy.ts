// THE sanitizer policy for the whole project: what survives of notebook HTML that reaches a document in the app
// origin (markdown cells, markdown outputs drawn in frames). The engine that applies it is sanitize.ts, and every
// such piece of HTML goes through its `createSanitizer` and nothing else. Change the policy here, with a reason next
// to the change.
//
// Policy (DOMPurify 3 with an explicit allowlist, on the browser's own parser or jsdom's, never happy-dom/linkedom):
// - keep what notebooks use: text structure, tables, lists, code, quotes, `details`, inline formatting, images,
//   links, KaTeX's MathML, `span`/`div` with classes, task-list checkboxes (kept inert: disabled, nothing else);
// - drop everything that can run script, load active content, submit, restyle or restructure the page: scripts,
//   event handlers, `style` elements and attributes, frames, objects, embeds, forms and all form controls, `base`,
//   `meta`, `link`, `target`, `srcset`, and all SVG but the three shape elements KaTeX draws with (below);
// - URLs: `href` may be http(s), mailto, a `#fragment` or relative; `src` (images only) may be http(s), relative, a
//   checked raster `data:` URL, or `attachment:NAME` resolved from the cell's attachments;
// - `id` and `name` get the `user-content-` prefix (DOM clobbering), and `href="#x"` becomes `#user-content-x` so
//   in-page links still land.

import type { Config } from "dompurify";
import type { MimeBundle } from "../notebook/types.ts";
import { MATH_STYLE_ATTRIBUTE } from "./math-style.ts";
import { checkRasterDataUrl, MAX_DATA_URL_CHARS } from "../images/data-url.ts";
import { checkRasterImage, isRasterMimeType, RASTER_MIME_TYPES, sniffRasterType } from "../images/raster.ts";

/** Named limits of the sanitizer. */
export interface SanitizerLimits {
  /** Longest `data:` image URL kept (characters), after attachment resolution. */
  maxDataUrlChars: number;
  /** Longest HTML input sanitized (characters); longer input yields nothing. */
  maxInputChars: number;
  /**
   * Most `<` in the input (a cheap upper bound on tags); more yields nothing. Sanitizing costs per node: jsdom takes
   * ~35 us and ~3 KB per tag, so this bounds an export to seconds and hundreds of MB per input.
   */
  maxTags: number;
  /**
   * Deepest element nesting (estimated from the tags); deeper input yields nothing. Chromium's HTML parser stops
   * nesting at 512 levels anyway, and jsdom's tree building costs grow with depth, roughly with the square of it.
   */
  maxDepth: number;
}

export const DEFAULT_SANITIZER_LIMITS: Readonly<SanitizerLimits> = Object.freeze({
  maxDataUrlChars: MAX_DATA_URL_CHARS,
  // Room for the largest data URL and its cell; the markdown renderer caps its own output well below this.
  maxInputChars: 32 * 1024 * 1024,
  maxTags: 200_000,
  maxDepth: 512,
});

// ---------------------------------------------------------------------------------------------------------------
// Allowlists (frozen, exported so the scanner can reuse them)

/** Prefix DOMPurify's SANITIZE_NAMED_PROPS puts on `id` and `name`; `#fragment` links get it too. */
export const NAMED_PROPERTY_PREFIX = "user-content-";

/**
 * Class names the studio's own stylesheet uses. Content may not borrow them: a notebook that could put
 * `class="vt-..."` on its markup could dress text up as the studio's buttons and notices.
 */
export const RESERVED_CLASS_PREFIXES: readonly string[] = Object.freeze(["vt-", "vitrine-"]);

/** HTML elements kept. Everything not listed is removed (its text content kept, except for FORBID_CONTENTS). */
export const ALLOWED_HTML_TAGS: readonly string[] = Object.freeze([
  // structure and text
  "p",
  "div",
  "span",
  "br",
  "hr",
  "wbr",
  "blockquote",
  "pre",
  "code",
  "center",
  "address",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "section",
  "article",
  "header",
  "footer",
  "aside",
  "figure",
  "figcaption",
  "details",
  "summary",
  // inline formatting
  "a",
  "abbr",
  "b",
  "bdi",
  "bdo",
  "big",
  "cite",
  "del",
  "dfn",
  "em",
  "font",
  "i",
  "ins",
  "kbd",
  "mark",
  "q",
  "rp",
  "rt",
  "ruby",
  "s",
  "samp",
  "small",
  "strike",
  "strong",
  "sub",
  "sup",
  "time",
  "tt",
  "u",
  "var",
  // lists and tables
  "ul",
  "ol",
  "li",
  "dl",
  "dt",
  "dd",
  "table",
  "caption",
  "colgroup",
  "col",
  "thead",
  "tbody",
  "tfoot",
  "tr",
  "th",
  "td",
  // media: raster images only (the src is checked below)
  "img",
  // GFM task lists. Only `type="checkbox"`, forced disabled, with no name/form/value: it cannot be focused,
  // toggled, submitted or tied to a form anywhere on the page. Any other input type is removed by a hook.
  "input",
  // Only ever the root DOMPurify parses into (a `<body>` tag in content merges its attributes into that root and
  // never nests). Allowing it spares DOMPurify a deep clone of everything when it would remove a disallowed root.
  "body",
]);

/** MathML elements kept: what KaTeX's MathML output uses (`annotation` holds the TeX source as text). */
export const ALLOWED_MATHML_TAGS: readonly string[] = Object.freeze([
  "math",
  "semantics",
  "annotation",
  "mrow",
  "mi",
  "mn",
  "mo",
  "ms",
  "mtext",
  "mspace",
  "msub",
  "msup",
  "msubsup",
  "mfrac",
  "msqrt",
  "mroot",
  "mover",
  "munder",
  "munderover",
  "mtable",
  "mtr",
  "mtd",
  "mlabeledtr",
  "mstyle",
  "mpadded",
  "mphantom",
  "menclose",
  "merror",
  // Not kept: annotation-xml (an HTML integration point, the classic mXSS door), maction (actions), mglyph
  // (loads an image), and anything with an href.
]);

/**
 * SVG elements kept: what KaTeX's HTML output draws square roots, stretchy arrows, braces, tall delimiters and
 * `\cancel` with. Only these three, each only where KaTeX puts it (an `svg` directly in a `span`, `path`/`line`
 * directly in such an `svg`: sanitize.ts removes any other SVG element), with geometry attributes only: no href,
 * no style, no events, no `use`, `foreignObject`, `text` or animation. JupyterLab's sanitizer allows no SVG; it
 * does not need to, since MathJax draws after sanitizing.
 */
export const ALLOWED_SVG_TAGS: readonly string[] = Object.freeze(["svg", "path", "line"]);

export const ALLOWED_TAGS: readonly string[] = Object.freeze([
  ...ALLOWED_HTML_TAGS,
  ...ALLOWED_MATHML_TAGS,
  ...ALLOWED_SVG_TAGS,
]);

/** Attributes kept on every allowed element. */
export const GLOBAL_ATTRIBUTES: readonly string[] = Object.freeze(["class", "id", "title", "lang", "dir"]);

/** Where an SVG element may stand: the tag its parent must have (KaTeX's own structure). */
export const SVG_PARENTS: Readonly<Record<string, string>> = Object.freeze({ svg: "span", path: "svg", line: "svg" });

/** Presentation attributes of MathML, as KaTeX writes them. None takes a URL. */
export const MATHML_ATTRIBUTES: readonly string[] = Object.freeze([
  "display",
  "displaystyle",
  "scriptlevel",
  "mathvariant",
  "mathcolor",
  "mathbackground",
  "mathsize",
  "stretchy",
  "fence",
  "separator",
  "lspace",
  "rspace",
  "minsize",
  "maxsize",
  "symmetric",
  "largeop",
  "movablelimits",
  "accent",
  "accentunder",
  "linethickness",
  "notation",
  "encoding",
  "width",
  "height",
  "depth",
  "voffset",
  "columnalign",
  "rowalign",
  "columnspacing",
  "rowspacing",
  "columnlines",
  "rowlines",
  "frame",
  "framespacing",
  "equalrows",
  "equalcolumns",
  "side",
  "columnspan",
  "rowspan",
]);

const CELL_ATTRIBUTES = Object.freeze(["colspan", "rowspan", "align", "valign", "width", "height"]);

/** Attributes kept on particular elements, besides GLOBAL_ATTRIBUTES. */
export const ATTRIBUTES_BY_TAG: Readonly<Record<string, readonly string[]>> = Object.freeze({
  // `href` is the only URL a link keeps; `target` is dropped everywhere (the studio decides how links open).
  a: Object.freeze(["href", "name"]),
  img: Object.freeze(["src", "alt", "width", "height", "align"]),
  // Only what a task-list checkbox needs; the hook forces type=checkbox and disabled.
  input: Object.freeze(["type", "checked", "disabled"]),
  ol: Object.freeze(["start", "type", "reversed"]),
  li: Object.freeze(["value"]),
  details: Object.freeze(["open"]),
  time: Object.freeze(["datetime"]),
  del: Object.freeze(["datetime"]),
  ins: Object.freeze(["datetime"]),
  font: Object.freeze(["color", "size", "face"]),
  table: Object.freeze(["align", "border", "width", "cellpadding", "cellspacing", "summary"]),
  caption: Object.freeze(["align"]),
  colgroup: Object.freeze(["span", "width", "align", "valign"]),
  col: Object.freeze(["span", "width", "align", "valign"]),
  thead: Object.freeze(["align", "valign"]),
  tbody: Object.freeze(["align", "valign"]),
  tfoot: Object.freeze(["align", "valign"]),
  tr: Object.freeze(["align", "valign"]),
  th: Object.freeze([...CELL_ATTRIBUTES, "scope", "abbr"]),
  td: CELL_ATTRIBUTES,
  p: Object.freeze(["align"]),
  div: Object.freeze(["align"]),
  h1: Object.freeze(["align"]),
  h2: Object.freeze(["align"]),
  h3: Object.freeze(["align"]),
  h4: Object.freeze(["align"]),
  h5: Object.freeze(["align"]),
  h6: Object.freeze(["align"]),
  // KaTeX's boxes: their inline styles, checked against math-style.ts's allowlist by the hook, and the
  // `aria-hidden="true"` that hides the visual HTML from screen readers (they read the MathML beside it).
  span: Object.freeze([MATH_STYLE_ATTRIBUTE, "aria-hidden"]),
  svg: Object.freeze(["width", "height", "viewbox", "preserveaspectratio", MATH_STYLE_ATTRIBUTE]),
  path: Object.freeze(["d"]),
  line: Object.freeze(["x1", "y1", "x2", "y2", "stroke-width"]),
  ...Object.fromEntries(ALLOWED_MATHML_TAGS.map((tag) => [tag, MATHML_ATTRIBUTES])),
});

/** The only URL-valued attributes kept, and the schemes each may use (besides relative and `#fragment`). */
export const URL_SCHEMES_BY_ATTRIBUTE: Readonly<Record<"href" | "src", readonly string[]>> = Object.freeze({
  href: Object.freeze(["http", "https", "mailto"]),
  // Plus checked raster `data:` and `attachment:` (resolved to such a `data:` URL); see checkImageSource.
  src: Object.freeze(["http", "https"]),
});

/** Image types a `data:` URL may carry, each checked against its magic bytes. SVG is not one: it is a document. */
export const RASTER_IMAGE_TYPES: readonly string[] = RASTER_MIME_TYPES;

/**
 * Denied outright even if a later edit adds them to an allowlist (FORBID_* wins over ALLOWED_* in DOMPurify).
 * Script and active content, anything that loads or navigates, forms and their controls, document metadata,
 * SVG (scripts, `use` with external hrefs, `foreignObject`, animations that rewrite hrefs) and legacy oddities.
 */
export const FORBIDDEN_TAGS: readonly string[] = Object.freeze([
  "script",
  "noscript",
  "template",
  "slot",
  "style",
  "link",
  "meta",
  "base",
  "title",
  "head",
  "html",
  "iframe",
  "frame",
  "frameset",
  "object",
  "embed",
  "applet",
  "param",
  "portal",
  "fencedframe",
  "form",
  "button",
  "select",
  "option",
  "optgroup",
  "datalist",
  "textarea",
  "output",
  "fieldset",
  "legend",
  "label",
  "keygen",
  "meter",
  "progress",
  "selectedcontent",
  "dialog",
  "marquee",
  "use",
  "foreignobject",
  "animate",
  "animatemotion",
  "animatetransform",
  "set",
  "image",
  "feimage",
  "audio",
  "video",
  "source",
  "track",
  "picture",
  "canvas",
  "map",
  "area",
  "xmp",
  "plaintext",
  "noembed",
  "noframes",
  "listing",
  "annotation-xml",
  "maction",
  "mglyph",
]);

/** Denied attributes, for the same reason. On-event handlers are not listed: no `on*` is ever allowed. */
export const FORBIDDEN_ATTRIBUTES: readonly string[] = Object.freeze([
  // CSS can overlay or move the studio's UI and load URLs; the markdown box is styled by the studio only.
  "style",
  // Links open the way the studio decides (after the URL check), never in a named or new browsing context.
  "target",
  // Candidate lists would bypass the single checked `src`.
  "srcset",
  "sizes",
  // Other URL-valued or navigation attributes.
  "action",
  "formaction",
  "background",
  "poster",
  "cite",
  "longdesc",
  "usemap",
  "ismap",
  "ping",
  "lowsrc",
  "dynsrc",
  "codebase",
  "classid",
  "data",
  "archive",
  "profile",
  "manifest",
  "xlink:href",
  "xml:base",
  "srcdoc",
  "download",
  // Focus, editing and popover control, custom element upgrades, form association.
  "autofocus",
  "tabindex",
  "accesskey",
  "contenteditable",
  "draggable",
  "popover",
  "popovertarget",
  "popovertargetaction",
  "is",
  "form",
  "slot",
  "part",
  "exportparts",
  "nonce",
  "xmlns",
]);

const HTML_NAMESPACE = "http://www.w3.org/1999/xhtml";
const MATHML_NAMESPACE = "http://www.w3.org/1998/Math/MathML";
export const SVG_NAMESPACE = "http://www.w3.org/2000/svg";

/**
 * DOMPurify's URI check, which it applies to every attribute value that is not a known URI-safe one, narrowed to
 * our schemes. The hooks check `href`/`src` exactly; this is the second lock on the same door.
 */
const ALLOWED_URI_REGEXP = /^(?:(?:https?|mailto):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i;

const ATTRIBUTE_NAMES: readonly string[] = Object.freeze([
  ...new Set([...GLOBAL_ATTRIBUTES, ...Object.values(ATTRIBUTES_BY_TAG).flat()]),
]);

/** DOMPurify's configuration: the allowlists above, and its own switches set for untrusted notebooks. */
export function purifyConfig(): Config {
  return {
    ALLOWED_TAGS: [...ALLOWED_TAGS],
    ALLOWED_ATTR: [...ATTRIBUTE_NAMES],
    // SVG only for KaTeX's shapes (ALLOWED_SVG_TAGS, placed as sanitize.ts checks).
    ALLOWED_NAMESPACES: [HTML_NAMESPACE, MATHML_NAMESPACE, SVG_NAMESPACE],
    // DOMPurify checks every other attribute value as if it were a URL; this one is checked exactly by the hook
    // (math-style.ts) and is never a URL.
    ADD_URI_SAFE_ATTR: [MATH_STYLE_ATTRIBUTE],
    ALLOWED_URI_REGEXP,
    FORBID_TAGS: [...FORBIDDEN_TAGS],
    FORBID_ATTR: [...FORBIDDEN_ATTRIBUTES],
    // data-* could feed the studio's own delegated handlers or styles; aria-* could relabel content for
    // assistive technology. Neither is needed to read a notebook.
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    ALLOW_UNKNOWN_PROTOCOLS: false,
    // DOM clobbering: ids and names get `user-content-` (idempotent: an already prefixed value is left alone).
    SANITIZE_DOM: true,
    SANITIZE_NAMED_PROPS: true,
    // Removes comments and attributes that could close a raw-text element when re-parsed (mXSS).
    SAFE_FOR_XML: true,
    // The text of a removed element stays (like JupyterLab's sanitizer), except for script, style and the like.
    KEEP_CONTENT: true,
    WHOLE_DOCUMENT: false,
    // Notebooks legitimately contain `{{ }}`; nothing downstream evaluates templates.
    SAFE_FOR_TEMPLATES: false,
    RETURN_TRUSTED_TYPE: false,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Attribute values the hooks keep: classes and URLs

/** Drops class names reserved for the studio's own stylesheet. */
export function filterClasses(value: string): string | null {
  const kept = value
    .split(/[\t\n\f\r ]+/)
    .filter((name) => name !== "" && !RESERVED_CLASS_PREFIXES.some((prefix) => name.startsWith(prefix)));
  return kept.length > 0 ? kept.join(" ") : null;
}

/**
 * Characters skipped while reading a scheme: what URL parsers strip or ignore (C0 controls, space, tab, newline)
 * and what browsers have historically ignored (C1 controls, NBSP, soft hyphen, zero-width and bidi marks, other
 * Unicode blanks, BOM). Skipping them is conservative: `java\tscript:` and `java&#8203;script:` are both caught.
 */
function isUrlIgnorable(c: number): boolean {
  return (
    c <= 0x20 ||
    (c >= 0x7f && c <= 0xa0) ||
    c === 0xad ||
    c === 0x1680 ||
    c === 0x180e ||
    (c >= 0x2000 && c <= 0x200f) ||
    (c >= 0x2028 && c <= 0x202f) ||
    (c >= 0x205f && c <= 0x206f) ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** The scheme of a URL as a browser would read it, lower-cased, or null for a relative URL. */
export function urlScheme(value: string): string | null {
  let scheme = "";
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (isUrlIgnorable(c)) continue;
    if (c === 0x3a /* : */) return /^[a-z]/i.test(scheme) ? scheme.toLowerCase() : null;
    // A scheme is a letter then letters, digits, "+", "-" or "."; anything else first means a relative URL.
    if (!/[A-Za-z0-9+.-]/.test(value[i]!)) return null;
    scheme += value[i];
  }
  return null;
}

/** `href`: http(s), mailto, relative, or an in-page `#fragment` (prefixed to match the prefixed ids). */
export function checkLinkTarget(value: string): string | null {
  const trimmed = value.trim();
  if (trimmed.startsWith("#")) {
    const fragment = trimmed.slice(1);
    if (fragment === "" || fragment.startsWith(NAMED_PROPERTY_PREFIX)) return trimmed;
    return `#${NAMED_PROPERTY_PREFIX}${fragment}`;
  }
  const scheme = urlScheme(trimmed);
  if (scheme === null) return trimmed;
  return URL_SCHEMES_BY_ATTRIBUTE.href.includes(scheme) ? trimmed : null;
}

/**
 * `img src`: http(s) and relative URLs as they are (the studio proxies or blocks them when it builds the page), a
 * raster `data:` URL by the rule the URL check applies too (src/images/data-url.ts: plain `;base64`, the payload
 * starting with the magic bytes of its declared type), or `attachment:NAME` resolved from the cell's attachments to
 * such a `data:` URL. Anything else (SVG, other schemes, unknown attachments) is dropped.
 */
export function checkImageSource(
  value: string,
  attachments: Record<string, MimeBundle> | undefined,
  limits: SanitizerLimits = DEFAULT_SANITIZER_LIMITS,
): string | null {
  const trimmed = value.trim();
  const scheme = urlScheme(trimmed);
  if (scheme === null) return trimmed;
  if (URL_SCHEMES_BY_ATTRIBUTE.src.includes(scheme)) return trimmed;
  if (scheme === "data") {
    const checked = checkRasterDataUrl(value, limits.maxDataUrlChars);
    return checked.ok ? checked.dataUrl : null;
  }
  if (scheme === "attachment") {
    const bundle = findAttachment(trimmed.slice(trimmed.indexOf(":") + 1), attachments);
    if (bundle === undefined) return null;
    for (const type of RASTER_IMAGE_TYPES) {
      const payload = bundle[type];
      if (typeof payload !== "string") continue;
      const url = rasterDataUrl(type, payload, limits.maxDataUrlChars);
      if (url !== null) return url;
    }
    return null;
  }
  return null;
}

function findAttachment(name: string, attachments: Record<string, MimeBundle> | undefined): MimeBundle | undefined {
  if (attachments === undefined || name === "") return undefined;
  // Own properties only: `attachment:__proto__` must not find Object.prototype.
  if (Object.hasOwn(attachments, name)) return attachments[name];
  let decoded: string;
  try {
    // marked percent-encodes link destinations, so `![](<attachment:my image.png>)` arrives encoded.
    decoded = decodeURIComponent(name);
  } catch {
    return undefined;
  }
  return decoded !== name && Object.hasOwn(attachments, decoded) ? attachments[decoded] : undefined;
}

/**
 * `data:TYPE;base64,PAYLOAD` if TYPE is a raster type we show, PAYLOAD is well-formed base64 (ASCII whitespace
 * removed, as notebooks wrap it) and its first bytes are TYPE's signature; otherwise null. A mismatch means the
 * bytes are something else (an SVG or HTML document, say) wearing an image type.
 */
export function rasterDataUrl(
  type: string,
  base64: string,
  maxChars: number = DEFAULT_SANITIZER_LIMITS.maxDataUrlChars,
): string | null {
  if (!isRasterMimeType(type)) return null;
  const checked = checkRasterImage(type, base64);
  return checked.ok && checked.dataUrl.length <= maxChars ? checked.dataUrl : null;
}

/** Whether `bytes` start with the file signature of the raster image `type` (the one table is in raster.ts). */
export function hasRasterSignature(type: string, bytes: Uint8Array): boolean {
  return isRasterMimeType(type) && sniffRasterType(bytes) === type;
}
