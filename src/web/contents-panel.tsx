// The notebook's contents as a side panel (an overlay on a narrow screen), toggled by a button: every heading, those
// of cells not drawn yet included (plan-contents.ts), with the section being read marked. Which section that is comes
// from an IntersectionObserver on the drawn headings, never from scroll events: the observer is told of headings as
// their cells are drawn.
import { useEffect, useState, type MouseEvent } from "react";
import type { PlannedHeading } from "./plan-contents.ts";

export interface ContentsPanelProps {
  contents: PlannedHeading[];
  /** The container the cells are drawn in. */
  cells: HTMLElement | null;
  open: boolean;
  onClose(): void;
  /** Draws every cell not drawn yet, now (a heading's cell may not be). */
  drawAll(): void;
}

export const CONTENTS_PANEL_ID = "vt-contents-panel";

/** A heading counts as the section being read once its top is in the top sixth of the window, or above it. */
const READING_LINE = "0px 0px -85% 0px";

/** The drawn element of a heading, found by its id inside the cells (content cannot reach outside them). */
function headingElement(cells: HTMLElement, anchor: string): HTMLElement | null {
  const found = cells.ownerDocument.getElementById(anchor);
  return found && cells.contains(found) ? found : null;
}

export function ContentsPanel({ contents, cells, open, onClose, drawAll }: ContentsPanelProps) {
  const [current, setCurrent] = useState<string | null>(null);

  useEffect(() => {
    if (!cells || contents.length === 0) return;
    const anchors = new Set(contents.map((entry) => entry.anchor));
    const watched = new Set<Element>();
    // Which headings are above the reading line: the section being read is the last of them in the notebook's order.
    const above = new Map<Element, boolean>();
    const order = new Map(contents.map((entry, i) => [entry.anchor, i]));
    const pick = () => {
      let best: { anchor: string; index: number } | null = null;
      for (const [element, isAbove] of above) {
        const index = order.get(element.id);
        if (!isAbove || index === undefined || !element.isConnected) continue;
        if (!best || index > best.index) best = { anchor: element.id, index };
      }
      setCurrent(best?.anchor ?? null);
    };
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          // Intersecting: in the band above the reading line. Not intersecting: above it when its top is above the
          // band's top, else still below.
          const top = entry.rootBounds?.top ?? 0;
          above.set(entry.target, entry.isIntersecting || entry.boundingClientRect.bottom <= top);
        }
        pick();
      },
      { rootMargin: READING_LINE },
    );
    const watchNew = () => {
      for (const anchor of anchors) {
        const element = headingElement(cells, anchor);
        if (element && !watched.has(element)) {
          watched.add(element);
          observer.observe(element);
        }
      }
    };
    watchNew();
    // Cells are drawn after the page is shown (progressive-cells.ts): their headings are watched as they come.
    const cellsAdded = new MutationObserver(watchNew);
    cellsAdded.observe(cells, { childList: true });
    return () => {
      observer.disconnect();
      cellsAdded.disconnect();
    };
  }, [cells, contents]);

  // Escape closes the panel and gives the focus back to the button that opened it.
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      onClose();
      document.getElementById(`${CONTENTS_PANEL_ID}-toggle`)?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open, onClose]);

  const jump = (event: MouseEvent<HTMLAnchorElement>, anchor: string) => {
    if (!cells || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (!headingElement(cells, anchor)) drawAll();
    const target = headingElement(cells, anchor);
    if (!target) return;
    history.replaceState(history.state, "", `#${encodeURIComponent(anchor)}`);
    target.scrollIntoView({ block: "start" });
    // The keyboard's place moves with the reader: Tab goes on from the heading.
    if (!target.hasAttribute("tabindex")) target.tabIndex = -1;
    target.focus({ preventScroll: true });
    // On a narrow screen the panel covers the text: it gets out of the way once a heading is chosen.
    if (window.matchMedia("(max-width: 899px)").matches) onClose();
  };

  return (
    <nav id={CONTENTS_PANEL_ID} className="vt-contents-panel" aria-label="Table of contents" hidden={!open}>
      <div className="vt-contents-panel-head">
        <h2>Contents</h2>
        <button type="button" className="vt-contents-close" onClick={onClose} aria-label="Close the table of contents">
          ×
        </button>
      </div>
      {contents.length === 0 ? (
        <p className="vt-muted">This notebook has no headings.</p>
      ) : (
        <ol>
          {contents.map((entry, i) => (
            <li key={`${entry.anchor}-${i}`} className={`vt-contents-l${entry.level}`}>
              <a
                href={`#${encodeURIComponent(entry.anchor)}`}
                aria-current={entry.anchor === current ? "location" : undefined}
                onClick={(event) => jump(event, entry.anchor)}
              >
                {entry.text}
              </a>
            </li>
          ))}
        </ol>
      )}
    </nav>
  );
}
