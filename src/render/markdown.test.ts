import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";
import { marked } from "marked";
import { htmlNestingDepth } from "./html-size.ts";
import { MARKDOWN_FALLBACK_CLASS, headingId, renderMarkdown } from "./markdown.ts";
import { MATH_ERROR_CLASS } from "./math.ts";
import { createSanitizer, type SanitizeContext } from "./sanitize.ts";
import { checkUrl } from "../urls/check-url.ts";

const { window } = new JSDOM("<!DOCTYPE html><body></body>");
const sanitizer = createSanitizer(window);

/** The real pipeline: markdown, then the sanitizer, then assertions on the resulting DOM. */
function render(markdown: string, context?: SanitizeContext): DocumentFragment {
  return sanitizer.sanitizeToFragment(renderMarkdown(markdown), context);
}

const PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

test("GFM tables keep their column alignment", () => {
  const doc = render("| left | centre | right |\n|:-----|:------:|------:|\n| a | *b* | `c` |\n| 1 | 2 | 3 |");
  const headers = Array.from(doc.querySelectorAll("table > thead > tr > th"), (th) => [
    th.textContent,
    th.getAttribute("align"),
  ]);
  assert.deepEqual(headers, [
    ["left", "left"],
    ["centre", "center"],
    ["right", "right"],
  ]);
  assert.equal(doc.querySelectorAll("table > tbody > tr").length, 2);
  assert.equal(doc.querySelector("tbody td[align=center] > em")?.textContent, "b");
  assert.equal(doc.querySelector("tbody td[align=right] > code")?.textContent, "c");
});

test("strikethrough, task lists and autolinks", () => {
  const doc = render(
    "~~gone~~\n\n- [x] done\n- [ ] todo\n\nSee https://example.org/a_b and www.example.com or <me@example.org>.",
  );
  assert.equal(doc.querySelector("del")?.textContent, "gone");
  const boxes = Array.from(doc.querySelectorAll("li > input"));
  assert.equal(boxes.length, 2);
  assert.deepEqual(
    boxes.map((b) => [b.getAttribute("type"), b.hasAttribute("disabled"), b.hasAttribute("checked")]),
    [
      ["checkbox", true, true],
      ["checkbox", true, false],
    ],
  );
  const links = Array.from(doc.querySelectorAll("a"), (a) => [a.textContent, a.getAttribute("href")]);
  assert.deepEqual(links, [
    ["https://example.org/a_b", "https://example.org/a_b"],
    ["www.example.com", "http://www.example.com"],
    ["me@example.org", "mailto:me@example.org"],
  ]);
});

test("single line breaks stay soft (breaks: false, as JupyterLab)", () => {
  const doc = render("one\ntwo");
  assert.equal(doc.querySelectorAll("p").length, 1);
  assert.equal(doc.querySelector("br"), null);
});

test("inline and display math are typeset as MathML", () => {
  const doc = render(
    "Inline $e^{i\\pi} + 1 = 0$ and display:\n\n$$\\int_0^1 x\\,dx$$\n\nand \\\\(a\\\\), \\\\[b\\\\].\n\n\\begin{align}x &= 1\\\\ y &= 2\\end{align}",
  );
  const maths = Array.from(doc.querySelectorAll("span.katex > .katex-mathml > math"));
  assert.equal(maths.length, 5);
  assert.deepEqual(
    maths.map((m) => m.getAttribute("display")),
    [null, "block", null, "block", "block"],
  );
  assert.equal(maths[0]!.querySelector("annotation")?.textContent, "e^{i\\pi} + 1 = 0");
  assert.ok(maths[4]!.querySelector("mtable"));
  // Markdown never touched the TeX: the underscore and the backslashes arrived intact.
  assert.equal(maths[1]!.querySelector("annotation")?.textContent, "\\int_0^1 x\\,dx");
});

test("markdown inside math is left alone", () => {
  const doc = render("$a_1 * b_2 * c$ and $[x](y)$");
  assert.equal(doc.querySelector("em, a"), null);
  assert.equal(doc.querySelectorAll("math").length, 2);
});

test("a dollar inside code stays literal", () => {
  const doc = render('`$foo` and `$bar` are variables.\n\n```bash\necho "$HOME $PATH"\n```\n\n    $indented$ code');
  assert.deepEqual(
    Array.from(doc.querySelectorAll("code"), (c) => c.textContent),
    ["$foo", "$bar", 'echo "$HOME $PATH"\n', "$indented$ code\n"],
  );
  assert.equal(doc.querySelector("math"), null);
});

test("escaped dollars render as dollars, not math", () => {
  const doc = render("It costs \\$5 and \\$10, not $x$.");
  assert.equal(doc.querySelectorAll("math").length, 1);
  assert.equal(doc.querySelector("p")?.firstChild?.textContent, "It costs $5 and $10, not ");
});

test("\\(...\\) with one backslash is a markdown escape, as in JupyterLab", () => {
  const doc = render("\\(x\\)");
  assert.equal(doc.querySelector("math"), null);
  assert.equal(doc.textContent?.trim(), "(x)");
});

test("a KaTeX error shows the source in a math-error span", () => {
  const doc = render("Broken: $\\frac{1}$ end");
  const error = doc.querySelector(`span.${MATH_ERROR_CLASS}`);
  assert.equal(error?.textContent, "$\\frac{1}$");
  assert.equal(doc.querySelector("math"), null);
});

test("math in attributes and raw HTML code stays source", () => {
  const doc = render('<span title="$x$">$y$</span> <code>$z$</code>');
  assert.equal(doc.querySelector("span[title]")?.getAttribute("title"), "$x$");
  assert.ok(doc.querySelector("span[title] > span.katex > .katex-mathml > math"));
  assert.equal(doc.querySelector("code")?.textContent, "$z$");
});

test("KaTeX commands that would link, load or style stay inert (trust: false)", () => {
  const doc = render(
    "$\\href{javascript:alert(1)}{click}$ $\\url{javascript:alert(2)}$ $\\htmlClass{vt-run}{x}$ $\\htmlStyle{position:fixed}{y}$",
  );
  assert.equal(doc.querySelectorAll("math").length, 4);
  assert.equal(doc.querySelector("a, [href], [style], .vt-run"), null);
});

test("attachments resolve to data URLs through the sanitizer", () => {
  const attachments = { "plot.png": { "image/png": PNG_1PX }, "vector.svg": { "image/svg+xml": "PHN2Zz4=" } };
  const doc = render(
    '![a plot](attachment:plot.png) ![vector](attachment:vector.svg) <img src="attachment:plot.png">',
    { attachments },
  );
  const sources = Array.from(doc.querySelectorAll("img"), (img) => img.getAttribute("src"));
  assert.deepEqual(sources, [`data:image/png;base64,${PNG_1PX}`, null, `data:image/png;base64,${PNG_1PX}`]);
  assert.equal(doc.querySelector("img")?.getAttribute("alt"), "a plot");
});

test("headings get JupyterLab's ids and in-page links reach them", () => {
  const doc = render(
    "# Introduction\n\n## Some Heading\n\nSetext Title\n------------\n\n### Hello, World! (2)\n\n## Energy $E = mc^2$\n\n" +
      "## `code` & *more*\n\n[a](#Some-Heading) [b](#Hello,-World!-(2)) [c](#Setext-Title) [d](#Introduction)",
  );
  const ids = Array.from(doc.querySelectorAll("h1, h2, h3"), (h) => h.id);
  assert.deepEqual(ids, [
    "user-content-Introduction",
    "user-content-Some-Heading",
    "user-content-Setext-Title",
    "user-content-Hello,-World!-(2)",
    "user-content-Energy-$E-=-mc^2$",
    "user-content-code-&-more",
  ]);
  for (const a of Array.from(doc.querySelectorAll("p a"))) {
    const href = a.getAttribute("href")!;
    assert.ok(href.startsWith(`#${"user-content-"}`), href);
    const target = decodeURIComponent(href.slice(1));
    assert.ok(ids.includes(target), `${href} has no target`);
  }
});

test("headingId replaces spaces only, like JupyterLab's createHeaderId", () => {
  assert.equal(headingId("A  b\tc"), "A--b\tc");
  assert.equal(headingId("Ünïcödé Title"), "Ünïcödé-Title");
});

test("raw HTML is passed on for the sanitizer to clean", () => {
  const html = renderMarkdown(
    '<script>alert(1)</script><img src=x onerror="alert(1)"><a href="javascript:alert(1)">x</a>',
  );
  const unsafe = new window.DOMParser().parseFromString(html, "text/html");
  assert.ok(unsafe.querySelector("script"), "renderMarkdown's output is not safe by itself");
  const doc = sanitizer.sanitizeToFragment(html);
  assert.equal(doc.querySelector("script, [onerror], [href]"), null);
});

test("a fresh Marked instance: changing the global marked does not leak in", () => {
  marked.use({ renderer: { paragraph: () => "<p>HIJACKED</p>" } });
  try {
    assert.equal(render("hello").querySelector("p")?.textContent, "hello");
  } finally {
    marked.setOptions(marked.getDefaults());
  }
});

test("empty source renders nothing", () => {
  assert.equal(renderMarkdown(""), "");
});

// --- hostile input -------------------------------------------------------------------------------------------

// No timing is asserted (machines here are shared and noisy): the work budgets in markdown.ts bound each case, and
// the test's timeout only stops a hang, which would be a regression to super-linear behaviour.
test("hostile 1 MB inputs render and sanitize without hanging", { timeout: 300_000 }, () => {
  const M = 1_000_000;
  const inputs: [string, string][] = [
    ["brackets", "[".repeat(M)],
    ["backticks", "`".repeat(M)],
    ["angle brackets", "<".repeat(M)],
    ["dollars", "$".repeat(M)],
    ["many math", "$x$ ".repeat(M / 4)],
    ["emphasis openers", "a(*".repeat(M / 3)],
    ["mixed delimiters", "*a_".repeat(M / 3)],
    ["e-mail-ish run", "_a".repeat(M / 2)],
    ["bangs", "!".repeat(M)],
    ["nested quotes", "> ".repeat(M / 2)],
    ["nested emphasis", "*".repeat(M / 2) + "a" + "*".repeat(M / 2)],
    ["nested lists", Array.from({ length: 1000 }, (_, i) => " ".repeat(i * 2) + "- a").join("\n")],
    ["nested html", "<div>a".repeat(M / 6)],
    ["table", "|a|b|\n|-|-|\n" + "|x _y_|*z*|\n".repeat(M / 12)],
    ["image data URL", `<img src="data:image/png;base64,${"A".repeat(M)}">`],
    ["unclosed code spans", "a \\```".repeat(M / 6)],
    ["unclosed comments", "a<!--".repeat(M / 5)],
    ["long list item paragraph", "1. (\n" + "<1. (\n".repeat(M / 6)],
  ];
  for (const [name, input] of inputs) {
    const html = renderMarkdown(input);
    const fragment = sanitizer.sanitizeToFragment(html);
    assert.equal(typeof html, "string", name);
    assert.ok(fragment, name);
  }
});

test("input beyond the limits falls back to its source as preformatted text", () => {
  const inputs = [
    "> ".repeat(5000) + "deep",
    "_a".repeat(50_000),
    "x".repeat(2_000_001),
    "|a|\n|-|\n" + "|1|\n".repeat(40_000),
    "- item\n" + "continued\n".repeat(20_000),
  ];
  for (const input of inputs) {
    const doc = render(input);
    const pre = doc.querySelector(`pre.${MARKDOWN_FALLBACK_CLASS}`);
    assert.ok(pre, input.slice(0, 10));
    assert.equal(pre.textContent, input);
    assert.equal(doc.children.length, 1);
  }
});

test("emphasis past the work budget renders as literal characters, the rest of the cell still renders", () => {
  const doc = render("# Title\n\n" + "a(*".repeat(20_000) + "\n\n**bold** after");
  assert.equal(doc.querySelector("h1")?.textContent, "Title");
  assert.ok(doc.querySelector("p")?.textContent?.startsWith("a(*a(*"));
});

test("math past the per-cell limits stays as source text", () => {
  const doc = render("$x$ ".repeat(1_100));
  assert.equal(doc.querySelectorAll("math").length, 1_000);
  assert.match(doc.textContent ?? "", /\$x\$ \$x\$/);
});

test("htmlNestingDepth follows the parser closely enough to bound work", () => {
  assert.equal(htmlNestingDepth("<div><p>a<p>b</div>"), 1);
  assert.equal(htmlNestingDepth("<ul><li>a<ul><li>b</ul></ul>"), 2);
  assert.equal(htmlNestingDepth("<div></span></x><div></x><div>"), 3);
  assert.equal(htmlNestingDepth("<br><img src=x><hr><b><i>x</i></b>"), 2);
  assert.equal(htmlNestingDepth('<a title="<div><div>">x</a><!-- <div><div> --><script><div><div></script>'), 1);
  assert.equal(htmlNestingDepth("<div>".repeat(600)), 600);
});

test("every delimiter JupyterLab typesets works in headings, lists, tables and blockquotes", () => {
  // In markdown source the bracket forms take two backslashes: markdown turns `\(` into `(` before MathJax sees
  // the text, so in JupyterLab `\(k\)` reads "(k)" and `\\(k\\)` is math.
  const forms = ["$a^2$", "$$a^2$$", "\\\\(a^2\\\\)", "\\\\[a^2\\\\]", "\\begin{equation}a^2\\end{equation}"];
  for (const form of forms) {
    for (const [where, source, selector] of [
      ["heading", `## Value ${form} here`, "h2"],
      ["list", `- item ${form} here\n- next`, "li"],
      ["table", `| h | v |\n|---|---|\n| x | ${form} |`, "td"],
      ["blockquote", `> quoted ${form} here`, "blockquote"],
    ] as const) {
      const doc = render(source);
      const math = doc.querySelector(`${selector} .katex .katex-mathml math annotation`);
      assert.equal(math?.textContent, form.startsWith("\\begin") ? form : "a^2", `${form} in a ${where}`);
      assert.ok(doc.querySelector(`${selector} .katex-html`), `${form} in a ${where}`);
    }
  }
});

test("single-backslash brackets, escapes and code spans stay text, as in JupyterLab", () => {
  const doc = render(
    "## Getting \\(k\\) heads in \\[n\\] throws\n\nCosts \\$5 and \\$6; `$x$` and `\\\\(y\\\\)` are code.",
  );
  assert.equal(doc.querySelector(".katex"), null);
  assert.equal(doc.querySelector("h2")?.textContent, "Getting (k) heads in [n] throws");
  assert.match(doc.querySelector("p")?.textContent ?? "", /^Costs \$5 and \$6; \$x\$ and \\\\\(y\\\\\) are code\.$/);
});

test("links as markdown writes them reach the URL check in the form it judges: written forms refused, honest names not", () => {
  // marked percent-encodes a destination (encodeURI): international names arrive as UTF-8 escapes in the host,
  // and a backslash as %5C. The check must read them as what they stand for.
  const hrefOf = (markdown: string) => {
    const dom = new JSDOM(renderMarkdown(markdown));
    return dom.window.document.querySelector("a")?.getAttribute("href") ?? "";
  };
  const rows: readonly [markdown: string, verdict: string][] = [
    ["[a](https://münchen.de/)", "prompt external_site"],
    ["[a](https://пример.рф/путь)", "prompt external_site"],
    ["[a](https://bank.example\u2044login.evil.example/)", "block host_lookalike"],
    ["[a](https://bank.example&#x2044;login.evil.example/)", "block host_lookalike"],
    ["[a](https://bank.example@evil.example/)", "block userinfo"],
    ["[a](https://bank.example&#64;evil.example/)", "block userinfo"],
    ["[a](https:\\\\evil.example/)", "block invalid_url"],
    ["[a](//evil.example\\@good.example/)", "block userinfo"],
    ["<https://bank.example@evil.example/>", "block userinfo"],
  ];
  for (const [markdown, verdict] of rows) {
    const href = hrefOf(markdown);
    const v = checkUrl(href, "link");
    assert.equal(`${v.verdict} ${v.reason}`, verdict, `${markdown} -> ${href} -> ${v.message}`);
  }
});
