// Active content in markdown and HTML outputs, as the sanitizer sees it. HTML is parsed by a real HTML parser
// (parse5, which jsdom and so DOMPurify use on the server, so `<svg><script>`, misnested markup or entity-encoded
// `javascript:` are read exactly as a browser reads them). Markdown is also sanitized by the project's one
// sanitizer (src/render/sanitize.ts): what was in the input and is gone from the sanitizer's output is what the
// sanitizer had to remove; the active part of that (script, handlers, frames, forms, dangerous URLs, CSS that
// escapes its box) is reported. Outputs are drawn unsanitized in sandboxed frames, so all of their active content
// is. No regular expression decides what is HTML.

import { JSDOM, VirtualConsole } from "jsdom";
import { countOf, htmlNestingDepth } from "../render/html-size.ts";
import { createSanitizer, type Sanitizer } from "../render/sanitize.ts";
import { DEFAULT_SANITIZER_LIMITS, urlScheme } from "../render/sanitizer-policy.ts";
import type { TextReporter } from "./sink.ts";
import type { UrlContext, UrlPolicy } from "../urls/index.ts";
import { walkDom, walkHtml, type ElementInfo } from "./html-tree.ts";
import { reportUrl } from "./url-rule.ts";

interface HtmlEnvironment {
  window: JSDOM["window"];
  sanitizer: Sanitizer;
  /** An element whose style attribute is set to each value to read, for the CSS parser. */
  styleProbe: HTMLElement;
}

let environment: HtmlEnvironment | undefined;

function htmlEnvironment(): HtmlEnvironment {
  if (environment === undefined) {
    const window = new JSDOM("<!DOCTYPE html><html><head></head><body></body></html>", {
      // Parse notices (a notebook's broken stylesheet, say) are not the studio's to print; no script runs here.
      virtualConsole: new VirtualConsole(),
    }).window;
    environment = {
      window,
      sanitizer: createSanitizer(window as unknown as Parameters<typeof createSanitizer>[0]),
      styleProbe: window.document.createElement("div"),
    };
  }
  return environment;
}

export interface ActiveItem {
  rule: "active" | "css-escape";
  /** What it is, for the message: "a <script> element", "an onerror handler". */
  what: string;
  /** Text to look for in the source to place the finding (`<script`, `onerror`). */
  needle: string;
}

const HTML_NAMESPACE = "http://www.w3.org/1999/xhtml";
const RAW_TEXT_ELEMENTS = new Set(["style", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea"]);
const FRAMES = new Set(["iframe", "frame", "frameset", "object", "embed", "applet", "portal", "fencedframe"]);
const FORM_CONTROLS = new Set(["button", "select", "textarea", "input", "keygen", "isindex"]);
const URL_ATTRIBUTES = new Set([
  "href",
  "src",
  "action",
  "formaction",
  "xlink:href",
  "data",
  "background",
  "poster",
  "codebase",
  "to",
  "from",
  "values",
]);
const SCRIPT_SCHEMES = new Set(["javascript", "vbscript", "livescript"]);
/**
 * An attribute value that ends a raw-text element. Parsed without scripting (as DOMParser, and so DOMPurify, parse)
 * `<noscript><p title="</noscript><img onerror=...>">` is a harmless title; in a live page it is an image with a
 * handler. DOMPurify's SAFE_FOR_XML drops such attributes for that reason.
 */
const RAW_TEXT_CLOSER = /<\/(noscript|style|title|xmp|iframe|noembed|noframes|script|textarea|plaintext)/i;

/** The active items of one element (its tag and attributes). */
function activeItemsOf(element: ElementInfo): ActiveItem[] {
  const items: ActiveItem[] = [];
  const { tag } = element;
  const has = (name: string): boolean => element.attributes.some((attribute) => attribute.name === name);
  if (tag === "script")
    items.push({
      rule: "active",
      what: element.inSvg ? "a <script> element inside SVG" : "a <script> element",
      needle: "<script",
    });
  else if (FRAMES.has(tag)) items.push({ rule: "active", what: `an embedded <${tag}>`, needle: `<${tag}` });
  else if (tag === "form") items.push({ rule: "active", what: "a <form>", needle: "<form" });
  // A control alone is inert text once sanitized (Jupyter's own docs draw toolbar buttons that way); inside a form,
  // or tied to one, it submits.
  else if (FORM_CONTROLS.has(tag) && (element.inForm || has("form") || has("formaction"))) {
    const type = element.attributes
      .find((attribute) => attribute.name === "type")
      ?.value.trim()
      .toLowerCase();
    if (!(tag === "input" && type === "checkbox"))
      items.push({ rule: "active", what: `a form control <${tag}>`, needle: `<${tag}` });
  } else if (tag === "base")
    items.push({ rule: "active", what: "a <base> element that changes where links go", needle: "<base" });
  else if (
    tag === "meta" &&
    element.attributes.some((attribute) => attribute.name === "http-equiv" && /refresh/i.test(attribute.value))
  ) {
    items.push({ rule: "active", what: "a <meta> refresh that navigates the page", needle: "<meta" });
  } else if (
    RAW_TEXT_ELEMENTS.has(tag) &&
    (element.namespace !== HTML_NAMESPACE || element.inForeign) &&
    element.markupText()
  ) {
    // Raw text inside MathML or SVG: serialized and parsed again, the element can change namespace and its "text"
    // become live markup (the namespace-confusion mutation XSS that DOMPurify guards against).
    items.push({ rule: "active", what: `markup hidden in a foreign <${tag}> (mutation XSS)`, needle: `<${tag}` });
  } else if (tag === "foreignobject")
    items.push({ rule: "active", what: "an SVG <foreignObject> carrying HTML", needle: "<foreignobject" });
  else if (tag === "style" && element.namespace === HTML_NAMESPACE) {
    const sheet = element.styleText();
    if (MAY_POSITION.test(sheet)) {
      const escape = sheetEscape(sheet);
      if (escape !== undefined)
        items.push({ rule: "css-escape", what: `a <style> sheet with ${escape}`, needle: "<style" });
    }
  }
  for (const { name, value } of element.attributes) {
    // srcdoc is a whole document and reported as such.
    const closes = name === "srcdoc" ? null : RAW_TEXT_CLOSER.exec(value);
    if (closes) {
      items.push({
        rule: "active",
        what: `an attribute that closes <${closes[1]!.toLowerCase()}> when parsed again (mutation XSS)`,
        needle: closes[0].toLowerCase(),
      });
    }
    if (name.startsWith("on")) {
      items.push({ rule: "active", what: `an ${name} event handler`, needle: name });
    } else if (name === "srcdoc") {
      items.push({ rule: "active", what: "an inline document (srcdoc)", needle: "srcdoc" });
    } else if (URL_ATTRIBUTES.has(name)) {
      const scheme = urlScheme(value);
      if (scheme !== null && SCRIPT_SCHEMES.has(scheme))
        items.push({ rule: "active", what: `a ${scheme}: URL in ${name}`, needle: `${scheme}` });
      else if (
        scheme === "data" &&
        /^\s*data:\s*(?:text\/html|image\/svg|application\/(?:x-)?javascript|text\/javascript)/i.test(value)
      ) {
        items.push({ rule: "active", what: `a data: document URL in ${name}`, needle: "data:" });
      }
    } else if (name === "style" && MAY_POSITION.test(value)) {
      const escape = cssEscape(parsedStyle(value));
      if (escape !== undefined) items.push({ rule: "css-escape", what: escape, needle: "style" });
    }
  }
  return items;
}

/**
 * The first rule of a style sheet that positions outside its box, as the CSS parser (jsdom's) reads the sheet;
 * rules inside @media and @supports count too. In Jupyter a sheet restyles the whole page, not just its output.
 */
function sheetEscape(text: string): string | undefined {
  const doc = htmlEnvironment().window.document;
  const style = doc.createElement("style");
  style.textContent = text;
  doc.head.appendChild(style);
  try {
    const pending: CSSRule[] = Array.from(style.sheet?.cssRules ?? []);
    while (pending.length > 0) {
      const rule = pending.shift()!;
      if ("cssRules" in rule) pending.push(...Array.from((rule as CSSGroupingRule).cssRules));
      if ("style" in rule) {
        const escape = cssEscape((rule as CSSStyleRule).style);
        if (escape !== undefined) return escape;
      }
    }
    return undefined;
  } finally {
    style.remove();
  }
}

/** A style attribute's declarations as the CSS parser (jsdom's cssstyle) reads them. */
function parsedStyle(value: string): CSSStyleDeclaration {
  const probe = htmlEnvironment().styleProbe;
  probe.setAttribute("style", value);
  return probe.style;
}

/**
 * Style text that can position anything: the properties, an inset shorthand, or a CSS escape that could spell them.
 * Only such text is handed to the CSS parser (which decides); the rest of a table's cell styles are skipped.
 */
const MAY_POSITION = /position|z-index|inset|\\/i;

/** Lowest z-index that counts as "on top of everything": the studio's own layers stay below it. */
const HUGE_Z_INDEX = 1000;

/**
 * Positioning that takes an element out of its cell: fixed anywhere, absolute with offsets (relative to some
 * ancestor outside the cell), or a z-index meant to be above the page's own controls. Read from the style jsdom
 * parsed (cssstyle), not from the attribute text.
 */
export function cssEscape(style: CSSStyleDeclaration): string | undefined {
  const position = style.getPropertyValue("position").trim().toLowerCase();
  const offsets = ["top", "left", "right", "bottom", "inset"].filter(
    (side) => style.getPropertyValue(side).trim() !== "",
  );
  const zIndex = Number.parseInt(style.getPropertyValue("z-index"), 10);
  if (position === "fixed") return "CSS position: fixed (drawn over the page, wherever it is scrolled)";
  if ((position === "absolute" || position === "sticky") && offsets.length > 0)
    return `CSS position: ${position} with ${offsets.join(", ")} offsets`;
  if (Number.isFinite(zIndex) && zIndex >= HUGE_Z_INDEX) return `CSS z-index ${zIndex} (above the page's own controls)`;
  return undefined;
}

/** A link or image URL as written in the HTML. */
export interface HtmlUrl {
  url: string;
  context: UrlContext;
  /** What holds it, for the message: a link, an image, or another resource the page loads by itself (a frame). */
  holder: "link" | "image" | "resource";
}

/**
 * The URL attribute of each element that links or loads. Resources a page loads by itself (frames, embeds,
 * scripts, media) are checked as images are: fetched without a click.
 */
const URL_HOLDERS: Readonly<Record<string, { attribute: string; holder: HtmlUrl["holder"] }>> = Object.freeze({
  a: { attribute: "href", holder: "link" },
  area: { attribute: "href", holder: "link" },
  img: { attribute: "src", holder: "image" },
  iframe: { attribute: "src", holder: "resource" },
  frame: { attribute: "src", holder: "resource" },
  embed: { attribute: "src", holder: "resource" },
  object: { attribute: "data", holder: "resource" },
  script: { attribute: "src", holder: "resource" },
  audio: { attribute: "src", holder: "resource" },
  video: { attribute: "src", holder: "resource" },
  source: { attribute: "src", holder: "resource" },
});

export interface HtmlReview {
  active: ActiveItem[];
  urls: HtmlUrl[];
}

/** Collects active items and the URLs of links (`a`, `area`) and images (`img`) from the elements visited. */
function collector(): { visit: (element: ElementInfo) => void; review: HtmlReview } {
  const review: HtmlReview = { active: [], urls: [] };
  const visit = (element: ElementInfo): void => {
    review.active.push(...activeItemsOf(element));
    const holder =
      element.namespace === HTML_NAMESPACE && Object.hasOwn(URL_HOLDERS, element.tag)
        ? URL_HOLDERS[element.tag]!
        : undefined;
    const url =
      holder === undefined ? undefined : element.attributes.find((attribute) => attribute.name === holder.attribute);
    // Inline data in a frame or media element fetches nothing; a data: document in one is active content, above.
    if (
      holder !== undefined &&
      url !== undefined &&
      !(holder.holder === "resource" && urlScheme(url.value) === "data")
    ) {
      review.urls.push({ url: url.value, context: holder.holder === "link" ? "link" : "image", holder: holder.holder });
    }
  };
  return { visit, review };
}

/**
 * The active items and URLs of `html`. With `sanitized` (markdown), the active items are those the sanitizer
 * removes; without (an HTML output, drawn unsanitized in its sandboxed frame, a live page), everything active in
 * it, since all of it runs there. URLs are those the file carries, whether or not this version of the sanitizer
 * keeps them: the review is of the file, which other tools render differently.
 */
export function reviewHtml(html: string, sanitized: boolean): HtmlReview {
  const input = collector();
  if (!sanitized) {
    walkHtml(html, true, input.visit);
    return input.review;
  }
  // DOMParser, as DOMPurify parses: scripting off.
  const { window, sanitizer } = htmlEnvironment();
  walkDom(new window.DOMParser().parseFromString(html, "text/html"), input.visit);
  const { active, urls } = input.review;
  if (active.length === 0) return input.review;
  const output = collector();
  walkDom(sanitizer.sanitizeToFragment(html), output.visit);
  const kept = new Map<string, number>();
  for (const item of output.review.active) kept.set(item.what, (kept.get(item.what) ?? 0) + 1);
  const removed = active.filter((item) => {
    const left = kept.get(item.what) ?? 0;
    if (left === 0) return true;
    kept.set(item.what, left - 1);
    return false;
  });
  return { active: removed, urls };
}

/** Why `html` is beyond the sanitizer's own limits (size, tags, nesting), which bound the parser's work too. */
function beyondLimits(html: string): string | undefined {
  const limits = DEFAULT_SANITIZER_LIMITS;
  if (html.length > limits.maxInputChars) return `${html.length} characters`;
  const tags = countOf(html, "<");
  if (tags > limits.maxTags) return `${tags} tags`;
  const depth = htmlNestingDepth(html);
  if (depth > limits.maxDepth) return `nested ${depth} deep`;
  return undefined;
}

/**
 * Whether `html` may hold anything active. A cheap gate for speed only: it answers "no" only for text that
 * cannot contain an element or attribute at all (no `<`) and no character reference that could hide one. Anything
 * else goes to the parser.
 */
export function mayHoldMarkup(html: string): boolean {
  return html.includes("<") || html.includes("&");
}

/**
 * Reports the active content and the URLs of `html`. `source` is the text the user wrote (a markdown cell's
 * source, the output text) in which each item is placed.
 */
export function reportHtml(
  html: string,
  source: TextReporter,
  kind: "markdown" | "output",
  urlPolicy?: UrlPolicy,
): void {
  const rule = kind === "markdown" ? "active-markdown" : "active-output";
  const excess = beyondLimits(html);
  if (excess !== undefined) {
    // The sanitizer renders such markdown as nothing at all; an output this size is drawn as it is, unreviewed.
    if (kind === "output")
      source.report(rule, 0, `output is too large to review for active content (${excess}); treat it as active`);
    return;
  }
  const review = reviewHtml(html, kind === "markdown");
  const lower = source.text.toLowerCase();
  for (const item of review.active) {
    const found = lower.indexOf(item.needle);
    const offset = found < 0 ? 0 : found;
    if (item.rule === "css-escape") source.report("css-escape", offset, `${kind} uses ${item.what}`);
    else source.report(rule, offset, `${kind} contains ${item.what}`);
  }
  for (const { url, context, holder } of review.urls) reportUrl(url, context, holder, source, urlPolicy);
}
