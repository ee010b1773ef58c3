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
      `default-src 'none'; script-src ${sha256Source(PAGE_SIZER_SCRIPT)}; style-src ${sha256Source(css)}; ${images}; base-uri 'none'; form-action 'none'`,
    );
  }
  const framed = new JSDOM(exportNotebookHtml(parseNotebook(JSON.stringify(notebook)))).window.document;
  const frame = new JSDOM(framed.querySelector("iframe")?.getAttribute("srcdoc") ?? "").window.document;
  assert.equal(
    policyOf(frame),
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:; media-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'",
  );
});
