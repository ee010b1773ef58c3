import assert from "node:assert/strict";
import { test } from "node:test";
import { chooseBokehBuild, PANEL_LOADER_NOTE } from "./bokeh-builds.ts";
import { readLibraryFile } from "./library-files.ts";
import { FRAME_LIBRARIES } from "./output-libraries.ts";
import {
  choosePanel,
  PANEL_CODE_NOTE,
  PANEL_DRAWN_MODELS,
  PANEL_KERNEL_NOTE,
  PANEL_VERSION,
  panelDocumentVersions,
} from "./panel-models.ts";

const cdn = (version: string, file = "css/loading.css") => ({
  type: "object",
  name: "ImportedStyleSheet",
  id: `s-${file}`,
  attributes: { url: `https://cdn.holoviz.org/panel/${version}/dist/${file}` },
});

/** Panel's notebook script (panel/_templates/doc_nb_js.js, shortened) around one Bokeh 3 document. */
function panelScript(version: string, roots: unknown[]): string {
  const docs = { d: { version, title: "Bokeh Application", roots } };
  return `(function(root) { var docs_json = ${JSON.stringify(docs)};
  var render_items = [{"docid":"d","roots":{"p1":"e"},"root_ids":["p1"]}];
  function is_loaded(root) { var Bokeh = get_bokeh(root); return (Bokeh != null && Bokeh.Panel !== undefined) }
  Bokeh.embed.embed_items_notebook(docs_json, render_items); })(window);`;
}

const column = (children: unknown[], panelVersion = "1.9.4") => ({
  type: "object",
  name: "panel.models.layout.Column",
  id: "p1",
  attributes: { stylesheets: [cdn(panelVersion), cdn(panelVersion, "css/listpanel.css")], children },
});
const markdown = {
  type: "object",
  name: "panel.models.markup.HTML",
  id: "p2",
  attributes: { text: "&lt;h1&gt;Hi&lt;/h1&gt;" },
};
const figure = { type: "object", name: "Figure", id: "p3", attributes: {} };
const comm = { type: "object", name: "panel.models.comm_manager.CommManager", id: "p9", attributes: { plot_id: "p1" } };

test("every model the frame draws with Panel is one the served bundle registers under its own name", () => {
  // The bundle sets each model's name and module beside its class: `Column.__name__ = "Column";`
  // `Column.__module__ = "panel.models.layout";`.
  const bundle = readLibraryFile(FRAME_LIBRARIES.panel, FRAME_LIBRARIES.panel.file);
  const registered = new Set(
    [...bundle.matchAll(/(\w+)\.__name__ = "(\w+)";\s*\1\.__module__ = "(panel\.models\.[\w.]+)";/g)].map(
      (match) => `${match[3]}.${match[2]}`,
    ),
  );
  assert.ok(registered.size > 50, `${registered.size} models found`);
  for (const model of PANEL_DRAWN_MODELS) assert.ok(registered.has(model), model);
});

test("a Panel 1.x layout of Bokeh 3 draws with BokehJS 3, its tables and Panel, in that order", () => {
  const choice = chooseBokehBuild(panelScript("3.4.1", [column([markdown, figure])]));
  assert.ok(choice.draw);
  assert.deepEqual(choice.libraries, ["bokeh3", "bokeh3Widgets", "bokeh3Tables", "panel"]);
  assert.equal(choice.panel, true);
  assert.equal(choice.note, undefined);
});

test("a HoloViews plot, whose document may hold none of Panel's models, gets Panel for Panel's script", () => {
  const choice = chooseBokehBuild(panelScript("3.10.0", [{ ...figure, id: "p1" }]));
  assert.ok(choice.draw);
  assert.equal(choice.panel, true);
  assert.ok(choice.libraries.includes("panel"));
  // A plain Bokeh document does not.
  const plain = chooseBokehBuild(panelScript("3.10.0", [figure]).replace("Bokeh.Panel", "Bokeh"));
  assert.ok(plain.draw);
  assert.equal(plain.panel, undefined);
  assert.ok(!plain.libraries.includes("panel"));
});

test("the Panel version is read from its stylesheets' addresses on its CDN or a Panel server", () => {
  assert.deepEqual(panelDocumentVersions(JSON.stringify(column([]))), ["1.9.4"]);
  assert.deepEqual(panelDocumentVersions('"url":"static/extensions/panel/css/loading.css?v=1.4.4"'), ["1.4.4"]);
  assert.deepEqual(panelDocumentVersions('"url":"https://cdn.bokeh.org/bokeh/release/bokeh-3.4.1.min.js"'), []);
});

test("a document of a Panel newer than the served one is not drawn, and the reason names its version", () => {
  for (const version of ["1.12.0", "2.0.0"]) {
    const choice = chooseBokehBuild(panelScript("3.10.0", [column([markdown], version)]));
    assert.equal(
      !choice.draw && choice.reason,
      `Not drawn: this output was made by Panel ${version}, whose models the studio's Panel ${PANEL_VERSION} may not know; it draws Panel 1.0–1.9 outputs.`,
    );
  }
  // An older Panel 1.x is drawn.
  assert.ok(chooseBokehBuild(panelScript("3.4.1", [column([markdown], "1.4.4")])).draw);
});

test("Panel's models in a Bokeh 2 document are Panel before 1.0's, which the served Panel does not have", () => {
  const doc = {
    version: "2.4.3",
    roots: { references: [{ id: "1", type: "panel.models.markup.HTML", attributes: {} }], root_ids: ["1"] },
  };
  const choice = chooseBokehBuild(`Bokeh.embed.embed_items_notebook(${JSON.stringify({ d: doc })}, [])`);
  assert.match(!choice.draw ? choice.reason : "", /made by Panel before 1\.0 \(for Bokeh 2\)/);
});

test("models that compile code from text, need a library from elsewhere, or are unknown are refused by name", () => {
  const code = choosePanel(["panel.models.reactive_html.ReactiveHTML"], 3, "");
  assert.match(!code.draw ? code.reason : "", /ReactiveHTML, a Panel model whose code is text in the notebook/);
  const esm = choosePanel(["panel.models.esm.ReactComponent"], 3, "");
  assert.equal(esm.draw, false);
  const tabulator = chooseBokehBuild(
    panelScript("3.4.1", [column([{ type: "object", name: "panel.models.tabulator.DataTabulator", id: "t" }])]),
  );
  assert.equal(
    !tabulator.draw && tabulator.reason,
    `Not drawn: this output, made by Panel 1.9.4, uses panel.models.tabulator.DataTabulator, a Panel model that the studio's Panel ${PANEL_VERSION} does not draw by itself (it does not know it, or it needs a library the studio does not serve).`,
  );
});

test("widgets of a live notebook output and marked JavaScript functions are drawn with a note", () => {
  const slider = { type: "object", name: "Slider", id: "w", attributes: { start: 0, end: 1, value: 0.5 } };
  const live = choosePanel(
    ["panel.models.layout.Column", "panel.models.comm_manager.CommManager"],
    3,
    JSON.stringify([column([slider]), comm]),
  );
  assert.deepEqual(live, { draw: true, notes: [PANEL_KERNEL_NOTE] });
  // Without the kernel's CommManager (an embedded output) the widgets act in the frame as saved.
  assert.deepEqual(choosePanel(["panel.models.layout.Column"], 3, JSON.stringify(column([slider]))), {
    draw: true,
    notes: [],
  });
  const marked = choosePanel(
    ["panel.models.layout.Column"],
    3,
    '"formatter":"--x_x--0_0--function(v) { return v }--x_x--0_0--"',
  );
  assert.deepEqual(marked, { draw: true, notes: [PANEL_CODE_NOTE] });
});

test("the output of pn.extension() or hv.extension('bokeh') says it only loads Panel", () => {
  const loader = `(function(root) { root._bokeh_onload_callbacks = []; const Bokeh = root.Bokeh;
  const js_urls = ["https://cdn.holoviz.org/panel/1.9.4/dist/panel.min.js"];
  if (Bokeh == null || Bokeh.Panel == null) {} })(window);`;
  assert.deepEqual(chooseBokehBuild(loader), { draw: false, reason: PANEL_LOADER_NOTE });
});
