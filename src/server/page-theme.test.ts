import assert from "node:assert/strict";
import { test } from "node:test";
import { withTheme } from "./page-theme.ts";

const PAGE = '<!doctype html>\n<html lang="en">\n  <head></head>\n  <body><p>Loading…</p></body>\n</html>\n';

test("a light or dark account's page carries the theme on its root, before any script runs", () => {
  assert.equal(withTheme(PAGE, "dark"), PAGE.replace('<html lang="en">', '<html data-theme="dark" lang="en">'));
  assert.equal(withTheme(PAGE, "light"), PAGE.replace('<html lang="en">', '<html data-theme="light" lang="en">'));
  assert.equal(withTheme("<html><body></body></html>", "dark"), '<html data-theme="dark"><body></body></html>');
});

test("system leaves the page as built: it follows the browser", () => {
  assert.equal(withTheme(PAGE, "system"), PAGE);
});

test("only the theme's own literals are written, whatever the stored value", () => {
  // A value that is no theme (storage holds only the three, but the page never trusts it to) writes nothing.
  assert.equal(withTheme(PAGE, '"><script>alert(1)</script>' as never), PAGE);
  // Only the root element is marked: an <html in text further down stays as it is.
  const twice = `${PAGE}<!-- <html lang="x"> -->`;
  assert.equal(withTheme(twice, "dark").match(/data-theme/g)?.length, 1);
});
