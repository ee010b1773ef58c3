import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";
import { parseNotebook } from "../notebook/parse.ts";
import { sha256Source } from "./csp.ts";
import { exportNotebookHtml } from "./export.ts";
import { EXPORT_FRAME_MATH_STYLE, MATH_LIBRARY, MATH_SCRIPT_GLOBAL, mathStyleScript } from "./export-frame-math.ts";
import { EXPORT_DRAW_BLOCK_ID, LIBRARY_BLOCK_ATTRIBUTE, MATH_FRAME_SCRIPT } from "./export-libraries.ts";
import { applyMathStyles } from "./math-style.ts";

/** Output frames' math: a text/latex output and a text/markdown one with display math, a matrix, \mathbf and align. */
const LATEX = "$$\\begin{vmatrix} a & b \\\\ c & d \\end{vmatrix} = ad - bc$$";
const MARKDOWN =
  "Below, $\\mathbf{F} = m\\mathbf{a}$:\n\n$$\\begin{align} \\nabla \\cdot \\mathbf{E} &= \\frac{\\rho}{\\varepsilon_0} \\\\ \\nabla \\times \\mathbf{B} &= 0 \\end{align}$$";

function notebookWith(cells: unknown[]): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }));
}

function outputCell(id: string, data: Record<string, string>): unknown {
  return {
    cell_type: "code",
    id,
    metadata: {},
    source: "",
    execution_count: 1,
    outputs: [{ output_type: "display_data", metadata: {}, data }],
  };
}

function exportOf(cells: unknown[]): { html: string; doc: Document; csp: string; frames: Document[] } {
  const html = exportNotebookHtml(parseNotebook(notebookWith(cells), { file: "m.ipynb" }), { fileName: "m.ipynb" });
  const doc = new JSDOM(html).window.document;
  const csp = doc.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute("content") ?? "";
  const frames = Array.from(
    doc.querySelectorAll("iframe.vt-frame"),
    (frame) => new JSDOM(frame.getAttribute("srcdoc") ?? "").window.document,
  );
  return { html, doc, csp, frames };
}

/** The faces a stylesheet declares, as "family weight style". */
function facesIn(css: string): string[] {
  return Array.from(css.matchAll(/@font-face\{([^}]*)\}/g), ([, body]) => {
    const read = (property: string) => new RegExp(`${property}:([^;]*)`).exec(body!)?.[1];
    return `${read("font-family")} ${read("font-weight")} ${read("font-style")}`;
  }).sort();
}

const MATH_OUTPUTS = [outputCell("l", { "text/latex": LATEX }), outputCell("m", { "text/markdown": MARKDOWN })];

test("an output's math goes into its frame as KaTeX's HTML beside its MathML, its box styles still unapplied", () => {
  const { frames } = exportOf(MATH_OUTPUTS);
  assert.equal(frames.length, 2);
  for (const frame of frames) {
    assert.ok(frame.querySelectorAll(".katex-html").length > 0);
    assert.ok(frame.querySelectorAll(".katex-mathml math").length > 0);
    // Applied by the frame's script through the CSSOM, never parsed from markup.
    assert.ok(frame.querySelectorAll(".katex-html [data-math-style]").length > 3);
    assert.equal(frame.querySelector("[style]"), null);
    // The frame's math style and its draw block come before any of the output's markup; the script after it.
    const head = Array.from(frame.head.children, (e) => e.localName + (e.id ? `#${e.id}` : ""));
    assert.deepEqual(head.slice(-2), ["style", `script#${EXPORT_DRAW_BLOCK_ID}`]);
    assert.equal(frame.head.querySelectorAll("style")[1]?.textContent, EXPORT_FRAME_MATH_STYLE);
    const request = JSON.parse(frame.getElementById(EXPORT_DRAW_BLOCK_ID)!.textContent!);
    assert.deepEqual(request, { kind: "math", libraries: [MATH_LIBRARY] });
    const scripts = Array.from(frame.querySelectorAll("body script"), (s) => s.textContent);
    assert.equal(scripts.filter((s) => s === MATH_FRAME_SCRIPT).length, 1);
  }
  const markdown = frames[1]!;
  assert.ok(markdown.querySelectorAll(".katex-display").length >= 1);
  assert.ok(markdown.querySelector(".katex-html .mathbf"), "\\mathbf is drawn in KaTeX's bold");
});

test("the page carries KaTeX's stylesheet and fonts once, for its cells and its frames, and the box style script", () => {
  const { html, doc, csp } = exportOf([
    { cell_type: "markdown", id: "c", metadata: {}, source: "$$x^2$$" },
    ...MATH_OUTPUTS,
    outputCell("again", { "text/latex": LATEX }),
  ]);
  const katex = doc.querySelectorAll(`head > style[${LIBRARY_BLOCK_ATTRIBUTE}]`);
  assert.equal(katex.length, 1);
  assert.equal(katex[0]!.getAttribute(LIBRARY_BLOCK_ATTRIBUTE), `${MATH_LIBRARY}:style`);
  const css = katex[0]!.textContent!;
  // The faces of the frames' math are in it too: bold (\mathbf) and the large delimiters of the matrix appear in
  // outputs only.
  const faces = facesIn(css);
  for (const face of ["KaTeX_Main 400 normal", "KaTeX_Math 400 italic", "KaTeX_Main 700 normal"])
    assert.ok(faces.includes(face), `${face} among ${faces.join(", ")}`);
  // Each face once in the whole file, whatever the number of frames.
  assert.equal(Array.from(html.matchAll(/@font-face\{/g)).length, faces.length);
  assert.equal(Array.from(html.matchAll(/data:font\/woff2/g)).length, faces.length);
  const blocks = doc.querySelectorAll(`script[${LIBRARY_BLOCK_ATTRIBUTE}="${MATH_LIBRARY}"]`);
  assert.equal(blocks.length, 1);
  assert.equal(blocks[0]!.getAttribute("type"), "application/octet-stream");
  // The page's policy allows what a frame inserts (the stylesheet and the script, by hash), the frames' own math
  // style and script, and fonts from data: URLs; no style attribute at all.
  for (const text of [css, blocks[0]!.textContent!, EXPORT_FRAME_MATH_STYLE, MATH_FRAME_SCRIPT])
    assert.ok(csp.includes(sha256Source(text)), text.slice(0, 60));
  assert.match(csp, /; font-src data:;/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-hashes/);
});

test("a file whose only math is in outputs embeds the fonts that math uses, and no other", () => {
  const { doc, csp } = exportOf([outputCell("l", { "text/latex": "$x$" })]);
  assert.match(csp, /; font-src data:;/);
  const css = doc.querySelector(`head > style[${LIBRARY_BLOCK_ATTRIBUTE}]`)?.textContent ?? "";
  assert.deepEqual(facesIn(css), ["KaTeX_Main 400 normal", "KaTeX_Math 400 italic"]);
});

test("outputs without math ask for no stylesheet and the file embeds no font", () => {
  const { doc, csp, frames } = exportOf([outputCell("t", { "text/markdown": "Only *text*, and a price: $5." })]);
  assert.doesNotMatch(csp, /font-src/);
  assert.equal(doc.querySelector(`[${LIBRARY_BLOCK_ATTRIBUTE}]`), null);
  assert.equal(frames[0]!.getElementById(EXPORT_DRAW_BLOCK_ID), null);
  assert.equal(frames[0]!.querySelectorAll("style").length, 1);
});

test("the box style script is math-style.ts's allowlist: it applies what applyMathStyles applies, nothing else", () => {
  const markup = [
    '<span data-math-style="height:1.2em;vertical-align:-0.35em">a</span>',
    '<span data-math-style="border:0.04em solid #ff0000;margin-right:0.1em">b</span>',
    '<span data-math-style="position:fixed;top:0">c</span>',
    '<span data-math-style="background-image:url(x)">d</span>',
    '<span data-math-style="color:red !important">e</span>',
    '<span data-math-style="width:2000em">f</span>',
  ].join("");
  const script = mathStyleScript();
  assert.doesNotMatch(script, /^\s*(import|export)\s/m);
  const inFrame = new JSDOM(`<body>${markup}</body>`, { runScripts: "outside-only" }).window;
  inFrame.eval(script);
  const global = (inFrame as unknown as Record<string, { applyMathStyles(root: ParentNode): void }>)[
    MATH_SCRIPT_GLOBAL
  ]!;
  global.applyMathStyles(inFrame.document);
  const here = new JSDOM(`<body>${markup}</body>`).window.document;
  applyMathStyles(here);
  const styles = (doc: Document) => Array.from(doc.querySelectorAll("span"), (s) => s.getAttribute("style"));
  assert.deepEqual(styles(inFrame.document), styles(here));
  assert.deepEqual(styles(here).slice(0, 2), [
    "height: 1.2em; vertical-align: -0.35em;",
    "border: 0.04em solid rgb(255, 0, 0); margin-right: 0.1em;",
  ]);
  assert.deepEqual(styles(here).slice(2), [null, null, null, null]);
  assert.equal(inFrame.document.querySelector("[data-math-style]"), null);
});
