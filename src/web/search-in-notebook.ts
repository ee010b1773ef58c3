// Finding text in the notebook on screen: the matches of a query in the drawn cells' text (markdown, code, text
// outputs; outputs in sandboxed frames are other documents and are not searched), as ranges. Matching is on each
// cell's text as a whole, so a match may run across the spans that highlighted code is made of. Case is ignored.

/** Most matches kept: enough to step through, bounded for a notebook of many thousands of lines. */
export const MAX_FIND_MATCHES = 2000;

export interface FindMatch {
  range: Range;
  /** The cell the match is in. */
  cell: Element;
}

/** Lower case, one UTF-16 unit for one, so that offsets in the folded text are offsets in the original. */
function fold(text: string): string {
  let out = "";
  for (const unit of text) {
    const lower = unit.toLowerCase();
    out += lower.length === unit.length ? lower : unit;
  }
  return out;
}

/** The matches of `query` in the cells under `root` (elements of class vt-cell), in document order. */
export function findInCells(root: Element, query: string): FindMatch[] {
  const needle = fold(query);
  if (needle === "") return [];
  const matches: FindMatch[] = [];
  for (const cell of root.querySelectorAll(".vt-cell")) {
    const nodes: Text[] = [];
    const starts: number[] = [];
    let text = "";
    const walker = cell.ownerDocument.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      nodes.push(node as Text);
      starts.push(text.length);
      text += (node as Text).data;
    }
    const haystack = fold(text);
    let node = 0;
    for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) {
      const end = at + needle.length;
      while (node + 1 < nodes.length && starts[node + 1]! <= at) node++;
      let last = node;
      while (last + 1 < nodes.length && starts[last + 1]! < end) last++;
      const range = cell.ownerDocument.createRange();
      range.setStart(nodes[node]!, at - starts[node]!);
      range.setEnd(nodes[last]!, end - starts[last]!);
      matches.push({ range, cell });
      if (matches.length === MAX_FIND_MATCHES) return matches;
    }
  }
  return matches;
}
