// Math in markdown cells, found the way JupyterLab finds it and typeset with KaTeX.
//
// JupyterLab (packages/rendermime/src/latex.ts) hides math from the markdown parser: it cuts every math span out of
// the source, leaves a numbered `@@N@@` mark in its place, lets marked render the rest, then puts the math back for
// MathJax. The rules below are JupyterLab's, re-implemented here (the facts carry over, the code does not):
//
// - delimiters: `$...$` and `\\(...\\)` inline; `$$...$$`, `\\[...\\]` and `\begin{env}...\end{env}` display. The
//   bracket forms are written with two backslashes in the markdown source because markdown itself eats one: in
//   JupyterLab `\(x\)` renders as the text "(x)", and so it does here.
// - `\$`, `\{` and `\}` are escapes, never delimiters (and `\$` renders as a literal dollar).
// - inside math, braces must balance before the closing delimiter counts; math never crosses a blank line (a new
//   paragraph); if a blank line comes while braces are open, the math ends at the last closing delimiter seen, and
//   the text after it is looked at again.
// - code spans and fenced code blocks are not searched for math (`$foo` and `$bar` in two code spans stay code).
// - text that already looks like a mark (`@@3@@`) is stashed too, so it comes back verbatim.
//
// Where this differs from JupyterLab it is on purpose and written down where it happens: code spans use
// CommonMark's maximal backtick runs, fences may be indented up to three spaces, a closing fence may carry trailing
// blanks, and the paragraph-break re-scan has a budget so hostile input stays linear.
//
// The put-back step is context-aware: a mark in text becomes KaTeX output, a mark inside code, `pre`, raw-text
// elements, foreign content or a tag (an attribute value) becomes the escaped source, which is also what a reader
// sees in JupyterLab there (MathJax skips code and never typesets attributes).

import katex from "katex";
import { RAW_TEXT_ELEMENTS } from "./html-size.ts";
import { moveKatexStyles } from "./math-style.ts";

/** Named limits for math. KaTeX's own limits are what bound the work per expression. */
export interface MathLimits {
  /** Longest TeX source typeset, in UTF-16 code units; longer ones render as source in a `math-error` span. */
  maxTexChars: number;
  /** KaTeX `maxSize`: user-specified sizes (`\rule`, `\kern`, ...) are capped to this many em. */
  maxSize: number;
  /** KaTeX `maxExpand`: most macro expansions per expression (stops `\def\a{\a\a}\a`). */
  maxExpand: number;
  /**
   * Deepest nesting of groups (`{`, `\left`, `\begin`) typeset. KaTeX parses and builds recursively, so a deeper
   * expression would end in a stack overflow whose depth depends on the thread it runs on; refusing it by this
   * count makes the outcome the same everywhere. Macros that nest by expansion are still caught as an error.
   */
  maxGroupDepth: number;
}

export const DEFAULT_MATH_LIMITS: Readonly<MathLimits> = Object.freeze({
  maxTexChars: 20_000,
  maxSize: 25,
  maxExpand: 1000,
  maxGroupDepth: 100,
});

/** Class of the span that shows TeX KaTeX could not typeset (as escaped text). */
export const MATH_ERROR_CLASS = "math-error";

/** The markdown source with math replaced by `@@N@@` marks; `math[N]` is the original text of mark N. */
export interface RemovedMath {
  text: string;
  math: string[];
}

/**
 * Typesets one TeX expression as KaTeX's HTML (drawn with KaTeX's CSS and fonts) plus MathML for assistive
 * technology. MathML alone is not enough in Chromium: MathML Core has no `mathvariant="bold"` (so `\mathbf` would
 * be italic), stretches delimiters only with a system OpenType MATH font (so `vmatrix` bars would stay short) and
 * spaces `align` columns its own way. KaTeX's inline styles leave as `data-math-style` (math-style.ts).
 * Never throws: an error renders the source as escaped text in a `math-error` span, titled with the message.
 *
 * Security: `trust: false` keeps `\href`, `\url`, `\includegraphics` and `\html*` inert (KaTeX renders the command
 * name as red text instead of a link, image, class, id or style). The result still goes through the sanitizer.
 */
export function renderTex(
  tex: string,
  displayMode: boolean,
  limits: Readonly<MathLimits> = DEFAULT_MATH_LIMITS,
): string {
  const result = typeset(tex, displayMode, limits);
  return "html" in result ? result.html : mathErrorSpan(tex, result.error);
}

/**
 * Renders one stashed math text (with its delimiters, as `removeMath` stored it). Marks that were only look-alikes
 * (`@@3@@` written by the author) come back as escaped text. An error shows the whole source, delimiters included,
 * like MathJax does.
 */
export function renderMathSource(source: string, limits: Readonly<MathLimits> = DEFAULT_MATH_LIMITS): string {
  const parts = splitMathDelimiters(source);
  if (parts === null) return escapeHtml(source);
  const result = typeset(parts.tex, parts.displayMode, limits);
  return "html" in result ? result.html : mathErrorSpan(source, result.error);
}

/**
 * How deep the source nests its groups: braces, `\left`...`\right` and `\begin`...`\end`, escaped braces aside.
 * One pass; it stops counting once past `stopAt`.
 */
export function groupDepth(tex: string, stopAt: number): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < tex.length && deepest <= stopAt; i++) {
    const c = tex.charCodeAt(i);
    if (c === 0x5c /* \ */) {
      let end = i + 1;
      while (end < tex.length && /[A-Za-z]/.test(tex.charAt(end))) end++;
      const name = tex.slice(i + 1, end);
      if (name === "left" || name === "begin") deepest = Math.max(deepest, ++depth);
      else if ((name === "right" || name === "end") && depth > 0) depth--;
      // `\{`, `\}` and `\\`: one escaped character.
      i = end > i + 1 ? end - 1 : i + 1;
    } else if (c === 0x7b /* { */) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d /* } */ && depth > 0) depth--;
  }
  return deepest;
}

function typeset(
  tex: string,
  displayMode: boolean,
  limits: Readonly<MathLimits>,
): { html: string } | { error: string } {
  if (tex.length > limits.maxTexChars) {
    return { error: `TeX longer than ${limits.maxTexChars} characters is not typeset` };
  }
  if (groupDepth(tex, limits.maxGroupDepth) > limits.maxGroupDepth) {
    return { error: `TeX nested deeper than ${limits.maxGroupDepth} groups is not typeset` };
  }
  try {
    const html = katex.renderToString(tex, {
      displayMode,
      // HTML for the eye, MathML (hidden from view by KaTeX's CSS) for screen readers, as in JupyterLab's MathJax.
      output: "htmlAndMathml",
      trust: false,
      // KaTeX's throwOnError: false would draw its own error span with an inline `style` (which the sanitizer
      // strips). We let it throw and draw ours, so every failure (ParseError or anything else) looks the same.
      throwOnError: true,
      strict: "ignore",
      maxSize: limits.maxSize,
      maxExpand: limits.maxExpand,
      // A fresh table each call: `\gdef` in one expression must not leak into the next cell or notebook.
      macros: {},
    });
    return { html: moveKatexStyles(html) };
  } catch (error) {
    // RangeError (deep nesting) lands here too.
    const message = error instanceof Error ? error.message : String(error);
    // Notebooks often wrap a display environment in inline delimiters (`$\begin{align}...\end{align}$`), which
    // MathJax accepts; KaTeX only takes `align`, `equation`, `gather`... in display mode, so give it that.
    if (!displayMode && /can be used only in display mode/.test(message)) return typeset(tex, true, limits);
    // KaTeX has no `eqnarray`, which older notebooks use a lot; MathJax typesets it as a right-centre-left array.
    if (/No such environment: eqnarray/.test(message)) {
      const array = tex.replace(/\\(begin|end)\{eqnarray\*?\}/g, (_, which: string) =>
        which === "begin" ? "\\begin{array}{rcl}" : "\\end{array}",
      );
      if (array !== tex) return typeset(array, true, limits);
    }
    return { error: message };
  }
}

/** The TeX inside one stashed math text and whether it is display math; null if it is not math. */
export function splitMathDelimiters(source: string): { tex: string; displayMode: boolean } | null {
  if (source.startsWith("$$") && source.endsWith("$$") && source.length >= 4) {
    return { tex: source.slice(2, -2), displayMode: true };
  }
  if (source.startsWith("$") && source.endsWith("$") && source.length >= 2) {
    return { tex: source.slice(1, -1), displayMode: false };
  }
  if (source.startsWith("\\\\(") && source.endsWith("\\\\)") && source.length >= 6) {
    return { tex: source.slice(3, -3), displayMode: false };
  }
  if (source.startsWith("\\\\[") && source.endsWith("\\\\]") && source.length >= 6) {
    return { tex: source.slice(3, -3), displayMode: true };
  }
  // Environments go to KaTeX whole: `\begin{align}...\end{align}` is display math by itself.
  if (source.startsWith("\\begin{")) return { tex: source, displayMode: true };
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// removeMath

const MARK_PATTERN = /@@\d+@@/y;

/** Budget for re-scanning text after a brace-unbalanced math span, as a multiple of the text length. */
const RESCAN_BUDGET_FACTOR = 2;

/** Cuts the math out of markdown source. `\r\n` and `\r` become `\n` first, as in JupyterLab. */
export function removeMath(source: string): RemovedMath {
  const text = source.replace(/\r\n?/g, "\n");
  const code = findCodeRanges(text);
  const spans = findMathSpans(text, code);
  const marks = findMarkLookalikes(text);

  // Merge math spans and look-alike marks in order; a look-alike inside a math span is part of the math.
  const out: string[] = [];
  const math: string[] = [];
  let pos = 0;
  let m = 0;
  for (const span of spans) {
    while (m < marks.length && marks[m]!.start < span.start) {
      const mark = marks[m++]!;
      out.push(text.slice(pos, mark.start), `@@${math.length}@@`);
      math.push(text.slice(mark.start, mark.end));
      pos = mark.end;
    }
    while (m < marks.length && marks[m]!.start < span.end) m++;
    out.push(text.slice(pos, span.start), `@@${math.length}@@`);
    math.push(text.slice(span.start, span.end));
    pos = span.end;
  }
  for (; m < marks.length; m++) {
    const mark = marks[m]!;
    out.push(text.slice(pos, mark.start), `@@${math.length}@@`);
    math.push(text.slice(mark.start, mark.end));
    pos = mark.end;
  }
  out.push(text.slice(pos));
  return { text: out.join(""), math };
}

interface Range {
  start: number;
  end: number;
  /** A fenced block ends any paragraph (and so any math) around it; a code span does not. */
  block: boolean;
}

function findMarkLookalikes(text: string): Range[] {
  const marks: Range[] = [];
  let at = text.indexOf("@@");
  while (at !== -1) {
    MARK_PATTERN.lastIndex = at;
    if (MARK_PATTERN.test(text)) {
      marks.push({ start: at, end: MARK_PATTERN.lastIndex, block: false });
      at = text.indexOf("@@", MARK_PATTERN.lastIndex);
    } else {
      at = text.indexOf("@@", at + 1);
    }
  }
  return marks;
}

/**
 * Fenced code blocks and (single-line, as in JupyterLab) code spans, sorted and disjoint. Linear: fences are found
 * with a per-character suffix maximum of closing-fence lengths (an opener with no possible closer is skipped in
 * O(1)), and code spans by pairing each backtick run with the next run of the same length.
 */
function findCodeRanges(text: string): Range[] {
  const ranges: Range[] = [];
  if (!text.includes("`") && !text.includes("~~~")) return ranges;

  const lines: { start: number; end: number }[] = [];
  for (let start = 0; start <= text.length;) {
    const nl = text.indexOf("\n", start);
    const end = nl === -1 ? text.length : nl;
    lines.push({ start, end });
    if (nl === -1) break;
    start = nl + 1;
  }

  // Closing-fence candidates: up to three spaces, a run of one fence character, nothing but blanks after.
  const closer: { char: string; length: number }[] = lines.map(({ start, end }) => {
    const match = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(text.slice(start, end));
    return match ? { char: match[1]![0]!, length: match[1]!.length } : { char: "", length: 0 };
  });
  const longestBacktickAfter = new Int32Array(lines.length + 1);
  const longestTildeAfter = new Int32Array(lines.length + 1);
  for (let i = lines.length - 1; i >= 0; i--) {
    const c = closer[i]!;
    longestBacktickAfter[i] = Math.max(longestBacktickAfter[i + 1]!, c.char === "`" ? c.length : 0);
    longestTildeAfter[i] = Math.max(longestTildeAfter[i + 1]!, c.char === "~" ? c.length : 0);
  }

  let nextBacktick = text.indexOf("`");
  for (let i = 0; i < lines.length; i++) {
    const { start, end } = lines[i]!;
    const opener = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(text.slice(start, end));
    // A backtick fence's info string cannot contain a backtick (CommonMark), else the line is inline code.
    if (opener && !(opener[1]![0] === "`" && opener[2]!.includes("`"))) {
      const char = opener[1]![0]!;
      const length = opener[1]!.length;
      const reachable = (char === "`" ? longestBacktickAfter : longestTildeAfter)[i + 1]! >= length;
      if (reachable) {
        let j = i + 1;
        while (!(closer[j]!.char === char && closer[j]!.length >= length)) j++;
        ranges.push({ start, end: lines[j]!.end, block: true });
        i = j;
        continue;
      }
      // JupyterLab protects only closed fences; an unclosed one is searched like ordinary text.
    }
    // The next backtick is looked up once and reused by the lines before it, so lines without any cost nothing.
    if (nextBacktick !== -1 && nextBacktick < start) nextBacktick = text.indexOf("`", start);
    if (nextBacktick === -1) continue;
    if (nextBacktick < end) findCodeSpansInLine(text, nextBacktick, end, ranges);
  }
  return ranges;
}

function findCodeSpansInLine(text: string, start: number, end: number, ranges: Range[]): void {
  const runs: { start: number; length: number; escaped: boolean }[] = [];
  for (let i = text.indexOf("`", start); i !== -1 && i < end; i = text.indexOf("`", i)) {
    let j = i;
    while (j < end && text.charCodeAt(j) === 0x60) j++;
    runs.push({ start: i, length: j - i, escaped: i > 0 && text.charCodeAt(i - 1) === 0x5c });
    i = j;
  }
  if (runs.length < 2) return;
  const nextSameLength = new Int32Array(runs.length).fill(-1);
  const lastSeen = new Map<number, number>();
  for (let r = runs.length - 1; r >= 0; r--) {
    const length = runs[r]!.length;
    nextSameLength[r] = lastSeen.get(length) ?? -1;
    lastSeen.set(length, r);
  }
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r]!;
    // As in JupyterLab, a run right after a backslash does not open a span (it may still close one).
    if (run.escaped) continue;
    const close = nextSameLength[r]!;
    if (close === -1) continue;
    const closing = runs[close]!;
    ranges.push({ start: run.start, end: closing.start + closing.length, block: false });
    r = close;
  }
}

type MathToken =
  | { kind: "dollar"; text: "$" | "$$"; start: number; end: number }
  | { kind: "open"; close: string; start: number; end: number }
  | { kind: "close"; text: string; start: number; end: number }
  | { kind: "brace"; open: boolean; start: number; end: number }
  | { kind: "break"; start: number; end: number }
  | { kind: "newline"; start: number; end: number };

/**
 * A scanner over the delimiters JupyterLab's MATHSPLIT recognises, skipping code. Characters are tried left to
 * right, so `\\$` is a backslash then the escape `\$` (as in JupyterLab), and `$$$` is `$$` then `$`.
 */
class MathScanner {
  readonly text: string;
  readonly code: readonly Range[];
  pos = 0;
  private codeIndex = 0;

  constructor(text: string, code: readonly Range[]) {
    this.text = text;
    this.code = code;
  }

  /** Moves back (or forward) to `pos`, re-finding the next code range by binary search. */
  seek(pos: number): void {
    this.pos = pos;
    let lo = 0;
    let hi = this.code.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.code[mid]!.end <= pos) lo = mid + 1;
      else hi = mid;
    }
    this.codeIndex = lo;
  }

  next(): MathToken | null {
    const { text } = this;
    while (this.pos < text.length) {
      const code = this.code[this.codeIndex];
      if (code !== undefined && this.pos >= code.start) {
        this.pos = code.end;
        this.codeIndex++;
        if (code.block) return { kind: "break", start: code.start, end: code.end };
        continue;
      }
      const limit = code === undefined ? text.length : code.start;
      const at = this.pos;
      const c = text.charCodeAt(at);
      if (c === 0x24 /* $ */) {
        const double = at + 1 < limit && text.charCodeAt(at + 1) === 0x24;
        this.pos = at + (double ? 2 : 1);
        return { kind: "dollar", text: double ? "$$" : "$", start: at, end: this.pos };
      }
      if (c === 0x7b /* { */ || c === 0x7d /* } */) {
        this.pos = at + 1;
        return { kind: "brace", open: c === 0x7b, start: at, end: at + 1 };
      }
      if (c === 0x0a /* \n */) {
        // A run of line breaks and the blanks between them; two line breaks in it make a paragraph break.
        let end = at + 1;
        let breaks = 1;
        while (end < limit && /\s/.test(text[end]!)) {
          if (text.charCodeAt(end) === 0x0a) breaks++;
          end++;
        }
        this.pos = end;
        return { kind: breaks >= 2 ? "break" : "newline", start: at, end };
      }
      if (c === 0x5c /* \ */) {
        const d = text.charCodeAt(at + 1);
        if (at + 1 < limit && (d === 0x24 || d === 0x7b || d === 0x7d)) {
          this.pos = at + 2; // \$ \{ \}: escapes, never delimiters or braces
          continue;
        }
        if (d === 0x5c && at + 2 < limit) {
          const e = text[at + 2];
          if (e === "(" || e === "[") {
            this.pos = at + 3;
            return { kind: "open", close: e === "(" ? "\\\\)" : "\\\\]", start: at, end: at + 3 };
          }
          if (e === ")" || e === "]") {
            this.pos = at + 3;
            return { kind: "close", text: `\\\\${e}`, start: at, end: at + 3 };
          }
        }
        const env = matchEnvironment(text, at, limit);
        if (env !== null) {
          this.pos = env.end;
          return env.begin
            ? { kind: "open", close: `\\end{${env.name}}`, start: at, end: env.end }
            : { kind: "close", text: `\\end{${env.name}}`, start: at, end: env.end };
        }
      }
      this.pos = at + 1;
    }
    return null;
  }
}

/** `\begin{name}` or `\end{name}` at `at`, name letters only with an optional trailing `*` (as JupyterLab). */
function matchEnvironment(
  text: string,
  at: number,
  limit: number,
): { begin: boolean; name: string; end: number } | null {
  let begin: boolean;
  let i: number;
  if (text.startsWith("\\begin{", at)) {
    begin = true;
    i = at + 7;
  } else if (text.startsWith("\\end{", at)) {
    begin = false;
    i = at + 5;
  } else {
    return null;
  }
  const nameStart = i;
  while (i < limit && /[A-Za-z]/.test(text[i]!)) i++;
  if (i < limit && text[i] === "*") i++;
  if (i >= limit || text[i] !== "}") return null;
  return { begin, name: text.slice(nameStart, i), end: i + 1 };
}

/** The math spans of `text`, in order, by JupyterLab's state machine (see the top of this file). */
function findMathSpans(text: string, code: readonly Range[]): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  const scanner = new MathScanner(text, code);
  let rescanBudget = RESCAN_BUDGET_FACTOR * text.length;

  let start: number | null = null; // where the open math began
  let close = ""; // the closing delimiter it waits for
  let braces = 0;
  let lastClose: number | null = null; // end of the last closing delimiter seen while braces were open

  for (let token = scanner.next(); token !== null; token = scanner.next()) {
    if (start === null) {
      if (token.kind === "dollar") {
        start = token.start;
        close = token.text;
        braces = 0;
      } else if (token.kind === "open") {
        start = token.start;
        close = token.close;
        braces = 0;
      }
      continue;
    }
    const closes = (token.kind === "dollar" || token.kind === "close") && token.text === close;
    if (closes) {
      if (braces > 0) {
        lastClose = token.end;
      } else {
        spans.push({ start, end: token.end });
        start = null;
        lastClose = null;
      }
    } else if (token.kind === "break") {
      if (lastClose !== null) {
        spans.push({ start, end: lastClose });
        // JupyterLab looks at the text after the math again; budgeted, so nested cases cannot go quadratic.
        const rescan = token.start - lastClose;
        if (rescan <= rescanBudget) {
          rescanBudget -= rescan;
          scanner.seek(lastClose);
        }
      }
      start = null;
      lastClose = null;
      braces = 0;
    } else if (token.kind === "brace") {
      if (token.open) braces++;
      else if (braces > 0) braces--;
    }
  }
  if (start !== null && lastClose !== null) spans.push({ start, end: lastClose });
  return spans;
}

// ---------------------------------------------------------------------------------------------------------------
// replaceMath

/** Elements whose content MathJax never typesets, plus foreign content (KaTeX markup would break out of it). */
const NO_TYPESET_ELEMENTS: ReadonlySet<string> = new Set([
  "code",
  "pre",
  "annotation",
  "annotation-xml",
  "math",
  "svg",
]);

/**
 * Puts the math back into the HTML marked produced. A mark in text becomes `render(source)` (KaTeX by default);
 * anywhere else (inside a tag, a comment, code, `pre`, raw-text elements, `math`/`svg`) it becomes the escaped
 * source. One linear pass that follows the HTML tokenizer's states closely enough to know where it is; it is not a
 * security boundary (the sanitizer is), it only keeps typeset math out of places it does not belong.
 */
export function replaceMath(
  html: string,
  math: readonly string[],
  render: (source: string) => string = (source) => renderMathSource(source),
): string {
  if (math.length === 0 || !html.includes("@@")) return html;
  const out: string[] = [];
  let pos = 0; // start of text not yet copied
  let i = 0;
  let noTypesetDepth = 0;

  const mark = (at: number): { index: number; end: number } | null => {
    MARK_PATTERN.lastIndex = at;
    if (!MARK_PATTERN.test(html)) return null;
    const end = MARK_PATTERN.lastIndex;
    const index = Number(html.slice(at + 2, end - 2));
    return index < math.length ? { index, end } : null;
  };
  // The next "@@" at or after a position, looked up once and reused until passed: searching afresh for every tag
  // would rescan the rest of the document each time.
  let nextAt = -2;
  const findAt = (from: number): number => {
    if (nextAt !== -1 && nextAt < from) nextAt = html.indexOf("@@", from);
    return nextAt;
  };
  /** Copies html[pos, end) with every mark in it replaced by its escaped source. */
  const copyLiteral = (end: number): void => {
    let at = findAt(pos);
    while (at !== -1 && at < end) {
      const found = mark(at);
      if (found !== null && found.end <= end) {
        out.push(html.slice(pos, at), escapeHtml(math[found.index]!));
        pos = found.end;
        at = findAt(pos);
      } else {
        at = findAt(at + 1);
      }
    }
    out.push(html.slice(pos, end));
    pos = end;
  };

  while (i < html.length) {
    const c = html.charCodeAt(i);
    if (c === 0x40 /* @ */ && noTypesetDepth === 0) {
      const found = mark(i);
      if (found !== null) {
        out.push(html.slice(pos, i), render(math[found.index]!));
        pos = i = found.end;
        continue;
      }
      i++;
      continue;
    }
    if (c !== 0x3c /* < */) {
      i++;
      continue;
    }
    // Text before the tag: marks in it are literal when inside code and the like.
    if (noTypesetDepth > 0) copyLiteral(i);
    else {
      out.push(html.slice(pos, i));
      pos = i;
    }
    if (html.startsWith("<!--", i)) {
      const close = html.indexOf("-->", i + 4);
      const end = close === -1 ? html.length : close + 3;
      copyLiteral(end);
      i = end;
      continue;
    }
    const next = html[i + 1] ?? "";
    if (next === "!" || next === "?") {
      const close = html.indexOf(">", i);
      const end = close === -1 ? html.length : close + 1;
      copyLiteral(end);
      i = end;
      continue;
    }
    const isEnd = next === "/";
    const nameStart = i + (isEnd ? 2 : 1);
    if (!/[A-Za-z]/.test(html[nameStart] ?? "")) {
      i++; // a lone "<" is text
      continue;
    }
    let j = nameStart;
    while (j < html.length && !/[\s/>]/.test(html[j]!)) j++;
    const name = html.slice(nameStart, j).toLowerCase();
    const tagEnd = findTagEnd(html, j);
    // The HTML parser honours `/>` only on foreign elements; `<code/>` opens a code element.
    const selfClosing = html.charCodeAt(tagEnd - 2) === 0x2f && (name === "math" || name === "svg");
    copyLiteral(tagEnd);
    i = tagEnd;
    if (isEnd) {
      if (NO_TYPESET_ELEMENTS.has(name) && noTypesetDepth > 0) noTypesetDepth--;
      continue;
    }
    if (RAW_TEXT_ELEMENTS.has(name)) {
      const closing = new RegExp(`</${name}[\\s/>]`, "ig");
      closing.lastIndex = i;
      const found = name === "plaintext" ? null : closing.exec(html);
      const end = found === null ? html.length : found.index;
      copyLiteral(end);
      i = end;
      continue;
    }
    if (NO_TYPESET_ELEMENTS.has(name) && !selfClosing) noTypesetDepth++;
  }
  if (noTypesetDepth > 0) copyLiteral(html.length);
  else out.push(html.slice(pos));
  return out.join("");
}

/** Index just past the `>` that ends the tag whose attributes start at `from` (quotes respected), or the end. */
function findTagEnd(html: string, from: number): number {
  let i = from;
  while (i < html.length) {
    const c = html[i]!;
    if (c === ">") return i + 1;
    if (c === "=") {
      i++;
      while (i < html.length && /\s/.test(html[i]!)) i++;
      const quote = html[i];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, i + 1);
        if (close === -1) return html.length;
        i = close + 1;
        continue;
      }
      continue;
    }
    i++;
  }
  return html.length;
}

// ---------------------------------------------------------------------------------------------------------------

function mathErrorSpan(source: string, message: string): string {
  return `<span class="${MATH_ERROR_CLASS}" title="${escapeHtml(message)}">${escapeHtml(source)}</span>`;
}

/** Escapes text for HTML text and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
