// The render plan: a notebook turned into plain data that says what to show and how, before any DOM exists.
// The same plan is drawn by the browser UI and by the static export.
import type { JsonValue, MimeBundle } from "../notebook/types.ts";
import type { RasterMimeType } from "../images/raster.ts";
import type { TextRun } from "./terminal.ts";
import type { WidgetViewStateResult } from "./widget-state.ts";

export interface RenderPlan {
  title: string;
  /** Kernel language, e.g. "python"; used for code highlighting and labels. */
  language: string;
  /** nbformat version as the file had it, e.g. "4.5" or "3.0 (upgraded)". */
  formatLabel: string;
  cells: CellPlan[];
}

export interface CellVisibility {
  /** `metadata.jupyter.source_hidden` (or JupyterLab's `jupyter.hide_input` style flags). */
  sourceHidden: boolean;
  /** `metadata.jupyter.outputs_hidden` or classic `metadata.collapsed`. */
  outputsHidden: boolean;
}

interface CellPlanBase {
  index: number;
  /** The notebook's own cell id, if any; only ever shown as text. */
  cellId: string | undefined;
  tags: string[];
  visibility: CellVisibility;
}

export interface MarkdownCellPlan extends CellPlanBase {
  kind: "markdown";
  /** HTML produced by marked and KaTeX. Untrusted: it must pass the sanitizer before it reaches a DOM. */
  unsafeHtml: string;
  attachments: Record<string, MimeBundle>;
}

export interface CodeCellPlan extends CellPlanBase {
  kind: "code";
  source: string;
  /** The source split into highlighted runs (highlight.js classes); joined, they are exactly `source`. */
  sourceRuns: TextRun[];
  language: string;
  executionCount: number | null;
  outputs: OutputPlan[];
}

export interface RawCellPlan extends CellPlanBase {
  kind: "raw";
  source: string;
  /** `metadata.format` or `raw_mimetype`, shown as a label only. */
  format: string | undefined;
}

export type CellPlan = MarkdownCellPlan | CodeCellPlan | RawCellPlan;

export interface TextOutputPlan {
  kind: "text";
  /** "stdout", "stderr", or "result" for text/plain data. */
  stream: "stdout" | "stderr" | "result";
  runs: TextRun[];
  /** Number of lines, for folding long outputs. */
  lineCount: number;
  executionCount: number | null;
}

export interface ErrorOutputPlan {
  kind: "error";
  ename: string;
  evalue: string;
  runs: TextRun[];
}

export interface ImageOutputPlan {
  kind: "image";
  mime: RasterMimeType;
  dataUrl: string;
  width: number | undefined;
  height: number | undefined;
  alt: string;
  executionCount: number | null;
}

export interface FrameOutputPlan {
  kind: "frame";
  /** The chosen active mime type. */
  mime: string;
  /** The content for that type: a string for text types, a JSON value for JSON types. */
  content: string | JsonValue;
  /** A raster image of the same output, when the bundle has one (used where the frame's library is absent). */
  fallbackImage: ImageOutputPlan | undefined;
  /** The bundle's text/plain, when present. */
  fallbackText: string | undefined;
  executionCount: number | null;
  /** For a widget view: the part of the notebook's saved widget state it needs, or why it cannot be drawn. */
  widget?: WidgetViewStateResult;
}

export interface NoticeOutputPlan {
  kind: "notice";
  /** Stable code, e.g. "invalid_image", "unsupported_mime". */
  code: string;
  message: string;
}

export type OutputPlan = TextOutputPlan | ErrorOutputPlan | ImageOutputPlan | FrameOutputPlan | NoticeOutputPlan;
