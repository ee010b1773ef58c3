// A notebook in the studio page: its header, its contents and its cells, drawn by NotebookDrawing
// (notebook-drawing.ts) from the notebook's head and stored bytes as they arrive, with the studio's host
// (studio-host.ts). The cells on the first screen are drawn before the browser paints; the rest follow in idle
// chunks (progressive-cells.ts). The page's contents (reading-comfort.tsx) are read from the notebook's bytes, not
// from the drawn cells; the studio's find box and a cell's address reach cells not drawn yet through the notebook
// this view offers them (search-reading-page.ts).
import { useLayoutEffect, useRef, useState } from "react";
import type { ReadHead } from "../render/notebook-head.ts";
import { readCellFragment } from "../contract/cell-anchors.ts";
import { BreakableName } from "./folder-links.tsx";
import { NotebookDrawing } from "./notebook-drawing.ts";
import { ReadingNotesView } from "./reading-notes-view.tsx";
import { holdInView, landOnCell } from "./search-landing.ts";
import { offerReadingPage } from "./search-reading-page.ts";
import { StudioHost, type UrlChecker } from "./studio-host.ts";
// Reading comfort: the side contents and folding cells.
import { ReadingTools, useReadingComfort } from "./reading-comfort.tsx";

export interface NotebookViewProps {
  /** The notebook's head (its first cells), when it came before the bytes; it draws the first screen. */
  head: ReadHead | null;
  /** A stored version's bytes, once they are in: the server read them with parseNotebook before it stored them. */
  bytes: Uint8Array | null;
  fileName: string;
  /** The notebook's address in the studio; relative links and images resolve against it. */
  base: string;
  frameShellUrl: string;
  urls: UrlChecker;
  /** A person clicked a link (in markdown, or inside an output frame) that is not an in-notebook anchor. */
  onLink(href: string): void;
  /** The view needs the bytes now (see NotebookDrawingOptions.wantBytes). */
  onWantBytes(): void;
}

/** `complete` says whether every cell is drawn (the article is busy until then). */
type Drawn =
  | { kind: "ok"; title: string; meta: string; readingNotes: string[]; complete: boolean }
  | { kind: "error"; error: string }
  | { kind: "drawing" };

/**
 * The browser scrolls to an address's #fragment when the page loads, before the notebook is drawn; once every cell
 * is, a shared link to a heading lands there, unless the reader has scrolled meanwhile. A cell's address
 * (contract/cell-anchors.ts) is landed on as soon as its cell is drawn (search-landing.ts).
 */
function scrollToAddressedAnchor(root: HTMLElement): void {
  if (location.hash.length < 2 || window.scrollY !== 0 || readCellFragment(location.hash.slice(1))) return;
  let id: string;
  try {
    id = decodeURIComponent(location.hash.slice(1));
  } catch {
    return;
  }
  const target = root.ownerDocument.getElementById(id);
  if (target && root.contains(target)) holdInView(target);
}

/** Lands on the cell the address names, if it names one: when the page opens, and when the fragment changes. */
function landOnAddressedCell(): void {
  const fragment = location.hash.slice(1);
  if (readCellFragment(fragment)) landOnCell(fragment);
}

/** One notebook (the page gives each file its own view): drawn from its head and bytes as they arrive. */
export function NotebookView({
  head,
  bytes,
  fileName,
  base,
  frameShellUrl,
  urls,
  onLink,
  onWantBytes,
}: NotebookViewProps) {
  const cells = useRef<HTMLDivElement>(null);
  const drawing = useRef<NotebookDrawing | null>(null);
  const [drawn, setDrawn] = useState<Drawn>({ kind: "drawing" });
  // The latest handler, without redrawing the notebook when the parent re-renders.
  const linkHandler = useRef(onLink);
  linkHandler.current = onLink;
  const wantBytes = useRef(onWantBytes);
  wantBytes.current = onWantBytes;
  const bytesNow = useRef(bytes);
  bytesNow.current = bytes;
  // Reading comfort (reading-comfort.tsx): contents from the bytes, collapse controls on the drawn cells.
  const comfort = useReadingComfort(cells, bytes, fileName, drawing);

  // Layout effects, so that the first screen of cells and the header above it reach the first paint together.
  useLayoutEffect(() => {
    const node = cells.current;
    if (!node) return;
    const host = new StudioHost({ frameShellUrl, base, urls, onFrameLink: (href) => linkHandler.current(href) });
    const view = new NotebookDrawing({
      container: node,
      fileName,
      host,
      // The reading's notes come with the title, so they are in the first paint and move no cell later.
      onHeader: ({ title, meta, readingNotes }) =>
        setDrawn((now) => ({
          kind: "ok",
          title,
          meta,
          readingNotes,
          complete: now.kind === "ok" ? now.complete : false,
        })),
      onAllDrawn: () => {
        setDrawn((now) => (now.kind === "ok" ? { ...now, complete: true } : now));
        scrollToAddressedAnchor(node);
      },
      onError: (error) => setDrawn({ kind: "error", error }),
      wantBytes: () => wantBytes.current(),
    });
    drawing.current = view;
    const withdraw = offerReadingPage(node, {
      bytes: () => bytesNow.current,
      fileName,
      drawThrough: (index) => view.drawThrough(index),
    });
    landOnAddressedCell();
    window.addEventListener("hashchange", landOnAddressedCell);

    const onClick = (event: MouseEvent) => {
      const anchor = event.target instanceof Element ? event.target.closest("a[href]") : null;
      if (!anchor || !node.contains(anchor)) return;
      const href = anchor.getAttribute("href") ?? "";
      // In-notebook anchors (ids prefixed by the sanitizer, links rewritten to match) scroll as usual; their target
      // may be a cell not drawn yet, so the rest is drawn first (the browser scrolls after this handler returns).
      if (href.startsWith("#")) {
        if (!document.getElementById(decodeURIComponent(href.slice(1)))) view.drawThrough();
        return;
      }
      event.preventDefault();
      linkHandler.current(href);
    };
    node.addEventListener("click", onClick);
    return () => {
      window.removeEventListener("hashchange", landOnAddressedCell);
      withdraw();
      view.dispose();
      drawing.current = null;
      node.removeEventListener("click", onClick);
    };
  }, [fileName, base, frameShellUrl, urls]);

  // The head first, should the bytes be in too: its first screen is painted before the whole file is read.
  useLayoutEffect(() => {
    if (head) drawing.current?.showHead(head);
  }, [head, fileName, base, frameShellUrl, urls]);
  useLayoutEffect(() => {
    if (bytes) drawing.current?.showFile(bytes);
  }, [bytes, fileName, base, frameShellUrl, urls]);

  return (
    <article
      className="vt-page vt-notebook"
      aria-busy={drawn.kind === "drawing" || (drawn.kind === "ok" && !drawn.complete)}
    >
      {drawn.kind === "error" && (
        <div className="vt-error" role="alert">
          <h1 className="vt-title">This file is not a notebook Vitrine can read</h1>
          <pre className="vt-text">{drawn.error}</pre>
        </div>
      )}
      {drawn.kind === "ok" && (
        <header className="vt-header">
          <h1 className="vt-title">
            <BreakableName name={drawn.title} />
          </h1>
          <p className="vt-meta">
            {/* A notebook without a title of its own is titled by its file name: no need to say it twice. */}
            {drawn.title === fileName ? drawn.meta : `${fileName} · ${drawn.meta}`}
          </p>
          <ReadingNotesView lines={drawn.readingNotes} />
          <ReadingTools comfort={comfort} />
        </header>
      )}
      <div className="vt-cells" ref={cells} />
    </article>
  );
}
