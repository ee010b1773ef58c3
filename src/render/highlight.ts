// Syntax highlighting as plain data. highlight.js does the tokenizing (classes only, never inline styles);
// its HTML result is then read back by a strict reader that accepts exactly what highlight.js emits (class
// spans and escaped text) and nothing else, so the DOM is built from text runs, never by parsing markup.
import hljs from "highlight.js/lib/core";
import type { LanguageFn } from "highlight.js";
import bash from "highlight.js/lib/languages/bash";
import cpp from "highlight.js/lib/languages/cpp";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import julia from "highlight.js/lib/languages/julia";
import markdown from "highlight.js/lib/languages/markdown";
import python from "highlight.js/lib/languages/python";
import r from "highlight.js/lib/languages/r";
import scala from "highlight.js/lib/languages/scala";
import sql from "highlight.js/lib/languages/sql";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";
import type { TextRun } from "./terminal.ts";

const LANGUAGES: Record<string, LanguageFn> = {
  bash,
  cpp,
  javascript,
  json,
  julia,
  markdown,
  python,
  r,
  scala,
  sql,
  typescript,
  xml,
  yaml,
};
// Each language is registered when a notebook first names it: registering runs its definition, and a page that
// loads all thirteen up front spends the time before its first notebook is drawn. A language that embeds others
// (its grammar's subLanguage: HTML in markdown and in JSX, script in HTML) brings those in with it.
const EMBEDDED: Record<string, readonly string[]> = {
  markdown: ["xml"],
  javascript: ["xml"],
  typescript: ["xml"],
  xml: ["javascript"],
};
const registered = new Set<string>();
function register(name: string): void {
  if (registered.has(name)) return;
  const language = LANGUAGES[name];
  if (!language) return;
  registered.add(name);
  hljs.registerLanguage(name, language);
  for (const other of EMBEDDED[name] ?? []) register(other);
}

const ALIASES: Record<string, string> = {
  ipython: "python",
  ipython3: "python",
  python3: "python",
  py: "python",
  sh: "bash",
  shell: "bash",
  zsh: "bash",
  js: "javascript",
  ts: "typescript",
  html: "xml",
  c: "cpp",
  "c++": "cpp",
  jl: "julia",
  yml: "yaml",
  md: "markdown",
};

/** Longest source highlighted; longer cells are shown as plain text rather than slow the page. */
export const MAX_HIGHLIGHT_CHARS = 200_000;

export function resolveLanguage(language: string): string | undefined {
  const key = language.toLowerCase();
  const name = ALIASES[key] ?? key;
  if (!Object.hasOwn(LANGUAGES, name)) return undefined;
  register(name);
  return hljs.getLanguage(name) ? name : undefined;
}

const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#x27;": "'",
  "&#39;": "'",
};
const TOKEN_RE = /<span class="([a-z0-9_ -]+)">|<\/span>|&(?:amp|lt|gt|quot|#x27|#39);|[^<&]+/gy;

/**
 * Deepest nesting of highlight.js's spans read back into runs; deeper output is shown as plain text. Each run
 * carries the classes of every span around it, so nesting as deep as the source is long (nested f-strings, each a
 * span within the last) made output quadratic in the source: gigabytes for a 300 KB notebook.
 */
export const MAX_HIGHLIGHT_DEPTH = 64;
/** Classes a run carries before repeats of its outer spans' classes are left out. */
export const MAX_HIGHLIGHT_CLASSES = 8;

/** Reads highlight.js output back into runs; undefined if it contains anything else or nests too deep. */
function runsFromHighlightHtml(html: string): TextRun[] | undefined {
  const runs: TextRun[] = [];
  const stack: { classes: string[]; key: string }[] = [];
  let classes: string[] = [];
  let key = "";
  let lastKey = "";
  TOKEN_RE.lastIndex = 0;
  while (TOKEN_RE.lastIndex < html.length) {
    const start = TOKEN_RE.lastIndex;
    const m = TOKEN_RE.exec(html);
    if (!m || m.index !== start) return undefined;
    const token = m[0];
    if (m[1] !== undefined) {
      if (stack.length >= MAX_HIGHLIGHT_DEPTH) return undefined;
      stack.push({ classes, key });
      const named = m[1]
        .split(" ")
        .filter((c) => /^hljs-[a-z0-9_-]+$|^[a-z]+_$/.test(c))
        .map((c) => (c.startsWith("hljs-") ? c : `hljs-${c}`));
      // Past MAX_HIGHLIGHT_CLASSES, a class an outer span already gave is not repeated: a string in a string (an
      // f-string's field) would otherwise write its classes once per level, in every run inside.
      const inner =
        classes.length + named.length > MAX_HIGHLIGHT_CLASSES
          ? named.filter((c, i) => !classes.includes(c) && named.indexOf(c) === i)
          : named;
      if (inner.length > 0) {
        classes = [...classes, ...inner];
        key = classes.join(" ");
      }
      continue;
    }
    if (token === "</span>") {
      const previous = stack.pop();
      if (!previous) return undefined;
      ({ classes, key } = previous);
      continue;
    }
    const text = token.startsWith("&") ? ENTITIES[token]! : token;
    const last = runs[runs.length - 1];
    if (last && lastKey === key) last.text += text;
    else {
      runs.push({ text, classes });
      lastKey = key;
    }
  }
  return stack.length === 0 ? runs : undefined;
}

export function highlightCode(source: string, language: string): TextRun[] {
  const plain = source.length ? [{ text: source, classes: [] }] : [];
  const name = resolveLanguage(language);
  if (!name || source.length > MAX_HIGHLIGHT_CHARS) return plain;
  try {
    const result = hljs.highlight(source, { language: name, ignoreIllegals: true });
    const runs = runsFromHighlightHtml(result.value);
    if (!runs || runs.map((r) => r.text).join("") !== source) return plain;
    return runs;
  } catch {
    return plain;
  }
}

/**
 * Sources highlighted already, by their text, for one language: a notebook head carries its code cells' runs
 * (render/notebook-head.ts), made by the server with this same function, so a page draws the first screen without
 * compiling a grammar and highlighting, a noticeable part of a new page's first screen.
 */
export interface Highlighted {
  language: string;
  bySource: ReadonlyMap<string, TextRun[]>;
}

/**
 * A class highlight.js writes: its scopes ("hljs-title", "hljs-function_") and an embedded language's
 * ("language-xml"). Nothing else, so runs from elsewhere cannot give a span one of the studio's own classes.
 */
const HIGHLIGHT_CLASS = /^(?:hljs|language)-[a-z0-9_-]+$/;

/**
 * Runs as highlightCode would make them, checked to be only that: their texts join into `source` exactly, and
 * each class is one highlight.js could have written. Undefined when they are anything else.
 */
export function checkedRuns(value: unknown, source: string): TextRun[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const runs: TextRun[] = [];
  let at = 0;
  for (const item of value as unknown[]) {
    if (!Array.isArray(item) || item.length !== 2) return undefined;
    const [text, classNames] = item as unknown[];
    if (typeof text !== "string" || typeof classNames !== "string" || !source.startsWith(text, at)) return undefined;
    const classes = classNames === "" ? [] : classNames.split(" ");
    if (!classes.every((c) => HIGHLIGHT_CLASS.test(c))) return undefined;
    runs.push({ text, classes });
    at += text.length;
  }
  return at === source.length ? runs : undefined;
}

/** Runs in the compact form a head sends: [text, classes joined by spaces]. */
export function compactRuns(runs: readonly TextRun[]): [string, string][] {
  return runs.map((r) => [r.text, r.classes.join(" ")]);
}
