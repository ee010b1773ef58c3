import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { BOKEH_LOADER_NOTE, bokehUseOf, usesRequire } from "../../render/output-types.ts";
import { upgradeBokehDocument } from "../../render/bokeh-documents.ts";

const LORENZ = new URL("../../../../shared/corpus/notebooks/bokeh-notebooks__lorenz.ipynb", import.meta.url);

function htmlOutputs(): string[] {
  const notebook = JSON.parse(readFileSync(LORENZ, "utf8")) as {
    cells: { outputs?: { data?: Record<string, string | string[]> }[] }[];
  };
  return notebook.cells.flatMap((cell) =>
    (cell.outputs ?? []).flatMap((output) => {
      const html = output.data?.["text/html"];
      return html === undefined ? [] : [Array.isArray(html) ? html.join("") : html];
    }),
  );
}

test("an output that only loads BokehJS is a loader; one that embeds a plot draws with it", () => {
  const [loader, plot] = htmlOutputs();
  assert.equal(bokehUseOf(loader!), "loader");
  assert.equal(bokehUseOf(plot!), "draws");
  // Later bokeh: the notebook loader script, and a plot's script that calls the global through `root`.
  assert.equal(
    bokehUseOf(
      '(function(root){ root._bokeh_onload_callbacks = []; console.debug("BokehJS is loading..."); })(window);',
    ),
    "loader",
  );
  assert.equal(
    bokehUseOf("(function(root){ root.Bokeh.embed.embed_items_notebook(docs_json, render_items); })(window);"),
    "draws",
  );
  assert.equal(bokehUseOf("<script>Bokeh.set_log_level('info')</script>"), "draws");
  assert.equal(bokehUseOf("<p>Bokeh is a plotting library.</p>"), "none");
  assert.equal(bokehUseOf("<b>plain</b>"), "none");
  assert.match(BOKEH_LOADER_NOTE, /loads BokehJS/);
});

test("a bokeh 0.11 document is rewritten to 0.12's toolbar and title models; other documents are not touched", () => {
  const doc = {
    version: "0.11.0dev9",
    roots: {
      root_ids: ["p"],
      references: [
        { id: "s", type: "PreviewSaveTool", attributes: {} },
        { id: "p", type: "Plot", attributes: { title: "lorenz", tools: [{ id: "s", type: "PreviewSaveTool" }] } },
      ],
    },
  };
  upgradeBokehDocument(doc);
  assert.deepEqual(doc.roots.references, [
    { id: "s", type: "SaveTool", attributes: {} },
    {
      id: "p",
      type: "Plot",
      attributes: { title: { id: "p-title", type: "Title" }, toolbar: { id: "p-toolbar", type: "Toolbar" } },
    },
    { id: "p-toolbar", type: "Toolbar", attributes: { tools: [{ id: "s", type: "PreviewSaveTool" }] } },
    { id: "p-title", type: "Title", attributes: { text: "lorenz" } },
  ]);
  const later = { version: "3.4.1", roots: { references: [{ id: "p", type: "Plot", attributes: { title: "t" } }] } };
  const copy = structuredClone(later);
  upgradeBokehDocument(later);
  assert.deepEqual(later, copy);
  // Malformed input is left alone rather than thrown on: BokehJS reports it.
  for (const odd of [{ version: "0.11.1" }, { version: "0.11.1", roots: { references: [null, 3, { id: 1 }] } }])
    assert.doesNotThrow(() => upgradeBokehDocument(odd as never));
});

test("HTML that calls requirejs is recognised, so its frame gets requirejs first", () => {
  assert.equal(usesRequire('<script>require(["plotly"], function (Plotly) {});</script>'), true);
  assert.equal(usesRequire("<script>require.config({ paths: { plotly: 'x' } });</script>"), true);
  assert.equal(usesRequire("<script>define('plotly', function (require, exports, module) {});</script>"), true);
  assert.equal(usesRequire("<p>You may require a licence; define your terms.</p>"), false);
});
