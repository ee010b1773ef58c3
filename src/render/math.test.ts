import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";
import { checkMathStyle } from "./math-style.ts";
import {
  DEFAULT_MATH_LIMITS,
  groupDepth,
  MATH_ERROR_CLASS,
  removeMath,
  renderMathSource,
  renderTex,
  replaceMath,
} from "./math.ts";

const { window } = new JSDOM("<!DOCTYPE html><body></body>");

/** Parses HTML the way a page would (body context), for assertions on the DOM rather than on substrings. */
function parse(html: string): HTMLElement {
  return new window.DOMParser().parseFromString(html, "text/html").body;
}

const MATHML = "http://www.w3.org/1998/Math/MathML";

// --- removeMath: JupyterLab's rules ---------------------------------------------------------------------------------

test("inline and display delimiters are cut out and numbered in order", () => {
  assert.deepEqual(removeMath("a $x$ b $$y$$ c"), { text: "a @@0@@ b @@1@@ c", math: ["$x$", "$$y$$"] });
  // Markdown eats one backslash, so JupyterLab's bracket delimiters are written with two.
  assert.deepEqual(removeMath("\\\\(x\\\\) and \\\\[y\\\\]"), {
    text: "@@0@@ and @@1@@",
    math: ["\\\\(x\\\\)", "\\\\[y\\\\]"],
  });
  assert.deepEqual(removeMath("\\begin{align*}a&=b\\end{align*} after"), {
    text: "@@0@@ after",
    math: ["\\begin{align*}a&=b\\end{align*}"],
  });
  // Single-backslash brackets are markdown escapes, not math (JupyterLab renders "\(x\)" as "(x)").
  assert.deepEqual(removeMath("\\(x\\)"), { text: "\\(x\\)", math: [] });
});

test("escaped dollars and braces are never delimiters", () => {
  assert.deepEqual(removeMath("costs \\$5 and \\$10"), { text: "costs \\$5 and \\$10", math: [] });
  assert.deepEqual(removeMath("$a\\$b$"), { text: "@@0@@", math: ["$a\\$b$"] });
  assert.deepEqual(removeMath("$\\{x$"), { text: "@@0@@", math: ["$\\{x$"] });
});

test("a greedy $$ and a single $ do not close each other", () => {
  assert.deepEqual(removeMath("$a$$b$"), { text: "@@0@@", math: ["$a$$b$"] });
  // `$$$` is `$$` then `$`: the `$$` waits for another `$$` that never comes.
  assert.deepEqual(removeMath("$$$x$"), { text: "$$$x$", math: [] });
});

test("braces must balance before the closing delimiter counts", () => {
  assert.deepEqual(removeMath("$\\text{a $b$ c}$ d"), { text: "@@0@@ d", math: ["$\\text{a $b$ c}$"] });
});

test("math never crosses a blank line; with open braces it ends at the last closing delimiter", () => {
  assert.deepEqual(removeMath("$a\n\nb$"), { text: "$a\n\nb$", math: [] });
  assert.deepEqual(removeMath("$a\nb$"), { text: "@@0@@", math: ["$a\nb$"] });
  // Unbalanced `{`: the math runs to the last `$` before the paragraph break, and the rest is looked at again.
  assert.deepEqual(removeMath("${a$ b \\\\(c\\\\)\n\nnext"), {
    text: "@@0@@ b @@1@@\n\nnext",
    math: ["${a$", "\\\\(c\\\\)"],
  });
  assert.deepEqual(removeMath("${a$ b\n\n$c$"), { text: "@@0@@ b\n\n@@1@@", math: ["${a$", "$c$"] });
});

test("code spans and fenced code are not searched for math", () => {
  assert.deepEqual(removeMath("`$foo` and `$bar` are variables"), {
    text: "`$foo` and `$bar` are variables",
    math: [],
  });
  assert.deepEqual(removeMath("``a ` $x$ ``"), { text: "``a ` $x$ ``", math: [] });
  assert.deepEqual(removeMath("```python\nx = '$a$'\n```\n$b$"), {
    text: "```python\nx = '$a$'\n```\n@@0@@",
    math: ["$b$"],
  });
  assert.deepEqual(removeMath("~~~\n$a$\n~~~~"), { text: "~~~\n$a$\n~~~~", math: [] });
  // An unclosed fence protects nothing (as in JupyterLab); a run after a backslash does not open a span.
  assert.deepEqual(removeMath("```\n$a$"), { text: "```\n@@0@@", math: ["$a$"] });
  assert.deepEqual(removeMath("\\`$a$`"), { text: "\\`@@0@@`", math: ["$a$"] });
  // A fence ends the paragraph, so math cannot run through it.
  assert.deepEqual(removeMath("$a\n```\n$\n```\nb$"), { text: "$a\n```\n$\n```\nb$", math: [] });
});

test("text that looks like a mark is stashed and comes back verbatim", () => {
  const { text, math } = removeMath("@@0@@ then $x$ and `@@1@@`");
  assert.equal(text, "@@0@@ then @@1@@ and `@@2@@`");
  assert.deepEqual(math, ["@@0@@", "$x$", "@@1@@"]);
  const html = replaceMath(`<p>${text}</p>`, math);
  const body = parse(html);
  assert.equal(body.querySelector("p")?.firstChild?.textContent, "@@0@@ then ");
  assert.ok(body.querySelector("math"));
});

test("\\r\\n line ends are normalised first", () => {
  assert.deepEqual(removeMath("$a\r\nb$"), { text: "@@0@@", math: ["$a\nb$"] });
});

// --- replaceMath: context-aware put-back ------------------------------------------------------------------------

test("math in text is typeset; in attributes, code, pre and comments it stays source", () => {
  const math = ["$x$", "$y$", "$z<1$", "$w$", "$v$"];
  const html =
    '<p title="@@0@@">@@1@@</p><pre><code>@@2@@</code></pre><p><code>a</code>@@3@@</p><!-- @@4@@ --><textarea>@@4@@</textarea>';
  const body = parse(replaceMath(html, math));
  assert.equal(body.querySelector("p")?.getAttribute("title"), "$x$");
  assert.equal(body.querySelector("p > span.katex > .katex-mathml > math")?.namespaceURI, MATHML);
  assert.equal(body.querySelector("pre > code")?.textContent, "$z<1$");
  assert.equal(body.querySelector("pre math"), null);
  // After </code> closes, typesetting resumes.
  assert.ok(body.querySelectorAll("p")[1]?.querySelector("math"));
  assert.equal(body.querySelector("textarea")?.textContent, "$v$");
});

test("math inside raw MathML or SVG is not typeset into it", () => {
  const body = parse(replaceMath("<math><mi>@@0@@</mi></math><svg><text>@@0@@</text></svg>@@0@@", ["$q$"]));
  assert.equal(body.querySelector("mi")?.textContent, "$q$");
  assert.equal(body.querySelector("text")?.textContent, "$q$");
  assert.equal(body.querySelectorAll("span.katex").length, 1);
});

// --- renderTex -------------------------------------------------------------------------------------------------

test("renderTex produces KaTeX's HTML for the eye and MathML, with the TeX kept as an annotation", () => {
  const body = parse(renderTex("\\frac{a}{b}", false));
  const math = body.querySelector("span.katex > .katex-mathml > math");
  assert.equal(math?.namespaceURI, MATHML);
  assert.equal(math?.hasAttribute("display"), false);
  assert.ok(math?.querySelector("mfrac"));
  assert.equal(math?.querySelector("annotation[encoding='application/x-tex']")?.textContent, "\\frac{a}{b}");
  assert.equal(parse(renderTex("x", true)).querySelector("math")?.getAttribute("display"), "block");
  // The HTML drawing is hidden from assistive technology, which reads the MathML.
  assert.equal(body.querySelector(".katex-html")?.getAttribute("aria-hidden"), "true");
  // No inline style leaves math.ts: KaTeX's styles travel in data-math-style, already in checked form.
  const styled = Array.from(body.querySelectorAll("[data-math-style]"));
  assert.ok(styled.length > 0);
  assert.equal(body.querySelector("[style]"), null);
  for (const element of styled) {
    const value = element.getAttribute("data-math-style")!;
    assert.equal(checkMathStyle(value), value.replace(/;$/, ""), value);
  }
});

test("the TeX that makes KaTeX write styles yields only allowed declarations", () => {
  const tex =
    "\\sqrt[3]{x}\\left|\\begin{vmatrix}a&b\\\\c&d\\end{vmatrix}\\right|\\cancel{x}\\overrightarrow{AB}" +
    "\\color{red}{x}\\colorbox{#ff0}{y}\\rule{1em}{2em}\\kern-1em\\mathbf{V}\\hspace{2em}\\raisebox{1em}{z}" +
    "\\fcolorbox{red}{blue}{w}\\boxed{q}\\overbrace{a+b}^{n}\\Biggl(\\frac{1}{2}\\Biggr)\\not= \\underline{u}";
  const body = parse(renderTex(tex, true));
  assert.equal(body.querySelector(".math-error"), null);
  for (const element of Array.from(body.querySelectorAll("[data-math-style]"))) {
    const value = element.getAttribute("data-math-style")!;
    assert.notEqual(checkMathStyle(value), null, value);
  }
});

test("trust stays off: \\htmlStyle, \\style, \\href and \\includegraphics never reach a style or URL", () => {
  for (const tex of [
    "\\htmlStyle{position:fixed;top:0;left:0;width:100vw;height:100vh}{x}",
    "\\style{background:url(https://example.invalid/)}{x}",
    "\\href{javascript:alert(1)}{x}",
    "\\includegraphics{https://example.invalid/a.png}",
    "\\htmlClass{vt-toolbar}{x}",
  ]) {
    const body = parse(renderTex(tex, false));
    assert.equal(body.querySelector("a, img, [style], [href], [src], .vt-toolbar"), null, tex);
    for (const element of Array.from(body.querySelectorAll("[data-math-style]"))) {
      const value = element.getAttribute("data-math-style")!;
      assert.doesNotMatch(value, /position|url|vw|vh/, tex);
      assert.notEqual(checkMathStyle(value), null, value);
    }
  }
});

test("data-math-style: only KaTeX's properties with small em lengths, plain colours and border styles", () => {
  assert.equal(checkMathStyle("height:0.8141em;vertical-align:-0.25em;"), "height:0.8141em;vertical-align:-0.25em");
  assert.equal(checkMathStyle("color:RED;background-color:#FF0"), "color:red;background-color:#ff0");
  assert.equal(checkMathStyle("border: 0.04em solid red"), "border:0.04em solid red");
  assert.equal(
    checkMathStyle("border-right-style:solid;border-right-width:0em"),
    "border-right-style:solid;border-right-width:0",
  );
  for (const hostile of [
    "position:fixed",
    "height:1em;position:absolute",
    "top:-1001em",
    "height:100vh",
    "width:100%",
    "height:1px",
    "height:calc(100vh)",
    "height:1e9em",
    "height:1em !important",
    "background-image:url(https://example.invalid/)",
    "color:url(x)",
    "color:rgb(1,2,3)",
    "color:expression(alert(1))",
    "height:1em/**/",
    "height:\\31 em",
    "margin-right:5",
    "border-style:solid url(x)",
    "border:0.04em solid url(x)",
    "border:0.04em solid red blue",
    "border:1px solid red",
    "",
    ";",
    "height",
    "height:",
    "x".repeat(2000),
  ]) {
    assert.equal(checkMathStyle(hostile), null, hostile);
  }
});

test("a KaTeX error shows the source as escaped text in a math-error span, and nothing throws", () => {
  for (const tex of [
    "\\frac{",
    "a & b",
    "\\undefinedcommand",
    "{".repeat(10000),
    "\\def\\a{\\a\\a}\\a",
    "x".repeat(30000),
  ]) {
    let html = "";
    assert.doesNotThrow(
      () => {
        html = renderTex(tex, false);
      },
      tex.slice(0, 20),
    );
    const body = parse(html);
    const error = body.querySelector(`span.${MATH_ERROR_CLASS}`);
    assert.ok(error, tex.slice(0, 20));
    assert.equal(error.textContent, tex);
    assert.ok(error.getAttribute("title"));
    assert.equal(body.querySelector("math, img, script"), null);
  }
});

test("markup in TeX is text, never elements", () => {
  const body = parse(renderTex("<img src=x onerror=alert(1)>", false));
  assert.equal(body.querySelector("img"), null);
  assert.match(body.querySelector("annotation")?.textContent ?? "", /<img src=x/);
});

test("a display environment inside inline delimiters is typeset, as MathJax does", () => {
  const body = parse(renderMathSource("$\\begin{align}\na &= b \\\\\nc &= d\n\\end{align}$"));
  assert.equal(body.querySelector(`.${MATH_ERROR_CLASS}`), null);
  assert.equal(body.querySelector("math")?.getAttribute("display"), "block");
  assert.equal(body.querySelectorAll("mtr").length, 2);
});

test("eqnarray, which KaTeX lacks, is typeset as a right-centre-left array", () => {
  const body = parse(renderMathSource("$$\\begin{eqnarray}\nx' &=& a \\\\\nz' &=& b\n\\end{eqnarray}$$"));
  assert.equal(body.querySelector(`.${MATH_ERROR_CLASS}`), null);
  assert.equal(body.querySelectorAll("mtr").length, 2);
});

test("renderMathSource reports errors with the delimiters, as MathJax shows them", () => {
  const error = parse(renderMathSource("$$\\frac{$$")).querySelector(`span.${MATH_ERROR_CLASS}`);
  assert.equal(error?.textContent, "$$\\frac{$$");
});

test("trust is off: \\href, \\url, \\includegraphics and \\html* make no links, images, classes or ids", () => {
  const tex =
    "\\href{javascript:alert(1)}{x} \\url{javascript:alert(2)} \\includegraphics{https://example.org/a.png} " +
    "\\htmlClass{vt-button}{y} \\htmlId{login}{z} \\htmlStyle{position:fixed}{w} \\htmlData{foo=bar}{v}";
  const body = parse(renderTex(tex, false));
  assert.ok(body.querySelector("math"));
  assert.equal(body.querySelector("a, img, mglyph, [href], [src], [style], [id], [data-foo]"), null);
  assert.equal(body.querySelector(".vt-button"), null);
  for (const el of Array.from(body.querySelectorAll("*"))) {
    for (const attr of Array.from(el.attributes))
      assert.ok(!/javascript:/i.test(attr.value), `${el.localName}[${attr.name}]`);
  }
});

test("sizes are capped (maxSize) and macro expansion is bounded (maxExpand)", () => {
  const rule = parse(renderTex("\\rule{1000em}{1000em}", false)).querySelector("mspace");
  assert.equal(rule?.getAttribute("width"), "25em");
  assert.ok(parse(renderTex("\\def\\x{\\x\\x}\\x", false)).querySelector(`.${MATH_ERROR_CLASS}`));
});

test("\\gdef in one expression does not leak into the next", () => {
  renderTex("\\gdef\\leak{LEAKED}", false);
  assert.ok(parse(renderTex("\\leak", false)).querySelector(`.${MATH_ERROR_CLASS}`));
});

// --- hostile input stays linear ------------------------------------------------------------------------------

// The timeout only stops a hang (a super-linear regression); no timing is asserted on a shared machine.
test("removeMath finishes on hostile 1 MB inputs", { timeout: 120_000 }, () => {
  const M = 1_000_000;
  const inputs = [
    "$".repeat(M),
    "{".repeat(M),
    "`".repeat(M),
    "``x".repeat(M / 3),
    "```x\n".repeat(M / 5),
    "\\\\(".repeat(M / 3),
    "@@1@@".repeat(M / 5),
    "$ { $ " + "\\begin{a}{\\end{a}".repeat(M / 16) + "\n\n",
    "\\begin{" + "a".repeat(M),
    Array.from({ length: 1400 }, (_, i) => "`".repeat(i + 1) + "x").join(""),
    "a\n".repeat(M / 2) + "`",
    "a\n".repeat(M / 2) + "~~~",
    "```\n".repeat(M / 8) + "a\n".repeat(M / 4),
  ];
  for (const input of inputs) {
    removeMath(input);
  }
});

// The timeout only stops a hang (a super-linear regression); no timing is asserted on a shared machine.
test("replaceMath finishes on large hostile HTML", { timeout: 120_000 }, () => {
  const inputs = [
    "@@0@@" + "<b>x</b>".repeat(200_000),
    "<pre>" + "<b>@@0@@</b>".repeat(100_000),
    "<p title='" + "@@".repeat(300_000),
    "<!--" + "<b>".repeat(300_000),
    "@@" + "9".repeat(1_000_000),
  ];
  for (const html of inputs) {
    replaceMath(html, ["$x$"], () => "<i>m</i>");
  }
});

test("TeX nested deeper than the group limit is shown as source, the same on every thread, and shallower is typeset", () => {
  const limit = DEFAULT_MATH_LIMITS.maxGroupDepth;
  const frac = (n: number) => "\\frac{".repeat(n) + "x" + "}{y}".repeat(n);
  assert.doesNotMatch(renderTex(frac(limit), false), new RegExp(MATH_ERROR_CLASS));
  const refused = renderTex(frac(limit + 1), false);
  assert.match(refused, new RegExp(`class="${MATH_ERROR_CLASS}" title="TeX nested deeper than ${limit} groups`));
  const pairs: [string, string][] = [
    ["{", "}"],
    ["\\left(", "\\right)"],
    ["\\begin{matrix}", "\\end{matrix}"],
  ];
  for (const [open, close] of pairs) {
    const deep = open.repeat(5000) + "x" + close.repeat(5000);
    assert.match(renderTex(deep, true, { ...DEFAULT_MATH_LIMITS, maxTexChars: 200_000 }), /TeX nested deeper than/);
  }
});

test("group depth counts braces, \\left and \\begin, and not escaped braces", () => {
  assert.equal(groupDepth("a^{b_{c}} + {d}", 100), 2);
  assert.equal(groupDepth("\\{\\{\\{ x \\}", 100), 0);
  assert.equal(groupDepth("\\left( \\left[ x \\right] \\right)", 100), 2);
  assert.equal(groupDepth("\\begin{cases} x \\end{cases}", 100), 2);
  assert.equal(groupDepth("}}}{", 100), 1);
  // It stops counting once past the limit asked about: the work is bounded by that, not by the input.
  assert.equal(groupDepth("{".repeat(1_000_000), 10), 11);
});

test("nesting made by macro expansion ends in a math-error span, not an exception", () => {
  const html = renderTex("\\def\\a{{\\a}}\\a", false);
  assert.match(html, new RegExp(MATH_ERROR_CLASS));
});
