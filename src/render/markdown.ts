// Markdown cells to HTML, as JupyterLab renders them: marked with GitHub-flavoured markdown (tables, strikethrough,
// task lists, autolinks) and `breaks: false`, math cut out before marked and put back after (typeset with KaTeX),
// and heading ids made the way JupyterLab makes them, so in-page links like `[see](#Some-Heading)` work.
//
// The HTML returned here is NOT safe: raw HTML in the cell passes through untouched. It must go through
// `src/render/sanitize.ts` before it reaches a document (the sanitizer also prefixes ids with `user-content-` and
// rewrites `#fragment` links to match).
//
// Hostile input: marked is not linear everywhere. What each costly pattern is, and the budget that bounds it, is in
// markdown-budget.ts; past a budget a cell renders as its source in `<pre class="markdown-fallback">`.

import { countOf, htmlNestingDepth } from "./html-size.ts";
import {
  cheapRejection,
  DEFAULT_MARKDOWN_LIMITS,
  exceedsParseBudget,
  InlineScanBudget,
  type MarkdownLimits,
} from "./markdown-budget.ts";
import { Marked, Tokenizer, type Token } from "marked";
import { escapeHtml, removeMath, renderMathSource, replaceMath, splitMathDelimiters } from "./math.ts";

export { DEFAULT_MARKDOWN_LIMITS, type MarkdownLimits } from "./markdown-budget.ts";

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
  if (exceedsParseBudget(text, limits)) return fallback(source);

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
    // the input (typeset math is 30-100 times larger than its TeX).
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
  const budget = new InlineScanBudget(limits.maxInlineScanWork);
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

  function scan<T extends { raw: string }>(src: string, cheap: boolean, tokenize: () => T | undefined): T | undefined {
    return budget.scan(src, cheap, tokenize);
  }

  return marked;
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
