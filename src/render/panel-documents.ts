// What a frame does for a HoloViews or Panel output, after BokehJS and Panel's bundle have loaded, in the studio's
// frames and the export's alike (the export writes these functions' own text into its frames, so they use nothing
// but each other, bokeh-documents.ts's wrapEmbedEntries, the language and the DOM):
// - Panel's notebook script draws with the BokehJS whose version is the document's own: `Bokeh.version`, or else
//   `Bokeh.versions.get(version)`. The frame has chosen the build that draws the document (bokeh-builds.ts), so
//   `Bokeh.versions` names that build for the document's version;
// - the document's Panel stylesheets become inline ones holding the served copies (panel-styles.ts);
// - fixed-width figures inside its layouts are fitted to the frame's width.
import { wrapEmbedEntries } from "./bokeh-documents.ts";

/** Turns Panel's ImportedStyleSheet models, in place, into InlineStyleSheets of the served copies (`styles`). */
export function inlinePanelStyles(docs: unknown, styles: Readonly<Record<string, string>>): void {
  const seen = new Set<object>();
  const visit = (value: unknown): void => {
    if (typeof value !== "object" || value === null || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    const model = value as { type?: unknown; name?: unknown; attributes?: Record<string, unknown> };
    const url = model.name === "ImportedStyleSheet" ? model.attributes?.url : undefined;
    if (typeof url === "string") {
      // Panel's CDN (`…/panel/1.9.4/dist/css/x.css`) or a Panel server (`static/extensions/panel/css/x.css?v=…`).
      const path = /(?:\/panel\/[^/]+\/dist\/|(?:^|\/)static\/extensions\/panel\/)([^?#]+)/.exec(url)?.[1];
      if (path !== undefined) {
        model.name = "InlineStyleSheet";
        model.attributes = { css: Object.prototype.hasOwnProperty.call(styles, path) ? styles[path] : "" };
      }
      return;
    }
    for (const key of Object.keys(value)) visit((value as Record<string, unknown>)[key]);
  };
  visit(docs);
}

/**
 * Fits the fixed-width figures inside a document's root layouts (HoloViews puts its figure in a Row, a Panel layout
 * is a Column or Row of panes and figures) to the frame, as bokeh-documents.ts fits root figures: each scales with
 * the width the layout has, never beyond its own width, and the layout takes the frame's width.
 */
export function fitPanelLayouts(docs: unknown): void {
  const figures = /^(?:Plot|Figure|GMapPlot|GMap|figure)$/;
  const layouts = /^(?:Row|Column|panel\.models\.layout\.Column)$/;
  type Model = { name?: unknown; attributes?: Record<string, unknown> };
  const fixed = (attributes: Record<string, unknown>) =>
    attributes.sizing_mode === undefined || attributes.sizing_mode === null || attributes.sizing_mode === "fixed";
  const fitChildren = (layout: Model): boolean => {
    let fitted = false;
    const children = layout.attributes?.children;
    for (const child of Array.isArray(children) ? (children as Model[]) : []) {
      if (typeof child !== "object" || child === null || typeof child.name !== "string") continue;
      if (layouts.test(child.name)) fitted = fitChildren(child) || fitted;
      if (!figures.test(child.name)) continue;
      if (typeof child.attributes !== "object" || child.attributes === null) child.attributes = {};
      const attributes = child.attributes;
      const own = attributes.width ?? 600;
      if (typeof own !== "number" || !fixed(attributes) || attributes.frame_width != null) continue;
      if (attributes.max_width != null) continue;
      attributes.sizing_mode = "scale_width";
      attributes.max_width = own;
      fitted = true;
    }
    return fitted;
  };
  for (const doc of typeof docs === "object" && docs !== null ? Object.values(docs) : []) {
    const roots = (doc as { roots?: unknown } | null)?.roots;
    for (const root of Array.isArray(roots) ? (roots as Model[]) : []) {
      if (typeof root !== "object" || root === null || typeof root.name !== "string" || !layouts.test(root.name))
        continue;
      if (!fitChildren(root)) continue;
      if (typeof root.attributes !== "object" || root.attributes === null) root.attributes = {};
      if (fixed(root.attributes) && root.attributes.width == null) root.attributes.sizing_mode = "stretch_width";
    }
  }
}

/**
 * Makes the frame's `Bokeh` (set up by wrapBokehEmbed) answer Panel's notebook script for a document of Bokeh
 * `documentVersion`, and puts the stylesheet change in front of its embedding entry points.
 */
export function wrapPanelEmbed(
  scope: Record<string, unknown>,
  documentVersion: string,
  styles: Readonly<Record<string, string>>,
): void {
  // Panel's script writes a pre-release's version as BokehJS does ("3.4.0rc1" as "3.4.0-rc.1").
  const key = documentVersion.replace("rc", "-rc.").replace(".dev", "-dev.");
  const versions = new Map<string, unknown>();
  const panelBokeh = wrapEmbedEntries(
    scope,
    (docs) => {
      inlinePanelStyles(docs, styles);
      fitPanelLayouts(docs);
    },
    { versions: { value: versions, enumerable: true } },
  );
  if (panelBokeh !== undefined) versions.set(key, panelBokeh);
}
