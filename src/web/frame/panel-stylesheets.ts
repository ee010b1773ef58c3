// Panel's stylesheets (render/panel-styles.ts lists them) as text in a chunk of the frame shell, loaded only by
// frames that draw a HoloViews or Panel output: the content origin serves the shell and its chunks, so these come
// from there, as the served libraries do.
import loading from "@holoviz/panel/dist/css/loading.css?raw";
import loadingspinner from "@holoviz/panel/dist/css/loadingspinner.css?raw";
import listpanel from "@holoviz/panel/dist/css/listpanel.css?raw";
import markdown from "@holoviz/panel/dist/css/markdown.css?raw";
import json from "@holoviz/panel/dist/css/json.css?raw";
import alerts from "@holoviz/panel/dist/css/alerts.css?raw";
import divider from "@holoviz/panel/dist/css/divider.css?raw";
import button from "@holoviz/panel/dist/css/button.css?raw";
import select from "@holoviz/panel/dist/css/select.css?raw";
import multichoice from "@holoviz/panel/dist/css/multichoice.css?raw";
import icon from "@holoviz/panel/dist/css/icon.css?raw";
import progress from "@holoviz/panel/dist/css/progress.css?raw";
import player from "@holoviz/panel/dist/css/player.css?raw";
import widgets from "@holoviz/panel/dist/css/widgets.css?raw";
import widgetbox from "@holoviz/panel/dist/css/widgetbox.css?raw";
import editableSlider from "@holoviz/panel/dist/css/editable_slider.css?raw";
import card from "@holoviz/panel/dist/css/models/card.css?raw";
import html from "@holoviz/panel/dist/css/models/html.css?raw";
import themeDefault from "@holoviz/panel/dist/bundled/theme/default.css?raw";
import themeDark from "@holoviz/panel/dist/bundled/theme/dark.css?raw";
import themeNative from "@holoviz/panel/dist/bundled/theme/native.css?raw";
import type { FrameScheme } from "../../contract/frame-protocol.ts";
import { panelStylesForFrames } from "../../render/panel-styles.ts";

/** Panel's stylesheets for a frame drawn in `scheme` (render/panel-styles.ts). */
export function panelStyles(scheme: FrameScheme): Readonly<Record<string, string>> {
  return panelStylesForFrames(PANEL_FILES, scheme);
}

const PANEL_FILES = {
  "css/loading.css": loading,
  "css/loadingspinner.css": loadingspinner,
  "css/listpanel.css": listpanel,
  "css/markdown.css": markdown,
  "css/json.css": json,
  "css/alerts.css": alerts,
  "css/divider.css": divider,
  "css/button.css": button,
  "css/select.css": select,
  "css/multichoice.css": multichoice,
  "css/icon.css": icon,
  "css/progress.css": progress,
  "css/player.css": player,
  "css/widgets.css": widgets,
  "css/widgetbox.css": widgetbox,
  "css/editable_slider.css": editableSlider,
  "css/models/card.css": card,
  "css/models/html.css": html,
  "bundled/theme/default.css": themeDefault,
  "bundled/theme/dark.css": themeDark,
  "bundled/theme/native.css": themeNative,
} as const;
