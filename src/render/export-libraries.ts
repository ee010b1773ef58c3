// The output libraries inside a `vitrine render` file: which frames draw with which library, the library texts as
// the page carries them (once per file, however many frames use them), and the fixed scripts that hand them over.
// The frame's drawing script is built from fixed text and the text of the same option functions the studio's
// frames call (library-draw-options.ts, bokeh-documents.ts); nothing from a notebook is ever interpolated into a
// script: a figure or spec travels as a JSON block that the script parses.
import { EXPORT_LIBRARY_MESSAGES } from "../contract/frame-protocol.ts";
import {
  addBokehTargets,
  fitBokehDocument,
  isBokehReference,
  markBokehRoots,
  prepareBokehEmbed,
  upgradeBokehDocument,
  watchBokehVersionWarning,
  wrapBokehEmbed,
  wrapEmbedEntries,
} from "./bokeh-documents.ts";
import { adoptScriptedStyles } from "./bokeh-export-styles.ts";
import {
  offlineLoader,
  plotlyConfig,
  plotlyLayoutFor,
  vegaLooksFor,
  vegaSpecAndLooks,
} from "./library-draw-options.ts";
import { readLibraryFile } from "./library-files.ts";
import {
  FRAME_LIBRARIES,
  PLOTLY_TOPOJSON,
  TOPOJSON_NAMES,
  type FrameLibrary,
  type FrameLibraryName,
} from "./output-libraries.ts";
import { topojsonNamesFor, topojsonScriptText } from "./plotly-geo.ts";
import type { FrameJsonObject } from "../contract/frame-protocol.ts";
import { exportWidgetManager, WIDGETS_LIBRARY, widgetManagerItems } from "./export-widgets.ts";
import { FRAME_MATH_DRAW, MATH_LIBRARY, mathStyleScript } from "./export-frame-math.ts";
import type { BokehChoice } from "./bokeh-builds.ts";
import { fitPanelLayouts, inlinePanelStyles, wrapPanelEmbed } from "./panel-documents.ts";
import { PANEL_STYLESHEETS, PANEL_STYLES_GLOBAL, panelStylesForFrames, panelStylesScriptText } from "./panel-styles.ts";

/** What an export frame draws with embedded libraries. */
export type ExportLibraryDraw = "plotly" | "vega" | "vega-lite" | "bokeh" | "widget" | "math";

/**
 * What a frame can ask the page for: an output library, one of plotly's map outlines (`topojson:world_110m`), the
 * widget manager (export-widgets.ts), or KaTeX's stylesheet and box styles (export-frame-math.ts).
 */
export type ExportLibraryName =
  FrameLibraryName | `topojson:${string}` | typeof WIDGETS_LIBRARY | typeof MATH_LIBRARY | typeof PANEL_STYLES_LIBRARY;

/** Panel's stylesheets (panel-styles.ts), as one script that the frames of HoloViews and Panel outputs run. */
export const PANEL_STYLES_LIBRARY = "panelStyles";

/** The libraries an export frame of a Bokeh output asks for: the build's, and for Panel's models their stylesheets. */
export function bokehExportLibraries(choice: Extract<BokehChoice, { draw: true }>): ExportLibraryName[] {
  return choice.panel === true ? [...choice.libraries, PANEL_STYLES_LIBRARY] : [...choice.libraries];
}

/** The libraries each drawing needs, in load order. */
export const EXPORT_DRAW_LIBRARIES: Readonly<Record<ExportLibraryDraw, readonly ExportLibraryName[]>> = {
  plotly: ["plotly"],
  vega: ["vega", "vegaLite", "vegaEmbed"],
  "vega-lite": ["vega", "vegaLite", "vegaEmbed"],
  bokeh: ["bokeh"],
  widget: [WIDGETS_LIBRARY],
  math: [MATH_LIBRARY],
};

const TOPOJSON_PREFIX = "topojson:";

/** The libraries a drawing needs, in load order: for a plotly figure with geo subplots, their map outlines too. */
export function exportDrawLibraries(draw: ExportLibraryDraw, spec: unknown): ExportLibraryName[] {
  const outlines =
    draw === "plotly" && typeof spec === "object" && spec !== null && !Array.isArray(spec)
      ? topojsonNamesFor(spec as FrameJsonObject).map((name): ExportLibraryName => `${TOPOJSON_PREFIX}${name}`)
      : [];
  return [...EXPORT_DRAW_LIBRARIES[draw], ...outlines];
}

/** The id of the JSON block that tells a frame's drawing script what to draw. */
export const EXPORT_DRAW_BLOCK_ID = "vt-draw";
/** The type an output's own script carries until the libraries it calls are loaded (then a copy of it runs). */
export const DEFERRED_SCRIPT_TYPE = "text/x-vitrine-after-libraries";
/** The attribute naming an inert library block in the page. */
export const LIBRARY_BLOCK_ATTRIBUTE = "data-vt-library";

/** Closing tags inside script text would end the element early; `<\/` means the same to JavaScript and CSS. */
export function inertScriptText(source: string): string {
  return source.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/** One item the page hands over: a library's script, or its stylesheet (named `name:style`). */
export interface EmbeddedLibraryItem {
  name: string;
  kind: "script" | "style";
  /** The text as the page carries it and the frame inserts it; its hash is what the page's CSP allows. */
  text: string;
}

const items = new Map<ExportLibraryName, EmbeddedLibraryItem[]>();

/**
 * A library's items (or a map outline's), read once per process from its pinned package; the widget manager's from
 * its build in `widgetBuildDir` (export-widgets.ts), which the caller has checked is there.
 */
export function embeddedLibraryItems(name: ExportLibraryName, widgetBuildDir?: string): EmbeddedLibraryItem[] {
  if (name === WIDGETS_LIBRARY) {
    const manager = exportWidgetManager(widgetBuildDir);
    if (!manager.ok) throw new Error(manager.message);
    return widgetManagerItems(manager, inertScriptText);
  }
  // KaTeX's stylesheet (`math:style`) is the page's own style element, which the page hands over as it is.
  if (name === MATH_LIBRARY) return [{ name, kind: "script", text: inertScriptText(mathStyleScript()) }];
  let known = items.get(name);
  if (!known && name === PANEL_STYLES_LIBRARY) {
    const styles = panelStylesForFrames(
      Object.fromEntries(
        PANEL_STYLESHEETS.map((path) => [path, readLibraryFile(FRAME_LIBRARIES.panel, `dist/${path}`)]),
      ) as Record<(typeof PANEL_STYLESHEETS)[number], string>,
    );
    known = [{ name, kind: "script", text: inertScriptText(panelStylesScriptText(styles)) }];
    items.set(name, known);
  }
  if (!known && name.startsWith(TOPOJSON_PREFIX)) {
    const outline = name.slice(TOPOJSON_PREFIX.length);
    if (!TOPOJSON_NAMES.includes(outline)) throw new Error(`no map outline named ${outline}`);
    const json = readLibraryFile(PLOTLY_TOPOJSON, `dist/${outline}.json`);
    known = [{ name, kind: "script", text: inertScriptText(topojsonScriptText(outline, json)) }];
    items.set(name, known);
  }
  if (!known) {
    const library: FrameLibrary = FRAME_LIBRARIES[name as FrameLibraryName];
    known = [{ name, kind: "script", text: inertScriptText(readLibraryFile(library, library.file)) }];
    if (library.stylesheet !== undefined)
      known.unshift({
        name: `${name}:style`,
        kind: "style",
        text: inertScriptText(readLibraryFile(library, library.stylesheet)),
      });
    items.set(name, known);
  }
  return known;
}

/** JSON that cannot end its script block or start a comment in it. */
export function inertJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** The id of the <style> element plotly.js fills with MapLibre's stylesheet when it finds none of that id. */
export const PLOTLY_MAPLIBRE_STYLE_ID = "ce8d464691048653ffe3a57c6c18ab566e8366f186677868cf724621a857b4fe";

const REQUEST = JSON.stringify(EXPORT_LIBRARY_MESSAGES.request);
const ANSWER = JSON.stringify(EXPORT_LIBRARY_MESSAGES.answer);

/**
 * Runs in the export page: answers a frame's request for libraries with the texts of the page's inert blocks. It
 * answers only the page's own output frames, only with blocks the page itself carries (script elements of an
 * inert type, and style elements of the head, such as KaTeX's stylesheet, which no notebook content in the page
 * can be: the notebook's markup is all in the body, sanitized), and waits for the page to be parsed, since the
 * blocks come last.
 */
export const PAGE_LIBRARY_SCRIPT = `(() => {
  const answer = (source, names) => {
    const items = {};
    for (const block of document.querySelectorAll('script[type="application/octet-stream"][${LIBRARY_BLOCK_ATTRIBUTE}], head > style[${LIBRARY_BLOCK_ATTRIBUTE}]')) {
      const name = block.getAttribute("${LIBRARY_BLOCK_ATTRIBUTE}");
      const library = name.replace(/:style$/, "");
      if (names.includes(library)) items[name] = block.textContent;
    }
    source.postMessage({ type: ${ANSWER}, items }, "*");
  };
  addEventListener("message", (event) => {
    const data = event.data;
    if (typeof data !== "object" || data === null || data.type !== ${REQUEST} || !Array.isArray(data.names)) return;
    const names = data.names.filter((name) => typeof name === "string").slice(0, 8);
    let own = false;
    for (const frame of document.querySelectorAll("iframe.vt-frame")) if (frame.contentWindow === event.source) own = true;
    if (!own) return;
    if (document.readyState === "loading")
      document.addEventListener("DOMContentLoaded", () => answer(event.source, names), { once: true });
    else answer(event.source, names);
  });
})();`;

/**
 * The script of an export frame that draws with libraries: it asks the page for the libraries named in the draw
 * block, runs them, then runs `draw`. It takes the first answer from the page only. `helpers` are function
 * declarations `draw` calls.
 */
function frameLibraryScript(helpers: string, draw: string): string {
  return `(() => {
${helpers}
  const request = JSON.parse(document.getElementById("${EXPORT_DRAW_BLOCK_ID}").textContent);
  const note = (text) => {
    const p = document.createElement("p");
    p.className = "vt-frame-note";
    p.textContent = text;
    document.body.insertBefore(p, document.body.firstChild);
  };
  const failed = (error) => note("Could not be drawn: " + (error && error.message ? error.message : String(error)));
${draw}
  let answered = false;
  addEventListener("message", (event) => {
    const data = event.data;
    if (answered || event.source !== parent || typeof data !== "object" || data === null || data.type !== ${ANSWER}) return;
    answered = true;
    try {
      if (request.kind === "plotly") {
        // plotly.js adds MapLibre's stylesheet as <style> text, as it starts, unless an element of this id exists;
        // MapLibre maps need tiles from the network, which an export has not got, so an empty one (allowed by its
        // hash) stands in.
        const maplibre = document.createElement("style");
        maplibre.id = ${JSON.stringify(PLOTLY_MAPLIBRE_STYLE_ID)};
        document.head.appendChild(maplibre);
      }
      if (request.kind === "bokeh") {
        // BokehJS may warn that the document's version is not its own, and BokehJS 2 and 3 make their styles from
        // script: both are taken care of before it runs (bokeh-documents.ts, bokeh-export-styles.ts).
        watchBokehVersionWarning(console, () => note(request.mismatchNote));
        if (request.major > 0) adoptScriptedStyles(document);
      }
      for (const name of request.libraries) {
        const css = data.items[name + ":style"];
        if (typeof css === "string") {
          const style = document.createElement("style");
          style.textContent = css;
          document.head.insertBefore(style, document.head.firstChild);
        }
        const js = data.items[name];
        if (typeof js !== "string") throw new Error("this file does not carry " + name);
        const script = document.createElement("script");
        script.textContent = js;
        document.head.appendChild(script);
      }
      Promise.resolve(draw()).catch(failed);
    } catch (error) {
      failed(error);
    }
  });
  parent.postMessage({ type: ${REQUEST}, names: request.libraries }, "*");
})();`;
}

/** Draws a plotly figure, a Vega or Vega-Lite spec, or a Bokeh output's own scripts, in an export frame. */
export const FRAME_LIBRARY_SCRIPT = frameLibraryScript(
  `  ${plotlyConfig}
  ${plotlyLayoutFor}
  ${offlineLoader}
  ${vegaSpecAndLooks}
  ${vegaLooksFor}
  ${isBokehReference}
  ${upgradeBokehDocument}
  ${markBokehRoots}
  ${addBokehTargets}
  ${fitBokehDocument}
  ${prepareBokehEmbed}
  ${wrapEmbedEntries}
  ${wrapBokehEmbed}
  ${watchBokehVersionWarning}
  ${adoptScriptedStyles}
  ${inlinePanelStyles}
  ${fitPanelLayouts}
  ${wrapPanelEmbed}`,
  `  const draw = () => {
    const output = document.getElementById("output");
    if (request.kind === "plotly") {
      const figure = request.figure;
      return Plotly.newPlot(output, {
        data: Array.isArray(figure.data) ? figure.data : [],
        layout: plotlyLayoutFor(figure.layout, output.clientWidth),
        ...(Array.isArray(figure.frames) ? { frames: figure.frames } : {}),
        config: plotlyConfig(figure),
      });
    }
    if (request.kind === "vega" || request.kind === "vega-lite") {
      const { spec, looks } = vegaSpecAndLooks(request.spec);
      // No default styles: vega-embed and its tooltip would add them as <style> text the page's CSP has no hash for.
      return vegaEmbed(output, spec, {
        ...vegaLooksFor(looks, matchMedia("(prefers-color-scheme: dark)").matches),
        mode: request.kind,
        ast: true,
        actions: false,
        defaultStyle: false,
        tooltip: { disableDefaultStyle: true },
        loader: offlineLoader(() => {}),
      });
    }
    // bokeh: the output's own scripts, now that the library they call is here, in document order.
    wrapBokehEmbed(window, request.major, document);
    if (request.panel === true) wrapPanelEmbed(window, request.documentVersion, window.${PANEL_STYLES_GLOBAL} || {});
    for (const old of document.querySelectorAll('script[type="${DEFERRED_SCRIPT_TYPE}"]')) {
      const script = document.createElement("script");
      const type = old.getAttribute("data-vt-type");
      if (type !== null) script.setAttribute("type", type);
      script.textContent = old.textContent;
      old.replaceWith(script);
    }
  };`,
);

/**
 * Draws the typeset math of a markdown or LaTeX output in an export frame with KaTeX's stylesheet and fonts, the
 * page's own, and applies its box styles (export-frame-math.ts).
 */
export const MATH_FRAME_SCRIPT = frameLibraryScript("", FRAME_MATH_DRAW);

/**
 * Draws a widget view in an export frame with the widget manager (export-widgets.ts): a script of its own, without
 * the other drawings' option functions, since a notebook with widgets often has dozens of views, each a frame.
 */
export const WIDGET_FRAME_SCRIPT = frameLibraryScript(
  "",
  `  // The frame keeps the height guessed for the view (the sizer reports it) until the view has drawn.
  const root = document.documentElement;
  if (typeof request.height === "number") root.style.minHeight = request.height + "px";
  const draw = () => {
    const output = document.getElementById("output");
    // The manager resolves to why it could not draw the view (its container emptied): the static copy instead.
    return VitrineWidgets.drawWidget(output, request.modelId, request.state).then((why) => {
      root.style.minHeight = "";
      if (why === undefined) return;
      const fallback = request.fallback;
      if (typeof fallback.image === "string") {
        const image = document.createElement("img");
        image.src = fallback.image;
        image.alt = typeof fallback.text === "string" ? fallback.text : "";
        output.appendChild(image);
      } else if (typeof fallback.text === "string") {
        const pre = document.createElement("pre");
        pre.textContent = fallback.text;
        output.appendChild(pre);
      }
      note("Static copy of this widget: " + why + ".");
    });
  };`,
);
