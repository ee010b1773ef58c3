// Notebook to render plan. Pure: no DOM, no I/O. Decides what each cell and output becomes; drawing is elsewhere.
import type { Cell, CodeCell, JsonObject, JsonValue, MimeBundle, Notebook, Output } from "../notebook/types.ts";
import { chooseMimeType, outputType, PLAIN_TEXT_MIME, WIDGET_VIEW_MIME } from "./output-types.ts";
import type { CellPlan, CellVisibility, ImageOutputPlan, OutputPlan, RenderPlan } from "./plan-types.ts";
import { checkRasterImage, isRasterMimeType, RASTER_MIME_TYPES } from "../images/raster.ts";
import { base64ImageDimensions } from "../images/image-dimensions.ts";
import { highlightCode, type Highlighted } from "./highlight.ts";
import { terminalTextToRuns } from "./terminal.ts";
import { notebookWidgetState, widgetStateForView } from "./widget-state.ts";

/** What the plan says above the cells. */
export interface HeadingOptions {
  /** Shown as the title when the notebook has none. */
  fileName?: string;
  /** The version the file had before upgrade, for the label. */
  original?: { major: number; minor: number | null };
}

/** Markdown to HTML that is not safe yet (render/markdown.ts's renderMarkdown, or its output made earlier). */
export type MarkdownToHtml = (source: string) => string;

export interface PlanOptions extends HeadingOptions {
  /**
   * Markdown cells' HTML. Passed in rather than imported: marked and KaTeX, which making it takes, are a large
   * part of the studio page's start-up, and the page draws its first screen from HTML the server made
   * (render/notebook-head.ts) before it starts them.
   */
  markdown: MarkdownToHtml;
  /** Code cells' sources highlighted already (a notebook head's); any other source is highlighted here. */
  highlighted?: Highlighted;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringAt(obj: JsonObject, ...path: string[]): string | undefined {
  let cur: JsonValue | undefined = obj;
  for (const key of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[key];
  }
  return typeof cur === "string" ? cur : undefined;
}

/** The language a notebook's code cells are highlighted as. */
export function notebookLanguage(nb: Notebook): string {
  return stringAt(nb.metadata, "kernelspec", "language") ?? stringAt(nb.metadata, "language_info", "name") ?? "python";
}

function visibilityOf(cell: Cell): CellVisibility {
  const jupyter = isObject(cell.metadata.jupyter) ? cell.metadata.jupyter : {};
  return {
    sourceHidden: jupyter.source_hidden === true || cell.metadata.hide_input === true,
    outputsHidden: jupyter.outputs_hidden === true || cell.metadata.collapsed === true,
  };
}

function tagsOf(cell: Cell): string[] {
  const tags = cell.metadata.tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
}

function positiveInt(value: JsonValue | undefined): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value > 0 && value <= 100_000 ? value : undefined;
}

function textOf(value: string | JsonValue | undefined): string | undefined {
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.join("");
  return undefined;
}

/** Lines as a terminal shows them: a final newline ends the last line, it does not start another. */
function countLines(text: string): number {
  let n = text.length > 0 && !text.endsWith("\n") ? 1 : 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

function imagePlan(
  mime: string,
  bundle: MimeBundle,
  metadata: JsonObject,
  executionCount: number | null,
): ImageOutputPlan | OutputPlan {
  if (!isRasterMimeType(mime)) throw new Error(`not a raster type: ${mime}`);
  const payload = textOf(bundle[mime]) ?? "";
  const check = checkRasterImage(mime, payload);
  if (!check.ok) {
    return {
      kind: "notice",
      code: "invalid_image",
      message: `The ${mime} output could not be shown: ${check.reason.replace(/_/g, " ")}.`,
    };
  }
  const own = isObject(metadata[mime]) ? (metadata[mime] as JsonObject) : {};
  const alt = textOf(bundle[PLAIN_TEXT_MIME]) ?? "";
  const size = displaySize(
    positiveInt(own.width) ?? positiveInt(metadata.width),
    positiveInt(own.height) ?? positiveInt(metadata.height),
    check.base64,
  );
  return {
    kind: "image",
    mime: check.mime,
    dataUrl: check.dataUrl,
    width: size.width,
    height: size.height,
    alt: alt.length > 500 ? `${alt.slice(0, 500)}…` : alt,
    executionCount,
  };
}

/**
 * The size an image is shown at, as JupyterLab shows it: the metadata's width and height, the other side from the
 * image's own proportions when only one is given, and its own size when neither is. Known before the image is
 * decoded (from its header), it gives the image its place at once.
 */
function displaySize(
  width: number | undefined,
  height: number | undefined,
  base64: string,
): { width: number | undefined; height: number | undefined } {
  if (width !== undefined && height !== undefined) return { width, height };
  const natural = base64ImageDimensions(base64);
  if (!natural || natural.width === 0 || natural.height === 0) return { width, height };
  if (width !== undefined) return { width, height: Math.max(1, Math.round((width * natural.height) / natural.width)) };
  if (height !== undefined)
    return { width: Math.max(1, Math.round((height * natural.width) / natural.height)), height };
  return natural;
}

function fallbackImageOf(
  bundle: MimeBundle,
  metadata: JsonObject,
  executionCount: number | null,
): ImageOutputPlan | undefined {
  for (const mime of RASTER_MIME_TYPES) {
    if (bundle[mime] === undefined) continue;
    const plan = imagePlan(mime, bundle, metadata, executionCount);
    if (plan.kind === "image") return plan;
  }
  return undefined;
}

function dataOutputPlan(
  bundle: MimeBundle,
  metadata: JsonObject,
  executionCount: number | null,
  widgetState: JsonObject | undefined,
): OutputPlan {
  const mime = chooseMimeType(Object.keys(bundle), { widgetState: widgetState !== undefined });
  if (mime === undefined) {
    const names = Object.keys(bundle);
    return {
      kind: "notice",
      code: "unsupported_mime",
      message: names.length ? `No viewer for this output (${names.join(", ")}).` : "This output is empty.",
    };
  }
  // A chosen type is a ranked one, and every ranked type is drawn somewhere.
  const draw = outputType(mime)!.draw!;
  if (draw.place === "frame") {
    const value = bundle[mime];
    return {
      kind: "frame",
      mime,
      content: value === undefined ? "" : value,
      fallbackImage: fallbackImageOf(bundle, metadata, executionCount),
      fallbackText: textOf(bundle[PLAIN_TEXT_MIME]),
      executionCount,
      // Only the models this view needs travel with it, never the notebook's whole state.
      ...(mime === WIDGET_VIEW_MIME && widgetState !== undefined
        ? { widget: widgetStateForView(widgetState, value) }
        : {}),
    };
  }
  if (draw.page.kind === "image") return imagePlan(mime, bundle, metadata, executionCount);
  // JSON's own escapes keep control characters (a terminal's colour codes) as the text they are.
  const text = draw.page.kind === "json" ? JSON.stringify(bundle[mime] ?? null, null, 2) : (textOf(bundle[mime]) ?? "");
  return {
    kind: "text",
    stream: draw.page.kind === "json" ? "result" : draw.page.stream,
    runs: terminalTextToRuns(text),
    lineCount: countLines(text),
    executionCount,
  };
}

function outputPlans(outputs: Output[], widgetState: JsonObject | undefined): OutputPlan[] {
  const plans: OutputPlan[] = [];
  for (let i = 0; i < outputs.length; i++) {
    const output = outputs[i]!;
    switch (output.output_type) {
      case "stream": {
        // Consecutive chunks of one stream are one text, as a terminal (and JupyterLab) shows them;
        // this matters for "\r" progress bars split across chunks.
        let text = output.text;
        while (i + 1 < outputs.length) {
          const next = outputs[i + 1]!;
          if (next.output_type !== "stream" || next.name !== output.name) break;
          text += next.text;
          i++;
        }
        plans.push({
          kind: "text",
          stream: output.name === "stderr" ? "stderr" : "stdout",
          runs: terminalTextToRuns(text),
          lineCount: countLines(text),
          executionCount: null,
        });
        break;
      }
      case "error":
        plans.push({
          kind: "error",
          ename: output.ename,
          evalue: output.evalue,
          runs: terminalTextToRuns(output.traceback.join("\n")),
        });
        break;
      case "execute_result":
        plans.push(dataOutputPlan(output.data, output.metadata, output.execution_count, widgetState));
        break;
      case "display_data":
        plans.push(dataOutputPlan(output.data, output.metadata, null, widgetState));
        break;
    }
  }
  return plans;
}

function codeCellPlan(
  cell: CodeCell,
  index: number,
  language: string,
  widgetState: JsonObject | undefined,
  highlighted: Highlighted | undefined,
): CellPlan {
  const made = highlighted?.language === language ? highlighted.bySource.get(cell.source) : undefined;
  return {
    kind: "code",
    index,
    cellId: cell.id,
    tags: tagsOf(cell),
    visibility: visibilityOf(cell),
    source: cell.source,
    sourceRuns: made ?? highlightCode(cell.source, language),
    language,
    executionCount: cell.execution_count,
    outputs: outputPlans(cell.outputs, widgetState),
  };
}

/**
 * The plans of code cells' outputs, each as its cell's plan has them, without planning the rest of the cell (its
 * highlighting): what finding text in a notebook reads of cells not drawn yet.
 */
export function outputPlanner(nb: Notebook): (cell: CodeCell) => OutputPlan[] {
  const widgetState = notebookWidgetState(nb.metadata);
  return (cell) => outputPlans(cell.outputs, widgetState);
}

/** The title, language and format label the plan shows above the cells. */
export function planHeading(nb: Notebook, options: HeadingOptions): Omit<RenderPlan, "cells"> {
  const original = options.original ?? { major: 4, minor: nb.nbformat_minor };
  const formatLabel =
    original.major === 4
      ? `4.${original.minor ?? "?"}`
      : `${original.major}.${original.minor ?? "?"} (upgraded to 4.${nb.nbformat_minor})`;
  const title = (stringAt(nb.metadata, "title") ?? options.fileName ?? "Notebook").trim() || "Notebook";
  return { title, language: notebookLanguage(nb), formatLabel };
}

export function buildRenderPlan(nb: Notebook, options: PlanOptions): RenderPlan {
  const language = notebookLanguage(nb);
  const widgetState = notebookWidgetState(nb.metadata);
  const cells: CellPlan[] = nb.cells.map((cell, index): CellPlan => {
    switch (cell.cell_type) {
      case "code":
        return codeCellPlan(cell, index, language, widgetState, options.highlighted);
      case "markdown":
        return {
          kind: "markdown",
          index,
          cellId: cell.id,
          tags: tagsOf(cell),
          visibility: visibilityOf(cell),
          unsafeHtml: options.markdown(cell.source),
          attachments: cell.attachments ?? {},
        };
      case "raw":
        return {
          kind: "raw",
          index,
          cellId: cell.id,
          tags: tagsOf(cell),
          visibility: visibilityOf(cell),
          source: cell.source,
          format: stringAt(cell.metadata, "format") ?? stringAt(cell.metadata, "raw_mimetype"),
        };
    }
  });
  return { ...planHeading(nb, options), cells };
}
