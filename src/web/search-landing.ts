// Landing on a cell an address names (contract/cell-anchors.ts): `#cell-{id}` by its nbformat id, `#vt-cell-N` by
// its place. A search result leads there, and so may a shared link. The file page draws its cells progressively
// (progressive-cells.ts), so the cell may not exist yet when the page opens: once the notebook is read, a cell it has
// that is not drawn yet is drawn at once (with the cells before it, as an in-notebook link's target is); the cell is
// then brought into view, kept there while the outputs above it draw, given the focus and marked for a moment, so
// that the eye and the keyboard find the cell the address named.
import { CELL_ID_ATTRIBUTE, readCellFragment } from "../contract/cell-anchors.ts";
import { cellIndexOfId, readingPageOf } from "./search-reading-page.ts";

/** How long to wait for the cell to be drawn (ms), and how long it stays marked. */
const WAIT_MS = 15_000;
const MARK_MS = 2_500;
export const LANDED_CLASS = "vt-search-landed";

/** The container of the reading page's drawn cells (notebook-view.tsx), if a notebook is being read. */
export const readingPageCells = (): HTMLElement | null => document.querySelector<HTMLElement>(".vt-notebook .vt-cells");

/**
 * The drawn cell a fragment (without "#") names among `cells`' children, or null: not drawn yet, no such cell, or
 * not a cell's fragment. Only the cells themselves are looked at, never what is inside them: sanitized markdown
 * may carry data-* attributes of its own, and its ids are all prefixed by the sanitizer.
 */
export function addressedCell(cells: Element, fragment: string): HTMLElement | null {
  const address = readCellFragment(fragment);
  if (!address) return null;
  for (const cell of Array.from(cells.children)) {
    if (!(cell instanceof HTMLElement)) continue;
    // The first of equal ids is the cell an address finds (the notebook's reading repairs repeated ids, nbformat's
    // way, so there is only one among notebooks the studio stores).
    if (
      address.by === "id"
        ? cell.getAttribute(CELL_ID_ATTRIBUTE) === address.id
        : cell.id === `vt-cell-${address.index + 1}`
    )
      return cell;
  }
  return null;
}

/**
 * The index of the cell a fragment names in the page's notebook: -1 when it has no such cell, null while the
 * notebook is not read yet.
 */
function notebookIndexOf(cells: Element, fragment: string): number | null {
  const notebook = readingPageOf(cells)?.notebook();
  const address = readCellFragment(fragment);
  if (!notebook || !address) return null;
  if (address.by === "id") return cellIndexOfId(notebook, address.id);
  return address.index < notebook.cells.length ? address.index : -1;
}

let landing = 0;

/**
 * Lands on the cell `fragment` names once it is drawn, while the address still has that fragment (the reader may
 * go elsewhere meanwhile). A later landing replaces an earlier one.
 */
export function landOnCell(fragment: string): void {
  const started = Date.now();
  const mine = ++landing;
  let drawn = false;
  // Called as a result's link is followed, before the address changes: the first look waits for it.
  const look = () => {
    if (mine !== landing || location.hash !== `#${fragment}`) return;
    const cells = readingPageCells();
    const target = cells ? addressedCell(cells, fragment) : null;
    if (target) return markLanded(target);
    const index = cells && !drawn ? notebookIndexOf(cells, fragment) : null;
    if (cells && index !== null && index >= 0) {
      drawn = true;
      readingPageOf(cells)?.drawThrough(index);
      const now = addressedCell(cells, fragment);
      if (now) return markLanded(now);
    }
    if (Date.now() - started < WAIT_MS) window.setTimeout(look, 100);
  };
  window.setTimeout(look, 0);
}

function markLanded(target: HTMLElement): void {
  holdInView(target);
  if (!target.hasAttribute("tabindex")) target.tabIndex = -1;
  target.focus({ preventScroll: true });
  target.classList.add(LANDED_CLASS);
  window.setTimeout(() => target.classList.remove(LANDED_CLASS), MARK_MS);
}

/** How long a target addressed by the URL is kept at the top while the outputs above it draw (ms). */
const HOLD_MS = 10_000;

const READER_INPUT = ["wheel", "touchstart", "keydown", "pointerdown"] as const;

/**
 * Scrolls to the target and keeps it there while the notebook's height changes (frames above it drawing), until
 * the reader scrolls, clicks or types, or HOLD_MS have passed. The browser's scroll anchoring does the same for
 * most changes; this covers those it leaves alone (a change in the anchor's own ancestors).
 */
export function holdInView(target: Element): void {
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
