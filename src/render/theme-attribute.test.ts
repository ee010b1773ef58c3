import assert from "node:assert/strict";
import { test } from "node:test";
import type { Theme } from "../contract/api-theme.ts";
import { themeAttribute } from "./theme-attribute.ts";

test("light and dark mark the root; system leaves it to the reader's system", () => {
  assert.equal(themeAttribute("light"), "light");
  assert.equal(themeAttribute("dark"), "dark");
  assert.equal(themeAttribute("system"), null);
});

test("nothing but the two names is ever written, whatever a caller passes", () => {
  for (const other of ["Dark", "dark ", '"><script>', "", "auto"]) assert.equal(themeAttribute(other as Theme), null);
});
