// Markdown cells to HTML, as JupyterLab renders them: marked with GitHub-flavoured markdown (tables, strikethrough,
// task lists, autolinks) and `breaks: false`, math cut out before marked and put back after (typeset with KaTeX),
// and heading ids made the way JupyterLab makes them, so in-page links like `[see](#Some-Heading)` work.
//
// The HTML returned here is NOT safe: raw HTML in the cell passes through untouched. It must go through
// `src/render/sanitize.ts` before it reaches a document (the sanitizer also prefixes ids with `user-content-` and
// rewrites `#fragment` links to match).
//
// Hostile input. marked is mostly linear, but not everywhere (measured with marked 18.2):
// - closing delimiters: each `*`/`_`/`~` opener, backtick run or `<!--` that never closes scans the rest of the
//   paragraph, so `a(*a(*a(*...` is quadratic (24 KB: 3.5 s; 78 KB of `*a_`: 41 s), and so are `a \```...` (100 KB:
//   1 s) and `a<!--a<!--...` (100 KB: 0.45 s). Bounded by a work budget on those tokenizers; once it is spent,
//   further delimiters in the cell render as literal characters. marked also masks code spans before tokenizing,
//   with the same unbounded search per backtick run (200 KB of `www. \```: 2.7 s) and per unclosed `<!--`
//   (300 KB: 1.4 s), and GFM's bare URLs extend to the next blank for every `http://` or `www.` start (200 KB of
//   `-->\[\\(http://`: 1.6 s); those are estimated before parsing and fall back like the next case.
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

import { countOf, htmlNestingDepth } from "./html-size.ts";
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
   * Work allowed per cell to marked's inline tokenizers that look ahead for a closing delimiter (emphasis,
   * strikethrough, code spans, HTML comments), in characters scanned: an upper bound where a matched delimiter
   * costs its token's length and an unmatched one the rest of its paragraph.
   */
  maxInlineScanWork: number;
  /** Estimated look-ahead work over runs of e-mail-ish characters (run length times token stops, summed). */
  maxTextRunWork: number;
  /** Estimated work of marked's search for closing backtick runs, see `backtickRunWork`. */
  maxBacktickRunWork: number;
  /** Estimated work of marked's search for the ends of HTML comments and the like, see `htmlOpenerWork`. */
  maxHtmlOpenerWork: number;
  /** Estimated work of GFM's bare URL autolinks, see `urlRunWork`. */
  maxUrlRunWork: number;
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
  maxInlineScanWork: 5_000_000,
  // ~0.2 s of the worst pattern measured; a 1 MB base64 image (no `_`, `*`, `!`) costs nothing here.
  maxTextRunWork: 50_000_000,
  // ~0.15 s; a 100 KB paragraph may hold a thousand stray backticks.
  maxBacktickRunWork: 100_000_000,
  // ~0.1 s; a closed comment costs its own length.
  maxHtmlOpenerWork: 300_000_000,
  // ~0.07 s; a paragraph of ordinary links costs each link's length.
  maxUrlRunWork: 50_000_000,
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
    backtickRunWork(text) > limits.maxBacktickRunWork ||
    htmlOpenerWork(text) > limits.maxHtmlOpenerWork ||
    urlRunWork(text) > limits.maxUrlRunWork ||
    block.nesting > limits.maxBlockNesting ||
    block.listParagraphWork > limits.maxListParagraphWork
  ) {
    return fallback(source);
  }

  let html: string;
  try {
    html = createMarked(math, limits, /[*_~]/.test(text)).parse(text, { async: false });
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

function createMarked(math: readonly string[], limits: Readonly<MarkdownLimits>, hasEmphasis: boolean): Marked {
  let inlineScanWork = 0;
  // A fresh instance per call: the global `marked` is shared mutable state that any other code (or a dependency)
  // could reconfigure with extensions, renderers or hooks.
  const marked = new Marked({
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
      // Only when the text has emphasis characters: replacing these two makes marked mask every paragraph before
      // tokenizing it (a linear pass, but a slow one on text full of `[`), which it otherwise skips without them.
      ...(hasEmphasis
        ? {
            emStrong(this: Tokenizer, src: string, maskedSrc: string, prevChar = "") {
              const first = src[0];
              if (first !== "*" && first !== "_") return false; // marked's own tokenizer rejects these at once
              const cheap = cheapRejection(src, prevChar);
              return scan(src, cheap, () => Tokenizer.prototype.emStrong.call(this, src, maskedSrc, prevChar));
            },
            del(this: Tokenizer, src: string, maskedSrc: string, prevChar = "") {
              if (src[0] !== "~") return false;
              const cheap = cheapRejection(src, prevChar);
              return scan(src, cheap, () => Tokenizer.prototype.del.call(this, src, maskedSrc, prevChar));
            },
          }
        : {}),
      codespan(src) {
        if (src[0] !== "`") return false;
        return scan(src, false, () => Tokenizer.prototype.codespan.call(this, src));
      },
      tag(src) {
        // Only comments, declarations, CDATA and processing instructions can scan to the end of the text.
        if (!src.startsWith("<!") && !src.startsWith("<?")) return false;
        return scan(src, false, () => Tokenizer.prototype.tag.call(this, src));
      },
    },
  });

  /**
   * Runs one of marked's inline tokenizers that may scan to the end of the paragraph looking for its closing
   * delimiter, within the cell's budget. Charged the whole rest up front (nested emphasis recurses inside the call,
   * and must see the charge), then settled at what the call can have cost: its token's length if it matched, the
   * rest of the paragraph if it did not (or 1 if marked rejects it before scanning). Once the budget is spent the
   * delimiter is left to the text tokenizer, so it renders as the literal character.
   */
  function scan<T extends { raw: string }>(src: string, cheap: boolean, tokenize: () => T | undefined): T | undefined {
    if (inlineScanWork > limits.maxInlineScanWork) return undefined;
    inlineScanWork += src.length;
    const token = tokenize();
    inlineScanWork += (token ? token.raw.length : cheap ? 1 : src.length) - src.length;
    return token;
  }

  return marked;
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
  for (let start = 0; start < text.length;) {
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
    // Markers chained on one line nest too: `1. 1. 1. x` is three lists deep, `> - > - x` four blocks.
    let chained = 0;
    if (listItem) {
      const marker = /(?:(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)|>)[ \t]*/y;
      marker.lastIndex = i;
      while (marker.lastIndex < nl && marker.exec(text) !== null) chained++;
    }
    nesting = Math.max(nesting, quotes + chained, listItem ? Math.floor(column / 2) + chained : 0);
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

/**
 * Estimated work of marked's masking pass, which for every backtick run looks for a closing run of the same length
 * up to the end of the paragraph: the distance to the end of its paragraph (text up to a blank line), summed over
 * the runs that may not close. A run counts as closing only if a later run of the same length follows in the same
 * paragraph; runs after a backslash always count as open (the escape shortens them).
 */
function backtickRunWork(text: string): number {
  let work = 0;
  let blockStart = 0;
  let nextBacktick = text.indexOf("`");
  const blank = /\n[ \t]*\n/g;
  while (blockStart < text.length && nextBacktick !== -1) {
    blank.lastIndex = Math.max(blockStart, nextBacktick - 1);
    const found = blank.exec(text);
    const blockEnd = found === null ? text.length : found.index;
    const runs: { start: number; length: number; escaped: boolean }[] = [];
    for (let i = nextBacktick; i !== -1 && i < blockEnd; i = text.indexOf("`", i)) {
      let j = i;
      while (j < blockEnd && text.charCodeAt(j) === 0x60) j++;
      runs.push({ start: i, length: j - i, escaped: i > 0 && text.charCodeAt(i - 1) === 0x5c });
      i = j;
      if (j >= blockEnd) break;
    }
    const closersAfter = new Map<number, number>();
    for (let r = runs.length - 1; r >= 0; r--) {
      const run = runs[r]!;
      if (run.escaped || !closersAfter.get(run.length)) work += blockEnd - run.start;
      if (!run.escaped) closersAfter.set(run.length, (closersAfter.get(run.length) ?? 0) + 1);
    }
    blockStart = found === null ? text.length : found.index + found[0].length;
    // Blocks without a backtick are skipped by jumping to the next one.
    nextBacktick = text.indexOf("`", blockStart);
  }
  return work;
}

/**
 * Estimated work of marked's search for the end of HTML comments, processing instructions and CDATA sections
 * (`<!--` to `-->`, `<?` to `?>`, `<![CDATA[` to `]]>`): for each opener, the distance to its closer or to the end
 * of its paragraph, summed. marked's masking pass repeats that search for every opener (300 KB of `]<!--\t> -`:
 * 1.4 s), outside any tokenizer the budget could reach.
 */
function htmlOpenerWork(text: string): number {
  const paragraphEnds: number[] = [];
  const blank = /\n[ \t]*\n/g;
  for (let found = blank.exec(text); found !== null; found = blank.exec(text)) paragraphEnds.push(found.index);
  paragraphEnds.push(text.length);
  let work = 0;
  for (const [open, close] of [
    ["<!--", "-->"],
    ["<?", "?>"],
    ["<![CDATA[", "]]>"],
  ] as const) {
    let paragraph = 0;
    let closer = -1;
    for (let at = text.indexOf(open); at !== -1; at = text.indexOf(open, at + 1)) {
      while (paragraphEnds[paragraph]! < at) paragraph++;
      if (closer !== Number.MAX_SAFE_INTEGER && closer < at + open.length) {
        const next = text.indexOf(close, at + open.length);
        closer = next === -1 ? Number.MAX_SAFE_INTEGER : next;
      }
      work += Math.min(closer, paragraphEnds[paragraph]!) - at;
    }
  }
  return work;
}

/**
 * Estimated work of GFM's bare URL autolinks: each `http://`, `https://`, `ftp://` or `www.` start is matched up to
 * the next blank or `<`, then trimmed back, so many starts in one long run without blanks is quadratic (200 KB of
 * `-->\[\\(http://`: 1.6 s). The distance from each start to the end of its run, summed.
 */
function urlRunWork(text: string): number {
  const start = /:\/\/|www\./gi;
  const runEnd = /[\s<]/g;
  let end = -1;
  let work = 0;
  for (let found = start.exec(text); found !== null; found = start.exec(text)) {
    if (end !== text.length && end < found.index) {
      runEnd.lastIndex = found.index;
      end = runEnd.exec(text)?.index ?? text.length;
    }
    work += end - found.index;
  }
  return work;
}

/** The text content a heading's inline tokens will have in the DOM, with math marks as their source. */
function plainText(tokens: readonly Token[] | undefined, math: readonly string[]): string {
  if (!tokens) return "";
  let text = "";
  for (const token of tokens) {
    switch (token.type) {
      case "text":
        text +=
          "tokens" in token && token.tokens
            ? plainText(token.tokens, math)
            : restoreMarks(decodeEntities(token.text), math);
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
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
        ? String.fromCodePoint(code)
        : "\ufffd";
    }
    return NAMED_ENTITIES[body] ?? whole;
  });
}

function fallback(source: string): string {
  return `<pre class="${MARKDOWN_FALLBACK_CLASS}">${escapeHtml(source)}</pre>`;
}
