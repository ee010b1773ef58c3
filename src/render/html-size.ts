// Cheap, linear estimates of how much work a piece of HTML will be for a parser: used by the markdown renderer and
// the sanitizer to refuse input that would take too long, never as a security check. Kept apart from both so the
// sanitizer (which also runs in the browser) does not load marked and KaTeX.

/** Occurrences of `char` in `text`. */
export function countOf(text: string, char: string): number {
  let count = 0;
  for (let at = text.indexOf(char); at !== -1; at = text.indexOf(char, at + 1)) count++;
  return count;
}

/** Void elements: never opened, so they add no depth. */
const VOID_ELEMENTS: ReadonlySet<string> = new Set([
  "area",
  "base",
  "basefont",
  "bgsound",
  "br",
  "col",
  "embed",
  "frame",
  "hr",
  "image",
  "img",
  "input",
  "keygen",
  "link",
  "meta",
  "param",
  "source",
  "track",
  "wbr",
]);

/** Elements a sibling closes implicitly (`<li>a<li>b` is flat); their containers (`ul`, `table`) count instead. */
const IMPLICITLY_CLOSED: ReadonlySet<string> = new Set([
  "p",
  "li",
  "dt",
  "dd",
  "tr",
  "td",
  "th",
  "thead",
  "tbody",
  "tfoot",
  "option",
  "optgroup",
  "rb",
  "rt",
  "rtc",
  "rp",
  "colgroup",
  "caption",
  "html",
  "head",
  "body",
]);

/** Elements the HTML parser reads as raw text or RCDATA: their content is text until the matching end tag. */
export const RAW_TEXT_ELEMENTS: ReadonlySet<string> = new Set([
  "script",
  "style",
  "xmp",
  "iframe",
  "noembed",
  "noframes",
  "noscript",
  "textarea",
  "title",
  "plaintext",
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
    if (RAW_TEXT_ELEMENTS.has(name)) {
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
