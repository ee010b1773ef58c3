// Landing on a search result's cell: the file page draws its cells progressively (progressive-cells.ts), so the
// cell may not exist yet when the page opens. This waits for it, brings it into view and marks it for a moment,
// so that the eye finds the cell the result named.

/** How long to wait for the cell to be drawn (ms), and how long it stays marked. */
const WAIT_MS = 15_000;
const MARK_MS = 2_500;
export const LANDED_CLASS = "vt-search-landed";

export function landOnCell(id: string): void {
  const started = Date.now();
  // Called as the link is followed, before the address changes: the first look waits for it.
  const look = () => {
    // The reader went elsewhere meanwhile: the cell is no longer where they are going.
    if (location.hash !== `#${id}`) return;
    const target = document.getElementById(id);
    if (!target) {
      if (Date.now() - started < WAIT_MS) window.setTimeout(look, 100);
      return;
    }
    const box = target.getBoundingClientRect();
    if (box.top < 0 || box.top > window.innerHeight * 0.8) target.scrollIntoView({ block: "start" });
    target.classList.add(LANDED_CLASS);
    window.setTimeout(() => target.classList.remove(LANDED_CLASS), MARK_MS);
  };
  window.setTimeout(look, 0);
}
