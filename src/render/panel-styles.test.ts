import assert from "node:assert/strict";
import { test } from "node:test";
import { embeddedLibraryItems, PANEL_STYLES_LIBRARY } from "./export-libraries.ts";
import { PANEL_STYLES_GLOBAL, PANEL_STYLESHEETS, panelStylesScriptText } from "./panel-styles.ts";

test("the export's stylesheet script hands over every listed file of the pinned package, as JSON", () => {
  const [item, ...rest] = embeddedLibraryItems(PANEL_STYLES_LIBRARY);
  assert.equal(rest.length, 0);
  assert.equal(item!.kind, "script");
  const prefix = `window.${PANEL_STYLES_GLOBAL} = `;
  assert.ok(item!.text.startsWith(prefix));
  const styles = JSON.parse(item!.text.slice(prefix.length, -1)) as Record<string, string>;
  assert.deepEqual(Object.keys(styles).sort(), [...PANEL_STYLESHEETS].sort());
  assert.match(styles["css/markdown.css"]!, /\.codehilite|table/);
  assert.match(styles["bundled/theme/default.css"]!, /@media \(prefers-color-scheme: dark\)/);
});

test("a stylesheet's text cannot end the script that carries it", () => {
  const text = panelStylesScriptText({ "css/x.css": "a::after { content: '</script><script>alert(1)</script>' }" });
  assert.doesNotMatch(text, /<\/script/i);
  assert.deepEqual(JSON.parse(text.slice(text.indexOf("{"), -1)), {
    "css/x.css": "a::after { content: '</script><script>alert(1)</script>' }",
  });
});
