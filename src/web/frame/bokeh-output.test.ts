import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { BOKEH_LOADER_NOTE, bokehUseOf, usesRequire } from "../../render/output-types.ts";
import { JSDOM } from "jsdom";
import {
  addBokehTargets,
  fitBokehDocument,
  upgradeBokehDocument,
  watchBokehVersionWarning,
  wrapBokehEmbed,
} from "../../render/bokeh-documents.ts";

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

test("fixed-width plots get bokeh's scale_width, capped at their own width from bokeh 2; layouts and sized plots do not", () => {
  const v3 = (name: string, attributes?: Record<string, unknown>) => ({
    version: "3.4.1",
    roots: [{ type: "object", name, id: "p1", ...(attributes ? { attributes } : {}) }],
  });
  const attributesOf = (doc: { roots: { attributes?: Record<string, unknown> }[] }) => doc.roots[0]!.attributes;
  // Capped at its width, so it scales down in a narrow frame, now or later, and never up.
  for (const width of [390, 1200]) {
    const wide = v3("Figure", { width: 800 });
    fitBokehDocument(wide, width, 3);
    assert.deepEqual(attributesOf(wide), { width: 800, sizing_mode: "scale_width", max_width: 800 });
  }
  // BokehJS's default width, 600, when the document leaves it out.
  const unset = v3("Figure");
  fitBokehDocument(unset, 390, 3);
  assert.deepEqual(attributesOf(unset), { sizing_mode: "scale_width", max_width: 600 });
  for (const doc of [
    v3("Column", { width: 800 }),
    v3("Figure", { width: 800, sizing_mode: "stretch_width" }),
    v3("Figure", { width: 800, frame_width: 700 }),
  ]) {
    const copy = structuredClone(doc);
    fitBokehDocument(doc, 390, 3);
    assert.deepEqual(doc, copy);
  }
  // 0.12 has no cap: a plot scales only when drawn in a frame narrower than it is. Before bokeh 3, the roots are
  // named among the references, and the width may be plot_width.
  const v0 = () => ({
    version: "0.11.0",
    roots: {
      root_ids: ["1"],
      references: [
        { id: "1", type: "Plot", attributes: { plot_width: 800 } as Record<string, unknown> },
        { id: "2", type: "Plot", attributes: { plot_width: 800 } as Record<string, unknown> },
      ],
    },
  });
  const fits = v0();
  fitBokehDocument(fits, 1200, 0);
  assert.deepEqual(fits, v0());
  const narrow = v0();
  fitBokehDocument(narrow, 390, 0);
  assert.deepEqual(
    narrow.roots.references.map((reference) => reference.attributes),
    [{ plot_width: 800, sizing_mode: "scale_width" }, { plot_width: 800 }],
  );
  for (const odd of [null, 3, { roots: 5 }, { roots: [null, 4, { name: "Figure", attributes: null }] }])
    assert.doesNotThrow(() => fitBokehDocument(odd as never, 390, 3));
});

test("a script's render items get the elements they name that the frame lacks, with .bk-root before bokeh 3", () => {
  const { document } = new JSDOM('<div id="output"></div><div id="there"></div>').window;
  const output = document.getElementById("output")!;
  addBokehTargets([{ roots: { p1: "e1", p2: "there" } }, { elementid: "e2" }, null, 7], document, output, 3);
  assert.deepEqual(
    [...output.children].map((child) => [child.tagName, child.id, child.className]),
    [
      ["DIV", "e1", ""],
      ["DIV", "e2", ""],
    ],
  );
  addBokehTargets([{ roots: { r: "e3" } }], document, output, 2);
  assert.deepEqual([output.lastElementChild!.id, output.lastElementChild!.className], ["e3", "bk-root"]);
});

test("the embedding calls are prepared first, even where the bundle exports them as getters only", async () => {
  const { window } = new JSDOM('<div id="output"></div>');
  const calls: unknown[][] = [];
  const embed = {};
  for (const name of ["embed_items", "embed_items_notebook"])
    Object.defineProperty(embed, name, {
      get:
        () =>
        (...args: unknown[]) =>
          calls.push([name, ...args]),
      enumerable: true,
    });
  const bokeh = Object.defineProperty({ version: "3.10.0" }, "embed", { get: () => embed, enumerable: true });
  const scope: Record<string, unknown> = { Bokeh: bokeh };
  wrapBokehEmbed(scope, 3, window.document);
  const wrapped = scope.Bokeh as { version: string; embed: Record<string, (...args: unknown[]) => unknown> };
  assert.equal(wrapped.version, "3.10.0");
  const docs = {
    d: { version: "3.4.1", roots: [{ type: "object", name: "Figure", id: "p1", attributes: { width: 5000 } }] },
  };
  const items = [{ docid: "d", roots: { p1: "target" } }];
  wrapped.embed.embed_items_notebook!(docs, items);
  assert.equal(calls.length, 1);
  assert.equal(calls[0]![0], "embed_items_notebook");
  assert.ok(window.document.getElementById("target"), "the target element was made before BokehJS looked for it");
  assert.equal((docs.d.roots[0]!.attributes as { sizing_mode?: string }).sizing_mode, "scale_width");
});

test("BokehJS's version warning is passed on once, and still reaches the console", () => {
  const seen: unknown[][] = [];
  const fake = { warn: (...args: unknown[]) => seen.push(args) } as unknown as Console;
  let notes = 0;
  watchBokehVersionWarning(fake, () => notes++);
  fake.warn("[bokeh 3.10.0]", "Bokeh/BokehJS version mismatch: new document using Bokeh 3.4.1 and BokehJS 3.10.0");
  fake.warn("JS/Python version mismatch");
  fake.warn("something else");
  assert.equal(notes, 1);
  assert.equal(seen.length, 3);
});
