// Find in a notebook counts matches in the notebook's whole text, cell by cell as the drawn cells show it, and
// places each on its drawn cell: the text read from the model is the drawn text, part for part.
import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";
import { parseNotebook } from "../notebook/index.ts";
import { cellElement } from "../render/dom.ts";
import { buildRenderPlan } from "../render/plan.ts";
import { renderMarkdown } from "../render/markdown.ts";
import { createSanitizer } from "../render/sanitize.ts";
import {
  findInText,
  MAX_FIND_MATCHES,
  matchCount,
  matchRange,
  notebookText,
  nthMatchRange,
  offsetRange,
  textNodes,
} from "./search-in-notebook.ts";

const { window } = new JSDOM("");
const document = window.document;
const sanitizer = createSanitizer(window as never);
const markdownText = (source: string) => textNodes(sanitizer.sanitizeToFragment(renderMarkdown(source))).text;

const notebook = parseNotebook(
  new TextEncoder().encode(
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        { cell_type: "markdown", id: "m", metadata: {}, source: "A **bold** Leaf and a [link](https://x.example/)" },
        {
          cell_type: "code",
          id: "c",
          metadata: { tags: ["leaf-tag"] },
          execution_count: 3,
          source: "leaf = 1\nprint(leaf)",
          outputs: [
            { output_type: "stream", name: "stdout", text: "\u001b[31mleaf\u001b[0m one\n" },
            { output_type: "display_data", metadata: {}, data: { "text/html": "<b>leaf</b>" } },
            { output_type: "error", ename: "E", evalue: "v", traceback: ["leaf trace"] },
          ],
        },
        { cell_type: "raw", id: "r", metadata: {}, source: "raw leaf" },
      ],
    }),
  ),
).notebook;

test("the notebook's text is its drawn cells' text, part for part, without the studio's own words", () => {
  const text = notebookText(notebook, markdownText);
  const plan = buildRenderPlan(notebook, { markdown: renderMarkdown });
  const host = {
    sanitizeMarkdown: (html: string) => sanitizer.sanitizeToFragment(html),
    createActiveOutput: () => document.createElement("iframe"),
    adjustLinksAndImages: () => {},
  };
  const cells = plan.cells.map((cell) => cellElement(document, cell, host));
  assert.deepEqual(
    text.map((cell) => cell.parts.map((p) => p.part)),
    [["markdown"], ["source", "output:0", "output:2"], ["raw"]],
  );
  assert.equal(text[0]?.parts[0]?.text.trim(), "A bold Leaf and a link");
  assert.equal(text[1]?.parts[1]?.text, "leaf one\n");
  // Each match is placed at its own words in the drawn cell, across highlighted code's spans too.
  const matches = findInText(text, "LEAF");
  assert.deepEqual(
    matches.map((m) => `${m.cell}:${m.part}:${m.nth}`),
    ["0:0:0", "1:0:0", "1:0:1", "1:1:0", "1:2:0", "2:0:0"],
    "the tag, the prompt and the HTML output are not the notebook's text on the page",
  );
  for (const match of matches) {
    const range = matchRange(cells[match.cell]!, text[match.cell]!, match, "LEAF");
    assert.equal(range?.toString().toLowerCase(), "leaf");
  }
  const across = findInText(text, "leaf = 1\nprint(")[0]!;
  assert.equal(matchRange(cells[1]!, text[1]!, across, "leaf = 1\nprint(")?.toString(), "leaf = 1\nprint(");
});

test("a drawn part whose text differs from the model's is matched by the same words' place among its matches", () => {
  const text = notebookText(notebook, markdownText);
  const cell = document.createElement("section");
  const box = cell.appendChild(document.createElement("div"));
  box.className = "vt-markdown";
  box.textContent = "(image not shown) A bold Leaf and a link";
  const match = findInText(text, "leaf")[0]!;
  assert.equal(matchRange(cell, text[0]!, match, "leaf")?.toString(), "Leaf");
  assert.equal(matchRange(cell, text[0]!, { ...match, nth: 1 }, "leaf"), null);
});

test("matches are bounded, and an empty query finds nothing", () => {
  const many = [{ index: 0, parts: [{ part: "raw", text: "ab".repeat(MAX_FIND_MATCHES + 10) }] }];
  assert.equal(findInText(many, "a").length, MAX_FIND_MATCHES);
  assert.deepEqual(findInText(many, ""), []);
});

test("a range is placed by offsets across an element's text nodes, or at the nth match of the words, which are counted", () => {
  const pre = document.createElement("pre");
  const a = document.createElement("span");
  a.textContent = "nee";
  pre.append(a, document.createTextNode("dle = Needle\u200b"));
  const read = new Map();
  const first = offsetRange(pre, 0, 6, read);
  assert.equal(first?.toString(), "needle");
  assert.equal(first?.startContainer, a.firstChild, "the range starts in the span and ends in the text after it");
  assert.equal(offsetRange(pre, 9, 15, read)?.toString(), "Needle");
  assert.equal(offsetRange(pre, 9, 40, read), null, "past the text's end");
  assert.equal(nthMatchRange(pre, "NEEDLE", 1, read)?.toString(), "Needle");
  assert.equal(nthMatchRange(pre, "needle", 2, read), null);
  assert.equal(nthMatchRange(pre, "", 0, read), null);
  assert.equal(matchCount(pre, "NEEDLE", read), 2);
  assert.equal(matchCount(pre, "haystack", read), 0);
  assert.equal(matchCount(pre, "", read), 0);
});
