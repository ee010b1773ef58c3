// The studio's own find box on a notebook's page: Ctrl-F (⌘F) opens it over the notebook, the matches are marked
// in every drawn cell, Enter and Shift-Enter move between them and Escape closes it. The page draws a long
// notebook's cells progressively (progressive-cells.ts): the matches follow as cells are drawn, so those below are
// counted and marked as soon as they are in the page. Marks use the CSS Custom Highlight API: the notebook's DOM
// is never changed, so nothing of it is taken apart or rebuilt to show a match.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from "react";
import { MAX_FIND_MATCHES, findInCells, type FindMatch } from "./search-in-notebook.ts";

const ALL = "vt-find";
const CURRENT = "vt-find-current";

/** The notebook view's cells on the page (notebook-view.tsx), if a notebook is being read. */
const notebookCells = () => document.querySelector(".vt-notebook .vt-cells");

function mark(matches: readonly FindMatch[], current: number): void {
  if (typeof CSS === "undefined" || !("highlights" in CSS)) return;
  CSS.highlights.set(ALL, new Highlight(...matches.map((m) => m.range)));
  const now = matches[current];
  if (now) CSS.highlights.set(CURRENT, new Highlight(now.range));
  else CSS.highlights.delete(CURRENT);
}

function unmark(): void {
  if (typeof CSS === "undefined" || !("highlights" in CSS)) return;
  CSS.highlights.delete(ALL);
  CSS.highlights.delete(CURRENT);
}

function bringIntoView(match: FindMatch | undefined): void {
  if (!match) return;
  const box = match.range.getBoundingClientRect();
  if (box.top >= 0 && box.bottom <= window.innerHeight) return;
  const element = match.range.startContainer.parentElement ?? match.cell;
  element.scrollIntoView({ block: "center" });
}

export function NotebookFind() {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [matches, setMatches] = useState<FindMatch[]>([]);
  const [current, setCurrent] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const returnFocus = useRef<Element | null>(null);

  // Ctrl-F on a notebook's page opens this box rather than the browser's, whose search cannot see cells not drawn
  // yet; inside a cell editor the key stays the editor's.
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key.toLowerCase() !== "f" || !(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey)
        return;
      if (!notebookCells()) return;
      if (event.target instanceof Element && event.target.closest(".cm-editor, textarea")) return;
      event.preventDefault();
      if (document.activeElement !== input.current) returnFocus.current = document.activeElement;
      setOpen(true);
      window.setTimeout(() => input.current?.select(), 0);
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, []);

  // The matches, again whenever cells are drawn or redrawn, keeping the current one where it was.
  useEffect(() => {
    if (!open) return;
    const root = notebookCells();
    if (!root || query === "") {
      setMatches([]);
      return;
    }
    const update = () => setMatches(findInCells(root, query));
    update();
    let timer = 0;
    const observer = new MutationObserver(() => {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 150);
    });
    observer.observe(root, { childList: true, subtree: true, characterData: true });
    return () => {
      observer.disconnect();
      window.clearTimeout(timer);
    };
  }, [open, query]);

  useEffect(() => {
    if (open) mark(matches, current);
    else unmark();
  }, [open, matches, current]);
  // As the words are typed, the first match comes into view, as in a browser's find; cells drawn later do not move
  // the page.
  const typed = useRef(false);
  useEffect(() => {
    if (!typed.current || matches.length === 0) return;
    typed.current = false;
    bringIntoView(matches[0]);
  }, [matches]);
  useEffect(() => unmark, []);

  const step = useCallback(
    (by: number) => {
      if (matches.length === 0) return;
      const next = (current + by + matches.length) % matches.length;
      setCurrent(next);
      bringIntoView(matches[next]);
    },
    [matches, current],
  );

  function close() {
    setOpen(false);
    const back = returnFocus.current;
    if (back instanceof HTMLElement) back.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "Enter") {
      event.preventDefault();
      step(event.shiftKey ? -1 : 1);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  }

  if (!open) return null;
  const shown = matches.length === 0 ? 0 : Math.min(current, matches.length - 1) + 1;
  const count =
    query === ""
      ? ""
      : matches.length === 0
        ? "No matches"
        : `${shown} of ${matches.length}${matches.length === MAX_FIND_MATCHES ? "+" : ""}`;
  return (
    <div className="vt-find" role="search" aria-label="Find in this notebook">
      <input
        ref={input}
        type="search"
        aria-label="Find in this notebook"
        placeholder="Find in this notebook"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setCurrent(0);
          typed.current = true;
        }}
        onKeyDown={onKeyDown}
      />
      <span className="vt-find-count" role="status">
        {count}
      </span>
      <button type="button" aria-label="Previous match" onClick={() => step(-1)} disabled={matches.length === 0}>
        ↑
      </button>
      <button type="button" aria-label="Next match" onClick={() => step(1)} disabled={matches.length === 0}>
        ↓
      </button>
      <button type="button" aria-label="Close find" onClick={close}>
        ×
      </button>
    </div>
  );
}
