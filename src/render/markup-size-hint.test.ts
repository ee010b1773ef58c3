import { test } from "node:test";
import assert from "node:assert/strict";
import { EMPTY_FRAME_HEIGHT, markupHeightHint } from "./markup-size-hint.ts";

test("one element of a fixed height gives its height, with the frame's padding and an inline element's line gap", () => {
  assert.equal(markupHeightHint('<div style="width:100px;height:350px;background:black;"></div>'), 358);
  assert.equal(markupHeightHint("  <section style='height: 20.5px'><p>a</p><p>b</p></section>\n"), 29);
  assert.equal(
    markupHeightHint(
      '\n  <iframe\n    width="400"\n    height="300"\n    src="https://example.org/embed"\n    frameborder="0"\n    allowfullscreen\n  ></iframe>\n',
    ),
    314,
  );
  assert.equal(markupHeightHint('<video controls height="240" src="data:video/mp4;base64,AAAA"></video>'), 254);
  // A style sheet or a comment beside the element is not content; a style's height wins over the attribute.
  assert.equal(
    markupHeightHint('<style>.x{color:red}</style><!-- a --><iframe height="300" style="height:200px"></iframe>'),
    214,
  );
});

test("anything else has no hint: several elements, text, other tags, relative or boxed heights, large markup", () => {
  for (const markup of [
    "plain text",
    '<div style="height:350px"></div><div style="height:350px"></div>',
    '<div style="height:350px"></div> and text',
    '<div style="height:50%"></div>',
    '<div style="height:10em"></div>',
    '<div height="300"></div>',
    '<div style="height:300px;padding:4px"></div>',
    '<div style="height:300px;display:flex"></div>',
    '<div style="height:300px"><div style="height:900px"></div></div>',
    '<img src="data:image/png;base64,AAAA" height="300">',
    '<svg height="300"></svg>',
    '<table style="height:300px"></table>',
    '<iframe height="300px"></iframe>',
    '<iframe height="300"></iframe><p>more</p>',
    `<div style="height:300px">${"x".repeat(5000)}</div>`,
  ])
    assert.equal(markupHeightHint(markup), undefined, markup);
});

test("markup of style sheets and scripts only keeps the space of an empty frame: nothing is drawn before they run", () => {
  for (const markup of [
    "",
    "  \n",
    '<style type="text/css">circle { fill: red }</style>',
    "<!-- a --><script>document.body.append('x')</script>\n<style>p{}</style>",
    '<script type="text/javascript" src="data:text/javascript,1"></script>',
  ])
    assert.equal(markupHeightHint(markup), EMPTY_FRAME_HEIGHT, markup);
  assert.equal(markupHeightHint("<script>1</script><p>text</p>"), undefined);
  assert.equal(markupHeightHint(`<style>${"x".repeat(5000)}</style>`), undefined);
});
