// A notebook, drawn in the studio page from its bytes: parsed and checked by the notebook model, turned into a
// render plan, and drawn by the same DOM code as the export, with the studio's host (studio-host.ts).
import { useEffect, useRef, useState } from "react";
import { NotebookError } from "../notebook/errors.ts";
import { parseNotebook } from "../notebook/parse.ts";
import { collectHeadings, renderCells, type TocEntry } from "../render/dom.ts";
import { buildRenderPlan } from "../render/plan.ts";
import { StudioHost, type UrlChecker } from "./studio-host.ts";

export interface NotebookViewProps {
  bytes: Uint8Array;
  fileName: string;
  /** The notebook's address in the studio; relative links and images resolve against it. */
  base: string;
  frameShellUrl: string;
  urls: UrlChecker;
  /** A person clicked a link (in markdown, or inside an output frame) that is not an in-notebook anchor. */
  onLink(href: string): void;
}

type Drawn = { kind: "ok"; title: string; meta: string; toc: TocEntry[] } | { kind: "error"; error: string } | { kind: "drawing" };

export function NotebookView({ bytes, fileName, base, frameShellUrl, urls, onLink }: NotebookViewProps) {
  const cells = useRef<HTMLDivElement>(null);
  const [drawn, setDrawn] = useState<Drawn>({ kind: "drawing" });
  // The latest handler, without redrawing the notebook when the parent re-renders.
  const linkHandler = useRef(onLink);
  linkHandler.current = onLink;

  useEffect(() => {
    const node = cells.current;
    if (!node) return;
    let parsed;
    try {
      parsed = parseNotebook(bytes, { file: fileName });
    } catch (error) {
      setDrawn({ kind: "error", error: error instanceof NotebookError ? error.format() : String(error) });
      return;
    }
    const plan = buildRenderPlan(parsed.notebook, { fileName, original: parsed.original });
    const host = new StudioHost({ frameShellUrl, base, urls, onFrameLink: (href) => linkHandler.current(href) });
    node.replaceChildren(renderCells(document, plan, host));
    setDrawn({ kind: "ok", title: plan.title, meta: [`nbformat ${plan.formatLabel}`, `${plan.cells.length} cells`, plan.language].filter(Boolean).join(" · "), toc: collectHeadings(node) });
    void host.resolveImages();

    const onClick = (event: MouseEvent) => {
      const anchor = event.target instanceof Element ? event.target.closest("a[href]") : null;
      if (!anchor || !node.contains(anchor)) return;
      const href = anchor.getAttribute("href") ?? "";
      // In-notebook anchors (ids prefixed by the sanitizer, links rewritten to match) scroll as usual.
      if (href.startsWith("#")) return;
      event.preventDefault();
      linkHandler.current(href);
    };
    node.addEventListener("click", onClick);
    return () => {
      node.removeEventListener("click", onClick);
      node.replaceChildren();
    };
  }, [bytes, fileName, base, frameShellUrl, urls]);

  return (
    <article className="vt-page vt-notebook" aria-busy={drawn.kind === "drawing"}>
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
      {drawn.kind === "ok" && drawn.toc.length > 1 && (
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
