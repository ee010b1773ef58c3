// What a frame does for a HoloViews or Panel output, after BokehJS and Panel's bundle have loaded, in the studio's
// frames and the export's alike (the export writes these functions' own text into its frames, so they use nothing
// but each other, the language and the DOM):
// - Panel's notebook script draws with the BokehJS whose version is the document's own: `Bokeh.version`, or else
//   `Bokeh.versions.get(version)`. The frame has chosen the build that draws the document (bokeh-builds.ts), so
//   `Bokeh.versions` names that build for the document's version;
// - the document's Panel stylesheets become inline ones holding the served copies (panel-styles.ts).

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
 * Makes the frame's `Bokeh` (set up by wrapBokehEmbed) answer Panel's notebook script for a document of Bokeh
 * `documentVersion`, and puts the stylesheet change in front of its embedding entry points.
 */
export function wrapPanelEmbed(
  scope: Record<string, unknown>,
  documentVersion: string,
  styles: Readonly<Record<string, string>>,
): void {
  const bokeh = scope.Bokeh;
  const embed = (bokeh as { embed?: Record<string, unknown> } | undefined)?.embed;
  if (typeof bokeh !== "object" || bokeh === null || typeof embed !== "object" || embed === null) return;
  const wrapped: PropertyDescriptorMap = {};
  for (const name of ["embed_items", "embed_items_notebook"]) {
    const original = embed[name];
    if (typeof original !== "function") continue;
    const value = (docs: unknown, ...rest: unknown[]) => {
      inlinePanelStyles(docs, styles);
      return (original as (...args: unknown[]) => unknown).call(embed, docs, ...rest);
    };
    wrapped[name] = { value, enumerable: true };
  }
  // Panel's script writes a pre-release's version as BokehJS does ("3.4.0rc1" as "3.4.0-rc.1").
  const key = documentVersion.replace("rc", "-rc.").replace(".dev", "-dev.");
  const versions = new Map<string, unknown>();
  const panelBokeh: unknown = Object.create(bokeh, {
    embed: { value: Object.create(embed, wrapped), enumerable: true },
    versions: { value: versions, enumerable: true },
  });
  versions.set(key, panelBokeh);
  scope.Bokeh = panelBokeh;
}
