// The output-type registry: for every mime type Vitrine knows, its rank, where it is drawn, how an output frame and
// the static export draw it, and how the scanner reads it. Modelled on JupyterLab's rendermime factories (a rank
// and a renderer per type); the priority list, the active set, the frame request, the export's frame document, the
// studio's choices and the scanner all read this table, so a type is added or moved in one place.
//
// A mime bundle may carry many representations; one is chosen, richest first, following JupyterLab's default order
// with the library-backed types of its extensions. Anything not ranked is shown as text/plain if the bundle has it,
// or named as not displayable.
import { RASTER_MIME_TYPES } from "../images/raster.ts";
import type { VegaMode } from "../contract/frame-protocol.ts";

export const WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json";
/** Not an output type: the notebook metadata key under which saved widget state lives. */
export const WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json";
/** The plain-text representation: an image's alternative text, and a frame output's static fallback. */
export const PLAIN_TEXT_MIME = "text/plain";

/** How the studio's output frame draws a type: the render request frame-request.ts builds for it. */
export type FrameDraw =
  /** The content (HTML or SVG markup) becomes the frame's document. */
  | { kind: "document" }
  /** Rendered as markdown (LaTeX in text is markdown's math) and sanitized like a markdown cell, then a document. */
  | { kind: "markdown" }
  /** Classic notebook JavaScript, run with `element` bound to an output div, requirejs beside it. */
  | { kind: "script" }
  /** A plotly figure, drawn with the plotly.js the content origin serves. */
  | { kind: "plotly" }
  /** A Vega or Vega-Lite spec, drawn with the served vega-embed in this mode. */
  | { kind: "vega"; mode: VegaMode }
  /**
   * A widget view, drawn live by the standard HTML widget manager from the part of the notebook's saved widget state
   * it needs (render/widget-state.ts), with no kernel behind it. When that state cannot draw it, the bundle's saved
   * static copy is the faithful view where there is one, else the data with a note.
   */
  | { kind: "widget" };

/** How the static export draws a frame type inside its srcdoc frame (frame-document.ts). */
export type ExportDraw =
  /** The content is the frame's document. */
  | "document"
  /** Rendered and sanitized markdown. */
  | "markdown"
  /** The script after the prelude that gives it `element`. */
  | "script"
  /**
   * Drawn by a library (or a kernel) the studio has and a static file does not carry: the bundle's static copy in
   * the page when there is one, else the data with a note.
   */
  | "library";

/** How the page itself draws a passive type: nothing in it can run. */
export type PageDraw =
  | { kind: "image" }
  | { kind: "text"; stream: "result" | "stderr" }
  /**
   * JSON data, indented as text. It is drawn by the page like any text (never parsed as markup), so it needs no
   * frame; a frame would also open at a guessed height and grow once drawn, moving what the reader was reading.
   */
  | { kind: "json" };

export type OutputDraw =
  | { place: "page"; page: PageDraw }
  /** Content that can carry markup or script: only ever inside its own sandboxed frame. */
  | { place: "frame"; frame: FrameDraw; export: ExportDraw };

/** How the scanner reads a string value of the type (a JSON value is walked for markup whatever its type). */
export interface ScanRead {
  read: "html" | "script" | "text" | "markdown" | "raster" | "json";
  /** Whether the text may carry a printed key or token; images and JSON state are not searched. */
  secrets: boolean;
}

export interface OutputType {
  readonly mime: string;
  /** Position in MIME_PRIORITY, 0 the richest; undefined for a type never chosen for display. */
  readonly rank: number | undefined;
  readonly draw: OutputDraw | undefined;
  /** Undefined: the scanner does not read a string value of this type. */
  readonly scan: ScanRead | undefined;
}

const inFrame = (frame: FrameDraw, exportDraw: ExportDraw): OutputDraw => ({
  place: "frame",
  frame,
  export: exportDraw,
});
const onPage = (page: PageDraw): OutputDraw => ({ place: "page", page });

const DRAWN_AS = {
  widget: inFrame({ kind: "widget" }, "library"),
  plotly: inFrame({ kind: "plotly" }, "library"),
  vegaLite: inFrame({ kind: "vega", mode: "vega-lite" }, "library"),
  vega: inFrame({ kind: "vega", mode: "vega" }, "library"),
  script: inFrame({ kind: "script" }, "script"),
  document: inFrame({ kind: "document" }, "document"),
  markdown: inFrame({ kind: "markdown" }, "markdown"),
  json: onPage({ kind: "json" }),
  image: onPage({ kind: "image" }),
  stderr: onPage({ kind: "text", stream: "stderr" }),
  text: onPage({ kind: "text", stream: "result" }),
} as const satisfies Record<string, OutputDraw>;

const READ_AS = {
  json: { read: "json", secrets: false },
  text: { read: "text", secrets: true },
  script: { read: "script", secrets: true },
  html: { read: "html", secrets: true },
  markdown: { read: "markdown", secrets: true },
  raster: { read: "raster", secrets: false },
  // An image's markup: checked as HTML's is, and like any image not searched for secrets.
  svg: { read: "html", secrets: false },
} as const satisfies Record<string, ScanRead>;

/** The ranked types, richest first; the order is the display priority. */
const RANKED: readonly Omit<OutputType, "rank">[] = [
  // Chosen only when the notebook saved widget state (chooseMimeType).
  { mime: WIDGET_VIEW_MIME, draw: DRAWN_AS.widget, scan: READ_AS.json },
  { mime: "application/vnd.plotly.v1+json", draw: DRAWN_AS.plotly, scan: READ_AS.json },
  { mime: "application/vnd.vegalite.v5+json", draw: DRAWN_AS.vegaLite, scan: READ_AS.json },
  { mime: "application/vnd.vegalite.v4+json", draw: DRAWN_AS.vegaLite, scan: READ_AS.json },
  { mime: "application/vnd.vegalite.v3+json", draw: DRAWN_AS.vegaLite, scan: READ_AS.json },
  { mime: "application/vnd.vegalite.v2+json", draw: DRAWN_AS.vegaLite, scan: READ_AS.json },
  { mime: "application/vnd.vega.v5+json", draw: DRAWN_AS.vega, scan: READ_AS.json },
  { mime: "application/vnd.vega.v4+json", draw: DRAWN_AS.vega, scan: READ_AS.json },
  { mime: "application/vnd.vega.v3+json", draw: DRAWN_AS.vega, scan: READ_AS.json },
  { mime: "application/javascript", draw: DRAWN_AS.script, scan: READ_AS.script },
  { mime: "text/html", draw: DRAWN_AS.document, scan: READ_AS.html },
  { mime: "text/markdown", draw: DRAWN_AS.markdown, scan: READ_AS.markdown },
  // Typesetting cannot add active content, so the scanner reads LaTeX as the text it is.
  { mime: "text/latex", draw: DRAWN_AS.markdown, scan: READ_AS.text },
  { mime: "image/svg+xml", draw: DRAWN_AS.document, scan: READ_AS.svg },
  ...RASTER_MIME_TYPES.map((mime) => ({ mime, draw: DRAWN_AS.image, scan: READ_AS.raster })),
  { mime: "application/json", draw: DRAWN_AS.json, scan: READ_AS.json },
  // JupyterLab's names for stream text. nbformat keeps streams as stream outputs, which the scanner searches for
  // secrets; it does not read a bundle's copy under these names.
  { mime: "application/vnd.jupyter.stderr", draw: DRAWN_AS.stderr, scan: undefined },
  { mime: "application/vnd.jupyter.stdout", draw: DRAWN_AS.text, scan: undefined },
  { mime: PLAIN_TEXT_MIME, draw: DRAWN_AS.text, scan: READ_AS.text },
];

/**
 * Older names of JavaScript output that JupyterLab does not render either, so they are never chosen; a bundle can
 * still carry them, and code in them is code all the same.
 */
const UNRANKED: readonly Omit<OutputType, "rank">[] = [
  { mime: "text/javascript", draw: undefined, scan: READ_AS.script },
  { mime: "application/x-javascript", draw: undefined, scan: READ_AS.script },
];

/** Every type Vitrine knows, ranked ones first in priority order. */
export const OUTPUT_TYPES: readonly OutputType[] = Object.freeze([
  ...RANKED.map((type, rank) => Object.freeze({ ...type, rank })),
  ...UNRANKED.map((type) => Object.freeze({ ...type, rank: undefined })),
]);

const BY_MIME: ReadonlyMap<string, OutputType> = new Map(OUTPUT_TYPES.map((type) => [type.mime, type]));

export function outputType(mime: string): OutputType | undefined {
  return BY_MIME.get(mime);
}

/** How a studio frame draws the type; undefined for a type not drawn in a frame. */
export function frameDrawOf(mime: string): FrameDraw | undefined {
  const draw = BY_MIME.get(mime)?.draw;
  return draw?.place === "frame" ? draw.frame : undefined;
}

/** How the export's frame draws the type; undefined for a type not drawn in a frame. */
export function exportDrawOf(mime: string): ExportDraw | undefined {
  const draw = BY_MIME.get(mime)?.draw;
  return draw?.place === "frame" ? draw.export : undefined;
}

export const MIME_PRIORITY: readonly string[] = Object.freeze(
  OUTPUT_TYPES.filter((type) => type.rank !== undefined).map((type) => type.mime),
);

/** Types whose content can carry markup or script: each is rendered only inside its own sandboxed frame. */
export const ACTIVE_MIME_TYPES: ReadonlySet<string> = new Set(
  OUTPUT_TYPES.filter((type) => type.draw?.place === "frame").map((type) => type.mime),
);

export interface MimeChoiceOptions {
  /** Widget views are only renderable when the notebook saved widget state. */
  widgetState: boolean;
}

export function chooseMimeType(available: Iterable<string>, options: MimeChoiceOptions): string | undefined {
  const present = new Set(available);
  for (const mime of MIME_PRIORITY) {
    if (!present.has(mime)) continue;
    if (mime === WIDGET_VIEW_MIME && !options.widgetState) continue;
    return mime;
  }
  return undefined;
}

/**
 * How an output's markup or script uses BokehJS, which classic notebooks load once, in one output, for every later
 * one. Each Vitrine output is its own frame, so an output that draws with Bokeh gets the served BokehJS before its
 * scripts run, and an output that only loads the library (bokeh's `output_notebook`) draws nothing.
 */
export type BokehUse =
  /** Does not use Bokeh. */
  | "none"
  /** Only loads BokehJS (and says it did): nothing to draw. */
  | "loader"
  /** Draws with BokehJS: needs it loaded first. */
  | "draws";

const BOKEH_EMBEDS = /\bBokeh\.embed\.embed_items/;
const BOKEH_LOADS = /BokehJS[^<\n]{0,40}(?:successfully loaded|is loading)|Loading BokehJS/i;
const BOKEH_CALLS = /\bBokeh\s*\.\s*[A-Za-z_$]/;

export function bokehUseOf(content: string): BokehUse {
  if (BOKEH_EMBEDS.test(content)) return "draws";
  if (BOKEH_LOADS.test(content)) return "loader";
  return BOKEH_CALLS.test(content) ? "draws" : "none";
}

/** What a loader-only output shows instead of its claim that the library is loaded for the outputs below. */
export const BOKEH_LOADER_NOTE = "This output loads BokehJS; Vitrine gives each Bokeh output its own copy.";

/**
 * Whether HTML markup calls requirejs (`require([...])`, `require.config`, `define(...)`), as plotly's offline
 * `init_notebook_mode` and the figures after it do: a classic notebook page had requirejs; its frame gets it too.
 */
export function usesRequire(markup: string): boolean {
  return /\brequire(?:js)?\s*(?:\(\s*\[|\.config\s*\()|\bdefine\s*\(/.test(markup);
}

/** What a reader calls an output of the type, for notes about it: "widget", "plotly figure", "Vega chart"... */
export function outputTypeName(mime: string): string {
  const frame = frameDrawOf(mime);
  if (frame?.kind === "widget") return "widget";
  if (frame?.kind === "plotly") return "plotly figure";
  if (frame?.kind === "vega") return frame.mode === "vega" ? "Vega chart" : "Vega-Lite chart";
  return `${mime} output`;
}
