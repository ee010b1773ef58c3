// Notebooks of HoloViews and Panel outputs, built as Panel writes them in a live notebook: `pn.extension()` (or
// `hv.extension("bokeh")`) publishes a banner style (text/html), Panel's loader and pyviz_comms' PyViz proxy
// (application/javascript beside application/vnd.holoviews_load.v0+json); each displayed object is one output
// (panel/io/notebook.py, render_model and mimebundle_to_html): text/html holding `<div id='{root}'>` around Bokeh's
// element and Panel's notebook script, which waits for `Bokeh.Panel` and embeds the document, beside an empty
// application/vnd.holoviews_exec.v0+json whose metadata names the root. The document is Bokeh 3's, with the
// kernel's CommManager as a second root, and Panel's stylesheets as addresses on Panel's CDN.
import { bokehDocument } from "./bokeh-notebooks.ts";

type Json = Record<string, unknown>;

const EXEC_MIME = "application/vnd.holoviews_exec.v0+json";
const LOAD_MIME = "application/vnd.holoviews_load.v0+json";

let ids = 1000;
const object = (name: string, attributes: Json): Json => ({ type: "object", name, id: `p${ids++}`, attributes });

/** The stylesheets Panel gives a model: its loading spinner's rule, then addresses on its CDN. */
function stylesheets(panelVersion: string, files: string[]): unknown[] {
  const dist = `https://cdn.holoviz.org/panel/${panelVersion}/dist/`;
  return [
    "\n:host(.pn-loading):before, .pn-loading:before {\n  background-color: #c3c3c3;\n  mask-size: auto calc(min(50%, 400px));\n  -webkit-mask-size: auto calc(min(50%, 400px));\n}",
    ...["css/loading.css", ...files, "bundled/theme/default.css", "bundled/theme/native.css"].map((file) =>
      object("ImportedStyleSheet", { url: `${dist}${file}` }),
    ),
  ];
}

/** A Bokeh 3 figure of a line and markers (the one the Bokeh tests draw), as a child model. */
function figure(version: string, title: string, width: number): Json {
  const doc = bokehDocument({ version, title, width }, `p${ids++}`) as { roots: Json[] };
  return doc.roots[0]!;
}

/** HTML-escaped markup, as Panel's Markdown pane hands its rendered text to the HTML model. */
function escapeHtml(markup: string): string {
  return markup.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export interface PanelOutput {
  /** The Bokeh version of the document. */
  bokeh: string;
  /** The Panel version its stylesheets' addresses name. */
  panel: string;
}

/** One displayed object's output, around its root model, with the kernel's CommManager beside it. */
function panelOutputCell(source: string, root: Json, output: PanelOutput): Json {
  const rootId = root.id as string;
  const comm = object("panel.models.comm_manager.CommManager", {
    plot_id: rootId,
    comm_id: "5a1f0c7e4b2d4c3f9e8d7c6b5a4f3e2d",
    client_comm_id: "0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e",
  });
  const docId = `doc-${rootId}`;
  const elementId = `el-${rootId}`;
  const docs = { [docId]: { version: output.bokeh, title: "Bokeh Application", roots: [root, comm] } };
  const items = [{ docid: docId, roots: { [rootId]: elementId }, root_ids: [rootId] }];
  const script = `(function(root) {
  var docs_json = ${JSON.stringify(docs)};
  var render_items = ${JSON.stringify(items)};
  var docs = Object.values(docs_json)
  if (!docs) {
    return
  }
  const version = docs[0].version.replace('rc', '-rc.').replace('.dev', '-dev.')
  async function embed_document(root) {
    var Bokeh = get_bokeh(root)
    await Bokeh.embed.embed_items_notebook(docs_json, render_items);
    for (const render_item of render_items) {
      for (const root_id of render_item.root_ids) {
        const id_el = document.getElementById(root_id)
        if (id_el.children.length && id_el.children[0].hasAttribute('data-root-id')) {
          const root_el = id_el.children[0]
          root_el.id = root_el.id + '-rendered'
        }
      }
    }
  }
  function get_bokeh(root) {
    if (root.Bokeh === undefined) {
      return null
    } else if (root.Bokeh.version !== version) {
      if (root.Bokeh.versions === undefined || !root.Bokeh.versions.has(version)) {
        return null
      }
      return root.Bokeh.versions.get(version);
    } else if (root.Bokeh.version === version) {
      return root.Bokeh
    }
    return null
  }
  function is_loaded(root) {
    var Bokeh = get_bokeh(root)
    return (Bokeh != null && Bokeh.Panel !== undefined)
  }
  if (is_loaded(root)) {
    embed_document(root);
  } else {
    var attempts = 0;
    var timer = setInterval(function(root) {
      if (is_loaded(root)) {
        clearInterval(timer);
        embed_document(root);
      } else if (document.readyState == "complete") {
        attempts++;
        if (attempts > 200) {
          clearInterval(timer);
          console.warn("Panel: ERROR: Unable to run Panel code because Bokeh or Panel library is missing");
        }
      }
    }, 25, root)
  }
})(window);`;
  const div = `<div id="${elementId}" data-root-id="${rootId}" style="display: contents;"></div>`;
  const html = `<div id='${rootId}'>${div}</div>\n<script type="application/javascript">${script}</script>`;
  return codeCell(source, [
    {
      output_type: "display_data",
      metadata: { [EXEC_MIME]: { id: rootId } },
      data: { "text/html": html, [EXEC_MIME]: "" },
    },
  ]);
}

function codeCell(source: string, outputs: Json[]): Json {
  return { cell_type: "code", id: `c${ids++}`, execution_count: 1, metadata: {}, source, outputs };
}

/** `pn.extension()`'s three outputs, shortened: the banner style, Panel's loader and the PyViz proxy. */
export function extensionCell(output: PanelOutput): Json {
  const loader = `(function(root) {
  function now() {
    return new Date();
  }
  const force = true;
  const version = '${output.bokeh}'.replace('rc', '-rc.').replace('.dev', '-dev.');
  const Bokeh = root.Bokeh;
  if (typeof (root._bokeh_onload_callbacks) === "undefined" || force) {
    root._bokeh_is_loading = 0;
    root._bokeh_onload_callbacks = [];
  }
  const js_urls = ["https://cdn.bokeh.org/bokeh/release/bokeh-${output.bokeh}.min.js", "https://cdn.holoviz.org/panel/${output.panel}/dist/panel.min.js"];
  for (const url of js_urls) {
    const missingOrBroken = Bokeh == null || Bokeh.Panel == null || (Bokeh.version != version && !Bokeh.versions?.has(version));
    if (!missingOrBroken) continue;
    const element = document.createElement('script');
    element.async = false;
    element.src = url;
    console.debug("Bokeh: injecting script tag for BokehJS library: ", url);
    document.head.appendChild(element);
  }
}(window));`;
  const proxy = `if ((window.PyViz === undefined) || (window.PyViz instanceof HTMLElement)) {
  window.PyViz = {comms: {}, comm_status:{}, kernels:{}, receivers: {}, plot_index: []}
}
function JupyterCommManager() {
}
JupyterCommManager.prototype.register_target = function(plot_id, comm_id, msg_handler) {
  if (window.comm_manager || ((window.Jupyter !== undefined) && (Jupyter.notebook.kernel != null))) {
    var comm_manager = window.comm_manager || Jupyter.notebook.kernel.comm_manager;
    comm_manager.register_target(comm_id, function(comm) { comm.on_msg(msg_handler); });
  }
}
window.PyViz.comm_manager = new JupyterCommManager();`;
  const style = `*[data-root-id],
*[data-root-id] > * {
  box-sizing: border-box;
  font-family: var(--jp-ui-font-family);
  font-size: var(--jp-ui-font-size1);
  color: var(--vscode-editor-foreground, var(--jp-ui-font-color1));
}`;
  return codeCell("import panel as pn\npn.extension()", [
    {
      output_type: "display_data",
      metadata: {},
      data: { "text/html": `<script type="esms-options">{"shimMode": true}</script><style>${style}</style>` },
    },
    { output_type: "display_data", metadata: {}, data: { "application/javascript": loader, [LOAD_MIME]: loader } },
    { output_type: "display_data", metadata: {}, data: { "application/javascript": proxy, [LOAD_MIME]: proxy } },
  ]);
}

/** `hv.Curve(...)` shown: HoloViews' pane lays its Bokeh figure out in a Row (Bokeh's own model). */
export function holoviewsCurveCell(output: PanelOutput): Json {
  const row = object("Row", {
    name: "Row01234",
    stylesheets: stylesheets(output.panel, ["css/listpanel.css"]),
    margin: 0,
    align: "start",
    children: [figure(output.bokeh, "HoloViews curve", 400)],
  });
  return panelOutputCell("hv.Curve(data)", row, output);
}

/** The markdown a Panel layout shows above its figure. */
export const PANEL_MARKDOWN_TITLE = "Weekly rainfall";
export const PANEL_MARKDOWN_TEXT = "Measured at three stations.";

/** `pn.Column(pn.pane.Markdown(...), figure)` shown. */
export function panelColumnCell(output: PanelOutput, title = "Panel column"): Json {
  const markdown = object("panel.models.markup.HTML", {
    css_classes: ["markdown"],
    stylesheets: stylesheets(output.panel, ["css/markdown.css"]),
    margin: [5, 10],
    align: "start",
    text: escapeHtml(
      `<h1 id="weekly-rainfall">${PANEL_MARKDOWN_TITLE} <a class="header-anchor" href="#weekly-rainfall">¶</a></h1>\n<p>${PANEL_MARKDOWN_TEXT.replace("three", "<strong>three</strong>")}</p>\n`,
    ),
  });
  const column = object("panel.models.layout.Column", {
    name: "Column01235",
    stylesheets: stylesheets(output.panel, ["css/listpanel.css"]),
    margin: 0,
    align: "start",
    children: [markdown, figure(output.bokeh, title, 500)],
  });
  return panelOutputCell("pn.Column(pn.pane.Markdown(text), p)", column, output);
}

/** `pn.Column(pn.widgets.IntSlider(...), p)` shown: Panel's IntSlider is Bokeh's Slider. */
export function panelSliderCell(output: PanelOutput): Json {
  const slider = object("Slider", {
    stylesheets: stylesheets(output.panel, ["css/widgets.css"]),
    margin: [5, 10],
    align: "start",
    title: "Window",
    start: 0,
    end: 10,
    step: 1,
    value: 3,
  });
  const column = object("panel.models.layout.Column", {
    stylesheets: stylesheets(output.panel, ["css/listpanel.css"]),
    margin: 0,
    align: "start",
    children: [slider, figure(output.bokeh, "Panel slider", 500)],
  });
  return panelOutputCell("pn.Column(pn.widgets.IntSlider(name='Window', end=10, value=3), p)", column, output);
}

/**
 * A notebook: pn.extension(), then a HoloViews curve, a Panel column, a Panel column of `newer`'s Panel, and a
 * Panel column with a slider.
 */
export function panelNotebook(output: PanelOutput, newer: PanelOutput): Json {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    cells: [
      extensionCell(output),
      holoviewsCurveCell(output),
      panelColumnCell(output),
      panelColumnCell(newer, `Panel ${newer.panel}`),
      panelSliderCell(output),
    ],
  };
}
