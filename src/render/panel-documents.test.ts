import assert from "node:assert/strict";
import { test } from "node:test";
import { fitPanelLayouts, inlinePanelStyles, wrapPanelEmbed } from "./panel-documents.ts";
import { PANEL_STYLESHEETS, panelStylesForFrames } from "./panel-styles.ts";

const sheet = (url: string) => ({ type: "object", name: "ImportedStyleSheet", id: url, attributes: { url } });

test("Panel's stylesheets become inline ones holding the served copies; others are left alone", () => {
  const cdn = sheet("https://cdn.holoviz.org/panel/1.9.4/dist/css/markdown.css");
  const server = sheet("static/extensions/panel/bundled/theme/default.css?v=1.9.4");
  const unlisted = sheet("https://cdn.holoviz.org/panel/1.9.4/dist/css/chat_feed.css");
  const other = sheet("https://example.test/own.css");
  const docs = {
    d: {
      version: "3.4.1",
      roots: [
        {
          type: "object",
          name: "panel.models.markup.HTML",
          id: "h",
          attributes: { stylesheets: [cdn, server, unlisted, other, { id: cdn.id }] },
        },
      ],
    },
  };
  inlinePanelStyles(docs, { "css/markdown.css": ".markdown{}", "bundled/theme/default.css": ":host{}" });
  assert.deepEqual(cdn, { type: "object", name: "InlineStyleSheet", id: cdn.id, attributes: { css: ".markdown{}" } });
  assert.deepEqual(server.attributes, { css: ":host{}" });
  // A stylesheet of Panel's that is not served is emptied, so that nothing is fetched.
  assert.deepEqual(unlisted.attributes, { css: "" });
  assert.equal(other.name, "ImportedStyleSheet");
});

test("the frame's Bokeh answers Panel's script for the document's version and changes stylesheets first", () => {
  const calls: unknown[] = [];
  const embed = {
    embed_items_notebook(docs: unknown, items: unknown) {
      calls.push([JSON.parse(JSON.stringify(docs)), items]);
      return "drawn";
    },
  };
  const bokeh = { version: "3.10.0", Panel: {}, embed };
  const scope: Record<string, unknown> = { Bokeh: bokeh };
  wrapPanelEmbed(scope, "3.5.0rc1", { "css/loading.css": "x" });
  const wrapped = scope.Bokeh as typeof bokeh & { versions: Map<string, unknown> };
  assert.notEqual(wrapped, bokeh);
  assert.equal(wrapped.version, "3.10.0");
  assert.equal(wrapped.Panel, bokeh.Panel);
  // Panel's script writes "3.5.0rc1" as "3.5.0-rc.1".
  assert.equal(wrapped.versions.get("3.5.0-rc.1"), wrapped);
  const docs = { d: { roots: [sheet("https://cdn.holoviz.org/panel/1.9.4/dist/css/loading.css")] } };
  assert.equal(wrapped.embed.embed_items_notebook(docs, ["item"]), "drawn");
  assert.deepEqual(calls, [
    [
      {
        d: {
          roots: [
            {
              type: "object",
              name: "InlineStyleSheet",
              id: "https://cdn.holoviz.org/panel/1.9.4/dist/css/loading.css",
              attributes: { css: "x" },
            },
          ],
        },
      },
      ["item"],
    ],
  ]);
});

test("fixed-width figures inside a document's root layouts scale with the frame, never beyond their own width", () => {
  const figure = { type: "object", name: "Figure", id: "f", attributes: { width: 500, height: 300 } };
  const sized = { type: "object", name: "Figure", id: "g", attributes: { width: 500, sizing_mode: "stretch_width" } };
  const inner = { type: "object", name: "Row", id: "r", attributes: { children: [figure] } };
  const column = {
    type: "object",
    name: "panel.models.layout.Column",
    id: "c",
    attributes: { children: [inner, sized] },
  };
  const lone = { type: "object", name: "Column", id: "l", attributes: { children: [] } };
  fitPanelLayouts({ d: { roots: [column, lone] } });
  assert.deepEqual(figure.attributes, { width: 500, height: 300, sizing_mode: "scale_width", max_width: 500 });
  assert.equal(sized.attributes.sizing_mode, "stretch_width");
  assert.equal((column.attributes as Record<string, unknown>).sizing_mode, "stretch_width");
  assert.equal((lone.attributes as Record<string, unknown>).sizing_mode, undefined, "nothing to fit: left alone");
});

test("the default theme's stylesheet carries the dark theme's variables for a dark colour scheme", () => {
  const files = Object.fromEntries(PANEL_STYLESHEETS.map((path) => [path, `/* ${path} */`])) as Record<
    (typeof PANEL_STYLESHEETS)[number],
    string
  >;
  const styles = panelStylesForFrames(files);
  assert.equal(
    styles["bundled/theme/default.css"],
    "/* bundled/theme/default.css */\n@media (prefers-color-scheme: dark) {\n/* bundled/theme/dark.css */\n}\n",
  );
  assert.equal(styles["css/markdown.css"], "/* css/markdown.css */");
});
