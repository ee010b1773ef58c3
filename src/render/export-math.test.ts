import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { JSDOM } from "jsdom";
import { parseNotebook } from "../notebook/parse.ts";
import { sha256Source } from "./csp.ts";
import { exportNotebookHtml } from "./export.ts";
import { KATEX_FONT_FACES, katexFacesUsed } from "./export-math.ts";
import { renderMarkdown } from "./markdown.ts";

const KATEX_DIST = dirname(createRequire(import.meta.url).resolve("katex/dist/katex.min.css"));

function exportMarkdown(...sources: string[]): Document {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: sources.map((source, i) => ({ cell_type: "markdown", id: `c${i}`, metadata: {}, source })),
  };
  const parsed = parseNotebook(new TextEncoder().encode(JSON.stringify(notebook)), { file: "m.ipynb" });
  return new JSDOM(exportNotebookHtml(parsed, { fileName: "m.ipynb" })).window.document;
}

function policyOf(doc: Document): string {
  return doc.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute("content") ?? "";
}

/** Each embedded face of the page's styles: its family, weight, slant and the bytes of its data: URL. */
function embeddedFaces(doc: Document): { face: string; url: string }[] {
  const css = Array.from(doc.querySelectorAll("style"), (style) => style.textContent).join("\n");
  return Array.from(css.matchAll(/@font-face\{([^}]*)\}/g), ([, body]) => {
    const family = /font-family:"?([\w]+)/.exec(body!)?.[1];
    const weight = /font-weight:(\d+)/.exec(body!)?.[1];
    const style = /font-style:(\w+)/.exec(body!)?.[1];
    const src = /src:(url\([^)]*\)[^;]*)/.exec(body!)?.[1] ?? "";
    return { face: `${family} ${weight} ${style}`, url: src };
  });
}

function facesOf(source: string): string[] {
  const doc = new JSDOM(`<div>${renderMarkdown(source)}</div>`).window.document;
  return [...katexFacesUsed(doc.body)].sort();
}

test("a page with math allows data: fonts and embeds KaTeX's woff2 files, byte for byte", () => {
  const doc = exportMarkdown("Inline $x^2$ and $$\\mathbf{E} = \\sum_{i=1}^n \\mathbb{R}_i$$");
  assert.match(policyOf(doc), /; font-src data:;/);
  const faces = embeddedFaces(doc);
  assert.ok(faces.length >= 4, faces.map((f) => f.face).join(", "));
  for (const { face, url } of faces) {
    // One source per face, the woff2 file itself: nothing to fetch, no woff or ttf fallback.
    const match = /^url\(data:font\/woff2;base64,([A-Za-z0-9+/=]+)\) format\("woff2"\)$/.exec(url);
    assert.ok(match, `${face}: ${url.slice(0, 80)}`);
    const bytes = Buffer.from(match[1]!, "base64");
    assert.equal(bytes.subarray(0, 4).toString("latin1"), "wOF2", `${face} is a woff2 file`);
    const file = KATEX_FONT_FACES.find((f) => `${f.family} ${f.weight} ${f.style}` === face)!;
    assert.deepEqual(bytes, readFileSync(join(KATEX_DIST, file.woff2)), face);
  }
  // Every style element is allowed by its hash, font faces and all.
  for (const style of Array.from(doc.querySelectorAll("style")))
    assert.ok(policyOf(doc).includes(sha256Source(style.textContent ?? "")));
});

test("a page without math allows no font and embeds none", () => {
  const doc = exportMarkdown("# Plain\n\nNo math here, only text and `code`.");
  assert.doesNotMatch(policyOf(doc), /font-src/);
  assert.deepEqual(embeddedFaces(doc), []);
  assert.equal(doc.querySelector(".katex"), null);
});

test("only the faces the math uses are embedded", () => {
  assert.deepEqual(facesOf("$x$"), ["KaTeX_Main|400|normal", "KaTeX_Math|400|italic"]);
  assert.deepEqual(facesOf("$1+1$"), ["KaTeX_Main|400|normal"]);
  assert.deepEqual(facesOf("$\\mathbf{v} \\in \\mathbb{R}$"), [
    "KaTeX_AMS|400|normal",
    "KaTeX_Main|400|normal",
    "KaTeX_Main|700|normal",
  ]);
  assert.deepEqual(facesOf("$$\\sum_i \\left(\\frac{a}{b}\\right)$$"), [
    "KaTeX_Main|400|normal",
    "KaTeX_Math|400|italic",
    "KaTeX_Size2|400|normal",
  ]);
  assert.deepEqual(facesOf("$\\textbf{\\textit{w}}$"), [
    "KaTeX_Main|400|italic",
    "KaTeX_Main|400|normal",
    "KaTeX_Main|700|italic",
    "KaTeX_Main|700|normal",
  ]);
  // Each face it names is one of KaTeX's.
  const known = new Set(KATEX_FONT_FACES.map((f) => `${f.family}|${f.weight}|${f.style}`));
  for (const face of facesOf("$\\mathcal{A}\\mathfrak{g}\\mathscr{L}\\mathtt{t}\\mathsf{s}\\boldsymbol{\\beta}$"))
    assert.ok(known.has(face), face);
  const doc = exportMarkdown("$x$");
  assert.deepEqual(
    embeddedFaces(doc)
      .map((f) => f.face)
      .sort(),
    ["KaTeX_Main 400 normal", "KaTeX_Math 400 italic"],
  );
});

test("KaTeX's box styles reach the page as hashed class rules, never as style attributes", () => {
  const doc = exportMarkdown(
    "$$\\begin{vmatrix} a & b \\\\ c & d \\end{vmatrix}$$",
    '<span data-math-style="height:2em">x</span> <span data-math-style="position:fixed">y</span> <span style="color:red">z</span>',
  );
  assert.equal(doc.querySelectorAll("[style]").length, 0);
  assert.equal(doc.querySelectorAll("[data-math-style]").length, 0);
  assert.ok(doc.querySelectorAll(".katex-html [class*='vt-m']").length > 5);
  assert.doesNotMatch(policyOf(doc), /unsafe-inline|unsafe-hashes/);
});
