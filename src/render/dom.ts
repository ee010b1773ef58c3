// Render plan to DOM. Works on any Document (the browser's, or jsdom's for the export) and builds everything
// with element and text-node APIs: nothing from a notebook is ever concatenated into markup. The only HTML
// that is parsed here is markdown output, and it goes through the sanitizer first.
import type { CellPlan, CodeCellPlan, FrameOutputPlan, ImageOutputPlan, OutputPlan, RenderPlan } from "./plan-types.ts";
import type { TextRun } from "./terminal.ts";
import type { MimeBundle } from "../notebook/types.ts";
import { summarizeReadingNotes, type ReadingNote, type ReadingNoteCounts } from "../notebook/reading-notes.ts";
import { base64ImageDimensions } from "../images/image-dimensions.ts";
import { groupDigits } from "./plain-format.ts";
import { CELL_ID_ATTRIBUTE, isCellId } from "../contract/cell-anchors.ts";

const HTML_NS = "http://www.w3.org/1999/xhtml";

/** What the environment (export or studio) supplies to draw the parts that differ between them. */
export interface RenderHost {
  /** Sanitizes markdown HTML into a fragment of `doc` (the project's one sanitizer). */
  sanitizeMarkdown(unsafeHtml: string, attachments: Record<string, MimeBundle>): DocumentFragment;
  /** Builds the element that shows an active output: a sandboxed frame, or a fallback. */
  createActiveOutput(frame: FrameOutputPlan, doc: Document): Element;
  /** Rewrites links and images in sanitized content (URL checks, proxying, placeholders). */
  adjustLinksAndImages(root: ParentNode, doc: Document): void;
}

/** Outputs longer than this many lines are folded, with the whole text one click away. */
export const FOLD_OUTPUT_LINES = 200;

export function el<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function appendRuns(doc: Document, parent: Element, runs: readonly TextRun[]): void {
  for (const run of runs) {
    if (run.classes.length === 0) {
      parent.appendChild(doc.createTextNode(run.text));
    } else {
      parent.appendChild(el(doc, "span", run.classes.join(" "), run.text));
    }
  }
}

function prompt(doc: Document, label: string, count: number | null | undefined): HTMLElement {
  const text = count === undefined ? "" : `${label}[${count === null ? " " : String(count)}]:`;
  const node = el(doc, "div", "vt-prompt", text);
  node.setAttribute("aria-hidden", "true");
  return node;
}

/** Lines of a folded output shown above its control: its start, to read before deciding to see it all. */
export const FOLD_PREVIEW_LINES = 20;

/** The runs of the first `lines` lines (without the newline that ends the last of them). */
function leadingRuns(runs: readonly TextRun[], lines: number): TextRun[] {
  const head: TextRun[] = [];
  let left = lines;
  for (const run of runs) {
    let end = -1;
    while (left > 0) {
      end = run.text.indexOf("\n", end + 1);
      if (end === -1) break;
      left--;
    }
    if (left === 0) {
      if (end > 0) head.push({ ...run, text: run.text.slice(0, end) });
      return head;
    }
    head.push(run);
  }
  return head;
}

function foldable(doc: Document, body: HTMLElement, runs: readonly TextRun[], lineCount: number): HTMLElement {
  if (lineCount <= FOLD_OUTPUT_LINES) return body;
  // A <details> element folds without script, so the export stays readable with JavaScript off. The output's
  // first lines stay in view above it; the stylesheet hides them once the whole text is open below.
  const box = el(doc, "div", "vt-folded");
  const preview = el(doc, "pre", `${body.className} vt-fold-preview`);
  appendRuns(doc, preview, leadingRuns(runs, FOLD_PREVIEW_LINES));
  const details = el(doc, "details", "vt-fold");
  details.appendChild(el(doc, "summary", "vt-fold-summary", `Long output: ${groupDigits(lineCount)} lines (show all)`));
  details.appendChild(body);
  box.append(preview, details);
  return box;
}

/**
 * Gives each data: image in sanitized markdown (attachments, inline images) that has neither a width nor a height
 * its header's size, so it has its place before it is decoded (CSS scales it down to fit, keeping its proportions).
 */
export function sizeDataImages(root: ParentNode): void {
  for (const img of Array.from(root.querySelectorAll("img"))) {
    if (img.hasAttribute("width") || img.hasAttribute("height")) continue;
    const src = img.getAttribute("src") ?? "";
    const comma = src.indexOf(",");
    if (!src.startsWith("data:image/") || comma < 0 || !src.slice(0, comma).endsWith(";base64")) continue;
    const size = base64ImageDimensions(src.slice(comma + 1));
    if (!size || size.width === 0 || size.height === 0) continue;
    img.setAttribute("width", String(size.width));
    img.setAttribute("height", String(size.height));
  }
}

export function imageElement(doc: Document, image: ImageOutputPlan): HTMLImageElement {
  const img = el(doc, "img", "vt-image");
  img.src = image.dataUrl;
  img.alt = image.alt;
  if (image.width !== undefined) img.width = image.width;
  if (image.height !== undefined) img.height = image.height;
  return img;
}

function outputElement(doc: Document, output: OutputPlan, host: RenderHost): HTMLElement {
  const wrap = el(doc, "div", `vt-output vt-output-${output.kind}`);
  const count = "executionCount" in output && output.executionCount !== null ? output.executionCount : undefined;
  wrap.appendChild(prompt(doc, "Out", count));
  const area = el(doc, "div", "vt-output-area");
  wrap.appendChild(area);
  switch (output.kind) {
    case "text": {
      wrap.classList.add(`vt-stream-${output.stream}`);
      const pre = el(doc, "pre", "vt-text");
      appendRuns(doc, pre, output.runs);
      area.appendChild(foldable(doc, pre, output.runs, output.lineCount));
      break;
    }
    case "error": {
      const pre = el(doc, "pre", "vt-text vt-traceback");
      appendRuns(doc, pre, output.runs);
      if (output.runs.length === 0) pre.textContent = `${output.ename}: ${output.evalue}`;
      area.appendChild(pre);
      break;
    }
    case "image":
      area.appendChild(imageElement(doc, output));
      break;
    case "frame":
      wrap.dataset.mime = output.mime;
      area.appendChild(host.createActiveOutput(output, doc));
      break;
    case "notice":
      area.appendChild(el(doc, "p", "vt-notice", output.message));
      break;
  }
  return wrap;
}

function hiddenPart(doc: Document, what: string, content: HTMLElement): HTMLElement {
  const details = el(doc, "details", "vt-hidden-part");
  details.appendChild(el(doc, "summary", "vt-hidden-summary", `${what} hidden by the notebook (show)`));
  details.appendChild(content);
  return details;
}

function codeCell(doc: Document, cell: CodeCellPlan, host: RenderHost): HTMLElement[] {
  const input = el(doc, "div", "vt-input");
  input.appendChild(prompt(doc, "In ", cell.executionCount));
  const pre = el(doc, "pre", "vt-source");
  const code = el(doc, "code", `language-${cell.language.replace(/[^a-z0-9_+-]/gi, "")}`);
  appendRuns(doc, code, cell.sourceRuns);
  pre.appendChild(code);
  input.appendChild(pre);
  const parts: HTMLElement[] = [cell.visibility.sourceHidden ? hiddenPart(doc, "Code", input) : input];
  if (cell.outputs.length > 0) {
    const outputs = el(doc, "div", "vt-outputs");
    for (const output of cell.outputs) outputs.appendChild(outputElement(doc, output, host));
    parts.push(cell.visibility.outputsHidden ? hiddenPart(doc, "Output", outputs) : outputs);
  }
  return parts;
}

/**
 * What the reading repaired or relaxed (notebook/reading-notes.ts), as a short note above the cells: one paragraph
 * a sentence, as text. Null when there is nothing to say.
 */
export function readingNotesElement(
  doc: Document,
  notes: readonly ReadingNote[] | undefined,
  counts?: ReadingNoteCounts,
): HTMLElement | null {
  const lines = summarizeReadingNotes(notes ?? [], counts);
  if (lines.length === 0) return null;
  const box = el(doc, "div", "vt-reading-notes");
  box.setAttribute("role", "note");
  box.setAttribute("aria-label", READING_NOTES_LABEL);
  for (const line of lines) box.appendChild(el(doc, "p", undefined, line));
  return box;
}

/** The accessible name of the reading notes, in the export and in the studio. */
export const READING_NOTES_LABEL = "How Vitrine read this notebook";

export function cellElement(doc: Document, cell: CellPlan, host: RenderHost): HTMLElement {
  const section = el(doc, "section", `vt-cell vt-cell-${cell.kind}`);
  section.id = `vt-cell-${cell.index + 1}`;
  // The notebook's own cell id (an address #cell-{id} leads here, contract/cell-anchors.ts) is an attribute's value,
  // never the element's id: an id is also a name on `window` and `document` (named access), so a cell called
  // "location", "searchIndex" or "__proto__" could shadow a global the studio's script reads (DOM clobbering), or
  // take an anchor of the studio's own. Only ids of nbformat's form are kept; the first of equal ids is the one an
  // address finds.
  if (isCellId(cell.cellId)) section.setAttribute(CELL_ID_ATTRIBUTE, cell.cellId);
  section.setAttribute("aria-label", `Cell ${cell.index + 1} (${cell.kind})`);
  if (cell.tags.length > 0) {
    const tags = el(doc, "ul", "vt-tags");
    tags.setAttribute("aria-label", "Tags");
    for (const tag of cell.tags) tags.appendChild(el(doc, "li", "vt-tag", tag));
    section.appendChild(tags);
  }
  switch (cell.kind) {
    case "code":
      for (const part of codeCell(doc, cell, host)) section.appendChild(part);
      break;
    case "markdown": {
      // The box is CSS-contained (see the stylesheets): nothing inside can cover or move the rest of the page.
      const box = el(doc, "div", "vt-markdown");
      box.appendChild(host.sanitizeMarkdown(cell.unsafeHtml, cell.attachments));
      sizeDataImages(box);
      host.adjustLinksAndImages(box, doc);
      section.appendChild(cell.visibility.sourceHidden ? hiddenPart(doc, "Text", box) : box);
      break;
    }
    case "raw": {
      const pre = el(doc, "pre", "vt-raw", cell.source);
      if (cell.format) pre.dataset.format = cell.format;
      section.appendChild(pre);
      break;
    }
  }
  return section;
}

export interface TocEntry {
  level: number;
  text: string;
  anchor: string;
}

/**
 * The elements under `root` in tree order, collected first so the caller may change the tree. A walk by hand
 * rather than `querySelectorAll`: jsdom parses the selector again for each document (every sanitized fragment
 * has its own) and gathers candidates over the whole subtree, which took a tenth of an export's time.
 * `descend` (default: always) says whether to walk into an element's children.
 */
export function elementsUnder(root: ParentNode, descend?: (element: Element) => boolean): Element[] {
  const found: Element[] = [];
  // Its own stack rather than recursion: rendered markup nests as deep as a notebook's bytes allow.
  const stack: Element[] = [];
  const pushChildren = (parent: ParentNode): void => {
    for (let child = parent.lastElementChild; child; child = child.previousElementSibling) stack.push(child);
  };
  pushChildren(root);
  for (let child = stack.pop(); child !== undefined; child = stack.pop()) {
    found.push(child);
    if (child.firstElementChild && (descend === undefined || descend(child))) pushChildren(child);
  }
  return found;
}

const TOC_HEADINGS: ReadonlySet<string> = new Set(["h1", "h2", "h3", "h4"]);
/** Where markdown boxes are not: code and outputs, most of a notebook's elements, are not walked for headings. */
const NO_MARKDOWN_INSIDE = ["vt-markdown", "vt-input", "vt-outputs"];

/** Headings of the rendered markdown, in order, for a table of contents (only those with an id). */
export function collectHeadings(root: ParentNode): TocEntry[] {
  const entries: TocEntry[] = [];
  const containers = elementsUnder(
    root,
    (element) => !NO_MARKDOWN_INSIDE.some((name) => element.classList.contains(name)),
  );
  for (const box of containers) {
    if (!box.classList.contains("vt-markdown")) continue;
    for (const h of elementsUnder(box)) {
      if (!TOC_HEADINGS.has(h.localName) || h.namespaceURI !== HTML_NS || !h.id) continue;
      entries.push({ level: Number(h.localName.slice(1)), text: (h.textContent ?? "").trim(), anchor: h.id });
    }
  }
  return entries;
}

export function renderCells(doc: Document, plan: RenderPlan, host: RenderHost): DocumentFragment {
  const fragment = doc.createDocumentFragment();
  for (const cell of plan.cells) fragment.appendChild(cellElement(doc, cell, host));
  return fragment;
}
