import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";
import {
  cellElement,
  collectHeadings,
  elementsUnder,
  FOLD_OUTPUT_LINES,
  FOLD_PREVIEW_LINES,
  sizeDataImages,
} from "./dom.ts";
import { buildRenderPlan } from "./plan.ts";
import { png } from "../../test/png-fixture.ts";
import { renderMarkdown } from "./markdown.ts";

const { document } = new JSDOM("").window;

function tree(markup: string): HTMLElement {
  return new JSDOM(`<div id="root">${markup}</div>`).window.document.getElementById("root")!;
}

test("elementsUnder lists elements in tree order, and skips what it is told not to enter", () => {
  const root = tree("<p id=a><b id=b><i id=c></i></b></p><ul id=d><li id=e></li></ul>");
  assert.deepEqual(
    elementsUnder(root).map((e) => e.id),
    ["a", "b", "c", "d", "e"],
  );
  assert.deepEqual(
    elementsUnder(root, (e) => e.id !== "a").map((e) => e.id),
    ["a", "d", "e"],
  );
  const fragment = document.createDocumentFragment();
  fragment.append(document.createElement("p"), document.createElement("span"));
  assert.deepEqual(
    elementsUnder(fragment).map((e) => e.localName),
    ["p", "span"],
  );
});

test("collectHeadings finds h1 to h4 with ids in markdown boxes, hidden ones too, in order, and nothing else", () => {
  const root = tree(`
    <section class="vt-cell"><div class="vt-markdown"><h1 id="user-content-A">A <em>x</em></h1><h5 id="user-content-deep">no</h5></div></section>
    <section class="vt-cell"><div class="vt-input"><h1 id="in-code">no</h1></div><div class="vt-outputs"><h2 id="in-output">no</h2></div></section>
    <section class="vt-cell"><details class="vt-hidden-part"><div class="vt-markdown"><div><h2 id="user-content-B">B</h2></div><h3>no id</h3><h4 id="user-content-C">C</h4></div></details></section>
    <h1 id="outside">no</h1>`);
  assert.deepEqual(collectHeadings(root), [
    { level: 1, text: "A x", anchor: "user-content-A" },
    { level: 2, text: "B", anchor: "user-content-B" },
    { level: 4, text: "C", anchor: "user-content-C" },
  ]);
});

test("sizeDataImages gives data: images without a size their header's, and leaves every other image alone", () => {
  const image = `data:image/png;base64,${png(640, 480).toString("base64")}`;
  const root = tree(
    `<img id=a src="${image}"><img id=b src="${image}" width=100><img id=c src="https://x.example/a.png"><img id=d src="data:image/png;base64,bm90IGFuIGltYWdl"><img id=e src="data:image/svg+xml;base64,PHN2Zz4=">`,
  );
  sizeDataImages(root);
  const size = (id: string) => [
    root.querySelector(`#${id}`)!.getAttribute("width"),
    root.querySelector(`#${id}`)!.getAttribute("height"),
  ];
  assert.deepEqual(size("a"), ["640", "480"]);
  assert.deepEqual(size("b"), ["100", null], "a size the notebook gave stays as it is");
  assert.deepEqual(size("c"), [null, null]);
  assert.deepEqual(size("d"), [null, null], "bytes that are no image get no size");
  assert.deepEqual(size("e"), [null, null]);
});

test("a long output shows its first lines above a fold that holds all of it, colours and all", () => {
  const lines = Array.from({ length: FOLD_OUTPUT_LINES + 50 }, (_, i) => `line ${i + 1}\n`);
  const coloured = ["line 1\n", "\u001b[31mline 2\u001b[0m\n", ...lines.slice(2)];
  const plan = buildRenderPlan(
    {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        {
          cell_type: "code",
          id: "c",
          source: "",
          metadata: {},
          execution_count: 1,
          outputs: [{ output_type: "stream", name: "stdout", text: coloured.join("") }],
        },
      ],
    },
    { markdown: renderMarkdown },
  );
  const host = {
    sanitizeMarkdown: () => document.createDocumentFragment(),
    createActiveOutput: () => document.createElement("div"),
    adjustLinksAndImages: () => {},
  };
  const cell = cellElement(document, plan.cells[0]!, host);
  const preview = cell.querySelector(".vt-folded > pre.vt-fold-preview");
  assert.equal(preview?.textContent, lines.slice(0, FOLD_PREVIEW_LINES).join("").slice(0, -1));
  assert.equal(preview?.querySelector(".ansi-red-fg")?.textContent, "line 2");
  const fold = cell.querySelector(".vt-folded > details.vt-fold");
  assert.equal(
    fold?.querySelector("summary")?.textContent,
    `Long output: ${(FOLD_OUTPUT_LINES + 50).toLocaleString("en")} lines (show all)`,
  );
  assert.equal(fold?.querySelector("pre.vt-text")?.textContent?.split("\n").length, FOLD_OUTPUT_LINES + 51);
  assert.equal(fold?.hasAttribute("open"), false);
});

test("a cell carries its nbformat id as an attribute only, when the id has nbformat's form", () => {
  const host = {
    sanitizeMarkdown: () => document.createDocumentFragment(),
    createActiveOutput: () => document.createElement("div"),
    adjustLinksAndImages: () => {},
  };
  const ids = ["ok-1_A", "location", "__proto__", '"><img src=x onerror=alert(1)>', "", "x".repeat(65), undefined];
  const plan = buildRenderPlan(
    {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: ids.map((id) => ({
        cell_type: "raw" as const,
        ...(id === undefined ? {} : { id }),
        source: "",
        metadata: {},
      })),
    },
    { markdown: renderMarkdown },
  );
  const cells = plan.cells.map((cell) => cellElement(document, cell, host));
  assert.deepEqual(
    cells.map((c) => c.getAttribute("data-cell-id")),
    ["ok-1_A", "location", "__proto__", null, null, null, null],
  );
  // The element's own id is always the studio's, by place: a notebook's id never names an element.
  assert.deepEqual(
    cells.map((c) => c.id),
    ids.map((_, i) => `vt-cell-${i + 1}`),
  );
  assert.ok(cells.every((c) => c.querySelector("img") === null));
});
