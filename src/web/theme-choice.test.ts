import assert from "node:assert/strict";
import { test } from "node:test";
import { isTheme, THEME_CHOICES } from "./theme-choice.ts";

test("the picker offers each theme the account can keep, once, with a word for it", () => {
  assert.deepEqual(THEME_CHOICES.map((c) => c.theme).sort(), ["dark", "light", "system"]);
  assert.deepEqual(
    THEME_CHOICES.map((c) => c.label),
    ["System", "Light", "Dark"],
  );
});

test("only the three names are themes", () => {
  for (const theme of ["light", "dark", "system"]) assert.ok(isTheme(theme), theme);
  for (const other of ["Dark", "", " dark", "auto", null, undefined, 1, { theme: "dark" }, ["dark"]])
    assert.equal(isTheme(other), false, JSON.stringify(other));
});
