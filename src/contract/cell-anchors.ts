// The address of one cell on a notebook's reading page, after the file's address: `#cell-{id}` by the cell's
// nbformat id (4.5 and later), which stays with the cell when cells are added or moved above it, or `#vt-cell-N`
// by its place (N from 1) for a cell without a valid id. Search results lead to a cell this way, and both forms
// are read back by the reading page.
//
// A cell id comes from the notebook's bytes: untrusted. Only ids of nbformat's own form (1 to 64 letters, digits,
// "-" and "_") become an address or a mark on a drawn cell; any other is as if the cell had none.

/** nbformat 4.5's cell id: `^[a-zA-Z0-9-_]+$`, 1 to 64 characters. */
const CELL_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The attribute a drawn cell carries its id in (render/dom.ts); never an element id (see there). */
export const CELL_ID_ATTRIBUTE = "data-cell-id";

export function isCellId(value: unknown): value is string {
  return typeof value === "string" && CELL_ID.test(value);
}

/** Where an address's fragment leads: a cell by id, a cell by place (0-based), or neither. */
export type CellAddress = { by: "id"; id: string } | { by: "index"; index: number } | null;

/** The fragment (without "#") that leads to a cell: by its id when it has a valid one, else by its place. */
export function cellFragment(cellIndex: number, cellId: string | null | undefined): string {
  return isCellId(cellId) ? `cell-${cellId}` : `vt-cell-${cellIndex + 1}`;
}

/** The cell an address's fragment (without "#", as written in the address: percent-encoding is read) names. */
export function readCellFragment(fragment: string): CellAddress {
  let text: string;
  try {
    text = decodeURIComponent(fragment);
  } catch {
    return null;
  }
  const byPlace = /^vt-cell-([1-9][0-9]{0,8})$/.exec(text);
  if (byPlace) return { by: "index", index: Number(byPlace[1]) - 1 };
  if (text.startsWith("cell-") && isCellId(text.slice(5))) return { by: "id", id: text.slice(5) };
  return null;
}
