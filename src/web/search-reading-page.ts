// What a notebook's reading page (notebook-view.tsx) offers the studio's find box and the addresses of its cells:
// the notebook its cells are drawn from, read from the stored bytes once they are in, and a way to draw the cells
// not drawn yet. The find box and the landing on a cell find the page by its cells' container, the element both
// already look for; nothing of this is reachable from a notebook's content.
import { NotebookError } from "../notebook/errors.ts";
import { parseAcceptedNotebook, parseNotebook } from "../notebook/parse.ts";
import type { Notebook } from "../notebook/types.ts";
import { browserSanitizer } from "./browser-sanitizer.ts";
import { loadedMarkdown } from "./markdown-module.ts";
import { notebookTextInPieces, textNodes, type CellText } from "./search-in-notebook.ts";

export interface ReadingPageSource {
  /** The stored bytes the cells are drawn from, once they are in. */
  bytes(): Uint8Array | null;
  fileName: string;
  /** Draws the cells up to `index` (every cell when not given) that are not drawn yet, now. */
  drawThrough(index?: number): void;
}

export interface ReadingPage {
  /** The notebook, once its bytes are in: the same reading as the drawn cells'. Null before, or if it is refused. */
  notebook(): Notebook | null;
  drawThrough(index?: number): void;
}

const pages = new WeakMap<Element, ReadingPage>();

/** Offers the page of the cells drawn in `cells`; the returned function withdraws it. */
export function offerReadingPage(cells: Element, source: ReadingPageSource): () => void {
  let read: { bytes: Uint8Array; notebook: Notebook | null } | undefined;
  const page: ReadingPage = {
    notebook() {
      const bytes = source.bytes();
      if (!bytes) return null;
      if (read?.bytes !== bytes) read = { bytes, notebook: readNotebook(bytes, source.fileName) };
      return read.notebook;
    },
    drawThrough: (index) => source.drawThrough(index),
  };
  pages.set(cells, page);
  return () => {
    if (pages.get(cells) === page) pages.delete(cells);
  };
}

/** The reading page whose cells are drawn in `cells`, if one is offered there. */
export function readingPageOf(cells: Element | null): ReadingPage | undefined {
  return cells ? pages.get(cells) : undefined;
}

function readNotebook(bytes: Uint8Array, file: string): Notebook | null {
  // As the drawing reads them (notebook-drawing.ts): the fast reader for bytes the server stored, the strict one
  // for anything it refuses.
  try {
    return (parseAcceptedNotebook(bytes, { file }) ?? parseNotebook(bytes, { file })).notebook;
  } catch (error) {
    if (error instanceof NotebookError) return null;
    throw error;
  }
}

const texts = new WeakMap<Notebook, Promise<CellText[]>>();

/** The next task: a pause between pieces of work that lets the page paint and answer input. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * The notebook's text as its cells, drawn in `cells` or not yet, show it (search-in-notebook.ts), made once for each
 * notebook, a piece at a time. Null while the bytes or the page's markdown renderer are not in (the page loads the
 * renderer before it draws from the bytes).
 */
export function readingPageText(page: ReadingPage, cells: Element): Promise<CellText[]> | null {
  const notebook = page.notebook();
  const markdown = loadedMarkdown();
  if (!notebook || !markdown) return null;
  let text = texts.get(notebook);
  if (!text) {
    const sanitizer = browserSanitizer();
    text = notebookTextInPieces(
      notebook,
      (source, attachments, index) => {
        // A drawn cell's text is read from it: rendering markdown and math again is most of what this takes.
        const drawn = cells.children[index];
        const box = drawn?.id === `vt-cell-${index + 1}` ? drawn.querySelector(".vt-markdown") : null;
        if (box) return textNodes(box).text;
        // The drawn cell's markdown will be this HTML after this sanitizer (studio-host.ts); the fragment stays in
        // the sanitizer's inert document, where nothing loads or runs, and only its text is kept.
        return textNodes(sanitizer.sanitizeToFragment(markdown.renderMarkdown(source), { attachments })).text;
      },
      nextTask,
    );
    texts.set(notebook, text);
  }
  return text;
}

/** The index of the first cell whose nbformat id is `id` (the first of equal ids), or -1. */
export function cellIndexOfId(notebook: Notebook, id: string): number {
  return notebook.cells.findIndex((cell) => cell.id === id);
}
