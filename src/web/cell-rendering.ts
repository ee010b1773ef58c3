// A cell's outputs and a markdown cell's rendered text in the editor, drawn by the same path as reading
// (notebook-drawing.ts): the cell's render plan (render/cell-plans.ts), then render/dom.ts's cellElement with the
// studio's host, so markdown is sanitized under Trusted Types, links and images go to the URL check, and every
// active output is a sandboxed frame on the content origin (output-frame.ts). The editor takes the part it needs
// out of the drawn cell.
import type { Cell, JsonObject, Output } from "../notebook/types.ts";
import { cellElement } from "../render/dom.ts";
import { planCellRange } from "../render/cell-plans.ts";
import type { MarkdownToHtml } from "../render/plan.ts";
import type { StudioHost } from "./studio-host.ts";

export interface CellRenderContext {
  fileName: string;
  nbformatMinor: number;
  metadata: JsonObject;
  markdown: MarkdownToHtml;
  host: StudioHost;
}

function drawnCell(doc: Document, cell: Cell, index: number, context: CellRenderContext): HTMLElement | undefined {
  const notebook = {
    nbformat: 4 as const,
    nbformat_minor: context.nbformatMinor,
    metadata: context.metadata,
    cells: [cell],
  };
  const options = {
    fileName: context.fileName,
    original: { major: 4, minor: context.nbformatMinor },
    markdown: context.markdown,
  };
  const [plan] = planCellRange(notebook, options, 0, 1);
  if (!plan) return undefined;
  return cellElement(doc, { ...plan, index }, context.host);
}

/** A code cell's outputs as reading draws them (folded, framed, hidden as the notebook says), or nothing. */
export function drawOutputs(doc: Document, cell: Cell, index: number, context: CellRenderContext): Element | null {
  if (cell.cell_type !== "code" || cell.outputs.length === 0) return null;
  const section = drawnCell(doc, cell, index, context);
  const outputs = section?.querySelector(":scope > .vt-outputs, :scope > .vt-hidden-part:last-child");
  return outputs ?? null;
}

/**
 * One output of a code cell, drawn alone, so that an output that did not change keeps its element (and an active
 * output its frame) while others arrive. Undefined when the cell hides its outputs: those are drawn together.
 */
export function drawOneOutput(
  doc: Document,
  cell: Cell,
  output: Output,
  index: number,
  context: CellRenderContext,
): Element | null | undefined {
  if (cell.cell_type !== "code") return null;
  const outputs = drawOutputs(doc, { ...cell, outputs: [output] }, index, context);
  if (!outputs?.classList.contains("vt-outputs")) return undefined;
  return outputs.firstElementChild;
}

/** A markdown cell rendered as reading renders it: sanitized, links and images checked. */
export function drawMarkdown(doc: Document, cell: Cell, index: number, context: CellRenderContext): Element | null {
  if (cell.cell_type !== "markdown") return null;
  const section = drawnCell(doc, cell, index, context);
  const box = section?.querySelector(":scope > .vt-markdown, :scope > .vt-hidden-part");
  if (box) void context.host.resolveImages();
  return box ?? null;
}
