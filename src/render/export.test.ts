import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";
import { parseNotebook } from "../notebook/parse.ts";
import { sha256Source } from "./csp.ts";
import { exportNotebookHtml } from "./export.ts";
import { PAGE_SIZER_SCRIPT } from "./frame-scripts.ts";

const malicious = new URL("../../../shared/corpus/malicious/", import.meta.url);

function exportFile(url: URL, remoteImages: "block" | "allow" = "block"): string {
  return exportNotebookHtml(parseNotebook(readFileSync(url), { file: url.pathname }), {
    fileName: "x.ipynb",
    remoteImages,
  });
}

test("notebook_inject.ipynb: none of nbconvert's injection strings appears unescaped", () => {
  const html = exportFile(new URL("notebook_inject.ipynb", malicious));
  const expected = JSON.parse(readFileSync(new URL("expected_assertions.json", malicious), "utf8")) as Record<
    string,
    unknown
  >;
  const strings = Object.values(expected).filter(Array.isArray).flat() as string[];
  assert.ok(strings.length >= 17);
  for (const s of strings) assert.equal(html.includes(s), false, `found unescaped: ${s}`);
});

test("the page has one script (the hashed sizer) and a CSP that allows nothing else", () => {
  const html = exportFile(new URL("notebook_inject.ipynb", malicious));
  const dom = new JSDOM(html);
  const doc = dom.window.document;
  assert.equal(doc.querySelectorAll("script").length, 1);
  const csp = doc.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute("content") ?? "";
  assert.match(csp, /^default-src 'none'; script-src 'sha256-[^']+'( 'sha256-[^']+')*; style-src /);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  assert.match(csp, /img-src data:;/);
  assert.match(csp, /base-uri 'none'; form-action 'none'/);
  // The CSP meta comes before anything it governs.
  assert.equal(doc.head.firstElementChild?.getAttribute("charset"), "utf-8");
  assert.equal(doc.head.children[1]?.getAttribute("http-equiv"), "Content-Security-Policy");
  for (const frame of doc.querySelectorAll("iframe")) {
    assert.equal(frame.getAttribute("sandbox"), "allow-scripts");
    const inner = new JSDOM(frame.getAttribute("srcdoc") ?? "").window.document;
    const frameCsp = inner.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute("content") ?? "";
    assert.match(frameCsp, /connect-src 'none'/);
    assert.match(frameCsp, /form-action 'none'/);
    assert.match(frameCsp, /img-src data:;/);
    assert.equal(inner.head.children[1], inner.querySelector('meta[http-equiv="Content-Security-Policy"]'));
  }
  dom.window.close();
});

test("remote images: blocked shows the URL as text; allowed keeps them without referrer", () => {
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      {
        cell_type: "markdown",
        id: "a",
        metadata: {},
        source: "![logo](https://example.org/logo.png) [site](https://example.org/)",
      },
    ],
  };
  const bytes = new TextEncoder().encode(JSON.stringify(nb));
  const blocked = new JSDOM(exportNotebookHtml(parseNotebook(bytes), { remoteImages: "block" })).window.document;
  assert.equal(blocked.querySelectorAll(".vt-markdown img").length, 0);
  assert.match(blocked.querySelector(".vt-image-blocked")?.textContent ?? "", /https:\/\/example\.org\/logo\.png/);
  assert.equal(blocked.querySelector(".vt-markdown a")?.getAttribute("rel"), "noopener noreferrer nofollow");
  const allowed = new JSDOM(exportNotebookHtml(parseNotebook(bytes), { remoteImages: "allow" })).window.document;
  const img = allowed.querySelector(".vt-markdown img");
  assert.equal(img?.getAttribute("referrerpolicy"), "no-referrer");
  assert.match(
    allowed.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute("content") ?? "",
    /img-src data: https: http:/,
  );
});

test("the header names the file once: a notebook titled by its file name does not repeat it", () => {
  const meta = (metadata: Record<string, string>, fileName: string) => {
    const notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata,
      cells: [{ cell_type: "markdown", id: "a", metadata: {}, source: "# A heading" }],
    };
    const html = exportNotebookHtml(parseNotebook(JSON.stringify(notebook), { file: fileName }), {
      fileName,
      remoteImages: "block",
    });
    const doc = new JSDOM(html).window.document;
    return [doc.querySelector(".vt-title")?.textContent, doc.querySelector(".vt-meta")?.textContent];
  };
  assert.deepEqual(meta({}, "plain.ipynb"), ["plain.ipynb", "nbformat 4.5 · 1 cells · python"]);
  assert.deepEqual(meta({ title: "A title" }, "titled.ipynb"), [
    "A title",
    "titled.ipynb · nbformat 4.5 · 1 cells · python",
  ]);
});

test("the page's and the frames' CSP, byte for byte", () => {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: "markdown", id: "a", metadata: {}, source: "# Plain" },
      {
        cell_type: "code",
        id: "b",
        metadata: {},
        source: "",
        execution_count: 1,
        outputs: [{ output_type: "display_data", metadata: {}, data: { "text/html": "<p>framed</p>" } }],
      },
    ],
  };
  const policyOf = (doc: Document) =>
    doc.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute("content");
  const css = readFileSync(new URL("notebook.css", import.meta.url), "utf8");
  const plain = JSON.stringify({ ...notebook, cells: notebook.cells.slice(0, 1) });
  for (const [remoteImages, images] of [
    ["block", "img-src data:"],
    ["allow", "img-src data: https: http:"],
  ] as const) {
    const doc = new JSDOM(exportNotebookHtml(parseNotebook(plain), { remoteImages })).window.document;
    assert.equal(
      policyOf(doc),
      `default-src 'none'; script-src ${sha256Source(PAGE_SIZER_SCRIPT)}; style-src ${sha256Source(css)}; ${images}; media-src data:; base-uri 'none'; form-action 'none'`,
    );
  }
  const framed = new JSDOM(exportNotebookHtml(parseNotebook(JSON.stringify(notebook)))).window.document;
  const frame = new JSDOM(framed.querySelector("iframe")?.getAttribute("srcdoc") ?? "").window.document;
  assert.equal(
    policyOf(frame),
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:; media-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'",
  );
});

test("what the reading repaired or relaxed is said above the cells, as text; unknown types are never markup", () => {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 99,
    metadata: {},
    extra: "future",
    cells: [
      { cell_type: "markdown", id: "a", metadata: {}, source: "one" },
      { cell_type: "markdown", id: "a", metadata: {}, source: "two" },
      { cell_type: "markdown", metadata: {}, source: "three" },
      { cell_type: "<img src=x onerror=alert(1)>", id: "f", metadata: {}, source: "<script>alert(2)</script>" },
      {
        cell_type: "code",
        id: "c",
        metadata: {},
        source: "",
        execution_count: 1,
        outputs: [{ output_type: "future", data: { "text/html": "<b id=bold>bold</b>" } }],
      },
    ],
  };
  const html = exportNotebookHtml(parseNotebook(JSON.stringify(notebook), { file: "f.ipynb" }), {
    fileName: "f.ipynb",
  });
  const doc = new JSDOM(html).window.document;
  const box = doc.querySelector("header .vt-reading-notes");
  assert.equal(box?.getAttribute("role"), "note");
  assert.deepEqual(
    [...(box?.querySelectorAll("p") ?? [])].map((p) => p.textContent),
    [
      "Vitrine gave 1 cell a new id: its id repeated an earlier one (nbformat does the same).",
      "Vitrine gave 1 cell an id: nbformat 4.5 gives every cell one, and it had none (nbformat does the same).",
      "This notebook is nbformat 4.99, newer than the 4.5 Vitrine knows: Vitrine leaves out 1 property that 4.5 does not have (nbformat accepts them too).",
      "1 cell is of a type newer than Vitrine knows: it is not shown.",
      "1 output is of a type newer than Vitrine knows: it is not shown.",
    ],
  );
  assert.equal(doc.querySelector("img"), null);
  assert.equal(doc.getElementById("bold"), null);
  assert.equal(doc.querySelectorAll("script").length, 1, "only the page's sizer");
  const cells = doc.querySelectorAll(".vt-cell");
  assert.equal(cells.length, 5);
  assert.equal(
    cells[3]?.querySelector("pre")?.textContent,
    'This cell\'s type, "<img src=x onerror=alert(1)>", is newer than Vitrine knows: Vitrine does not show it.',
  );
  assert.match(cells[4]?.textContent ?? "", /This output's type, "future", is newer than Vitrine knows/);
  // A notebook read as it is has no note.
  const plain = { ...notebook, nbformat_minor: 5, extra: undefined, cells: notebook.cells.slice(0, 1) };
  const plainDoc = new JSDOM(exportNotebookHtml(parseNotebook(JSON.stringify(plain)))).window.document;
  assert.equal(plainDoc.querySelector(".vt-reading-notes"), null);
});

test("math in the export: KaTeX's HTML with its box styles as hashed class rules; frames ask for the stylesheet", () => {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: "markdown", id: "m", metadata: {}, source: "## $x$\n\n$$\\sqrt{x} = \\mathbf{V}$$" },
      {
        cell_type: "code",
        id: "c",
        metadata: {},
        source: "",
        execution_count: 1,
        outputs: [{ output_type: "display_data", metadata: {}, data: { "text/latex": "$\\frac{a}{b}$" } }],
      },
    ],
  };
  const parsed = parseNotebook(new TextEncoder().encode(JSON.stringify(notebook)), { file: "m.ipynb" });
  const html = exportNotebookHtml(parsed, { fileName: "m.ipynb" });
  const doc = new JSDOM(html).window.document;
  const csp = doc.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute("content") ?? "";
  const styles = Array.from(doc.querySelectorAll("head style"), (s) => s.textContent ?? "");
  // The page's own, KaTeX's with its fonts, the math boxes' class rules.
  assert.equal(styles.length, 3);
  for (const text of styles) assert.ok(csp.includes(sha256Source(text)));
  // KaTeX's fonts are embedded: every URL in the math styles is a woff2 data: URL (export-math.test.ts checks them).
  assert.doesNotMatch(styles[1]!.replace(/url\(data:font\/woff2;base64,[A-Za-z0-9+/=]+\)/g, ""), /url\(/);
  assert.doesNotMatch(styles[2]!, /url\(/);
  assert.equal(doc.querySelectorAll(".vt-markdown .katex-html").length, 2);
  assert.equal(doc.querySelector("[style], [data-math-style]"), null);
  const classes = Array.from(doc.querySelectorAll(".katex-html [class*='vt-m']"), (e) =>
    Array.from(e.classList).find((c) => /^vt-m\d+$/.test(c)),
  );
  assert.ok(classes.length > 5);
  for (const name of classes) assert.match(styles[2]!, new RegExp(`\\.${name}\\{[a-z-]+:[^}]+ !important`));
  // The text/latex output's frame has KaTeX's drawing, its box styles for its own script to apply, and its MathML
  // (export-frame-math.test.ts).
  const frame = doc.querySelector("iframe")?.getAttribute("srcdoc") ?? "";
  assert.match(frame, /<math/);
  assert.match(frame, /katex-html/);
  assert.match(frame, /data-math-style/);
  assert.doesNotMatch(frame, / style=/);
});
