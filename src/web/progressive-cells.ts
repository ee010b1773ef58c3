// Draws a notebook's cells first-screen first: the cells that meet the initial viewport in one go, before the
// browser paints, and the rest in small chunks while the page is idle, so that a long notebook shows its top at
// once and the reader can scroll while the rest is still being drawn. Marks the page's performance timeline when the
// first screen is in the DOM ("vitrine:first-screen") and when every cell is ("vitrine:all-cells"): `npm run
// bench:view` reads them, and they cost nothing a reader would notice.

export const FIRST_SCREEN_MARK = "vitrine:first-screen";
export const ALL_CELLS_MARK = "vitrine:all-cells";

/** Time one idle chunk may take, in ms: well under a frame, so that scrolling and input stay smooth. */
const CHUNK_BUDGET_MS = 8;
/** Longest wait for an idle moment before a chunk is drawn anyway, so a busy page still gets all its cells. */
const IDLE_TIMEOUT_MS = 100;

export interface ProgressiveCellsOptions {
  container: HTMLElement;
  count: number;
  /** Cells already in the container (drawn from the notebook's head), 0 by default. */
  start?: number;
  /** Whether the first screen was already marked (it was drawn from the head); false by default. */
  firstScreenMarked?: boolean;
  /** Draws cells start to end (exclusive), in order. */
  draw(start: number, end: number): Node;
  /** After the first screen, and after each later chunk: new cells are in the DOM. */
  onCells?(): void;
  /** Every cell is in the DOM. */
  onDone?(): void;
}

export interface ProgressiveCells {
  /**
   * Draws the cells up to `index` (inclusive; every remaining cell when it is not given) now, and a screen of cells
   * below it: an in-notebook link, a search result or a find match may name a cell not drawn yet. The cells after
   * those are still drawn when idle.
   */
  drawThrough(index?: number): void;
  /** Stops drawing (the view is going away); nothing more is appended. */
  cancel(): void;
}

export type IdleHandle = { cancel(): void };

/** Runs the callback when the page is idle (or after IDLE_TIMEOUT_MS at the latest), with the time left. */
export function whenIdle(callback: (deadline: () => number) => void): IdleHandle {
  if (typeof requestIdleCallback === "function") {
    const id = requestIdleCallback((deadline) => callback(() => deadline.timeRemaining()), {
      timeout: IDLE_TIMEOUT_MS,
    });
    return { cancel: () => cancelIdleCallback(id) };
  }
  // Browsers without idle callbacks: a macrotask per chunk, with a fixed budget.
  const id = setTimeout(() => {
    const start = performance.now();
    callback(() => CHUNK_BUDGET_MS - (performance.now() - start));
  }, 0);
  return { cancel: () => clearTimeout(id) };
}

/** Whether the container's last cell starts below the initial viewport: the first screen is full. */
export function screenIsFull(container: HTMLElement): boolean {
  const last = container.lastElementChild;
  return last !== null && last.getBoundingClientRect().top >= (container.ownerDocument.defaultView?.innerHeight ?? 0);
}

/**
 * The first screen: cells from `next`, one at a time, until a cell starts below the viewport or none is left, so
 * every cell that meets the viewport is drawn and hardly any that does not. The layout each check forces is that of
 * a screenful of cells. Returns the index of the first cell not drawn.
 */
export function fillFirstScreen(
  container: HTMLElement,
  next: number,
  count: number,
  draw: (start: number, end: number) => Node,
): number {
  if (next > 0 && screenIsFull(container)) return next;
  while (next < count) {
    container.appendChild(draw(next, next + 1));
    next++;
    if (screenIsFull(container)) break;
  }
  return next;
}

export function drawCellsProgressively(options: ProgressiveCellsOptions): ProgressiveCells {
  const { container, count } = options;
  let pending: IdleHandle | undefined;
  let stopped = false;

  let next = fillFirstScreen(container, options.start ?? 0, count, options.draw);
  const append = (end: number) => {
    container.appendChild(options.draw(next, end));
    next = end;
  };
  if (!options.firstScreenMarked) performance.mark(FIRST_SCREEN_MARK);
  options.onCells?.();

  const done = () => {
    performance.mark(ALL_CELLS_MARK);
    options.onDone?.();
  };

  const chunk = (remaining: () => number) => {
    pending = undefined;
    if (stopped) return;
    const start = performance.now();
    // At least one cell per chunk, however busy the page, so that drawing always ends.
    do append(next + 1);
    while (next < count && remaining() > 1 && performance.now() - start < CHUNK_BUDGET_MS);
    options.onCells?.();
    if (next < count) pending = whenIdle(chunk);
    else done();
  };

  if (next < count) pending = whenIdle(chunk);
  else done();

  return {
    drawThrough(index) {
      const end = index === undefined ? count : Math.min(count, index + 1);
      if (stopped || next >= end) return;
      pending?.cancel();
      pending = undefined;
      append(end);
      // The cell is about to be scrolled to: a screen of cells below it is drawn too, so that it can reach the top
      // of the window rather than stop at the bottom of what is drawn.
      const target = container.lastElementChild;
      if (target && next < count) {
        const below = target.getBoundingClientRect().top + (container.ownerDocument.defaultView?.innerHeight ?? 0);
        while (next < count && container.lastElementChild!.getBoundingClientRect().top < below) append(next + 1);
      }
      options.onCells?.();
      if (next < count) pending = whenIdle(chunk);
      else done();
    },
    cancel() {
      stopped = true;
      pending?.cancel();
      pending = undefined;
    },
  };
}
