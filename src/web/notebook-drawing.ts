// Drawing one notebook into the studio page, from what has arrived: its head (the metadata and first cells the
// server sends apart, render/notebook-head.ts), then its stored bytes. The first screen is drawn from whichever
// comes first; the rest of the cells only from the bytes, which the notebook model reads in full. The head's cells
// are the bytes' first cells, read by the same model, except for frame contents too large for the head, whose
// place is drawn until the bytes are in. A cell drawn from the head that differs from the bytes' (that one, or any
// cell if a new version was stored between the two requests) is drawn again from the bytes.
import { NotebookError } from "../notebook/errors.ts";
import { PENDING_OUTPUT } from "../contract/notebook-head-constants.ts";
import type { ReadHead } from "../render/notebook-head.ts";
import { parseAcceptedNotebook, parseNotebook } from "../notebook/parse.ts";
import { summarizeReadingNotes } from "../notebook/reading-notes.ts";
import type { Notebook, ParsedNotebook } from "../notebook/types.ts";
import { cellElement, sizeDataImages, type RenderHost } from "../render/dom.ts";
import type { Highlighted } from "../render/highlight.ts";
import { planCellRange } from "../render/cell-plans.ts";
import { loadedMarkdown, loadMarkdown } from "./markdown-module.ts";
import { planHeading, type MarkdownToHtml } from "../render/plan.ts";
import {
  drawCellsProgressively,
  fillFirstScreen,
  FIRST_SCREEN_MARK,
  screenIsFull,
  whenIdle,
  type IdleHandle,
  type ProgressiveCells,
} from "./progressive-cells.ts";
import type { StudioHost } from "./studio-host.ts";

export interface NotebookHeader {
  title: string;
  meta: string;
  /** What the reading repaired or relaxed, as sentences shown above the cells; empty when nothing. */
  readingNotes: string[];
}

export interface NotebookDrawingOptions {
  container: HTMLElement;
  fileName: string;
  host: StudioHost;
  /** The title and the line under it, as soon as they are known. */
  onHeader(header: NotebookHeader): void;
  /** Every cell is drawn. */
  onAllDrawn(): void;
  /** The file is not a notebook the model reads; nothing of it is shown. */
  onError(message: string): void;
  /**
   * The bytes are needed now: the head's first screen is painted, or the head cannot fill it, or a link needs a
   * cell the head does not have. Reading megabytes before that would hold up the first screen.
   */
  wantBytes(): void;
}

/** How long the bytes wait for the head's first screen to be painted, at most (ms). */
const BYTES_WITHOUT_PAINT_MS = 100;

const describe = (error: unknown) => (error instanceof NotebookError ? error.format() : String(error));

export class NotebookDrawing {
  private readonly options: NotebookDrawingOptions;
  private head: ReadHead | null = null;
  /** Cells in the container drawn from the head. */
  private headCells = 0;
  private firstScreenMarked = false;
  private fromFile = false;
  private progressive: ProgressiveCells | undefined;
  private confirming: IdleHandle | undefined;
  /** The frame and the tasks that wait for the head's first screen to be painted before the bytes are asked for. */
  private paintFrame: number | undefined;
  private paintTask: number | undefined;
  private paintTimeout: number | undefined;
  private bytesWanted = false;
  /** The cells a link asked for before the bytes were in: through this index (Infinity: every cell). */
  private drawThroughWhenRead = -1;
  private disposed = false;

  constructor(options: NotebookDrawingOptions) {
    this.options = options;
  }

  /** Draws the first screen from the head, unless the bytes came first. */
  showHead(head: ReadHead): void {
    if (this.disposed || this.fromFile || this.head) return;
    const markdown = headMarkdown(head);
    if (!markdown) {
      // A head without the server's markdown HTML is drawn once the page's own renderer is ready.
      void loadMarkdown().then(() => this.showHead(head));
      return;
    }
    this.head = head;
    const { container, host } = this.options;
    const notebook = head.parsed.notebook;
    this.options.onHeader(this.header(head.parsed, head.cellCount, head.readingNotes));
    container.replaceChildren();
    const headHost = this.headHost();
    this.headCells = fillFirstScreen(container, 0, notebook.cells.length, (start, end) =>
      this.draw(head.parsed, start, end, { markdown, host: headHost, highlighted: head.highlighted }),
    );
    // The head may end before the screen is full; the bytes then fill it.
    if (screenIsFull(container) || this.headCells === head.cellCount) {
      performance.mark(FIRST_SCREEN_MARK);
      this.firstScreenMarked = true;
      // The frame's callbacks run just before the paint; a task queued there runs after it. A page that paints no
      // frames (one in a background tab) asks after a moment all the same.
      this.paintFrame = requestAnimationFrame(() => {
        this.paintFrame = undefined;
        this.paintTask = window.setTimeout(() => this.askForBytes(), 0);
      });
      this.paintTimeout = window.setTimeout(() => this.askForBytes(), BYTES_WITHOUT_PAINT_MS);
    } else {
      this.askForBytes();
    }
    void host.resolveImages();
  }

  private askForBytes(): void {
    this.stopWaiting();
    if (this.bytesWanted || this.disposed) return;
    this.bytesWanted = true;
    // The rest of the notebook is drawn with the page's own markdown renderer: it starts while the bytes come.
    void loadMarkdown();
    this.options.wantBytes();
  }

  /** Draws the notebook from its stored bytes: what the head has not drawn, or all of it. */
  showFile(bytes: Uint8Array): void {
    this.stopWaiting();
    if (this.disposed || this.fromFile) return;
    const renderer = loadedMarkdown();
    if (!renderer) {
      void loadMarkdown().then(() => this.showFile(bytes));
      return;
    }
    const markdown: MarkdownToHtml = (source) => renderer.renderMarkdown(source);
    this.fromFile = true;
    const { container, fileName, host } = this.options;
    // Stored bytes passed the strict parser on the server, so the notebook is read with the engine's JSON.parse
    // (parseAcceptedNotebook: the same notebook, in a tenth of the time for a large one), and the strict parser
    // confirms it once every cell is drawn. Anything the fast reading refuses goes to the strict parser at once.
    let parsed = parseAcceptedNotebook(bytes, { file: fileName });
    const confirmLater = parsed !== null;
    if (parsed === null) {
      try {
        parsed = parseNotebook(bytes, { file: fileName });
      } catch (error) {
        this.refuse(error);
        return;
      }
    }
    const full = parsed;
    const start = this.redrawChangedHeadCells(full, markdown);
    this.options.onHeader(
      this.header(full, full.notebook.cells.length, summarizeReadingNotes(full.notes ?? [], full.noteCounts)),
    );
    this.progressive = drawCellsProgressively({
      container,
      count: full.notebook.cells.length,
      start,
      firstScreenMarked: this.firstScreenMarked,
      draw: (from, to) => this.draw(full, from, to, { markdown }),
      onCells: () => void host.resolveImages(),
      onDone: () => {
        this.options.onAllDrawn();
        if (!confirmLater) return;
        this.confirming = whenIdle(() => {
          this.confirming = undefined;
          if (this.disposed) return;
          try {
            parseNotebook(bytes, { file: fileName });
          } catch (error) {
            // Only bytes the server would never have stored get here; what they show is withdrawn.
            this.refuse(error);
          }
        });
      },
    });
    if (this.drawThroughWhenRead >= 0)
      this.progressive.drawThrough(Number.isFinite(this.drawThroughWhenRead) ? this.drawThroughWhenRead : undefined);
  }

  /**
   * Draws the cells up to `index` (every cell when not given) now, if they are not drawn yet: the target of an
   * in-notebook link, a search result or a find match may be one of them. Before the bytes are in, they are asked
   * for, and the cells are drawn as soon as they come.
   */
  drawThrough(index?: number): void {
    if (this.progressive) return this.progressive.drawThrough(index);
    this.drawThroughWhenRead = Math.max(this.drawThroughWhenRead, index ?? Infinity);
    this.askForBytes();
  }

  private stopWaiting(): void {
    if (this.paintFrame !== undefined) cancelAnimationFrame(this.paintFrame);
    if (this.paintTask !== undefined) clearTimeout(this.paintTask);
    if (this.paintTimeout !== undefined) clearTimeout(this.paintTimeout);
    this.paintFrame = this.paintTask = this.paintTimeout = undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.stopWaiting();
    this.progressive?.cancel();
    this.confirming?.cancel();
    this.options.container.replaceChildren();
  }

  private refuse(error: unknown): void {
    this.progressive?.cancel();
    this.options.container.replaceChildren();
    this.options.onError(describe(error));
  }

  private header(parsed: ParsedNotebook, cellCount: number, readingNotes: string[]): NotebookHeader {
    const heading = planHeading(parsed.notebook, { fileName: this.options.fileName, original: parsed.original });
    return {
      title: heading.title,
      meta: [`nbformat ${heading.formatLabel}`, `${cellCount} cells`, heading.language].filter(Boolean).join(" · "),
      readingNotes,
    };
  }

  private draw(
    parsed: ParsedNotebook,
    start: number,
    end: number,
    from: { markdown: MarkdownToHtml; host?: RenderHost; highlighted?: Highlighted | undefined },
  ): DocumentFragment {
    const doc = this.options.container.ownerDocument;
    const fragment = doc.createDocumentFragment();
    const options = {
      fileName: this.options.fileName,
      original: parsed.original,
      markdown: from.markdown,
      highlighted: from.highlighted,
    };
    for (const cell of planCellRange(parsed.notebook, options, start, end)) {
      const element = cellElement(doc, cell, from.host ?? this.options.host);
      // Image outputs without a size in their metadata get their header's, so each has its place before it is
      // decoded and the cells below it do not move when it is.
      sizeDataImages(element);
      fragment.appendChild(element);
    }
    return fragment;
  }

  /** The studio's host, except that an output whose content the head left out gets a place that says it is coming. */
  private headHost(): RenderHost {
    const host = this.options.host;
    return {
      sanitizeMarkdown: (unsafeHtml, attachments) => host.sanitizeMarkdown(unsafeHtml, attachments),
      adjustLinksAndImages: (root) => host.adjustLinksAndImages(root),
      createActiveOutput: (frame, doc) => {
        if (frame.content !== PENDING_OUTPUT) return host.createActiveOutput(frame, doc);
        const place = doc.createElement("div");
        place.className = "vt-frame-slot vt-output-pending";
        place.textContent = "Loading this output…";
        return place;
      },
    };
  }

  /**
   * Draws again, from the bytes, each cell drawn from the head that is not the bytes' own; all of them when the
   * metadata (which shapes every cell) differs. Returns how many cells are in the container.
   */
  private redrawChangedHeadCells(full: ParsedNotebook, markdown: MarkdownToHtml): number {
    const { container } = this.options;
    const drawn = this.headCells;
    const head = this.head?.parsed.notebook;
    if (drawn === 0 || !head) return 0;
    const notebook: Notebook = full.notebook;
    if (
      notebook.cells.length < drawn ||
      JSON.stringify(head.metadata) !== JSON.stringify(notebook.metadata) ||
      this.head?.parsed.original.major !== full.original.major
    ) {
      container.replaceChildren();
      return 0;
    }
    for (let i = 0; i < drawn; i++) {
      if (JSON.stringify(head.cells[i]) === JSON.stringify(notebook.cells[i])) continue;
      const old = container.children[i];
      if (old) container.replaceChild(this.draw(full, i, i + 1, { markdown }), old);
    }
    return drawn;
  }
}

/**
 * Markdown's HTML for the cells of a head: the server's (readHead has it for every markdown cell, or none), or the
 * page's own renderer's when that is ready; undefined when neither is.
 */
function headMarkdown(head: ReadHead): MarkdownToHtml | undefined {
  const made = head.markdown;
  const renderer = loadedMarkdown();
  if (renderer) return (source) => made?.get(source) ?? renderer.renderMarkdown(source);
  if (!made) return undefined;
  return (source) => {
    const html = made.get(source);
    if (html === undefined) throw new Error("the notebook head has no HTML for one of its markdown cells");
    return html;
  };
}
