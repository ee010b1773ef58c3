// Cell ids of nbformat 4.5 and newer notebooks, repaired as nbformat's validate() repairs them (its `_normalize`
// with repair_duplicate_cell_ids, which every nbformat.read does, so JupyterLab opens such notebooks): a cell with
// no id gets one, and a cell whose id repeats an earlier cell's gets a new one. The first cell with an id keeps it,
// so links to it keep their target.
//
// Where we differ from nbformat: its new ids are random (8 hex digits) and are not checked against the notebook's
// other ids; ours are "cell-<n>" from the cell's place (with "-2", "-3"... until free), checked against every id
// in the file, earlier or later, so that the same bytes always read the same and no new id can collide.
//
// What is not repaired, because nbformat does not and a repair would guess: an id that is present but not a valid
// id (not a string, empty, too long, other characters), cells of notebooks before 4.5 (an id there is an unknown
// property), and anything that is not a cell object. Those stay refused by validation.

import type { ReadingNoteList } from "./reading-notes.ts";
import { describeValue, isInteger, isObject } from "./schema-keywords.ts";
import type { JsonObject } from "./types.ts";

/** The minor version from which cells carry ids. */
export const MINOR_WITH_CELL_IDS = 5;

/**
 * Gives ids to the cells of a v4 document (parsed JSON, changed in place) that lack one or repeat an earlier
 * cell's, when its nbformat_minor is 5 or more; adds a note for each cell changed.
 */
export function repairCellIds(document: JsonObject, notes: ReadingNoteList): void {
  const minor = document["nbformat_minor"];
  const cells = document["cells"];
  if (!isInteger(minor) || minor < MINOR_WITH_CELL_IDS || !Array.isArray(cells)) return;
  const taken = new Set<string>();
  for (const cell of cells) {
    if (isObject(cell) && typeof cell["id"] === "string") taken.add(cell["id"]);
  }
  const firstOwner = new Map<string, number>();
  cells.forEach((cell, index) => {
    if (!isObject(cell)) return;
    if (!Object.hasOwn(cell, "id")) {
      const id = freshId(index, taken);
      cell["id"] = id;
      notes.add("cell_id_added", () => ({
        message: `cell ${index + 1} has no id; it is read with the id ${JSON.stringify(id)}`,
        pointer: `/cells/${index}`,
        cell: index,
        cellId: id,
      }));
      return;
    }
    const id = cell["id"];
    if (typeof id !== "string") return;
    const owner = firstOwner.get(id);
    if (owner === undefined) {
      firstOwner.set(id, index);
      return;
    }
    const fresh = freshId(index, taken);
    cell["id"] = fresh;
    notes.add("duplicate_cell_id_repaired", () => ({
      message: `cell ${index + 1} has the id ${describeValue(id)} of cell ${owner + 1}; it is read with the id ${JSON.stringify(fresh)}`,
      pointer: `/cells/${index}/id`,
      cell: index,
      cellId: fresh,
    }));
  });
}

/** "cell-<index+1>", or with "-2", "-3"... when another cell has it; the result is taken from then on. */
function freshId(index: number, taken: Set<string>): string {
  const base = `cell-${index + 1}`;
  let id = base;
  for (let k = 2; taken.has(id); k++) id = `${base}-${k}`;
  taken.add(id);
  return id;
}
