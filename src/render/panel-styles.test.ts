import assert from "node:assert/strict";
import { test } from "node:test";
import { embeddedLibraryItems, PANEL_STYLES_LIBRARY } from "./export-libraries.ts";
import { PANEL_STYLES_GLOBAL, PANEL_STYLESHEETS, panelStylesForFrames, panelStylesScriptText } from "./panel-styles.ts";

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

test("a frame whose reader chose a scheme gets that theme's variables alone; system follows the reader's system", () => {
  const files = Object.fromEntries(PANEL_STYLESHEETS.map((path) => [path, `/* ${path} */`])) as Record<
    (typeof PANEL_STYLESHEETS)[number],
    string
  >;
  const theme = (scheme: "light" | "dark" | "system") =>
    panelStylesForFrames(files, scheme)["bundled/theme/default.css"];
  assert.equal(theme("light"), "/* bundled/theme/default.css */");
  assert.equal(theme("dark"), "/* bundled/theme/default.css */\n/* bundled/theme/dark.css */\n");
  assert.equal(theme("system"), panelStylesForFrames(files)["bundled/theme/default.css"]);
  assert.match(theme("system")!, /^\/\* bundled\/theme\/default\.css \*\/\n@media \(prefers-color-scheme: dark\)/);
  // Only the default theme's file differs by scheme.
  assert.equal(panelStylesForFrames(files, "dark")["bundled/theme/dark.css"], "/* bundled/theme/dark.css */");
});
