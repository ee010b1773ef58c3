// The notebook's contents as a side panel (an overlay on a narrow screen), toggled by a button: every heading, those
// of cells not drawn yet included (plan-contents.ts), with the section being read marked. Which section that is comes
// from an IntersectionObserver on the drawn cells, never from scroll events: the observer is told of cells as they
// are drawn.
import { useEffect, useRef, useState, type MouseEvent } from "react";
import type { PlannedHeading } from "./plan-contents.ts";

export interface ContentsPanelProps {
  contents: PlannedHeading[];
  /** The container the cells are drawn in. */
  cells: HTMLElement | null;
  open: boolean;
  onClose(): void;
  /** Draws the cells up to `index` that are not drawn yet, now (a heading's cell may not be). */
  drawThrough(index: number): void;
}

export const CONTENTS_PANEL_ID = "vt-contents-panel";

/** A heading's section is the one being read once the heading's top is in the window's top sixth, or above it. */
const READING_LINE = 1 / 6;

/** The drawn element of a heading, found by its id inside the cells (content cannot reach outside them). */
function headingElement(cells: HTMLElement, anchor: string): HTMLElement | null {
  const found = cells.ownerDocument.getElementById(anchor);
  return found && cells.contains(found) ? found : null;
}

export function ContentsPanel({ contents, cells, open, onClose, drawThrough }: ContentsPanelProps) {
  const [current, setCurrent] = useState<string | null>(null);
  const panel = useRef<HTMLElement>(null);

  useEffect(() => {
    if (!cells || contents.length === 0) return;
    const view = cells.ownerDocument.defaultView;
    if (!view) return;
    // The drawn headings, in the contents' order (and so the page's): their tops grow down the list.
    let drawn: HTMLElement[] = [];
    const pick = () => {
      const line = view.innerHeight * READING_LINE;
      // The last heading whose top is at or above the reading line, by bisection: a few layout reads, not one per
      // heading.
      let low = 0;
      let high = drawn.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (drawn[middle]!.getBoundingClientRect().top <= line) low = middle + 1;
        else high = middle;
      }
      setCurrent(low === 0 ? null : drawn[low - 1]!.id);
    };
    // Every drawn cell is watched: whatever the reader scrolls to, some cell enters or leaves the window, and the
    // section being read is worked out again then. No scroll event is listened to.
    const observer = new IntersectionObserver(pick);
    const watched = new WeakSet<Element>();
    const watchNew = () => {
      for (const cell of Array.from(cells.children)) {
        if (watched.has(cell)) continue;
        watched.add(cell);
        observer.observe(cell);
      }
      drawn = contents
        .map((entry) => headingElement(cells, entry.anchor))
        .filter((element): element is HTMLElement => element !== null);
    };
    watchNew();
    // Cells are drawn after the page is shown (progressive-cells.ts): they are watched as they come.
    const cellsAdded = new MutationObserver(watchNew);
    cellsAdded.observe(cells, { childList: true });
    return () => {
      observer.disconnect();
      cellsAdded.disconnect();
    };
  }, [cells, contents]);

  // The marked entry stays in the panel's view as the reader goes on (the panel scrolls on its own, the page does not).
  useEffect(() => {
    const box = panel.current;
    if (!open || !box || current === null) return;
    const link = box.querySelector<HTMLElement>("a[aria-current]");
    if (!link) return;
    const top = link.offsetTop - box.offsetTop;
    if (top < box.scrollTop || top + link.offsetHeight > box.scrollTop + box.clientHeight)
      box.scrollTop = top - box.clientHeight / 3;
  }, [open, current]);

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

  const jump = (event: MouseEvent<HTMLAnchorElement>, { anchor, cell }: PlannedHeading) => {
    if (!cells || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (!headingElement(cells, anchor)) drawThrough(cell);
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
    <nav id={CONTENTS_PANEL_ID} ref={panel} className="vt-contents-panel" aria-label="Table of contents" hidden={!open}>
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
                onClick={(event) => jump(event, entry)}
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
