// Which documents with models of Panel (the Bokeh extension HoloViews and Panel draw with, `panel.models.*`) the
// served Panel bundle draws. Panel's notebook output is one text/html output: the root's <div> and a script that
// waits for `Bokeh.Panel` and calls `Bokeh.embed.embed_items_notebook` (panel/io/notebook.py, render_model). The
// frame loads BokehJS 3.10.0 and then Panel's bundle, which registers its models with that BokehJS.
//
// Panel 1.x is built against Bokeh 3 (Panel 1.9 against ^3.9.2); Panel before 1.0 wrote Bokeh 2 documents, for
// models of its own that the served 1.9.4 bundle does not have. A document says which Panel wrote it only through the
// addresses of Panel's stylesheets (`https://cdn.holoviz.org/panel/1.9.4/dist/css/loading.css`, or `?v=1.9.4` on
// the server's own copies), so the version is read from those, and the model names are checked against the models
// the bundle registers.
import { FRAME_LIBRARIES } from "./output-libraries.ts";

/** The served Panel version, e.g. "1.9.4". */
export const PANEL_VERSION: string = FRAME_LIBRARIES.panel.version;

/**
 * The Panel models the served bundle draws by itself: registered by it (panel-models.test.ts reads them from the
 * bundle) and needing neither a library it loads from elsewhere nor code compiled from text.
 */
export const PANEL_DRAWN_MODELS: readonly string[] = [
  "panel.models.layout.Column",
  "panel.models.layout.Card",
  "panel.models.markup.HTML",
  "panel.models.markup.JSON",
  "panel.models.tabs.Tabs",
  "panel.models.trend.TrendIndicator",
  "panel.models.icon.ButtonIcon",
  "panel.models.icon.ClickableIcon",
  "panel.models.icon.ToggleIcon",
  "panel.models.widgets.Button",
  "panel.models.widgets.CheckboxButtonGroup",
  "panel.models.widgets.CustomMultiSelect",
  "panel.models.widgets.CustomSelect",
  "panel.models.widgets.DiscretePlayer",
  "panel.models.widgets.Player",
  "panel.models.widgets.Progress",
  "panel.models.widgets.RadioButtonGroup",
  "panel.models.widgets.SingleSelect",
  "panel.models.widgets.TextAreaInput",
  "panel.models.widgets.TextInput",
  "panel.models.widgets.TooltipIcon",
  "panel.models.datetime_picker.DatetimePicker",
  "panel.models.datetime_slider.DatetimeSlider",
  "panel.models.time_picker.TimePicker",
  // A live notebook output's link to its kernel, the page location and the browser's details: models without a
  // view, which draw nothing.
  "panel.models.comm_manager.CommManager",
  "panel.models.location.Location",
  "panel.models.browser.BrowserInfo",
  "panel.models.state.State",
];

// Models whose code is text in the document, compiled in the frame with `new Function` (ReactiveHTML's templates
// and scripts) or imported as a module built from text (the ESM components): output frames allow no eval and no
// module from anywhere but the content origin, so these could only fail, and are refused before anything loads.
const CODE_MODULES = /^panel\.models\.(?:reactive_html|esm|anywidget_component|react_component)\./;

// Panel's own values that wrap JavaScript (a chart's formatter functions) are strings between these marks, which
// the bundle compiles with `new Function`.
const PANEL_CODE_MARK = "--x_x--0_0--";

/** The note for a document whose models hold JavaScript functions in Panel's marked strings. */
export const PANEL_CODE_NOTE =
  "This output's own JavaScript functions do not run here: output frames do not compile code from text.";

/** The note for a live notebook output with widgets: they were wired to the kernel that is gone. */
export const PANEL_KERNEL_NOTE =
  "These widgets show their saved state: they act through the running Python kernel (Panel sends their changes to it), which a saved notebook has not got.";

// A live notebook output carries Panel's CommManager, its link to the kernel; widgets in such a document drew their
// state from Python callbacks. Bokeh's own widgets have bare names, Panel's are in its widget modules.
const COMM_MANAGER = /\\?"(?:name|type)\\?"\s*:\s*\\?"panel\.models\.comm_manager\.CommManager\\?"/;
const WIDGET_MODEL =
  /\\?"(?:name|type)\\?"\s*:\s*\\?"(?:panel\.models\.(?:widgets|datetime_picker|datetime_slider|time_picker|icon)\.\w+|\w*Slider|\w*Input|\w*Picker|Select|MultiSelect|MultiChoice|Toggle|Button|Dropdown|Switch|Spinner|\w*ButtonGroup|CheckboxGroup|RadioGroup)\\?"/;

// Panel's stylesheets on its CDN (`https://cdn.holoviz.org/panel/1.9.4/dist/...`) or on a Panel server with the
// version as a query (`static/extensions/panel/css/loading.css?v=1.9.4`).
const PANEL_CDN_VERSION = /\/panel\/(\d+\.\d+\.\d+[^/"'\\\s]*)\/dist\//g;
const PANEL_QUERY_VERSION = /extensions\/panel\/[^"'\\\s?]*\?v=(\d+\.\d+\.\d+[^"'\\\s&]*)/g;

/** The Panel versions a document names in its stylesheets' addresses, in order. */
export function panelDocumentVersions(text: string): string[] {
  const found = [...text.matchAll(PANEL_CDN_VERSION), ...text.matchAll(PANEL_QUERY_VERSION)].map((m) => m[1]!);
  return [...new Set(found)];
}

/** What the served Panel does with a document of this Bokeh major version naming these Panel models. */
export type PanelChoice = { draw: true; notes: string[] } | { draw: false; reason: string };

function majorMinor(version: string): [number, number] {
  const [major, minor] = version.split(".").map(Number);
  return [major ?? 0, minor ?? 0];
}

/**
 * Whether the served Panel draws a document: `models` are the extension models it names (all `panel.models.*`),
 * `bokehMajor` the major version of the Bokeh that wrote it, `text` the output's markup or script.
 */
export function choosePanel(models: readonly string[], bokehMajor: number, text: string): PanelChoice {
  const served = `Panel ${PANEL_VERSION}`;
  if (bokehMajor !== 3)
    return {
      draw: false,
      reason: `Not drawn: this output was made by Panel before 1.0 (for Bokeh ${bokehMajor}), whose models the studio's ${served} does not have; it draws Panel outputs of Bokeh 3.`,
    };
  const [servedMajor, servedMinor] = majorMinor(PANEL_VERSION);
  const versions = panelDocumentVersions(text);
  const newer = versions.find((version) => {
    const [major, minor] = majorMinor(version);
    return major !== servedMajor || minor > servedMinor;
  });
  if (newer !== undefined)
    return {
      draw: false,
      reason: `Not drawn: this output was made by Panel ${newer}, whose models the studio's ${served} may not know; it draws Panel ${servedMajor}.0–${servedMajor}.${servedMinor} outputs.`,
    };
  const code = models.find((model) => CODE_MODULES.test(model));
  if (code !== undefined)
    return {
      draw: false,
      reason: `Not drawn: this output uses ${code}, a Panel model whose code is text in the notebook, which output frames do not compile.`,
    };
  const unknown = models.find((model) => !PANEL_DRAWN_MODELS.includes(model));
  if (unknown !== undefined) {
    const made = versions.length > 0 ? `, made by Panel ${versions.join(" and ")},` : "";
    return {
      draw: false,
      reason: `Not drawn: this output${made} uses ${unknown}, a Panel model that the studio's ${served} does not draw by itself (it does not know it, or it needs a library the studio does not serve).`,
    };
  }
  const notes: string[] = [];
  if (text.includes(PANEL_CODE_MARK)) notes.push(PANEL_CODE_NOTE);
  if (COMM_MANAGER.test(text) && WIDGET_MODEL.test(text)) notes.push(PANEL_KERNEL_NOTE);
  return { draw: true, notes };
}

/** Whether every extension model named is one of Panel's. */
export function allPanelModels(models: readonly string[]): boolean {
  return models.length > 0 && models.every((model) => model.startsWith("panel.models."));
}
