import assert from "node:assert/strict";
import { test } from "node:test";
import {
  BOKEH_BUILDS,
  BOKEH_CODE_NOTE,
  bokehBuildFor,
  bokehBuildRange,
  bokehDocumentVersions,
  chooseBokehBuild,
  isBokehResource,
} from "./bokeh-builds.ts";
import { FRAME_LIBRARIES } from "./output-libraries.ts";

/** A script as bokeh's notebook show() writes it, around one document. */
function script(doc: Record<string, unknown>): string {
  return `(function(root) { function embed_document(root) { const docs_json = ${JSON.stringify({ d: doc })};
  const render_items = [{"docid":"d","roots":{"p1":"e"},"root_ids":["p1"]}];
  void root.Bokeh.embed.embed_items_notebook(docs_json, render_items); } })(window);`;
}

const plot3 = (version: string, extra: unknown[] = []) =>
  script({ version, roots: [{ type: "object", name: "Figure", id: "p1", attributes: { renderers: extra } }] });

test("a document's version is read from JSON in a script, or JSON inside a JavaScript string", () => {
  assert.deepEqual(bokehDocumentVersions(plot3("3.4.1")), ["3.4.1"]);
  assert.deepEqual(bokehDocumentVersions(`var docs_json = '{\\"x\\":{\\"version\\": \\"2.4.3\\"}}';`), ["2.4.3"]);
  assert.deepEqual(bokehDocumentVersions(`{"version":"0.11.0dev9"} {"version": "0.11.0dev9"}`), ["0.11.0dev9"]);
  // A column or attribute named version is not a document's version.
  assert.deepEqual(bokehDocumentVersions(`{"data":{"version":["1.0","2.0"]},"name":"version"}`), []);
});

test("each served build draws its major version up to its own minor version, and nothing else", () => {
  const core = (version: string) => bokehBuildFor(version)?.core;
  assert.equal(core("0.11.0dev9"), "bokeh");
  assert.equal(core("0.12.0"), "bokeh");
  assert.equal(core("0.12.16"), "bokeh");
  for (const version of ["2.0.0", "2.3.3", "2.4.3", "2.4.3.dev4"]) assert.equal(core(version), "bokeh2", version);
  for (const version of ["3.0.0", "3.4.1", "3.5.0rc1", "3.10.0", "3.10.1"])
    assert.equal(core(version), "bokeh3", version);
  for (const version of ["0.10.0", "0.13.0", "1.0.0", "1.4.0", "2.5.0", "3.11.0", "4.1.0", "x"])
    assert.equal(core(version), undefined, version);
  assert.deepEqual(
    BOKEH_BUILDS.map((build) => bokehBuildRange(build)),
    ["0.11–0.12", "2.0–2.4", `3.0–${FRAME_LIBRARIES.bokeh3.version.split(".").slice(0, 2).join(".")}`],
  );
});

test("the choice loads the build's core and widgets, tables and WebGL glyphs only for a document that has them", () => {
  const plain = chooseBokehBuild(plot3("3.4.1"));
  assert.ok(plain.draw);
  assert.deepEqual(plain.libraries, ["bokeh3", "bokeh3Widgets"]);
  assert.equal(plain.version, FRAME_LIBRARIES.bokeh3.version);
  assert.equal(plain.documentVersion, "3.4.1");
  assert.equal(plain.major, 3);
  assert.equal(plain.note, undefined);
  const table = chooseBokehBuild(plot3("3.4.1", [{ type: "object", name: "DataTable", id: "t" }]));
  assert.ok(table.draw);
  assert.deepEqual(table.libraries, ["bokeh3", "bokeh3Widgets", "bokeh3Tables"]);
  const gl = chooseBokehBuild(
    script({
      version: "2.4.3",
      roots: { references: [{ attributes: { output_backend: "webgl" }, id: "1", type: "Plot" }], root_ids: ["1"] },
    }),
  );
  assert.ok(gl.draw);
  assert.deepEqual(gl.libraries, ["bokeh2", "bokeh2Widgets", "bokeh2Gl"]);
  const old = chooseBokehBuild(`<script>Bokeh.embed.embed_items({"x":{"version":"0.11.0dev9"}}, [])</script>`);
  assert.ok(old.draw);
  assert.deepEqual(old.libraries, ["bokeh"]);
  assert.equal(old.major, 0);
  // Code in the document cannot run in a frame without eval: the reader is told before the plot.
  const code = chooseBokehBuild(plot3("3.4.1", [{ type: "object", name: "CustomJSTickFormatter", id: "f" }]));
  assert.ok(code.draw);
  assert.equal(code.note, BOKEH_CODE_NOTE);
});

test("a document no served build draws gets a reason that names its version and what is served", () => {
  for (const version of ["1.4.0", "4.1.0", "3.11.0"]) {
    const choice = chooseBokehBuild(plot3(version));
    assert.equal(choice.draw, false);
    assert.equal(
      !choice.draw && choice.reason,
      `Not drawn: this output was made by Bokeh ${version}, and the studio has no BokehJS that draws it; it serves ` +
        `BokehJS 0.12.0 (Bokeh 0.11–0.12), 2.4.3 (Bokeh 2.0–2.4) and ${FRAME_LIBRARIES.bokeh3.version} (Bokeh ${bokehBuildRange(BOKEH_BUILDS[2]!)}).`,
    );
  }
  const mixed = chooseBokehBuild(plot3("2.4.3") + plot3("3.4.1"));
  assert.equal(
    !mixed.draw && mixed.reason,
    "Not drawn: this output holds documents of Bokeh 2.4.3 and 3.4.1, which no one BokehJS draws.",
  );
  const extension = chooseBokehBuild(
    plot3("3.4.1", [{ type: "object", name: "ipywidgets_bokeh.widget.IPyWidget", id: "w" }]),
  );
  assert.equal(
    !extension.draw && extension.reason,
    "Not drawn: this output uses ipywidgets_bokeh.widget.IPyWidget, a model of a Bokeh extension whose code the studio does not serve (it serves Panel's, for HoloViews and Panel outputs).",
  );
  const none = chooseBokehBuild("<script>Bokeh.set_log_level('info')</script>");
  assert.match(!none.draw ? none.reason : "", /holds no Bokeh document naming its version/);
});

test("BokehJS's own bundles and stylesheets, as bokeh's CDN names them, are recognised; other files are not", () => {
  for (const url of [
    "https://cdn.bokeh.org/bokeh/release/bokeh-3.4.1.min.js",
    "https://cdn.bokeh.org/bokeh/release/bokeh-widgets-2.4.3.min.js",
    "https://cdn.pydata.org/bokeh/release/bokeh-0.12.16.min.css",
    "https://cdn.bokeh.org/bokeh/dev/bokeh-gl-3.5.0.dev4.min.js?v=1",
    "static/js/bokeh-mathjax-3.10.0.js",
  ])
    assert.equal(isBokehResource(url), true, url);
  for (const url of [
    "https://cdn.bokeh.org/bokeh/release/bokeh.min.js",
    "https://example.org/mybokeh-3.4.1.min.js",
    "https://cdn.jsdelivr.net/npm/@holoviz/panel@1.4.0/dist/panel.min.js",
    "https://cdn.bokeh.org/bokeh-3.4.1.min.js/evil.js",
  ])
    assert.equal(isBokehResource(url), false, url);
});
