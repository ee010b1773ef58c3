// A notebook in the studio page: its header, its contents and its cells, drawn by NotebookDrawing
// (notebook-drawing.ts) from the notebook's head and stored bytes as they arrive, with the studio's host
// (studio-host.ts). The cells on the first screen are drawn before the browser paints; the rest follow in idle
// chunks (progressive-cells.ts), and the contents, which need every heading, come when the last cell is drawn.
import { useLayoutEffect, useRef, useState } from "react";
import type { ReadHead } from "../render/notebook-head.ts";
import type { TocEntry } from "../render/dom.ts";
import { BreakableName } from "./folder-links.tsx";
import { NotebookDrawing } from "./notebook-drawing.ts";
import { ReadingNotesView } from "./reading-notes-view.tsx";
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

/** `toc` is null while cells are still being drawn (the contents need every heading). */
type Drawn =
  | { kind: "ok"; title: string; meta: string; readingNotes: string[]; toc: TocEntry[] | null }
  | { kind: "error"; error: string }
  | { kind: "drawing" };

/**
 * The browser scrolls to an address's #fragment when the page loads, before the notebook is drawn; once every cell
 * is, a shared link to a heading or cell lands there, unless the reader has scrolled meanwhile.
 */
function scrollToAddressedAnchor(root: HTMLElement): void {
  if (location.hash.length < 2 || window.scrollY !== 0) return;
  let id: string;
  try {
    id = decodeURIComponent(location.hash.slice(1));
  } catch {
    return;
  }
  const target = root.ownerDocument.getElementById(id);
  if (target && root.contains(target)) holdInView(target);
}

/** How long a target addressed by the URL is kept at the top while the outputs above it draw (ms). */
const HOLD_MS = 10_000;

/**
 * Scrolls to the target and keeps it there while the notebook's height changes (frames above it drawing), until
 * the reader scrolls, clicks or types, or HOLD_MS have passed. The browser's scroll anchoring does the same for
 * most changes; this covers those it leaves alone (a change in the anchor's own ancestors).
 */
function holdInView(target: Element): void {
  const doc = target.ownerDocument;
  const view = doc.defaultView;
  if (!view) return target.scrollIntoView();
  // To the whole pixel at or just above the target's top, so that its top is in view, not a fraction above it.
  const land = () => view.scrollTo(view.scrollX, Math.floor(view.scrollY + target.getBoundingClientRect().top));
  land();
  if (typeof ResizeObserver === "undefined") return;
  const observer = new ResizeObserver(() => {
    if (Math.abs(target.getBoundingClientRect().top) >= 1) land();
  });
  const stop = () => {
    observer.disconnect();
    view.clearTimeout(timer);
    for (const type of READER_INPUT) view.removeEventListener(type, stop, true);
  };
  const timer = view.setTimeout(stop, HOLD_MS);
  for (const type of READER_INPUT) view.addEventListener(type, stop, { capture: true, passive: true });
  observer.observe(doc.documentElement);
}

const READER_INPUT = ["wheel", "touchstart", "keydown", "pointerdown"] as const;

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
        setDrawn((now) => ({ kind: "ok", title, meta, readingNotes, toc: now.kind === "ok" ? now.toc : null })),
      onContents: (toc) => {
        setDrawn((now) => (now.kind === "ok" ? { ...now, toc } : now));
        scrollToAddressedAnchor(node);
      },
      onError: (error) => setDrawn({ kind: "error", error }),
      wantBytes: () => wantBytes.current(),
    });
    drawing.current = view;

    const onClick = (event: MouseEvent) => {
      const anchor = event.target instanceof Element ? event.target.closest("a[href]") : null;
      if (!anchor || !node.contains(anchor)) return;
      const href = anchor.getAttribute("href") ?? "";
      // In-notebook anchors (ids prefixed by the sanitizer, links rewritten to match) scroll as usual; their target
      // may be a cell not drawn yet, so the rest is drawn first (the browser scrolls after this handler returns).
      if (href.startsWith("#")) {
        if (!document.getElementById(decodeURIComponent(href.slice(1)))) view.finish();
        return;
      }
      event.preventDefault();
      linkHandler.current(href);
    };
    node.addEventListener("click", onClick);
    return () => {
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
      aria-busy={drawn.kind === "drawing" || (drawn.kind === "ok" && drawn.toc === null)}
    >
      {drawn.kind === "error" && (
        <div className="vt-error" role="alert">
          <h1 className="vt-title">This file is not a notebook Vitrine can read</h1>
          <pre className="vt-text">{drawn.error}</pre>
        </div>
      )}
      {drawn.kind === "ok" && (
        <header className="vt-header">
          {/* The contents come once every cell is drawn: beside the title, where they move no cell. */}
          {drawn.toc && drawn.toc.length > 1 && (
            <nav className="vt-toc" aria-label="Contents">
              <details>
                <summary>Contents</summary>
                <ol>
                  {drawn.toc.map((entry) => (
                    <li key={entry.anchor} className={`vt-toc-l${entry.level}`}>
                      <a href={`#${entry.anchor}`}>{entry.text}</a>
                    </li>
                  ))}
                </ol>
              </details>
            </nav>
          )}
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
