import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";
import { parseNotebook } from "../notebook/parse.ts";
import { exportNotebookHtml } from "./export.ts";
import { parseDocument, PARSE5_TREE, textContentOf } from "./frame-tree.ts";
import { DOM_TREE, scriptTextEndsDoubleEscaped, serializeParts } from "./serialize.ts";

const window = new JSDOM("").window;

function serializeBoth(markup: string): string {
  const fromTree = serializeParts(PARSE5_TREE, parseDocument(markup)).join("");
  const fromDom = serializeParts(DOM_TREE, new window.DOMParser().parseFromString(markup, "text/html")).join("");
  assert.equal(fromTree, fromDom, markup);
  return fromTree;
}

/** What a browser's parser makes of `html`: the elements in it, by name, and the body's text. */
function reparse(html: string): { names: string[]; text: string } {
  const doc = new window.DOMParser().parseFromString(html, "text/html");
  return { names: Array.from(doc.querySelectorAll("*"), (e) => e.localName), text: doc.body.textContent ?? "" };
}

function exportWithHtmlOutput(html: string | string[], mime = "text/html"): string {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      {
        cell_type: "code",
        id: "c1",
        source: "x",
        metadata: {},
        execution_count: 1,
        outputs: [{ output_type: "display_data", metadata: {}, data: { [mime]: html } }],
      },
    ],
  };
  return exportNotebookHtml(parseNotebook(Buffer.from(JSON.stringify(notebook)), { file: "x.ipynb" }), {
    fileName: "x.ipynb",
    remoteImages: "block",
  });
}

/** The documents of the export's output frames, as a browser would parse their `srcdoc`. */
function frameDocuments(page: string): Document[] {
  const doc = new window.DOMParser().parseFromString(page, "text/html");
  return Array.from(doc.querySelectorAll("iframe[srcdoc]"), (frame) =>
    new window.DOMParser().parseFromString(frame.getAttribute("srcdoc") ?? "", "text/html"),
  );
}

const nested = (open: string, close: string, depth: number, inner = "x"): string =>
  open.repeat(depth) + inner + close.repeat(depth);

test("markup nested far deeper than the call stack serializes, whole and in order", () => {
  const depth = 100_000;
  for (const [open, close] of [
    ["<div>", "</div>"],
    ["<svg><g>", "</g></svg>"],
  ] as const) {
    const markup = nested(open, close, depth);
    const parts = serializeParts(PARSE5_TREE, parseDocument(markup));
    const html = parts.join("");
    // Each level is written once: the output grows with the depth, by the length of one start and one end tag.
    assert.ok(html.length < markup.length * 1.2 + 200, `${html.length} for ${markup.length}`);
    assert.ok(html.includes(">x<"));
    assert.equal(textContentOf(parseDocument(markup)), "x");
  }
  // jsdom takes time quadratic in the depth to build a tree (each insertion walks ancestors or descendants); 5,000
  // levels are already past what a recursive walk survives.
  const domDepth = 5_000;
  const doc = new window.DOMParser().parseFromString("<body></body>", "text/html");
  let inner: Element = doc.createElement("div");
  inner.append("x");
  for (let i = 1; i < domDepth; i++) {
    const outer = doc.createElement("div");
    outer.append(inner);
    inner = outer;
  }
  doc.body.append(inner);
  const html = serializeParts(DOM_TREE, doc).join("");
  assert.equal(html.split("<div>").length - 1, domDepth);
  assert.equal(html.split("</div>").length - 1, domDepth);
  assert.ok(html.includes("<div>x</div></div>"));
});

test("an export of deeply nested HTML and SVG outputs completes", () => {
  const depth = 20_000;
  for (const [mime, markup] of [
    ["text/html", nested("<div>", "</div>", depth, "deep")],
    ["image/svg+xml", `<svg xmlns="http://www.w3.org/2000/svg">${nested("<g>", "</g>", depth)}</svg>`],
  ] as const) {
    const page = exportWithHtmlOutput(markup, mime);
    // Every level is in the frame's srcdoc, each end tag included.
    assert.ok(page.split("&lt;/g&gt;").length - 1 >= depth || page.split("&lt;/div&gt;").length - 1 >= depth, mime);
  }
});

const RAW_TEXT = ["script", "style", "xmp", "iframe", "noembed", "noframes", "plaintext"];

test("a raw-text element whose text would close it early is never written with that text, and nothing throws", () => {
  const payload = "<img src=x onerror=alert(1)><b>escaped</b>";
  for (const name of RAW_TEXT) {
    for (const spelled of [name, name.toUpperCase(), name[0]!.toUpperCase() + name.slice(1)]) {
      // Text holding the end tag only comes from a tree built by code, or from `</name` followed by other letters.
      for (const tail of [`</${spelled}>${payload}`, `</${spelled}x>${payload}`, `</${spelled}`]) {
        const doc = new window.DOMParser().parseFromString("<body></body>", "text/html");
        const element = doc.createElement(name);
        element.append(doc.createTextNode(`before ${tail}`));
        doc.body.append(element);
        const html = serializeParts(DOM_TREE, doc).join("");
        const { names } = reparse(html);
        assert.deepEqual(names, ["html", "head", "body"], `${spelled}: ${html}`);
      }
    }
  }
});

test("such text from xmp and plaintext is shown as text; from elements never shown, it is left out", () => {
  const doc = new window.DOMParser().parseFromString("<body></body>", "text/html");
  for (const name of RAW_TEXT) {
    const element = doc.createElement(name);
    element.textContent = `[${name}</${name}><i>]`;
    doc.body.append(element);
  }
  const html = serializeParts(DOM_TREE, doc).join("");
  assert.equal(reparse(html).text, "[xmp</xmp><i>][plaintext</plaintext><i>]");
});

test("a script whose text would keep it open past its end tag (<!--<script>) is left out, and what follows stays markup", () => {
  for (const text of ["<!--<script>", "<!-- <SCRIPT/x", "a <!--<script\n", "<!--<script>--><!--<script>"]) {
    const doc = new window.DOMParser().parseFromString("<body></body>", "text/html");
    const script = doc.createElement("script");
    script.textContent = text;
    const after = doc.createElement("b");
    after.textContent = "after";
    doc.body.append(script, after);
    const html = serializeParts(DOM_TREE, doc).join("");
    assert.deepEqual(reparse(html).names, ["html", "head", "body", "b"], `${text}: ${html}`);
  }
});

test("script text with <!-- that cannot keep it open is written as it was", () => {
  assert.equal(scriptTextEndsDoubleEscaped("if (a <!--b) x(); <script>"), true);
  for (const text of ["<!-- old-style hiding -->", "<!--<script>-->", "x = '<script>'", "<!--", "<!--<scripts>"]) {
    assert.equal(scriptTextEndsDoubleEscaped(text), false, text);
    const html = serializeBoth(`<script>${text}</script><b>after</b>`);
    assert.ok(html.includes(`<script>${text}</script>`) && html.includes("<body><b>after</b></body>"), html);
  }
});

test("raw text that cannot close its element is written as it was", () => {
  const html = serializeBoth("<script>if (a < b) x = '</scr' + 'ipt>';</script><xmp><i>x</i></xmp>");
  assert.match(html, /<script>if \(a < b\) x = '<\/scr' \+ 'ipt>';<\/script>/);
  assert.match(html, /<xmp><i>x<\/i><\/xmp>/);
});

test("a text/html output <plaintext></plaintext> and its variants export without an error, no markup escaping", () => {
  const payload = "<img src=x onerror=\"document.documentElement.dataset.pwned='x'\">";
  const outputs = [
    "<plaintext></plaintext>",
    `<plaintext></plaintext>${payload}`,
    `<PLAINTEXT></PlainText>${payload}`,
    `<xmp></xmpx>${payload}</xmp>`,
    `<script>"</scripts>${payload}"</script>`,
    `<style>a{}</stylex>${payload}</style>`,
    `<iframe></iframex>${payload}</iframe>`,
    `<noembed></noembedx>${payload}</noembed>`,
    `<noframes></noframesx>${payload}</noframes>`,
  ];
  for (const output of outputs) {
    const page = exportWithHtmlOutput(output);
    const [frame] = frameDocuments(page);
    assert.ok(frame, output);
    assert.equal(frame.querySelectorAll("img").length, 0, output);
  }
  const [plaintext] = frameDocuments(exportWithHtmlOutput("<plaintext></plaintext>"));
  assert.match(plaintext!.body.textContent ?? "", /<\/plaintext>/);
});
