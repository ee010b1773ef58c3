// A notebook, drawn in the studio page from its stored bytes: read and checked by the notebook model (and confirmed
// by its strict parser once drawn, see below), turned into a render plan, and drawn by the same DOM code as the export, with the studio's host (studio-host.ts). The cells on
// the first screen are planned and drawn before the browser paints; the rest follow in idle chunks
// (progressive-cells.ts), and the contents, which need every heading, come when the last cell is drawn.
import { useLayoutEffect, useRef, useState } from "react";
import { NotebookError } from "../notebook/errors.ts";
import { parseAcceptedNotebook, parseNotebook } from "../notebook/parse.ts";
import { cellElement, collectHeadings, type TocEntry } from "../render/dom.ts";
import { planCellRange, planHeading } from "./cell-plans.ts";
import { drawCellsProgressively, whenIdle, type IdleHandle } from "./progressive-cells.ts";
import { StudioHost, type UrlChecker } from "./studio-host.ts";

export interface NotebookViewProps {
  /** A stored version's bytes: the server read them with parseNotebook before it stored them. */
  bytes: Uint8Array;
  fileName: string;
  /** The notebook's address in the studio; relative links and images resolve against it. */
  base: string;
  frameShellUrl: string;
  urls: UrlChecker;
  /** A person clicked a link (in markdown, or inside an output frame) that is not an in-notebook anchor. */
  onLink(href: string): void;
}

/** `toc` is null while cells are still being drawn (the contents need every heading). */
type Drawn = { kind: "ok"; title: string; meta: string; toc: TocEntry[] | null } | { kind: "error"; error: string } | { kind: "drawing" };

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
  if (target && root.contains(target)) target.scrollIntoView();
}

export function NotebookView({ bytes, fileName, base, frameShellUrl, urls, onLink }: NotebookViewProps) {
  const cells = useRef<HTMLDivElement>(null);
  const [drawn, setDrawn] = useState<Drawn>({ kind: "drawing" });
  // The latest handler, without redrawing the notebook when the parent re-renders.
  const linkHandler = useRef(onLink);
  linkHandler.current = onLink;

  // A layout effect, so that the first screen of cells and the header above it reach the first paint together.
  useLayoutEffect(() => {
    const node = cells.current;
    if (!node) return;
    const refuse = (error: unknown) => setDrawn({ kind: "error", error: error instanceof NotebookError ? error.format() : String(error) });
    // Stored bytes passed the strict parser on the server, so the notebook is drawn from the engine's JSON.parse
    // (parseAcceptedNotebook: the same notebook, in a tenth of the time for a large one), and the strict parser
    // confirms it once every cell is drawn. Anything the fast reading refuses goes to the strict parser at once.
    let parsed = parseAcceptedNotebook(bytes, { file: fileName });
    const confirmLater = parsed !== null;
    if (parsed === null) {
      try {
        parsed = parseNotebook(bytes, { file: fileName });
      } catch (error) {
        refuse(error);
        return;
      }
    }
    const notebook = parsed.notebook;
    const planOptions = { fileName, original: parsed.original };
    const heading = planHeading(notebook, planOptions);
    const meta = [`nbformat ${heading.formatLabel}`, `${notebook.cells.length} cells`, heading.language].filter(Boolean).join(" · ");
    const host = new StudioHost({ frameShellUrl, base, urls, onFrameLink: (href) => linkHandler.current(href) });
    node.replaceChildren();
    let finished = false;
    let confirming: IdleHandle | undefined;
    const drawing = drawCellsProgressively({
      container: node,
      count: notebook.cells.length,
      draw(start, end) {
        const fragment = document.createDocumentFragment();
        for (const cell of planCellRange(notebook, planOptions, start, end)) fragment.appendChild(cellElement(document, cell, host));
        return fragment;
      },
      onCells: () => void host.resolveImages(),
      onDone() {
        finished = true;
        setDrawn({ kind: "ok", title: heading.title, meta, toc: collectHeadings(node) });
        scrollToAddressedAnchor(node);
        if (!confirmLater) return;
        confirming = whenIdle(() => {
          confirming = undefined;
          try {
            parseNotebook(bytes, { file: fileName });
          } catch (error) {
            // Only bytes the server would never have stored get here; what they show is withdrawn.
            node.replaceChildren();
            refuse(error);
          }
        });
      },
    });
    if (!finished) setDrawn({ kind: "ok", title: heading.title, meta, toc: null });

    const onClick = (event: MouseEvent) => {
      const anchor = event.target instanceof Element ? event.target.closest("a[href]") : null;
      if (!anchor || !node.contains(anchor)) return;
      const href = anchor.getAttribute("href") ?? "";
      // In-notebook anchors (ids prefixed by the sanitizer, links rewritten to match) scroll as usual; their target
      // may be a cell not drawn yet, so the rest is drawn first (the browser scrolls after this handler returns).
      if (href.startsWith("#")) {
        if (!document.getElementById(decodeURIComponent(href.slice(1)))) drawing.finish();
        return;
      }
      event.preventDefault();
      linkHandler.current(href);
    };
    node.addEventListener("click", onClick);
    return () => {
      drawing.cancel();
      confirming?.cancel();
      node.removeEventListener("click", onClick);
      node.replaceChildren();
    };
  }, [bytes, fileName, base, frameShellUrl, urls]);

  return (
    <article className="vt-page vt-notebook" aria-busy={drawn.kind === "drawing" || (drawn.kind === "ok" && drawn.toc === null)}>
      {drawn.kind === "error" && (
        <div className="vt-error" role="alert">
          <h1 className="vt-title">This file is not a notebook Vitrine can read</h1>
          <pre className="vt-text">{drawn.error}</pre>
        </div>
      )}
      {drawn.kind === "ok" && (
        <header className="vt-header">
          <h1 className="vt-title">{drawn.title}</h1>
          <p className="vt-meta">
            {/* A notebook without a title of its own is titled by its file name: no need to say it twice. */}
            {drawn.title === fileName ? drawn.meta : `${fileName} · ${drawn.meta}`}
          </p>
        </header>
      )}
      {drawn.kind === "ok" && drawn.toc && drawn.toc.length > 1 && (
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
      <div className="vt-cells" ref={cells} />
    </article>
  );
}
