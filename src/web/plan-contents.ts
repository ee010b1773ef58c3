// The notebook's contents read from its cells' markdown, not from the page: headings of cells not drawn yet are
// listed too. Each heading's anchor is the id the drawn cell will carry (render/markdown.ts's headingId, prefixed by
// the sanitizer), so a link to one lands on it once it is drawn.
import type { Notebook } from "../notebook/types.ts";
import type { TocEntry } from "../render/dom.ts";
import type { MarkdownToHtml } from "../render/plan.ts";
import type { Sanitizer } from "../render/sanitize.ts";

/** A heading of the contents, with the index of the cell that holds it. */
export interface PlannedHeading extends TocEntry {
  cell: number;
}

const TOC_HEADINGS = "h1[id], h2[id], h3[id], h4[id]";
/** Markdown that may hold a heading: an ATX line, a setext underline, or an HTML heading. Others are not rendered. */
const MAY_HAVE_HEADING = /^ {0,3}#{1,6}(?:[ \t]|$)|^ {0,3}(?:=+|-+)[ \t]*$|<h[1-4]/im;

/**
 * Every heading (levels 1 to 4, with an id) of the notebook's markdown cells, in order, as the drawn cells will have
 * them: the same renderer and the same sanitizer, whose fragment stays in its inert document (nothing in it loads or
 * runs) and is thrown away.
 */
export function plannedContents(notebook: Notebook, markdown: MarkdownToHtml, sanitizer: Sanitizer): PlannedHeading[] {
  const entries: PlannedHeading[] = [];
  notebook.cells.forEach((cell, index) => {
    if (cell.cell_type !== "markdown" || !MAY_HAVE_HEADING.test(cell.source)) return;
    const fragment = sanitizer.sanitizeToFragment(markdown(cell.source), { attachments: {} });
    for (const h of fragment.querySelectorAll(TOC_HEADINGS)) {
      entries.push({
        level: Number(h.localName.slice(1)),
        text: (h.textContent ?? "").trim(),
        anchor: h.id,
        cell: index,
      });
    }
  });
  return entries;
}
