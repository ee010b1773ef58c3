// Notebooks of Bokeh 2 and 3 outputs, built as `output_notebook()` and `show(p)` write them: the banner (text/html)
// and loader (application/javascript beside application/vnd.bokehjs_load.v0+json) of output_notebook(), then
// show()'s two outputs, the plot's <div> (text/html) and the script that draws into it (application/javascript
// beside an empty application/vnd.bokehjs_exec.v0+json). The documents are small line-and-marker plots in each
// version's own serialization: bokeh 2 lists references and root ids, bokeh 3 nests typed objects.

export interface BokehPlot {
  /** The version the document names. */
  version: string;
  /** Its width in pixels (plot_width/width). */
  width?: number;
  title?: string;
  /**
   * The element and the script in one text/html output, as `components(p)` shown with `display(HTML(div + script))`
   * gives them, instead of show()'s two outputs.
   */
  inHtml?: boolean;
}

const X = [1, 2, 3, 4, 5, 6];
const Y = [3, 1, 4, 1, 5, 9];

type Json = Record<string, unknown>;

/** A bokeh 3 document: one figure with a line, markers, axes and pan, hover and reset tools. */
function bokeh3Document(plot: BokehPlot, rootId: string): Json {
  let n = 2000;
  const object = (name: string, attributes?: Json): Json => ({
    type: "object",
    name,
    id: `p${n++}`,
    ...(attributes ? { attributes } : {}),
  });
  const source = object("ColumnDataSource", {
    selected: object("Selection", { indices: [], line_indices: [] }),
    selection_policy: object("UnionRenderers"),
    data: {
      type: "map",
      entries: [
        ["x", X],
        ["y", Y],
      ],
    },
  });
  const field = (name: string) => ({ type: "field", field: name });
  const renderer = (glyph: Json) =>
    object("GlyphRenderer", {
      data_source: source,
      view: object("CDSView", { filter: object("AllIndices") }),
      glyph,
    });
  const axis = () =>
    object("LinearAxis", {
      ticker: object("BasicTicker", { mantissas: [1, 2, 5] }),
      formatter: object("BasicTickFormatter"),
      major_label_policy: object("AllLabels"),
    });
  const [below, left] = [axis(), axis()];
  return {
    version: plot.version,
    title: "Bokeh Application",
    roots: [
      {
        type: "object",
        name: "Figure",
        id: rootId,
        attributes: {
          width: plot.width ?? 600,
          height: 300,
          x_range: object("DataRange1d"),
          y_range: object("DataRange1d"),
          x_scale: object("LinearScale"),
          y_scale: object("LinearScale"),
          title: object("Title", { text: plot.title ?? `Bokeh ${plot.version}` }),
          renderers: [
            renderer(object("Line", { x: field("x"), y: field("y"), line_color: "#1f77b4", line_width: 3 })),
            renderer(
              object("Scatter", {
                x: field("x"),
                y: field("y"),
                size: { type: "value", value: 12 },
                fill_color: { type: "value", value: "#d62728" },
              }),
            ),
          ],
          toolbar: object("Toolbar", {
            tools: [object("PanTool"), object("HoverTool", { tooltips: [["point", "(@x, @y)"]] }), object("ResetTool")],
          }),
          left: [left],
          below: [below],
          center: [object("Grid", { axis: { id: below.id } }), object("Grid", { dimension: 1, axis: { id: left.id } })],
        },
      },
    ],
  };
}

/** A bokeh 2 document: the same figure as references, each with its id, type and attributes. */
function bokeh2Document(plot: BokehPlot, rootId: string): Json {
  let n = 2000;
  const references: Json[] = [];
  const ref = (type: string, attributes: Json = {}): { id: string } => {
    const id = String(n++);
    references.push({ attributes, id, type });
    return { id };
  };
  const source = ref("ColumnDataSource", {
    data: { x: X, y: Y },
    selected: ref("Selection"),
    selection_policy: ref("UnionRenderers"),
  });
  const field = (name: string) => ({ field: name });
  const renderer = (glyph: { id: string }) =>
    ref("GlyphRenderer", { data_source: source, glyph, view: ref("CDSView", { source }) });
  const axis = () =>
    ref("LinearAxis", {
      ticker: ref("BasicTicker"),
      formatter: ref("BasicTickFormatter"),
      major_label_policy: ref("AllLabels"),
    });
  const [below, left] = [axis(), axis()];
  const attributes = {
    below: [below],
    left: [left],
    center: [ref("Grid", { axis: below }), ref("Grid", { axis: left, dimension: 1 })],
    renderers: [
      renderer(ref("Line", { x: field("x"), y: field("y"), line_color: "#1f77b4", line_width: 3 })),
      renderer(ref("Scatter", { x: field("x"), y: field("y"), size: { value: 12 }, fill_color: { value: "#d62728" } })),
    ],
    title: ref("Title", { text: plot.title ?? `Bokeh ${plot.version}` }),
    toolbar: ref("Toolbar", {
      tools: [ref("PanTool"), ref("HoverTool", { tooltips: [["point", "(@x, @y)"]] }), ref("ResetTool")],
    }),
    width: plot.width ?? 600,
    height: 300,
    x_range: ref("DataRange1d"),
    y_range: ref("DataRange1d"),
    x_scale: ref("LinearScale"),
    y_scale: ref("LinearScale"),
  };
  references.push({ attributes, id: rootId, subtype: "Figure", type: "Plot" });
  return {
    defs: [],
    roots: { references, root_ids: [rootId] },
    title: "Bokeh Application",
    version: plot.version,
  };
}

/** A bokeh document of the plot in its version's format. */
export function bokehDocument(plot: BokehPlot, rootId: string): Json {
  return plot.version.startsWith("2.") ? bokeh2Document(plot, rootId) : bokeh3Document(plot, rootId);
}

function display(data: Json, metadata: Json = {}): Json {
  return { output_type: "display_data", metadata, data };
}

function codeCell(source: string, outputs: Json[]): Json {
  return {
    cell_type: "code",
    id: `c${Math.random().toString(36).slice(2, 10)}`,
    execution_count: 1,
    metadata: {},
    source,
    outputs,
  };
}

/** output_notebook()'s two outputs, shortened: the banner and a loader naming bokeh's CDN, as bokeh writes them. */
export function outputNotebookCell(version: string): Json {
  const loader = `'use strict';
(function(root) {
  if (typeof root._bokeh_onload_callbacks === "undefined") {
    root._bokeh_onload_callbacks = [];
    root._bokeh_is_loading = undefined;
  }
  function display_loaded(error = null) {
    const el = document.getElementById("bk-banner");
    if (el != null) el.textContent = "BokehJS ${version} successfully loaded.";
  }
  const js_urls = ["https://cdn.bokeh.org/bokeh/release/bokeh-${version}.min.js"];
  for (const url of js_urls) {
    const element = document.createElement("script");
    element.onload = display_loaded;
    element.src = url;
    console.debug("Bokeh: injecting script tag for BokehJS library: ", url);
    document.head.appendChild(element);
  }
}(window));`;
  return codeCell("output_notebook()", [
    display({
      "text/html": `<div><a href="https://bokeh.org" target="_blank" class="bk-notebook-logo"></a><span id="bk-banner">Loading BokehJS ...</span></div>`,
    }),
    display({ "application/javascript": loader, "application/vnd.bokehjs_load.v0+json": loader }),
  ]);
}

/** show(p)'s two outputs: the plot's element and the script that embeds the document into it. */
export function showCell(plot: BokehPlot, key: string): Json {
  const rootId = plot.version.startsWith("2.") ? "1002" : "p1001";
  const elementId = `e-${key}`;
  const docId = `d-${key}`;
  const docs = { [docId]: bokehDocument(plot, rootId) };
  const items = [{ docid: docId, roots: { [rootId]: elementId }, root_ids: [rootId] }];
  const script = `(function(root) {
  function embed_document(root) {
  const docs_json = ${JSON.stringify(docs)};
  const render_items = ${JSON.stringify(items)};
  void root.Bokeh.embed.embed_items_notebook(docs_json, render_items);
  }
  if (root.Bokeh !== undefined) {
    embed_document(root);
  } else {
    let attempts = 0;
    const timer = setInterval(function(root) {
      if (root.Bokeh !== undefined) {
        clearInterval(timer);
        embed_document(root);
      } else {
        attempts++;
        if (attempts > 100) {
          clearInterval(timer);
          console.log("Bokeh: ERROR: Unable to run BokehJS code because BokehJS library is missing");
        }
      }
    }, 10, root)
  }
})(window);`;
  const div = plot.version.startsWith("2.")
    ? `<div class="bk-root" id="${elementId}" data-root-id="${rootId}"></div>`
    : `<div id="${elementId}" data-root-id="${rootId}" style="display: contents;"></div>`;
  if (plot.inHtml === true)
    return codeCell("display(HTML(div + script))", [
      display({
        // Standalone HTML links BokehJS from bokeh's CDN, which a frame cannot reach.
        "text/html":
          `<script src="https://cdn.bokeh.org/bokeh/release/bokeh-${plot.version}.min.js"></script>\n` +
          `${div}\n<script type="text/javascript">\n${script}\n</script>`,
      }),
    ]);
  return codeCell("show(p)", [
    display({ "text/html": div }),
    display(
      { "application/javascript": script, "application/vnd.bokehjs_exec.v0+json": "" },
      { "application/vnd.bokehjs_exec.v0+json": { id: rootId } },
    ),
  ]);
}

/** A notebook: output_notebook() of the first plot's version, then show() of each plot. */
export function bokehNotebook(plots: BokehPlot[]): Json {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    cells: [
      outputNotebookCell(plots[0]!.version),
      ...plots.map((plot, i) => showCell(plot, `${plot.version.replace(/\W/g, "")}-${i}`)),
    ],
  };
}
