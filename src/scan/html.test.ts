import assert from "node:assert/strict";
import { test } from "node:test";
import { reviewHtml } from "./html.ts";

const active = (html: string, sanitized = true) => reviewHtml(html, sanitized).active.map((item) => item.what);

test("obfuscated markup is read as a browser reads it", () => {
  // `<scr<script>` is one odd element named "scr<script": no script, as in a browser. `<<script>` is text, then one.
  assert.deepEqual(active("<scr<script>ipt>alert(1)</script>"), []);
  assert.deepEqual(active("<<script>alert(1)//<</script>"), ["a <script> element"]);
  assert.deepEqual(active("<IMG SRC=x OnErRoR=alert(1)>"), ["an onerror event handler"]);
  assert.deepEqual(active('<a href="java\tscript:alert(1)">x</a>'), ["a javascript: URL in href"]);
  assert.deepEqual(active('<a href="&#x6A;avascript&colon;alert(1)">x</a>'), ["a javascript: URL in href"]);
  assert.deepEqual(active('<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>'), [
    "an attribute that closes <noscript> when parsed again (mutation XSS)",
  ]);
  assert.deepEqual(active("<svg><animate onbegin=alert(1) attributeName=x /></svg>"), ["an onbegin event handler"]);
  assert.deepEqual(active("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"), [
    "markup hidden in a foreign <style> (mutation XSS)",
  ]);
  assert.deepEqual(active('<iframe srcdoc="<script>x</script>"></iframe>'), [
    "an embedded <iframe>",
    "an inline document (srcdoc)",
  ]);
  assert.deepEqual(active('<meta http-equiv="refresh" content="0;url=https://x.example">'), [
    "a <meta> refresh that navigates the page",
  ]);
});

test("text that only looks like markup is not reported", () => {
  assert.deepEqual(active("&lt;script&gt;alert(1)&lt;/script&gt; and a < b > c"), []);
  assert.deepEqual(active("<p title='onerror=alert(1)'>javascript: is a scheme</p>"), []);
  assert.deepEqual(active("<pre><code>&lt;img onerror=x&gt;</code></pre>"), []);
});

test("CSS that leaves its box, read from the parsed style", () => {
  assert.deepEqual(active('<div style="position:fixed">x</div>'), [
    "CSS position: fixed (drawn over the page, wherever it is scrolled)",
  ]);
  assert.match(
    active('<div style="POSITION: Absolute; inset: 0">x</div>').join(),
    /^CSS position: absolute with top, left, right, bottom/,
  );
  assert.deepEqual(active('<div style="z-index: 5000">x</div>'), ["CSS z-index 5000 (above the page's own controls)"]);
  assert.deepEqual(active('<div style="position: absolute">x</div><div style="z-index: 2; color: red">y</div>'), []);
});

test("links and images are collected as written, for the URL check", () => {
  const { urls } = reviewHtml('<a href="http://10.0.0.1/">x</a><img src="a.png"><a name="anchor">y</a>', true);
  assert.deepEqual(urls, [
    { url: "http://10.0.0.1/", context: "link", holder: "link" },
    { url: "a.png", context: "image", holder: "image" },
  ]);
  assert.deepEqual(
    reviewHtml('<iframe src="http://127.0.0.1:8888/api"></iframe><svg><a href="x"></a></svg>', false).urls,
    [{ url: "http://127.0.0.1:8888/api", context: "image", holder: "resource" }],
  );
});

test("an output is reported whole; markdown only for what the sanitizer removes", () => {
  const html = '<input type="checkbox" disabled checked><form><input name="q"></form>';
  assert.deepEqual(active(html, false), ["a <form>", "a form control <input>"]);
  assert.deepEqual(active(html, true), ["a <form>", "a form control <input>"]);
  assert.deepEqual(active('<input type="checkbox" disabled>', true), []);
});
