// The work budget of one markdown cell. marked is mostly linear, but not everywhere, and a notebook is written by
// whoever sent it. Each costly pattern below is bounded before or while marked parses; once a budget is spent the
// cell (or one delimiter in it) renders as plain text instead, so a hostile cell costs a bounded time.
// - Closing delimiters: each `*`/`_`/`~` opener, backtick run or `<!--` that never closes scans the rest of the
//   paragraph, so `a(*a(*a(*...`, `a \`\`\`...` and `a<!--a<!--...` are quadratic. Bounded by a work budget on those
//   tokenizers (InlineScanBudget); once it is spent, further delimiters in the cell render as literal characters.
//   marked also masks code spans before tokenizing, with the same unbounded search per backtick run and per
//   unclosed `<!--`, and GFM's bare URLs extend to the next blank for every `http://` or `www.` start; those are
//   estimated before parsing (backtickRunWork, htmlOpenerWork, urlRunWork) and fall back like the next case.
// - GFM e-mail autolinks and the text scanner look ahead over runs of e-mail-ish characters for an `@`, once per
//   text token, so a long run without blanks that is full of token stops (`_a_a_a...`, `!!!!...`, and any run of
//   `*` once emphasis is off) is quadratic. Bounded by an estimate of that work made before parsing (textRunWork).
// - Nesting: deep lists and quotes cost marked depth times size, and deep quotes or emphasis overflow its
//   recursion. A nesting check on the source falls back first (blockCosts); an overflow is caught too.
// - List items: a paragraph inside a list item is re-read for each of its lines: lines times characters
//   (blockCosts).
// - The source has a size cap; the linear cases (`[`, backticks, `<`, `$`, tables, lists, data URLs) need no more.
// - The output is bounded too (tags, nesting, typeset math), because sanitizing and building DOM cost per node,
//   and KaTeX output is 10-30 times the size of its TeX.
// The defaults hold the worst pattern of each kind to a fraction of a second on the project's benchmark machine,
// while real notebooks use a small part of each budget.

import { DEFAULT_MATH_LIMITS, type MathLimits } from "./math.ts";

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
   * back to preformatted text. Building a DOM costs per node times its depth in jsdom.
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
  // Ordinary text uses a tiny fraction of each work budget below.
  maxInlineScanWork: 5_000_000,
  // A 1 MB base64 image (no `_`, `*`, `!`) costs nothing here.
  maxTextRunWork: 50_000_000,
  // A 100 KB paragraph may hold a thousand stray backticks.
  maxBacktickRunWork: 100_000_000,
  // A closed comment costs its own length.
  maxHtmlOpenerWork: 300_000_000,
  // A paragraph of ordinary links costs each link's length.
  maxUrlRunWork: 50_000_000,
  maxMathExpressions: 1_000,
  maxMathChars: 100_000,
  // About 4 500 rows of a 10-column table; well under the sanitizer's own cap.
  maxOutputTags: 100_000,
  // Half the sanitizer's cap (512, Chromium's own parser nesting limit), leaving room for the page around it.
  maxOutputDepth: 256,
  // Real notebooks nest lists and quotes a handful of levels.
  maxBlockNesting: 100,
  // A list of 1 000 items with 5-line, 400-character paragraphs uses 2 % of it.
  maxListParagraphWork: 100_000_000,
  math: DEFAULT_MATH_LIMITS,
});

/** Whether the estimates made before parsing say that marked would take too long over this text. */
export function exceedsParseBudget(text: string, limits: Readonly<MarkdownLimits>): boolean {
  const block = blockCosts(text);
  return (
    textRunWork(text) > limits.maxTextRunWork ||
    backtickRunWork(text) > limits.maxBacktickRunWork ||
    htmlOpenerWork(text) > limits.maxHtmlOpenerWork ||
    urlRunWork(text) > limits.maxUrlRunWork ||
    block.nesting > limits.maxBlockNesting ||
    block.listParagraphWork > limits.maxListParagraphWork
  );
}

/** The work marked's inline tokenizers that look ahead for a closing delimiter may do in one cell. */
export class InlineScanBudget {
  #work = 0;
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /**
   * Runs one of marked's inline tokenizers that may scan to the end of the paragraph looking for its closing
   * delimiter, within the cell's budget. Charged the whole rest up front (nested emphasis recurses inside the call,
   * and must see the charge), then settled at what the call can have cost: its token's length if it matched, the
   * rest of the paragraph if it did not (or 1 if marked rejects it before scanning). Once the budget is spent the
   * delimiter is left to the text tokenizer, so it renders as the literal character.
   */
  scan<T extends { raw: string }>(src: string, cheap: boolean, tokenize: () => T | undefined): T | undefined {
    if (this.#work > this.#max) return undefined;
    this.#work += src.length;
    const token = tokenize();
    this.#work += (token ? token.raw.length : cheap ? 1 : src.length) - src.length;
    return token;
  }
}

/**
 * Whether marked's emphasis tokenizer rejects this delimiter before scanning ahead: a run followed by a blank or the
 * end cannot open, nor can `_` inside a word (`snake_case`).
 */
export function cheapRejection(src: string, prevChar: string): boolean {
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
 *   and C characters inside a list item costs about L times C. Summed over items; a
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
 * of its paragraph, summed. marked's masking pass repeats that search for every opener, outside any tokenizer the budget could reach.
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
 * the next blank or `<`, then trimmed back, so many starts in one long run without blanks is quadratic. The
 * distance from each start to the end of its run, summed.
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
