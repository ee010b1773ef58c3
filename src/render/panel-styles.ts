// Panel's stylesheets for the models the frame draws. A Panel document names them as ImportedStyleSheet models
// whose `url` is on Panel's CDN (`https://cdn.holoviz.org/panel/1.9.4/dist/css/markdown.css`) or on a Panel server
// (`static/extensions/panel/css/markdown.css?v=1.9.4`); BokehJS would add each as a <link> in the view's shadow
// root, which the frame's CSP refuses (styles come from the content origin and inline only). So the frame turns
// each into an InlineStyleSheet holding the served package's copy of that file (panel-documents.ts), which the
// studio's frames get from a chunk of the frame shell (web/frame/panel-stylesheets.ts) and an export from a script
// the page carries once. A stylesheet of Panel's that is not listed here is dropped: its model draws unstyled.

import type { FrameScheme } from "../contract/frame-protocol.ts";

/** The files, by their path under the package's dist/, as Panel's addresses name them. */
export const PANEL_STYLESHEETS = [
  "css/loading.css",
  "css/loadingspinner.css",
  "css/listpanel.css",
  "css/markdown.css",
  "css/json.css",
  "css/alerts.css",
  "css/divider.css",
  "css/button.css",
  "css/select.css",
  "css/multichoice.css",
  "css/icon.css",
  "css/progress.css",
  "css/player.css",
  "css/widgets.css",
  "css/widgetbox.css",
  "css/editable_slider.css",
  "css/models/card.css",
  "css/models/html.css",
  "bundled/theme/default.css",
  "bundled/theme/dark.css",
  "bundled/theme/native.css",
] as const;

/**
 * The stylesheets as frames use them. Frames follow the reader's colour scheme, and Panel's default theme gives its
 * text a dark colour on no background of its own, which a dark frame would make unreadable: the default theme's
 * stylesheet carries the dark theme's variables for a dark scheme (both themes set only variables, on `:host`).
 * Panel's views live in shadow roots, which the frame root's `data-theme` does not reach: a studio frame whose reader
 * chose light or dark gets that theme's variables alone (`scheme`); "system", and every export frame, follow the
 * reader's system with a media query.
 */
export function panelStylesForFrames(
  files: Readonly<Record<(typeof PANEL_STYLESHEETS)[number], string>>,
  scheme: FrameScheme = "system",
): Record<string, string> {
  const light = files["bundled/theme/default.css"];
  const dark = files["bundled/theme/dark.css"];
  const themed =
    scheme === "light"
      ? light
      : scheme === "dark"
        ? `${light}\n${dark}\n`
        : `${light}\n@media (prefers-color-scheme: dark) {\n${dark}\n}\n`;
  return { ...files, "bundled/theme/default.css": themed };
}

/** The global the export's stylesheet script sets: the stylesheets by path. */
export const PANEL_STYLES_GLOBAL = "VitrinePanelStyles";

/** The export's script that hands the frame Panel's stylesheets (the texts travel as JSON, never as code). */
export function panelStylesScriptText(styles: Readonly<Record<string, string>>): string {
  const json = JSON.stringify(styles)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
  return `window.${PANEL_STYLES_GLOBAL} = ${json};`;
}
