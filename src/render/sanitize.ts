// The sanitizer engine: DOMPurify bound to a window, with the project's policy (sanitizer-policy.ts) set once and
// enforced per element by its hooks, a settling loop so the result survives being serialized and parsed again, and
// Trusted Types for DOMPurify's own parse when the page enforces them.
//
// Hooks are added once per DOMPurify instance; the per-call context (attachments) reaches them through a variable
// that is set only for the duration of the synchronous `sanitize` call.

import createDOMPurify, {
  type Config,
  type DOMPurify,
  type UponSanitizeAttributeHookEvent,
  type WindowLike,
} from "dompurify";
import type { MimeBundle } from "../notebook/types.ts";
import { countOf, htmlNestingDepth } from "./html-size.ts";
import {
  ATTRIBUTES_BY_TAG,
  checkImageSource,
  checkLinkTarget,
  DEFAULT_SANITIZER_LIMITS,
  filterClasses,
  GLOBAL_ATTRIBUTES,
  purifyConfig,
  SVG_NAMESPACE,
  SVG_PARENTS,
  type SanitizerLimits,
} from "./sanitizer-policy.ts";
import { escapeText } from "./serialize.ts";
import { checkMathStyle, MATH_STYLE_ATTRIBUTE } from "./math-style.ts";

export interface SanitizeContext {
  /** The cell's attachments, for `<img src="attachment:NAME">`. */
  attachments?: Record<string, MimeBundle>;
  /**
   * `mathml`: typeset math keeps only its MathML, for documents that do not load KaTeX's stylesheet and fonts
   * (output frames), where KaTeX's HTML drawing would show as loose text beside it. Default: both.
   */
  mathMarkup?: "html-and-mathml" | "mathml";
}

export interface Sanitizer {
  /** Sanitized DOM, in an inert document of the sanitizer's window: images in it do not load until adopted. */
  sanitizeToFragment(html: string, context?: SanitizeContext): DocumentFragment;
  /** The same, serialized. */
  sanitizeToString(html: string, context?: SanitizeContext): string;
}

export interface SanitizerOptions {
  limits?: Partial<SanitizerLimits>;
  /**
   * Under Trusted Types (`require-trusted-types-for 'script'`), DOMPurify's own parse of the dirty string is a
   * sink. Pass the page's pass-through policy here and insert `sanitizeToFragment` results as nodes; without it
   * DOMPurify creates a policy named `dompurify`, which the CSP's `trusted-types` directive must then allow (if it
   * does not, DOMPurify cannot parse and every result is empty). The policy must not call this sanitizer.
   */
  trustedTypesPolicy?: Config["TRUSTED_TYPES_POLICY"];
}

/**
 * A sanitizer bound to one window (a browser window, or a jsdom window on the server). Throws if DOMPurify cannot
 * run on it: DOMPurify would otherwise return its input unchanged.
 */
export function createSanitizer(window: WindowLike, options: SanitizerOptions = {}): Sanitizer {
  const limits: SanitizerLimits = { ...DEFAULT_SANITIZER_LIMITS, ...options.limits };
  const purify: DOMPurify = createDOMPurify(window);
  if (!purify.isSupported) throw new Error("DOMPurify is not supported on this window; refusing to sanitize");

  let context: SanitizeContext | undefined;
  let inCall = false;

  purify.addHook("uponSanitizeAttribute", (node, event) => {
    sanitizeAttribute(node, event, context, limits);
  });
  purify.addHook("afterSanitizeAttributes", (node) => {
    if (node.nodeName.toLowerCase() === "input") keepCheckboxInert(node);
    else if (node.namespaceURI === SVG_NAMESPACE) keepSvgWhereKatexPutsIt(node);
  });

  const run = <T>(html: string, ctx: SanitizeContext | undefined, call: () => T): T => {
    if (typeof html !== "string") throw new TypeError("sanitize expects an HTML string");
    if (inCall) throw new Error("sanitizer re-entered from one of its own hooks");
    inCall = true;
    context = ctx;
    try {
      return call();
    } finally {
      context = undefined;
      inCall = false;
    }
  };

  // RETURN_DOM: DOMPurify hands back the body it sanitized, in an inert document of its own. A fragment is made
  // only of the pass that is kept; the other passes are only serialized, and moving their nodes into a fragment
  // (a removal and an insertion per node in jsdom) was wasted.
  const config: Config & { RETURN_DOM: true } = { ...purifyConfig(), RETURN_DOM: true };
  if (options.trustedTypesPolicy) config.TRUSTED_TYPES_POLICY = options.trustedTypesPolicy;
  // Set once for the instance: a config passed to each call is parsed again on every call (its allowlists rebuilt
  // as lookup tables), which cost a tenth of sanitizing a typical markdown cell. The calls below pass the same
  // object only so that the types say what comes back; DOMPurify ignores it once a config is set.
  purify.setConfig(config);

  const sanitizedBody = (html: string): Element =>
    // DOMPurify returns null when the parsed document has no body (a `<frameset>` payload): nothing survives.
    (purify.sanitize(html, config) as Element | null) ?? (purify.sanitize("", config) as Element);

  const toFragment = (body: Element): DocumentFragment => {
    const fragment = body.ownerDocument.createDocumentFragment();
    while (body.firstChild) fragment.appendChild(body.firstChild);
    // Removed nodes can leave adjacent text nodes; merge them so the fragment equals a re-parse of its HTML.
    fragment.normalize();
    return fragment;
  };

  /**
   * Sanitizes, then re-parses and re-sanitizes the result until it no longer changes. The HTML parser is not
   * idempotent: misnested markup can yield a tree (say an `h6` inside an `h1`, via the adoption agency algorithm)
   * that its own serialization does not parse back to. Whatever reaches a page is either inserted as nodes or
   * serialized and parsed again (the static export), so we settle on the tree that survives that round trip and
   * sanitize it as such. Ordinary content settles at the first check (two DOMPurify passes in all); hostile content
   * that never settles is dropped.
   */
  const settle = (html: string): { html: string; body: Element } => {
    if (
      html.length > limits.maxInputChars ||
      countOf(html, "<") > limits.maxTags ||
      htmlNestingDepth(html) > limits.maxDepth
    ) {
      return { html: "", body: sanitizedBody("") };
    }
    // The first pass's serialization is what DOMPurify's string output would be (its body's innerHTML).
    let current = serializeChildren(sanitizedBody(html));
    for (let round = 0; round < MAX_SETTLE_ROUNDS; round++) {
      const body = sanitizedBody(current);
      const again = serializeChildren(body);
      if (again === current) return { html: current, body };
      current = again;
    }
    return { html: "", body: sanitizedBody("") };
  };

  return {
    sanitizeToFragment(html, ctx) {
      return run(html, ctx, () => {
        const { body } = settle(html);
        if (ctx?.mathMarkup === "mathml") keepMathMlOnly(body);
        return toFragment(body);
      });
    },
    sanitizeToString(html, ctx) {
      return run(html, ctx, () => {
        const settled = settle(html);
        if (ctx?.mathMarkup !== "mathml" || !keepMathMlOnly(settled.body)) return settled.html;
        // Removing whole elements from a settled tree adds no markup, so its serialization settles too.
        return serializeChildren(settled.body);
      });
    },
  };
}

/** Removes KaTeX's HTML drawings (and any box styles left) under `root`; whether anything was there. */
function keepMathMlOnly(root: Element): boolean {
  const drawings = Array.from(root.querySelectorAll(".katex-html"));
  for (const drawing of drawings) drawing.remove();
  const styled = Array.from(root.querySelectorAll(`[${MATH_STYLE_ATTRIBUTE}]`));
  for (const element of styled) element.removeAttribute(MATH_STYLE_ATTRIBUTE);
  return drawings.length > 0 || styled.length > 0;
}

/** The HTML serialization of a node's children (what DOMPurify's string output is), leaving them in place. */
function serializeChildren(parent: Node): string {
  // Child by child, as the HTML fragment serialization algorithm writes a container's children, without moving
  // any node (in jsdom each move is a removal and an insertion with all their bookkeeping). Text directly in the
  // container is escaped as any text outside raw-text elements: the container is a `body`.
  let html = "";
  for (let child = parent.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === child.ELEMENT_NODE) {
      // eslint-disable-next-line no-restricted-properties -- reads the serialization of nodes just sanitized, in an inert document; nothing is parsed
      html += (child as Element).outerHTML;
    } else if (child.nodeType === child.TEXT_NODE) {
      html += escapeText((child as Text).data);
    } else if (child.nodeType === child.COMMENT_NODE) {
      html += `<!--${(child as Comment).data}-->`;
    }
  }
  return html;
}

/** Re-sanitizing rounds allowed for the output to stop changing (see `settle`). */
const MAX_SETTLE_ROUNDS = 3;

function sanitizeAttribute(
  node: Element,
  event: UponSanitizeAttributeHookEvent,
  context: SanitizeContext | undefined,
  limits: SanitizerLimits,
): void {
  const tag = node.nodeName.toLowerCase();
  const name = event.attrName;
  const perTag = Object.hasOwn(ATTRIBUTES_BY_TAG, tag) ? ATTRIBUTES_BY_TAG[tag]! : [];
  // DOMPurify's ALLOWED_ATTR is one list for all elements; this makes it per element (no href on MathML, no src
  // on anything but img, no `type` on a link).
  if (!GLOBAL_ATTRIBUTES.includes(name) && !perTag.includes(name)) {
    event.keepAttr = false;
    return;
  }
  let value: string | null = event.attrValue;
  if (name === "class") value = filterClasses(value);
  else if (name === "href") value = checkLinkTarget(value);
  else if (name === MATH_STYLE_ATTRIBUTE) value = checkMathStyle(value);
  else if (name === "aria-hidden") value = value === "true" ? value : null;
  // DOMPurify hands hooks the value trimmed of every Unicode blank; the attribute as written is what a browser, and
  // the URL check, would read.
  else if (name === "src")
    value = tag === "img" ? checkImageSource(node.getAttribute(name) ?? value, context?.attachments, limits) : null;
  if (value === null) {
    event.keepAttr = false;
    return;
  }
  event.attrValue = value;
}

/**
 * An SVG element stays only in KaTeX's place for it (SVG_PARENTS): an `svg` whose parent is an HTML `span`, a
 * `path` or `line` whose parent is such an `svg`. Anything else in the SVG namespace goes, with its content.
 */
function keepSvgWhereKatexPutsIt(node: Element): void {
  const tag = node.localName;
  const parent = node.parentElement;
  const wanted = Object.hasOwn(SVG_PARENTS, tag) ? SVG_PARENTS[tag] : undefined;
  const parentNamespace = tag === "svg" ? "http://www.w3.org/1999/xhtml" : SVG_NAMESPACE;
  if (
    wanted === undefined ||
    parent === null ||
    parent.localName !== wanted ||
    parent.namespaceURI !== parentNamespace
  ) {
    node.remove();
  }
}

/** A task-list checkbox stays, disabled and bare; any other input is removed. */
function keepCheckboxInert(node: Element): void {
  if ((node.getAttribute("type") ?? "").trim().toLowerCase() !== "checkbox") {
    node.remove();
    return;
  }
  for (const attribute of Array.from(node.attributes)) {
    if (attribute.name !== "checked") node.removeAttribute(attribute.name);
  }
  node.setAttribute("type", "checkbox");
  node.setAttribute("disabled", "");
}
