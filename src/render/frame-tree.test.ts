import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";
import { sha256Source } from "./csp.ts";
import { buildFrameDocument } from "./frame-document.ts";
import { FRAME_SIZER_SCRIPT } from "./frame-scripts.ts";
import { parseDocument, PARSE5_TREE, textContentOf, treeFromDom } from "./frame-tree.ts";
import type { FrameOutputPlan } from "./plan-types.ts";
import { DOM_TREE, serializeParts } from "./serialize.ts";

const window = new JSDOM("").window;

/** Markup whose trees are easy to get wrong: misnesting, foreign content, templates, framesets, raw text. */
const TRICKY_MARKUP = [
  "",
  "plain text & <b>bold</b>",
  "<p>a<p>b<table><td>c</table><b><i>d</b>e</i>",
  "<html lang=x><head><title>t</title></head><body class=a><body id=b>text</body></html>",
  '<svg viewbox="0 0 1 1" xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="#x"><text>t</text></a><foreignobject><p>p</p></foreignobject><script>1<2</script></svg>',
  '<math><mi xlink:href="x">a</mi><annotation-xml encoding="text/html"><div>h</div></annotation-xml></math>',
  "<template><script>in template</script><p>t</p></template><noscript><p>n</p></noscript>",
  "<frameset><frame src=a></frameset>",
  "<script>var a = '</scr' + 'ipt>'; if (a < b && c > d) {}</script><style>p::before { content: '<' }</style>",
  "<textarea><b>not bold</b></textarea><xmp><i>x</i></xmp><!-- a -- comment --><![CDATA[x]]>",
  "<div style='color: red' title=\"a'b&quot;c\">\u00a0nbsp</div><img src=x alt=<>>",
  "<table><tr><td>1<td>2</tr>text in table</table>",
];

test("a frame tree serializes exactly as jsdom's DOM parsed from the same markup", () => {
  for (const markup of TRICKY_MARKUP) {
    const dom = new window.DOMParser().parseFromString(markup, "text/html");
    assert.equal(
      serializeParts(PARSE5_TREE, parseDocument(markup)).join(""),
      serializeParts(DOM_TREE, dom).join(""),
      markup,
    );
  }
});

test("textContentOf joins descendant text as textContent does", () => {
  const markup = "<div>a<b>b<i>c</i></b><!-- no -->d</div>";
  const dom = new window.DOMParser().parseFromString(markup, "text/html");
  assert.equal(textContentOf(parseDocument(markup)), dom.documentElement.textContent);
});

test("treeFromDom copies a DOM fragment, namespaced attributes included", () => {
  const dom = new window.DOMParser().parseFromString(
    '<p class="c">x<!--k--><math><mi mathvariant="bold">y</mi></math></p><svg><a xlink:href="#h"></a></svg>',
    "text/html",
  );
  const fragment = dom.createDocumentFragment();
  fragment.append(...Array.from(dom.body.childNodes));
  const copy = treeFromDom(fragment);
  const serialized = copy.map((node) => serializeParts(PARSE5_TREE, node).join("")).join("");
  assert.equal(serialized, Array.from(fragment.childNodes, (node) => serializeParts(DOM_TREE, node).join("")).join(""));
});

function frame(mime: string, content: string): FrameOutputPlan {
  return { kind: "frame", mime, content, fallbackImage: undefined, fallbackText: undefined, executionCount: null };
}

const noMarkdown = {
  markdownFragment(): DocumentFragment {
    throw new Error("not expected");
  },
};

test("an HTML output frame loses refresh, redirects and base URLs, wherever they are", () => {
  const built = buildFrameDocument(
    frame(
      "text/html",
      '<meta http-equiv="refresh" content="0;url=https://example.org/"><base href="https://example.org/"><meta name="keep"><svg><meta http-equiv="x"></meta><base></base></svg>',
    ),
    noMarkdown,
  );
  const doc = new window.DOMParser().parseFromString(built.html, "text/html");
  assert.equal(doc.querySelectorAll("base").length, 0);
  assert.deepEqual(
    Array.from(doc.querySelectorAll("meta[http-equiv]"), (m) => m.getAttribute("http-equiv")),
    ["Content-Security-Policy"],
  );
  assert.equal(doc.querySelectorAll('meta[name="keep"]').length, 1);
  // Vitrine's charset, policy and stylesheet come first in the head.
  assert.deepEqual(Array.from(doc.head.children, (e) => e.localName).slice(0, 3), ["meta", "meta", "style"]);
});

test("inline scripts, styles and style attributes are hashed in tree order; template contents are not", () => {
  const built = buildFrameDocument(
    frame(
      "text/html",
      '<style>a{}</style><script>one()</script><script src="x.js"></script><template><script>never()</script><p style="t"></p></template><svg><script>two()</script></svg><p style="color: red">x</p><style>b{}</style>',
    ),
    noMarkdown,
  );
  assert.deepEqual(built.scriptHashes, [
    sha256Source("one()"),
    sha256Source("two()"),
    sha256Source(FRAME_SIZER_SCRIPT),
  ]);
  assert.equal(built.styleHashes.length, 3);
  assert.equal(built.styleHashes[1], sha256Source("a{}"));
  assert.equal(built.styleHashes[2], sha256Source("b{}"));
  assert.deepEqual(built.styleAttributeHashes, [sha256Source("color: red")]);
  assert.match(built.html, /<template><script>never\(\)<\/script>/);
});

test("a frameset output gets the sizer in its frameset, as document.body finds it", () => {
  const built = buildFrameDocument(frame("text/html", "<frameset><frame></frameset>"), noMarkdown);
  assert.match(built.html, /<frameset><frame><script>/);
});

test("a JavaScript output cannot close its script element early", () => {
  const built = buildFrameDocument(
    frame("application/javascript", "x = '</script><script>alert(1)</script>'; // <!--"),
    noMarkdown,
  );
  const doc = new window.DOMParser().parseFromString(built.html, "text/html");
  const scripts = Array.from(doc.querySelectorAll("script"), (s) => s.textContent);
  assert.equal(scripts.length, 3);
  assert.equal(scripts[1], "x = '<\\/script><script>alert(1)<\\/script>'; // <\\!--");
  assert.equal(doc.getElementById("output")?.localName, "div");
});
