// A notebook's render plan a range of cells at a time, so that the studio can plan and draw the first screen before
// the rest (planning renders markdown, math and highlighting, the larger part of a long notebook's drawing time).
// A cell's plan depends only on the cell and on notebook-wide settings (language, widget state), never on its
// neighbours: planning a range is planning those cells of the whole notebook, with their positions kept.
import type { Notebook } from "../notebook/types.ts";
import { buildRenderPlan, type PlanOptions } from "./plan.ts";
import type { CellPlan } from "./plan-types.ts";

/** The plans of cells start (inclusive) to end (exclusive), numbered as in the whole notebook. */
export function planCellRange(notebook: Notebook, options: PlanOptions, start: number, end: number): CellPlan[] {
  const cells = buildRenderPlan({ ...notebook, cells: notebook.cells.slice(start, end) }, options).cells;
  return cells.map((cell) => ({ ...cell, index: cell.index + start }));
}
