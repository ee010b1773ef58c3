// The studio's own find box on a notebook's page: Ctrl-F (⌘F) opens it over the notebook, the matches are marked,
// Enter and Shift-Enter move between them and Escape closes it. The page draws a long notebook's cells progressively
// (progressive-cells.ts); the matches are counted in the notebook's whole text (search-in-notebook.ts, from the
// notebook the reading page offers, search-reading-page.ts), so the count is whole at once, and a match in a cell
// not drawn yet is marked once its cell is drawn; stepping to one draws it (with the cells before it, as an
// in-notebook link's target is); until the whole text is read the box says it is counting. Marks use the CSS
// Custom Highlight API: the notebook's DOM is never changed, so nothing of it is taken apart or rebuilt to show a
// match. The box itself (FindBox), its key and its marks are shared with the editor's find (editor-find.tsx).
import { revealInCell } from "./cell-collapse.ts";
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type RefObject } from "react";
import {
  MAX_FIND_MATCHES,
  findInCells,
  findInText,
  matchRange,
  type CellText,
  type TextMatch,
  type TextNodes,
} from "./search-in-notebook.ts";
import { readingPageOf, readingPageText } from "./search-reading-page.ts";

const ALL = "vt-find";
const CURRENT = "vt-find-current";

/** The notebook view's cells on the page (notebook-view.tsx), if a notebook is being read. */
const notebookCells = () => document.querySelector(".vt-notebook .vt-cells");

/** What the box found: how many, and where each is on the page. */
interface Found {
  count: number;
  /** Each match's range on the page; null for one in a cell not drawn yet. */
  ranges: (Range | null)[];
  /** The range of match i, its cell drawn first if it is not yet; null if it cannot be shown. */
  reach(i: number): Range | null;
  counting?: boolean;
  /** The words these are the matches of. */
  query?: string;
}

const NOTHING: Found = { count: 0, ranges: [], reach: () => null };
/** The notebook's text is still being read: no count yet. */
const COUNTING: Found = { count: 0, ranges: [], reach: () => null, counting: true };

/** The drawn cell of index i (cells are the container's children, in order), or null. */
function drawnCell(root: Element, index: number): Element | null {
  const cell = root.children[index];
  return cell?.id === `vt-cell-${index + 1}` ? cell : null;
}

/** The matches' ranges in the cells drawn now. */
function placeMatches(root: Element, text: CellText[], matches: TextMatch[], query: string): (Range | null)[] {
  const read = new Map<Element, TextNodes>();
  return matches.map((match) => {
    const cell = drawnCell(root, match.cell);
    const cellText = text[match.cell];
    return cell && cellText ? matchRange(cell, cellText, match, query, read) : null;
  });
}

/** Marks the matches' ranges in the page's light DOM, `current` (an index into them) as the one stepped to. */
export function mark(ranges: readonly (Range | null)[], current: number): void {
  if (typeof CSS === "undefined" || !("highlights" in CSS)) return;
  CSS.highlights.set(ALL, new Highlight(...ranges.filter((range): range is Range => range !== null)));
  const now = ranges[current];
  if (now) CSS.highlights.set(CURRENT, new Highlight(now));
  else CSS.highlights.delete(CURRENT);
}

export function unmark(): void {
  if (typeof CSS === "undefined" || !("highlights" in CSS)) return;
  CSS.highlights.delete(ALL);
  CSS.highlights.delete(CURRENT);
}

/**
 * Shows the match: every fold around it (a cell's code or outputs collapsed while reading, a part the notebook
 * hides, a long output's fold, a <details> of its own markdown) is opened, as a browser's find does, then it is
 * scrolled to.
 */
function bringIntoView(range: Range | null): void {
  if (!range) return;
  const element = range.startContainer.parentElement;
  if (!element) return;
  revealInCell(element);
  for (let fold = element.closest("details"); fold; fold = fold.parentElement?.closest("details") ?? null)
    if (!fold.open) fold.open = true;
  const box = range.getBoundingClientRect();
  if (box.top >= 0 && box.bottom <= window.innerHeight) return;
  element.scrollIntoView({ block: "center" });
}

export function NotebookFind() {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [found, setFound] = useState<Found>(NOTHING);
  const [current, setCurrent] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const returnFocus = useRef<Element | null>(null);

  // Ctrl-F on a notebook's reading page opens this box rather than the browser's, whose search cannot see cells not
  // drawn yet. The editor page has no reading cells: its own box (editor-find.tsx) takes the key there.
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (!isFindKey(event) || !notebookCells()) return;
      if (event.target instanceof Element && event.target.closest(".cm-editor, textarea")) return;
      event.preventDefault();
      if (document.activeElement !== input.current) returnFocus.current = document.activeElement;
      setOpen(true);
      window.setTimeout(() => input.current?.select(), 0);
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, []);

  // The matches once for the words, and where they are on the page again whenever cells are drawn or redrawn,
  // keeping the current one where it was.
  useEffect(() => {
    if (!open) return;
    const root = notebookCells();
    if (!root || query === "") {
      setFound(NOTHING);
      return;
    }
    const page = readingPageOf(root);
    let model: { text: CellText[]; matches: TextMatch[] } | null = null;
    let reading = false;
    let waiting = 0;
    let gone = false;
    const update = (): Found => {
      window.clearTimeout(waiting);
      let now: Found;
      if (model && page) {
        const { text, matches } = model;
        now = {
          count: matches.length,
          ranges: placeMatches(root, text, matches, query),
          reach: (i) => {
            const match = matches[i];
            if (!match) return null;
            if (!drawnCell(root, match.cell)) page.drawThrough(match.cell);
            return update().ranges[i] ?? null;
          },
        };
      } else if (page) {
        // The count waits for the notebook's whole text (its bytes and the page's markdown renderer first), so that
        // it never grows as cells are drawn.
        const text = reading ? null : readingPageText(page, root);
        if (text) {
          reading = true;
          void text.then((whole) => {
            if (gone) return;
            model = { text: whole, matches: findInText(whole, query) };
            update();
          });
        } else if (!reading) waiting = window.setTimeout(update, 200);
        now = COUNTING;
      } else {
        // No notebook is offered (a page other than the reading page): the drawn cells are what there is.
        const matches = findInCells(root, query);
        const ranges = matches.map((m) => m.range);
        now = { count: matches.length, ranges, reach: (i) => ranges[i] ?? null };
      }
      now = { ...now, query };
      setFound(now);
      return now;
    };
    update();
    let timer = 0;
    const observer = new MutationObserver(() => {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 150);
    });
    observer.observe(root, { childList: true, subtree: true, characterData: true });
    return () => {
      gone = true;
      observer.disconnect();
      window.clearTimeout(timer);
      window.clearTimeout(waiting);
    };
  }, [open, query]);

  useEffect(() => {
    if (open) mark(found.ranges, current);
    else unmark();
  }, [open, found, current]);
  // As the words are typed, the first match comes into view, as in a browser's find; cells drawn later do not move
  // the page.
  const typed = useRef(false);
  useEffect(() => {
    if (!typed.current || found.count === 0) return;
    typed.current = false;
    bringIntoView(found.reach(0));
  }, [found]);
  useEffect(() => unmark, []);

  const step = useCallback(
    (by: number) => {
      if (found.count === 0 || found.query !== query) return;
      const next = (current + by + found.count) % found.count;
      setCurrent(next);
      bringIntoView(found.reach(next));
    },
    [found, current, query],
  );

  function close() {
    setOpen(false);
    const back = returnFocus.current;
    if (back instanceof HTMLElement) back.focus();
  }

  if (!open) return null;
  const shown = found.count === 0 ? 0 : Math.min(current, found.count - 1) + 1;
  return (
    <FindBox
      inputRef={input}
      query={query}
      onQuery={(words) => {
        setQuery(words);
        setCurrent(0);
        typed.current = true;
      }}
      count={findCount(query, found.counting === true || found.query !== query, shown, found.count)}
      canStep={found.count > 0}
      onStep={step}
      onClose={close}
    />
  );
}

/** Ctrl-F, or ⌘F on a mac, with no other modifier: the key that opens a find box. */
export function isFindKey(event: globalThis.KeyboardEvent): boolean {
  return event.key.toLowerCase() === "f" && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey;
}

/** What the box says of its matches: "Counting…", "No matches", or "3 of 12" (12+ when the count stopped). */
export function findCount(query: string, counting: boolean, shown: number, count: number): string {
  if (query === "") return "";
  if (counting) return "Counting…";
  if (count === 0) return "No matches";
  return `${shown} of ${count}${count === MAX_FIND_MATCHES ? "+" : ""}`;
}

export interface FindBoxProps {
  inputRef: RefObject<HTMLInputElement | null>;
  query: string;
  onQuery(query: string): void;
  /** What findCount says. */
  count: string;
  canStep: boolean;
  /** Next (1) or previous (-1) match. */
  onStep(by: 1 | -1): void;
  onClose(): void;
  /** What is searched and what is not, as the input's title. */
  help?: string;
  /** Replacing, where the page can change the notebook (the editor); absent on the reading page. */
  replace?: ReplaceProps;
}

export interface ReplaceProps {
  value: string;
  onValue(value: string): void;
  /** Whether a match stepped to can be replaced (it is in a cell's source, not an output). */
  canReplace: boolean;
  canReplaceAll: boolean;
  onReplace(): void;
  onReplaceAll(): void;
}

/** The find box itself, the reading page's and the editor's: Enter and Shift-Enter step, Escape closes. */
export function FindBox(props: FindBoxProps) {
  const [replacing, setReplacing] = useState(false);
  const replace = props.replace;
  const replaceInput = useRef<HTMLInputElement>(null);
  // A Replace button that has just been pressed may be disabled by what it did (no match left to replace), which
  // would drop the focus out of the box: it goes to the replacement's field, where Enter and Escape still work.
  const pressed = (action: () => void) => () => {
    action();
    replaceInput.current?.focus({ preventScroll: true });
  };
  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    props.onStep(event.shiftKey ? -1 : 1);
  }
  return (
    // Escape closes the box from any of its controls (a button just clicked has the focus).
    <div
      className="vt-find"
      role="search"
      aria-label="Find in this notebook"
      onKeyDown={(event) => {
        if (event.key !== "Escape") return;
        event.preventDefault();
        props.onClose();
      }}
    >
      <input
        ref={props.inputRef}
        type="search"
        aria-label="Find in this notebook"
        placeholder="Find in this notebook"
        value={props.query}
        onChange={(e) => props.onQuery(e.target.value)}
        onKeyDown={onKeyDown}
        {...(props.help ? { title: props.help } : {})}
      />
      <span className="vt-find-count" role="status">
        {props.count}
      </span>
      <button type="button" aria-label="Previous match" onClick={() => props.onStep(-1)} disabled={!props.canStep}>
        ↑
      </button>
      <button type="button" aria-label="Next match" onClick={() => props.onStep(1)} disabled={!props.canStep}>
        ↓
      </button>
      {replace && (
        <button
          type="button"
          aria-label="Show replace"
          aria-expanded={replacing}
          title="Replace in cells' sources"
          onClick={() => setReplacing(!replacing)}
        >
          ⇄
        </button>
      )}
      <button type="button" aria-label="Close find" onClick={props.onClose}>
        ×
      </button>
      {replace && replacing && (
        <div className="vt-find-replace">
          <input
            ref={replaceInput}
            type="text"
            aria-label="Replace with"
            placeholder="Replace with"
            value={replace.value}
            onChange={(e) => replace.onValue(e.target.value)}
            onKeyDown={(event) => {
              if (event.key !== "Enter") return;
              event.preventDefault();
              if (replace.canReplace) replace.onReplace();
            }}
          />
          <button type="button" onClick={pressed(replace.onReplace)} disabled={!replace.canReplace}>
            Replace
          </button>
          <button type="button" onClick={pressed(replace.onReplaceAll)} disabled={!replace.canReplaceAll}>
            Replace all
          </button>
        </div>
      )}
    </div>
  );
}
