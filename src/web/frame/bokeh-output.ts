// BokehJS for outputs that draw with it. Classic notebooks loaded BokehJS once, in the output of
// `output_notebook()`, and every later plot's script called the global it left; in Vitrine each output is its own
// frame, so each such output gets the served build its documents' version calls for (render/bokeh-builds.ts)
// before its scripts run. Bokeh 0.11 documents are upgraded to the 0.12 build on their way in, every document is
// fitted to the frame's width, and a script that draws into an element of another output gets that element here.
// HoloViews and Panel outputs get Panel's bundle after BokehJS, and their stylesheets (render/panel-documents.ts).
import type { FrameScheme } from "../../contract/frame-protocol.ts";
import type { BokehChoice } from "../../render/bokeh-builds.ts";
import { bokehMismatchNote, isBokehResource } from "../../render/bokeh-builds.ts";
import { watchBokehVersionWarning, wrapBokehEmbed } from "../../render/bokeh-documents.ts";
import { wrapPanelEmbed } from "../../render/panel-documents.ts";
import { frameScheme } from "./frame-scheme.ts";
import { libraryGlobal, loadLibraries } from "./libraries.ts";

let installed = false;

/** The stylesheet of Panel's default theme, the one whose text depends on the scheme (render/panel-styles.ts). */
const PANEL_THEME = "bundled/theme/default.css";

/** Panel's default theme as this frame's views hold it, and how to make it for another scheme; null without Panel. */
let panelTheme: { text: string; stylesFor(scheme: FrameScheme): Readonly<Record<string, string>> } | null = null;

/**
 * Loads the chosen BokehJS build and puts the frame's preparation in front of its embedding. `note` shows the
 * reader BokehJS's warning that the document's version is not its own, if it gives one.
 */
export async function loadBokeh(
  choice: Extract<BokehChoice, { draw: true }>,
  note: (text: string) => void,
): Promise<void> {
  if (installed) return;
  installed = true;
  watchBokehVersionWarning(console, () => note(bokehMismatchNote(choice.documentVersion, choice.version)));
  await loadLibraries(choice.libraries);
  // Throws, with the package's name, if the build did not start.
  libraryGlobal(choice.libraries[0]!);
  wrapBokehEmbed(globalThis as unknown as Record<string, unknown>, choice.major, document);
  // HoloViews and Panel outputs: Panel's stylesheets come in a chunk of their own, only for these frames.
  if (choice.panel === true) {
    // In the reader's scheme as it is when the output is drawn; a later change swaps it (followPanelScheme).
    const { panelStyles } = await import("./panel-stylesheets.ts");
    const styles = panelStyles(frameScheme());
    panelTheme = { text: styles[PANEL_THEME] ?? "", stylesFor: panelStyles };
    wrapPanelEmbed(globalThis as unknown as Record<string, unknown>, choice.documentVersion, styles);
  }
}

/** Every style element of the document and of the open shadow roots in it, at any depth (Panel's views draw in them). */
function styleElements(root: Document | ShadowRoot, found: HTMLStyleElement[] = []): HTMLStyleElement[] {
  for (const element of Array.from(root.querySelectorAll("*"))) {
    if (element instanceof HTMLStyleElement) found.push(element);
    if (element.shadowRoot) styleElements(element.shadowRoot, found);
  }
  return found;
}

/**
 * Gives the Panel views already drawn the default theme of `scheme`: BokehJS wrote the theme's text into a style
 * element in each view's shadow root, which the frame root's `data-theme` does not reach.
 */
export function followPanelScheme(scheme: FrameScheme): void {
  if (!panelTheme) return;
  const next = panelTheme.stylesFor(scheme)[PANEL_THEME] ?? "";
  if (next === panelTheme.text) return;
  for (const style of styleElements(document)) if (style.textContent === panelTheme.text) style.textContent = next;
  // And the documents' stylesheet models, which views drawn later (a tab opened afterwards) are made from.
  for (const model of stylesheetModels()) if (model.css === panelTheme.text) model.css = next;
  panelTheme.text = next;
}

/** The InlineStyleSheet models of the BokehJS documents in this frame (`Bokeh.documents`), or none. */
function stylesheetModels(): { css: unknown }[] {
  const bokeh = (globalThis as { Bokeh?: { documents?: unknown } }).Bokeh;
  const documents = Array.isArray(bokeh?.documents) ? (bokeh.documents as unknown[]) : [];
  const models: { css: unknown }[] = [];
  for (const doc of documents) {
    const all = (doc as { all_models?: unknown }).all_models;
    if (!(all instanceof Set)) continue;
    for (const model of all as Set<unknown>)
      if (typeof model === "object" && model !== null && typeof (model as { css?: unknown }).css === "string")
        models.push(model as { css: unknown });
  }
  return models;
}

/** Drops the output's own links to BokehJS (standalone HTML names bokeh's CDN): the frame loads the served build. */
export function dropBokehResources(doc: Document): void {
  for (const element of Array.from(doc.querySelectorAll("script[src], link[href]"))) {
    const url = element.getAttribute(element.tagName === "SCRIPT" ? "src" : "href") ?? "";
    if (isBokehResource(url)) element.remove();
  }
}
