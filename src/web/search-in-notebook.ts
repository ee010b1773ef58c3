// Finding text in the notebook on a reading page. The matches are counted in the notebook's whole text, read from
// its model, not from the page: the page draws a long notebook's cells progressively (progressive-cells.ts), and a
// count of the drawn cells would grow while the reader looks at it. Each match is then placed on the drawn cell as
// a range, once that cell is drawn.
//
// The text of a cell is the notebook's own text as the drawn cell shows it, in parts that each have one element in
// the drawn cell:
// - a code cell's source (`.vt-source`), and each text or error output (`.vt-output` k of `.vt-outputs`, its whole
//   text: a folded output's preview repeats its start and is not counted twice), as the render plan makes them
//   (terminal controls applied); images, notices and outputs in sandboxed frames (other documents) are not searched;
// - a markdown cell's rendered text (`.vt-markdown`), not its source: the reader sees "bold" where the source says
//   "**bold**". A drawn cell's is read from the page; a cell not drawn yet is rendered by the page's own renderer and
//   sanitizer, as it will be drawn, in the sanitizer's inert document, where nothing loads or runs. So markdown is
//   matched on the text the reader sees or will see, drawn or not;
// - a raw cell's source (`.vt-raw`).
// The studio's own words around them (prompts, tags, "hidden by the notebook", fold summaries) are not the
// notebook's and are not searched. Matching is on each part's text as a whole, so a match may run across the spans
// that highlighted code is made of. Case is ignored.
import type { Cell, CodeCell, MimeBundle, Notebook } from "../notebook/types.ts";
import type { OutputPlan } from "../render/plan-types.ts";
import { outputPlanner } from "../render/plan.ts";

/** Most matches kept: enough to step through, bounded for a notebook of many thousands of lines. */
export const MAX_FIND_MATCHES = 2000;

/** A part of a cell's text, and the drawn element it is shown in: "source", "markdown", "raw" or "output:k". */
export interface TextPart {
  part: string;
  text: string;
}

/** The text of one cell (index from 0, as in the notebook), in the order the drawn cell shows it. */
export interface CellText {
  index: number;
  parts: TextPart[];
}

/** A match in the notebook's text: its cell, its part, where it is in that part, and which of the part's it is. */
export interface TextMatch {
  cell: number;
  part: number;
  start: number;
  end: number;
  /** 0 for the part's first match. */
  nth: number;
}

/** A markdown cell's source as the text its drawn cell shows (the cell's index, to read a drawn cell's own). */
export type MarkdownText = (source: string, attachments: Record<string, MimeBundle>, index: number) => string;

/** The notebook's text, cell by cell, as its drawn cells show it (see above). */
export function notebookText(notebook: Notebook, markdownText: MarkdownText): CellText[] {
  const outputs = outputPlanner(notebook);
  return notebook.cells.map((cell, index) => cellText(cell, index, outputs, markdownText));
}

/** Time one piece of notebookTextInPieces may take (ms), so that the page stays responsive. */
const PIECE_MS = 12;

/**
 * notebookText a piece at a time, `pause` between pieces: rendering a long notebook's markdown and math takes
 * seconds (2,000 such cells take about two on a laptop), which the page must not be frozen for.
 */
export async function notebookTextInPieces(
  notebook: Notebook,
  markdownText: MarkdownText,
  pause: () => Promise<void>,
): Promise<CellText[]> {
  const outputs = outputPlanner(notebook);
  const text: CellText[] = [];
  let started = performance.now();
  for (const [index, cell] of notebook.cells.entries()) {
    if (performance.now() - started > PIECE_MS) {
      await pause();
      started = performance.now();
    }
    text.push(cellText(cell, index, outputs, markdownText));
  }
  return text;
}

function cellText(
  cell: Cell,
  index: number,
  outputs: (cell: CodeCell) => OutputPlan[],
  markdownText: MarkdownText,
): CellText {
  switch (cell.cell_type) {
    case "markdown":
      return { index, parts: [{ part: "markdown", text: markdownText(cell.source, cell.attachments ?? {}, index) }] };
    case "raw":
      return { index, parts: [{ part: "raw", text: cell.source }] };
    case "code": {
      const parts: TextPart[] = [{ part: "source", text: cell.source }];
      outputs(cell).forEach((output, k) => {
        if (output.kind === "text") parts.push({ part: `output:${k}`, text: joinRuns(output.runs) });
        else if (output.kind === "error")
          parts.push({
            part: `output:${k}`,
            text: output.runs.length > 0 ? joinRuns(output.runs) : `${output.ename}: ${output.evalue}`,
          });
      });
      return { index, parts };
    }
  }
}

const joinRuns = (runs: readonly { text: string }[]) => runs.map((run) => run.text).join("");

/** Lower case, one UTF-16 unit for one, so that offsets in the folded text are offsets in the original. */
function fold(text: string): string {
  let out = "";
  for (const unit of text) {
    const lower = unit.toLowerCase();
    out += lower.length === unit.length ? lower : unit;
  }
  return out;
}

/** Where `needle` (folded) is in `text`, each match after the end of the one before. */
function occurrences(text: string, needle: string, each: (at: number) => boolean): void {
  const haystack = fold(text);
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length))
    if (!each(at)) return;
}

/** The matches of `query` in the notebook's text, in reading order, at most MAX_FIND_MATCHES. */
export function findInText(cells: readonly CellText[], query: string): TextMatch[] {
  const needle = fold(query);
  if (needle === "") return [];
  const matches: TextMatch[] = [];
  for (const cell of cells) {
    cell.parts.forEach((part, p) => {
      let nth = 0;
      if (matches.length < MAX_FIND_MATCHES)
        occurrences(part.text, needle, (at) => {
          matches.push({ cell: cell.index, part: p, start: at, end: at + needle.length, nth: nth++ });
          return matches.length < MAX_FIND_MATCHES;
        });
    });
    if (matches.length >= MAX_FIND_MATCHES) break;
  }
  return matches;
}

/** The element a part is shown in, in a drawn cell; null when the cell does not show it. */
export function partElement(cell: Element, part: string): Element | null {
  if (part === "source") return cell.querySelector(".vt-source");
  if (part === "markdown") return cell.querySelector(".vt-markdown");
  if (part === "raw") return cell.querySelector(".vt-raw");
  const k = Number(part.slice("output:".length));
  const output = cell.querySelector(".vt-outputs")?.children[k];
  return output?.querySelector("pre.vt-text:not(.vt-fold-preview)") ?? null;
}

/** The text nodes under an element, and where each starts in their joined text. */
export interface TextNodes {
  nodes: Text[];
  starts: number[];
  text: string;
}

/** NodeFilter.SHOW_TEXT, by value: the page's global, and a test's jsdom window's, have the same. */
const SHOW_TEXT = 0x4;

export function textNodes(root: Node): TextNodes {
  const nodes: Text[] = [];
  const starts: number[] = [];
  let text = "";
  const doc = root.ownerDocument ?? (root as Document);
  const walker = doc.createTreeWalker(root, SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    nodes.push(node as Text);
    starts.push(text.length);
    text += (node as Text).data;
  }
  return { nodes, starts, text };
}

/** The range of characters start to end of the joined text. */
function rangeAt(doc: Document, { nodes, starts }: TextNodes, start: number, end: number): Range | null {
  if (nodes.length === 0) return null;
  let first = 0;
  while (first + 1 < nodes.length && starts[first + 1]! <= start) first++;
  let last = first;
  while (last + 1 < nodes.length && starts[last + 1]! < end) last++;
  const range = doc.createRange();
  range.setStart(nodes[first]!, start - starts[first]!);
  range.setEnd(nodes[last]!, end - starts[last]!);
  return range;
}

/**
 * The range a match covers in its drawn cell: at its place when the part's drawn text is the text it was found in,
 * else (the page changed the drawn text, as an image it could not show) at the part's nth match of the same words
 * there. Null when the drawn part has no such match. `read` keeps the parts' text nodes between calls.
 */
export function matchRange(
  cell: Element,
  text: CellText,
  match: TextMatch,
  query: string,
  read: Map<Element, TextNodes> = new Map(),
): Range | null {
  const part = text.parts[match.part];
  const element = part ? partElement(cell, part.part) : null;
  if (!part || !element) return null;
  return drawnMatchRange(element, part.text, match, query, read);
}

/**
 * The range a match covers in the element that draws its part: at its place when the element's text is the text
 * it was found in (`partText`), else at the element's nth match of the same words. Null when it has no such match.
 */
export function drawnMatchRange(
  element: Element,
  partText: string,
  match: TextMatch,
  query: string,
  read: Map<Element, TextNodes> = new Map(),
): Range | null {
  const drawn = readText(element, read);
  if (drawn.text === partText) return rangeAt(element.ownerDocument, drawn, match.start, match.end);
  return nthMatchRange(element, query, match.nth, read);
}

function readText(element: Element, read: Map<Element, TextNodes>): TextNodes {
  let drawn = read.get(element);
  if (!drawn) read.set(element, (drawn = textNodes(element)));
  return drawn;
}

/** The range of characters start to end of an element's text; null past its end. */
export function offsetRange(
  element: Element,
  start: number,
  end: number,
  read: Map<Element, TextNodes> = new Map(),
): Range | null {
  const drawn = readText(element, read);
  return end <= drawn.text.length ? rangeAt(element.ownerDocument, drawn, start, end) : null;
}

/** The range of the nth match (from 0) of `query` in an element's text; null when it has fewer. */
export function nthMatchRange(
  element: Element,
  query: string,
  nth: number,
  read: Map<Element, TextNodes> = new Map(),
): Range | null {
  const drawn = readText(element, read);
  const needle = fold(query);
  if (needle === "") return null;
  let found: number | null = null;
  let seen = 0;
  occurrences(drawn.text, needle, (at) => {
    if (seen++ === nth) found = at;
    return found === null;
  });
  return found === null ? null : rangeAt(element.ownerDocument, drawn, found, found + needle.length);
}

/** How many matches of `query` an element's text holds. */
export function matchCount(element: Element, query: string, read: Map<Element, TextNodes> = new Map()): number {
  const needle = fold(query);
  let count = 0;
  if (needle !== "")
    occurrences(readText(element, read).text, needle, () => {
      count++;
      return true;
    });
  return count;
}

/** A match on the page, for the drawn cells the notebook's model is not at hand for (the editor's). */
export interface FindMatch {
  range: Range;
  /** The cell the match is in. */
  cell: Element;
}

/** The matches of `query` in the drawn cells under `root` (elements of class vt-cell), in document order. */
export function findInCells(root: Element, query: string): FindMatch[] {
  const needle = fold(query);
  if (needle === "") return [];
  const matches: FindMatch[] = [];
  for (const cell of root.querySelectorAll(".vt-cell")) {
    const drawn = textNodes(cell);
    occurrences(drawn.text, needle, (at) => {
      const range = rangeAt(cell.ownerDocument, drawn, at, at + needle.length);
      if (range) matches.push({ range, cell });
      return matches.length < MAX_FIND_MATCHES;
    });
    if (matches.length >= MAX_FIND_MATCHES) break;
  }
  return matches;
}
