// Markdown cells to HTML, as JupyterLab renders them: marked with GitHub-flavoured markdown (tables, strikethrough,
// task lists, autolinks) and `breaks: false`, math cut out before marked and put back after (typeset with KaTeX),
// and heading ids made the way JupyterLab makes them, so in-page links like `[see](#Some-Heading)` work.
//
// The HTML returned here is NOT safe: raw HTML in the cell passes through untouched. It must go through
// `src/render/sanitize.ts` before it reaches a document (the sanitizer also prefixes ids with `user-content-` and
// rewrites `#fragment` links to match).
//
// Hostile input. marked is mostly linear, but not everywhere (measured with marked 18.2):
// - emphasis: each `*`/`_`/`~` opener that never closes scans the rest of the paragraph, so `a(*a(*a(*...` (and
//   `*a_*a_...`) is quadratic: 24 KB took 3.5 s, 78 KB took 41 s. Bounded by a work budget on marked's emphasis
//   tokenizers; once it is spent, further delimiters in the cell render as literal characters.
// - GFM e-mail autolinks and the text scanner look ahead over runs of e-mail-ish characters for an `@`, once per
//   text token, so a long run without blanks that is full of token stops (`_a_a_a...`, `!!!!...`, and any run of
//   `*` once emphasis is off: 1 MB of `***...a...***` took 5 minutes) is quadratic: 80 KB of `_a` took 3.5 s.
//   Bounded by an estimate of that work made before parsing; over it, the cell falls back to its source as
//   preformatted text.
// - nesting: deep lists and quotes cost marked depth times size (900 nested list levels: 3 s) and deep quotes or
//   emphasis overflow its recursion. A nesting check on the source falls back first; an overflow is caught too.
// - list items: a paragraph inside a list item is re-read for each of its lines (40 000 lazy continuation lines,
//   80 KB: 5 s). Bounded by an estimate made before parsing, with the same fallback.
// - the source has a size cap; linear cases checked at 1 MB: `[`, backticks, `<`, `$`, tables, lists, data URLs.
// - the output is bounded too (tags, nesting, typeset math), because sanitizing and building DOM cost per node,
//   and KaTeX output is 10-30 times the size of its TeX.

import { Marked, Tokenizer, type Token } from "marked";
import {
  DEFAULT_MATH_LIMITS,
  escapeHtml,
  removeMath,
  renderMathSource,
  replaceMath,
  splitMathDelimiters,
  type MathLimits,
} from "./math.ts";

/** Named limits for one markdown cell. */
export interface MarkdownLimits {
  /** Longest source rendered as markdown (UTF-16 code units); longer falls back to preformatted text. */
  maxSourceChars: number;
  /**
   * Work allowed to marked's emphasis and strikethrough tokenizers per cell, in characters scanned (an upper
   * bound: a matched delimiter costs its token's length, an unmatched one the rest of its paragraph).
   */
  maxEmphasisWork: number;
  /** Estimated look-ahead work over runs of e-mail-ish characters (run length times token stops, summed). */
  maxTextRunWork: number;
  /** Most math expressions typeset per cell; the rest show as source. */
  maxMathExpressions: number;
  /** Most TeX characters typeset per cell; the rest show as source. */
  maxMathChars: number;
  /**
   * Most tags (counted as `<`) in the rendered HTML; more falls back to preformatted text. The sanitizer and the
   * DOM pay per node (jsdom ~35 us and ~3 KB per tag), and a 1 MB table or list makes 250 000 of them.
   */
  maxOutputTags: number;
  /**
   * Deepest element nesting in the rendered HTML (estimated from the tags, see `htmlNestingDepth`); deeper falls
   * back to preformatted text. Building a DOM costs per node times its depth in jsdom (4 000 levels: 5 s).
   */
  maxOutputDepth: number;
  /** Deepest list or block-quote nesting in the source; marked's cost grows with depth times size. */
  maxBlockNesting: number;
  /** Estimated work on paragraphs inside list items (lines times characters, summed), see `blockCosts`. */
  maxListParagraphWork: number;
  math: MathLimits;
}

export const DEFAULT_MARKDOWN_LIMITS: Readonly<MarkdownLimits> = Object.freeze({
  // Cells with images embedded as data URLs in raw HTML are legitimately large.
  maxSourceChars: 2_000_000,
  // ~0.2 s of the worst pathological pattern measured; ordinary text uses a tiny fraction.
  maxEmphasisWork: 5_000_000,
  // ~0.3 s of the worst pattern measured; a 1 MB base64 image (no `_`, `*`, `!`) costs nothing here.
  maxTextRunWork: 50_000_000,
  maxMathExpressions: 1_000,
  maxMathChars: 100_000,
  // About 4 500 rows of a 10-column table; well under the sanitizer's own cap.
  maxOutputTags: 100_000,
  // Half the sanitizer's cap (512, Chromium's own parser nesting limit), leaving room for the page around it.
  maxOutputDepth: 256,
  // Real notebooks nest lists and quotes a handful of levels; 900 nested list levels took marked 3 s.
  maxBlockNesting: 100,
  // ~0.2 s; a list of 1 000 items with 5-line, 400-character paragraphs uses 2 % of it.
  maxListParagraphWork: 100_000_000,
  math: DEFAULT_MATH_LIMITS,
});

/** Class of the `pre` that shows a cell's source when it cannot be rendered as markdown within the limits. */
export const MARKDOWN_FALLBACK_CLASS = "markdown-fallback";

/**
 * Renders one markdown cell to an HTML string that still has to be sanitized. Never throws; input beyond the
 * limits renders as its source in `<pre class="markdown-fallback">`.
 */
export function renderMarkdown(source: string, limits: Readonly<MarkdownLimits> = DEFAULT_MARKDOWN_LIMITS): string {
  if (source === "") return "";
  if (source.length > limits.maxSourceChars) return fallback(source);

  const { text, math } = removeMath(source);
  const block = blockCosts(text);
  if (
    textRunWork(text) > limits.maxTextRunWork ||
    block.nesting > limits.maxBlockNesting ||
    block.listParagraphWork > limits.maxListParagraphWork
  ) {
    return fallback(source);
  }

  let html: string;
  try {
    html = createMarked(math, limits).parse(text, { async: false });
  } catch {
    // marked throws on recursion overflow (deeply nested quotes or emphasis) and on its own internal errors.
    return fallback(source);
  }

  let expressions = 0;
  let texChars = 0;
  const result = replaceMath(html, math, (stashed) => {
    const parts = splitMathDelimiters(stashed);
    if (parts === null) return escapeHtml(stashed);
    expressions++;
    texChars += parts.tex.length;
    // Past the limits, math stays as plain source text: no markup at all, so the output stays proportional to
    // the input (typeset MathML is 10-30 times larger than its TeX).
    if (expressions > limits.maxMathExpressions || texChars > limits.maxMathChars) return escapeHtml(stashed);
    return renderMathSource(stashed, limits.math);
  });
  if (countOf(result, "<") > limits.maxOutputTags || htmlNestingDepth(result) > limits.maxOutputDepth) {
    return fallback(source);
  }
  return result;
}

/**
 * A heading id as JupyterLab makes it: the heading's text content with each space replaced by `-` (nothing else
 * changes: case, punctuation and other whitespace stay). Math counts as its source, as in JupyterLab, where ids are
 * set before MathJax typesets. Duplicate headings get the same id, as in JupyterLab.
 */
export function headingId(textContent: string): string {
  return textContent.replace(/ /g, "-");
}

function createMarked(math: readonly string[], limits: Readonly<MarkdownLimits>): Marked {
  let emphasisWork = 0;
  // A fresh instance per call: the global `marked` is shared mutable state that any other code (or a dependency)
  // could reconfigure with extensions, renderers or hooks.
  return new Marked({
    async: false,
    gfm: true,
    breaks: false,
    pedantic: false,
    // Throw instead of printing errors into the HTML; renderMarkdown catches and falls back.
    silent: false,
    renderer: {
      heading({ tokens, depth }) {
        const id = headingId(plainText(tokens, math));
        return `<h${depth} id="${escapeHtml(id)}">${this.parser.parseInline(tokens)}</h${depth}>\n`;
      },
    },
    tokenizer: {
      emStrong(src, maskedSrc, prevChar = "") {
        const first = src[0];
        if (first !== "*" && first !== "_") return false; // marked's own tokenizer rejects these at once
        if (emphasisWork > limits.maxEmphasisWork) return undefined; // budget spent: the delimiter is text
        // Charged up front, because nested emphasis recurses inside this call (and so sees the charge), then
        // settled at what the call can actually have cost.
        emphasisWork += src.length;
        const token = Tokenizer.prototype.emStrong.call(this, src, maskedSrc, prevChar);
        emphasisWork += (token ? token.raw.length : cheapRejection(src, prevChar) ? 1 : src.length) - src.length;
        return token;
      },
      del(src, maskedSrc, prevChar = "") {
        if (src[0] !== "~") return false;
        if (emphasisWork > limits.maxEmphasisWork) return undefined;
        emphasisWork += src.length;
        const token = Tokenizer.prototype.del.call(this, src, maskedSrc, prevChar);
        emphasisWork += (token ? token.raw.length : cheapRejection(src, prevChar) ? 1 : src.length) - src.length;
        return token;
      },
    },
  });
}

/**
 * Whether marked's emphasis tokenizer rejects this delimiter before scanning ahead: a run followed by a blank or the
 * end cannot open, nor can `_` inside a word (`snake_case`).
 */
function cheapRejection(src: string, prevChar: string): boolean {
  let run = 1;
  while (run < src.length && src[run] === src[0]) run++;
  const after = src[run];
  if (after === undefined || /\s/.test(after)) return true;
  return src[0] === "_" && /[\p{L}\p{N}]/u.test(prevChar) && /[\p{L}\p{N}]/u.test(after);
}

/** Characters the GFM text tokenizer's e-mail look-ahead runs over (`[...]+@`). */
const EMAILISH = /[A-Za-z0-9.!#$%&'*+/=?_`{|}~-]/;

/**
 * Estimated quadratic work of marked's GFM text and e-mail look-aheads: for each run of e-mail-ish characters, its
 * length times the number of places inside it where a text token may end.
 */
function textRunWork(text: string): number {
  let work = 0;
  let runLength = 0;
  let stops = 0;
  let previous = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (!EMAILISH.test(c)) {
      work += runLength * stops;
      runLength = 0;
      stops = 0;
      previous = "";
      continue;
    }
    runLength++;
    // `!`, `*` and `_` end a text token one by one (once the emphasis budget is spent, every `*` and `_` is its own
    // token); marked's text scanner takes a run of `~` or `` ` `` whole.
    if (c === "!" || c === "*" || c === "_") stops++;
    else if ((c === "~" || c === "`") && c !== previous) stops++;
    previous = c;
  }
  return work + runLength * stops;
}

/**
 * Two costs of marked's block level, estimated in one pass over the lines:
 * - `nesting`: the deepest list or block-quote nesting any line could open (the `>` markers leading the line, or
 *   for a list item line half its indentation: a nested item is indented at least two columns per level);
 * - `listParagraphWork`: marked re-reads a list item's paragraph for each of its lines, so a paragraph of L lines
 *   and C characters inside a list item costs about L times C (40 000 lazy lines: 5 s). Summed over items; a
 *   paragraph ends at a blank line, a fence or the next item.
 */
function blockCosts(text: string): { nesting: number; listParagraphWork: number } {
  let nesting = 0;
  let work = 0;
  let inItem = false;
  let lines = 0;
  let chars = 0;
  const closeParagraph = (): void => {
    work += lines * chars;
    lines = 0;
    chars = 0;
  };
  for (let start = 0; start < text.length; ) {
    let nl = text.indexOf("\n", start);
    if (nl === -1) nl = text.length;
    let i = start;
    let quotes = 0;
    let column = 0;
    for (; i < nl; i++) {
      const c = text[i];
      if (c === ">") quotes++;
      else if (c === " ") column++;
      else if (c === "\t") column += 4 - (column % 4);
      else break;
    }
    const rest = text.slice(i, Math.min(nl, i + 12));
    const listItem = /^(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/.test(rest);
    nesting = Math.max(nesting, quotes, listItem ? Math.floor(column / 2) : 0);
    if (listItem) {
      closeParagraph();
      inItem = true;
    } else if (i === nl || /^(?:`{3,}|~{3,})/.test(rest)) {
      closeParagraph();
      inItem = false;
    }
    if (inItem) {
      lines++;
      chars += nl - start + 1;
    }
    start = nl + 1;
  }
  closeParagraph();
  return { nesting, listParagraphWork: work };
}

/** Void elements: never opened, so they add no depth. */
const VOID_ELEMENTS: ReadonlySet<string> = new Set([
  "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img", "input", "keygen", "link",
  "meta", "param", "source", "track", "wbr",
]);

/** Elements a sibling closes implicitly (`<li>a<li>b` is flat); their containers (`ul`, `table`) count instead. */
const IMPLICITLY_CLOSED: ReadonlySet<string> = new Set([
  "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup", "rb", "rt", "rtc", "rp",
  "colgroup", "caption", "html", "head", "body",
]);

/** Elements whose content the HTML parser reads as text up to the matching end tag. */
const RAW_TEXT: ReadonlySet<string> = new Set([
  "script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea", "title", "plaintext",
]);

/**
 * An estimate of the deepest element nesting the HTML parser builds from `html`, in one linear pass: start tags
 * open, end tags close back to the matching open element (unmatched ones are ignored, as the parser ignores them),
 * void and implicitly closed elements do not count. Used to bound work, not as a security check.
 */
export function htmlNestingDepth(html: string): number {
  const open: string[] = [];
  const openCount = new Map<string, number>();
  let deepest = 0;
  const tagName = /<(\/?)([A-Za-z][^\s/>]*)/y;
  for (let i = html.indexOf("<"); i !== -1; i = html.indexOf("<", i)) {
    if (html.startsWith("<!--", i)) {
      const close = html.indexOf("-->", i + 4);
      if (close === -1) break;
      i = close + 3;
      continue;
    }
    tagName.lastIndex = i;
    const match = tagName.exec(html);
    if (!match) {
      i++;
      continue;
    }
    const name = match[2]!.toLowerCase();
    i = tagEnd(html, tagName.lastIndex);
    if (VOID_ELEMENTS.has(name) || IMPLICITLY_CLOSED.has(name)) continue;
    if (match[1] === "/") {
      if (!openCount.get(name)) continue;
      for (let top = open.pop(); top !== undefined; top = open.pop()) {
        openCount.set(top, openCount.get(top)! - 1);
        if (top === name) break;
      }
      continue;
    }
    if (RAW_TEXT.has(name)) {
      const closing = new RegExp(`</${name}[\\s/>]`, "ig");
      closing.lastIndex = i;
      const found = name === "plaintext" ? null : closing.exec(html);
      if (found === null) break;
      i = found.index;
      continue;
    }
    open.push(name);
    openCount.set(name, (openCount.get(name) ?? 0) + 1);
    deepest = Math.max(deepest, open.length);
  }
  return deepest;
}

/** Index just past the `>` ending a tag whose attributes start at `from` (quoted values respected), or the end. */
function tagEnd(html: string, from: number): number {
  let quote = "";
  for (let i = from; i < html.length; i++) {
    const c = html[i];
    if (quote !== "") {
      if (c === quote) quote = "";
    } else if (c === ">") {
      return i + 1;
    } else if ((c === '"' || c === "'") && /=\s*$/.test(html.slice(Math.max(from, i - 8), i))) {
      quote = c;
    }
  }
  return html.length;
}

/** The text content a heading's inline tokens will have in the DOM, with math marks as their source. */
function plainText(tokens: readonly Token[] | undefined, math: readonly string[]): string {
  if (!tokens) return "";
  let text = "";
  for (const token of tokens) {
    switch (token.type) {
      case "text":
        text += "tokens" in token && token.tokens ? plainText(token.tokens, math) : restoreMarks(decodeEntities(token.text), math);
        break;
      case "escape":
        text += token.text;
        break;
      case "codespan":
        // marked escapes code span text itself, so entities in it stay literal.
        text += restoreMarks(token.text, math);
        break;
      case "strong":
      case "em":
      case "del":
      case "link":
        text += plainText(token.tokens, math);
        break;
      // Images, raw HTML tags, line breaks and checkboxes add no text content.
      default:
        break;
    }
  }
  return text;
}

function restoreMarks(text: string, math: readonly string[]): string {
  return text.replace(/@@(\d+)@@/g, (mark, index: string) => math[Number(index)] ?? mark);
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = Object.freeze({
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
});

/**
 * marked leaves named character references in text for the browser to decode; decode the common ones so ids match
 * the DOM's text content. (Rarer named references stay as written; a full table is not worth it for ids.)
 */
function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]+);/g, (whole, body: string) => {
    if (body.startsWith("#")) {
      const code = body[1] === "x" || body[1] === "X" ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : "\ufffd";
    }
    return NAMED_ENTITIES[body] ?? whole;
  });
}

function countOf(text: string, char: string): number {
  let count = 0;
  for (let at = text.indexOf(char); at !== -1; at = text.indexOf(char, at + 1)) count++;
  return count;
}

function fallback(source: string): string {
  return `<pre class="${MARKDOWN_FALLBACK_CLASS}">${escapeHtml(source)}</pre>`;
}
