// The document inside one output frame of the static export. The output's own markup goes in as it is (the
// frame is sandboxed without same-origin, so it runs in an opaque origin with no access to the page), wrapped
// in Vitrine's frame policy and sizer. Because a srcdoc frame inherits the page's CSP, the inline scripts and
// styles of each frame are collected here so the page can allow exactly those, by hash. The frame is built as a
// parse5 tree (frame-tree.ts), not a jsdom document.
import type { FrameOutputPlan } from "./plan-types.ts";
import { EXPORT_FRAME_CSP } from "../contract/content-security-policy.ts";
import { sha256Source } from "./csp.ts";
import { FRAME_SIZER_SCRIPT, JAVASCRIPT_OUTPUT_PRELUDE } from "./frame-scripts.ts";
import { frameContentText, viewerMissingNote } from "./frame-request.ts";
import { FRAME_STYLESHEET } from "./frame-style.ts";
import {
  DEFERRED_SCRIPT_TYPE,
  EXPORT_DRAW_BLOCK_ID,
  bokehExportLibraries,
  EXPORT_DRAW_LIBRARIES,
  exportDrawLibraries,
  FRAME_LIBRARY_SCRIPT,
  MATH_FRAME_SCRIPT,
  WIDGET_FRAME_SCRIPT,
  inertJson,
  type ExportLibraryDraw,
  type ExportLibraryName,
} from "./export-libraries.ts";
import { EXPORT_FRAME_MATH_STYLE, hasKatexDrawing } from "./export-frame-math.ts";
import { widgetNotDrawnNote, type ExportWidgetDraw, type ExportWidgetPlan } from "./export-widgets.ts";
import { BOKEH_LOADER_NOTE, bokehUseOf, exportDrawOf, frameDrawOf } from "./output-types.ts";
import { bokehMismatchNote, chooseBokehBuild, isBokehResource, type BokehChoice } from "./bokeh-builds.ts";
import {
  appendChild,
  attributeOf,
  bodyOf,
  createElement,
  descendantElements,
  headOf,
  parseDocument,
  PARSE5_TREE,
  prependChildren,
  removeNode,
  textContentOf,
  treeFromDom,
  type TreeDocument,
} from "./frame-tree.ts";
import { serializeParts } from "./serialize.ts";

export interface FrameDocument {
  html: string;
  /** CSP hash sources for the frame's inline scripts, style elements and style attributes. */
  scriptHashes: string[];
  styleHashes: string[];
  styleAttributeHashes: string[];
  /** The output libraries the frame asks the page for, in load order (none for most frames). */
  libraries: ExportLibraryName[];
}

/** A drawing from a spec or figure the output holds as JSON. */
type SpecDraw = Extract<ExportLibraryDraw, "plotly" | "vega" | "vega-lite">;

/** How the export draws a frame with embedded libraries, if it does: plotly and vega specs given as JSON objects. */
export function exportLibraryDrawOf(frame: FrameOutputPlan): SpecDraw | undefined {
  const draw = frameDrawOf(frame.mime);
  const spec = frame.content;
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) return undefined;
  if (draw?.kind === "plotly") return "plotly";
  if (draw?.kind === "vega") return draw.mode;
  return undefined;
}

/** What a frame's drawing script is told: what to draw, and the libraries it draws with. */
interface LibraryDrawRequest {
  kind: ExportLibraryDraw;
  libraries: readonly ExportLibraryName[];
  [field: string]: unknown;
}

function libraryDrawRequest(draw: SpecDraw, spec: unknown): LibraryDrawRequest {
  return {
    kind: draw,
    libraries: exportDrawLibraries(draw, spec),
    ...(draw === "plotly" ? { figure: spec } : { spec }),
  };
}

/**
 * A widget view's draw block: its model, only the models it needs (widget-state.ts: never the notebook's whole
 * state), and its static copy for when the manager cannot draw it.
 */
function widgetDrawRequest(widget: ExportWidgetDraw): LibraryDrawRequest {
  return {
    kind: "widget",
    libraries: EXPORT_DRAW_LIBRARIES.widget,
    modelId: widget.modelId,
    state: widget.state,
    fallback: widget.fallback,
    height: widget.height,
  };
}

/** A frame that draws with libraries: an element to draw into, what to draw as JSON, and the drawing script. */
function libraryFrame(request: LibraryDrawRequest): TreeDocument {
  const script = request.kind === "widget" ? WIDGET_FRAME_SCRIPT : FRAME_LIBRARY_SCRIPT;
  const doc = frameSkeleton(undefined);
  const body = bodyOf(doc);
  appendChild(body, createElement("div", { id: "output" }));
  appendChild(
    body,
    createElement("script", { type: "application/json", id: EXPORT_DRAW_BLOCK_ID }, inertJson(request)),
  );
  appendChild(body, createElement("script", {}, script));
  return doc;
}

/**
 * An output whose scripts call BokehJS: its scripts wait (under an inert type) until the drawing script has the
 * build its documents' version calls for (bokeh-builds.ts) from the page, then run in document order. When no
 * served build draws them, they never run and a note says why.
 */
function bokehFrame(doc: TreeDocument, choice: BokehChoice): TreeDocument {
  for (const el of [...descendantElements(doc)]) {
    // The output's own links to BokehJS (standalone HTML names bokeh's CDN): the page hands the frame its build.
    const url = attributeOf(el, el.tagName === "script" ? "src" : "href");
    if ((el.tagName === "script" || el.tagName === "link") && url !== null && isBokehResource(url)) {
      removeNode(el);
      continue;
    }
    if (el.tagName !== "script" || attributeOf(el, "src") !== null) continue;
    const type = attributeOf(el, "type");
    el.attrs = el.attrs.filter((attribute) => attribute.name !== "type");
    if (type !== null) el.attrs.push({ name: "data-vt-type", value: type });
    el.attrs.push({ name: "type", value: DEFERRED_SCRIPT_TYPE });
  }
  const body = bodyOf(doc);
  // Documents no served BokehJS draws: the markup stays, its scripts never run, and the note says why.
  if (!choice.draw) {
    prependChildren(body, [createElement("p", { class: "vt-frame-note" }, choice.reason)]);
    return doc;
  }
  if (choice.note !== undefined) prependChildren(body, [createElement("p", { class: "vt-frame-note" }, choice.note)]);
  const request = {
    kind: "bokeh",
    libraries: bokehExportLibraries(choice),
    major: choice.major,
    mismatchNote: bokehMismatchNote(choice.documentVersion, choice.version),
    // HoloViews and Panel outputs: Panel's script looks for the BokehJS of the document's version.
    ...(choice.panel === true ? { panel: true, documentVersion: choice.documentVersion } : {}),
  };
  appendChild(
    body,
    createElement("script", { type: "application/json", id: EXPORT_DRAW_BLOCK_ID }, inertJson(request)),
  );
  appendChild(body, createElement("script", {}, FRAME_LIBRARY_SCRIPT));
  return doc;
}

/**
 * Makes a markdown frame one that draws its typeset math with KaTeX's stylesheet, which it asks the page for
 * (export-frame-math.ts): its own math style, and the draw block, in the head, before any of the output's markup
 * (so that no element of the output comes first by the block's id). The drawing script follows the markup.
 */
function mathFrame(doc: TreeDocument): ExportLibraryName[] {
  const request = { kind: "math", libraries: EXPORT_DRAW_LIBRARIES.math };
  const head = headOf(doc);
  appendChild(head, createElement("style", {}, EXPORT_FRAME_MATH_STYLE));
  appendChild(
    head,
    createElement("script", { type: "application/json", id: EXPORT_DRAW_BLOCK_ID }, inertJson(request)),
  );
  return [...EXPORT_DRAW_LIBRARIES.math];
}

export interface FrameContentRenderers {
  /** Markdown (or LaTeX-in-text) to a sanitized fragment; its nodes are copied into the frame. */
  markdownFragment(source: string): DocumentFragment;
  /** How a widget view is shown (export-widgets.ts), when the frame is one. */
  widget?: ExportWidgetPlan;
}

/** Closing tags inside script text would end the element early; `<\/` means the same to JavaScript. */
function scriptSafe(source: string): string {
  return source.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

function frameSkeleton(bodyHtml: string | undefined): TreeDocument {
  let doc: TreeDocument;
  if (bodyHtml === undefined) {
    doc = parseDocument("");
    // A frame built from nothing has the empty title an HTML document created by script has.
    appendChild(headOf(doc), createElement("title"));
  } else {
    doc = parseDocument(bodyHtml);
    // The output cannot refresh or redirect the frame through markup, nor set its own base URL.
    const unwanted = [...descendantElements(doc)].filter(
      (el) => (el.tagName === "meta" && attributeOf(el, "http-equiv") !== null) || el.tagName === "base",
    );
    for (const node of unwanted) removeNode(node);
  }
  // The policy goes first so it governs everything the output's own head contains.
  prependChildren(headOf(doc), [
    createElement("meta", { charset: "utf-8" }),
    createElement("meta", { "http-equiv": "Content-Security-Policy", content: EXPORT_FRAME_CSP }),
    createElement("style", {}, FRAME_STYLESHEET),
  ]);
  return doc;
}

export function buildFrameDocument(frame: FrameOutputPlan, renderers: FrameContentRenderers): FrameDocument {
  let doc: TreeDocument;
  let libraries: ExportLibraryName[] = [];
  const content = frameContentText(frame);
  const draw = exportDrawOf(frame.mime);
  const libraryDraw = exportLibraryDrawOf(frame);
  const widget = renderers.widget;
  switch (widget !== undefined ? "widget" : libraryDraw === undefined ? draw : "with-libraries") {
    case "widget":
      if (widget!.draw) {
        doc = libraryFrame(widgetDrawRequest(widget!.widget));
        libraries = [...EXPORT_DRAW_LIBRARIES.widget];
      } else {
        // Not drawn, and no static copy to show on the page instead: the reason, then the view's data.
        doc = frameSkeleton(undefined);
        const body = bodyOf(doc);
        appendChild(body, createElement("p", { class: "vt-frame-note" }, widgetNotDrawnNote(frame, widget!.why)));
        appendChild(body, createElement("pre", {}, content));
      }
      break;
    case "with-libraries":
      doc = libraryFrame(libraryDrawRequest(libraryDraw!, frame.content));
      libraries = exportDrawLibraries(libraryDraw!, frame.content);
      break;
    case "document": {
      // Classic notebooks loaded BokehJS in one output for all later ones; here each output is a frame of its own.
      const bokeh = bokehUseOf(content);
      if (bokeh === "draws") {
        const choice = chooseBokehBuild(content);
        doc = bokehFrame(frameSkeleton(content), choice);
        libraries = choice.draw ? bokehExportLibraries(choice) : [];
      } else if (bokeh === "loader") {
        doc = frameSkeleton(undefined);
        appendChild(bodyOf(doc), createElement("p", { class: "vt-frame-note" }, BOKEH_LOADER_NOTE));
      } else doc = frameSkeleton(content);
      break;
    }
    case "script": {
      doc = frameSkeleton(undefined);
      const body = bodyOf(doc);
      // Bokeh 2 and 3 load BokehJS from a script output (`output_notebook()`): here each output has its own.
      const bokeh = bokehUseOf(content);
      if (bokeh === "loader") {
        appendChild(body, createElement("p", { class: "vt-frame-note" }, BOKEH_LOADER_NOTE));
        break;
      }
      appendChild(body, createElement("div", { id: "output" }));
      appendChild(body, createElement("script", {}, JAVASCRIPT_OUTPUT_PRELUDE));
      appendChild(body, createElement("script", {}, scriptSafe(content)));
      // ...and draw a notebook plot from one, beside application/vnd.bokehjs_exec.v0+json.
      if (bokeh === "draws") {
        const choice = chooseBokehBuild(content);
        doc = bokehFrame(doc, choice);
        libraries = choice.draw ? bokehExportLibraries(choice) : [];
      }
      break;
    }
    case "markdown": {
      doc = frameSkeleton(undefined);
      const fragment = renderers.markdownFragment(content);
      const math = hasKatexDrawing(fragment);
      if (math) libraries = mathFrame(doc);
      for (const node of treeFromDom(fragment)) appendChild(bodyOf(doc), node);
      if (math) appendChild(bodyOf(doc), createElement("script", {}, MATH_FRAME_SCRIPT));
      break;
    }
    default: {
      // Library-backed types the file cannot draw (widgets, specs saved as a URL).
      doc = frameSkeleton(undefined);
      const body = bodyOf(doc);
      appendChild(body, createElement("p", { class: "vt-frame-note" }, viewerMissingNote(frame.mime, "export")));
      appendChild(body, createElement("pre", {}, content));
    }
  }
  appendChild(bodyOf(doc), createElement("script", {}, FRAME_SIZER_SCRIPT));

  const scriptHashes = new Set<string>();
  const styleHashes = new Set<string>();
  const styleAttributeHashes = new Set<string>();
  // Tree order, as the selectors `script:not([src])`, `style` and `[style]` would find them (any namespace).
  for (const el of descendantElements(doc)) {
    // The draw block is data, never run: its text is not allowed as a script.
    if (el.tagName === "script" && attributeOf(el, "src") === null && attributeOf(el, "id") !== EXPORT_DRAW_BLOCK_ID)
      scriptHashes.add(sha256Source(textContentOf(el)));
    else if (el.tagName === "style") styleHashes.add(sha256Source(textContentOf(el)));
  }
  for (const el of descendantElements(doc)) {
    const style = attributeOf(el, "style");
    if (style !== null) styleAttributeHashes.add(sha256Source(style));
  }
  return {
    html: serializeParts(PARSE5_TREE, doc).join(""),
    scriptHashes: [...scriptHashes],
    styleHashes: [...styleHashes],
    styleAttributeHashes: [...styleAttributeHashes],
    libraries,
  };
}
