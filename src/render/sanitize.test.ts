import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";
import { renderTex } from "./math.ts";
import { createSanitizer, type Sanitizer } from "./sanitize.ts";
import { NAMED_PROPERTY_PREFIX, RASTER_IMAGE_TYPES } from "./sanitizer-policy.ts";

const { window } = new JSDOM("<!DOCTYPE html><body></body>");
const sanitizer: Sanitizer = createSanitizer(window);

// The corpus lives beside the repository and is read in place, never copied into the project.
const CORPUS = new URL("../../../shared/corpus/", import.meta.url);

interface Fixture {
  title?: string;
  payload: string;
  expected: string | string[];
}

const FIXTURES: Fixture[] = JSON.parse(readFileSync(new URL("xss/dompurify-expect.json", CORPUS), "utf8"));

function label(index: number, fixture: Fixture): string {
  return `fixture ${index} (${fixture.title ?? fixture.payload.slice(0, 60)})`;
}

// Tiny but real images: the first bytes are what the sanitizer checks.
const PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const GIF_1PX = "R0lGODlhAQABAAAAACw=";
const JPEG_HEAD = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA==";
const WEBP_HEAD = "UklGRiQAAABXRUJQVlA4IBgAAAAwAQCdASoBAAEAAwA0JaQAA3AA/vuUAAA=";
const SVG_B64 = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>').toString("base64");

// --- what "inert" means, checked on the DOM ------------------------------------------------------------------------

/** Elements that can run script, load active content, submit, or change how the page resolves URLs. */
const SCRIPT_CAPABLE = new Set([
  "script",
  "iframe",
  "frame",
  "frameset",
  "object",
  "embed",
  "applet",
  "form",
  "base",
  "meta",
  "link",
  "style",
  "svg",
  "template",
  "noscript",
  "button",
  "select",
  "textarea",
  "option",
  "portal",
  "audio",
  "video",
  "source",
  "use",
  "foreignobject",
  "animate",
  "set",
  "image",
  "maction",
  "annotation-xml",
]);

/** Every attribute that takes a URL in HTML, SVG or MathML. */
const URL_ATTRIBUTES = new Set([
  "href",
  "src",
  "xlink:href",
  "action",
  "formaction",
  "background",
  "poster",
  "cite",
  "longdesc",
  "usemap",
  "data",
  "codebase",
  "classid",
  "archive",
  "dynsrc",
  "lowsrc",
  "ping",
  "srcset",
  "imagesrcset",
  "manifest",
  "profile",
  "icon",
  "srcdoc",
  "itemtype",
  "xml:base",
  "from",
  "to",
  "values",
  "by",
  "attributename",
]);

/** The scheme as a URL parser reads it, after removing anything a browser might skip; an independent oracle. */
function scheme(value: string): string | null {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point of this oracle
  const compact = value.replace(/[\u0000-\u0020\u007f-\u00a0\u00ad\u2000-\u200f\u2028-\u202f\u2060-\u206f\ufeff]/g, "");
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(compact);
  return match ? match[1]!.toLowerCase() : null;
}

function isCheckedRasterDataUrl(value: string): boolean {
  const match = /^data:(image\/(?:png|jpeg|gif|webp));base64,([A-Za-z0-9+/]+={0,2})$/.exec(value);
  if (!match) return false;
  const bytes = Buffer.from(match[2]!.slice(0, 16), "base64");
  const starts = (sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  switch (match[1]) {
    case "image/png":
      return starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    case "image/jpeg":
      return starts([0xff, 0xd8, 0xff]);
    case "image/gif":
      return starts([0x47, 0x49, 0x46, 0x38]) && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61;
    default:
      return starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8);
  }
}

/** Lists every way `root` could run script or reach out, as readable strings; empty means inert. */
function problems(root: ParentNode): string[] {
  const found: string[] = [];
  for (const el of Array.from(root.querySelectorAll("*"))) {
    const tag = el.localName.toLowerCase();
    if (SCRIPT_CAPABLE.has(tag)) found.push(`<${tag}> element`);
    if (el.namespaceURI === "http://www.w3.org/2000/svg") found.push(`SVG element <${tag}>`);
    if (tag === "input") {
      const names = Array.from(el.attributes, (a) => a.name).sort();
      if (el.getAttribute("type") !== "checkbox" || !el.hasAttribute("disabled"))
        found.push("enabled or non-checkbox <input>");
      if (names.some((n) => !["checked", "disabled", "type"].includes(n)))
        found.push(`<input> with ${names.join(",")}`);
    }
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on")) found.push(`${tag}[${name}] event handler`);
      if (name === "style") found.push(`${tag}[style]`);
      if (name === "target" || name === "srcset") found.push(`${tag}[${name}]`);
      if ((name === "id" || name === "name") && !attr.value.startsWith(NAMED_PROPERTY_PREFIX)) {
        found.push(`${tag}[${name}=${attr.value}] without prefix`);
      }
      const isUrl = URL_ATTRIBUTES.has(name) || /(?:href|src|action)$/.test(name);
      if (!isUrl) continue;
      const s = scheme(attr.value);
      if (s === null) continue;
      const rasterImage = tag === "img" && name === "src" && s === "data" && isCheckedRasterDataUrl(attr.value);
      if (rasterImage) continue;
      if (s === "javascript" || s === "vbscript" || s === "data") found.push(`${tag}[${name}] ${s}: URL`);
      const allowed = name === "href" ? ["http", "https", "mailto"] : name === "src" ? ["http", "https"] : [];
      if (!allowed.includes(s)) found.push(`${tag}[${name}] scheme ${s}`);
    }
  }
  return found;
}

function parseBody(html: string): HTMLElement {
  return new window.DOMParser().parseFromString(html, "text/html").body;
}

// --- DOMPurify's own fixtures -------------------------------------------------------------------------------------

test("the DOMPurify fixture corpus is there", () => {
  assert.ok(FIXTURES.length >= 200, `only ${FIXTURES.length} fixtures`);
});

test("every DOMPurify fixture sanitizes to inert DOM", () => {
  for (const [i, fixture] of FIXTURES.entries()) {
    const fragment = sanitizer.sanitizeToFragment(fixture.payload);
    assert.deepEqual(problems(fragment), [], label(i, fixture));
  }
});

test("every DOMPurify fixture survives serialize, re-parse and re-sanitize unchanged (mXSS)", () => {
  for (const [i, fixture] of FIXTURES.entries()) {
    const first = sanitizer.sanitizeToFragment(fixture.payload);
    const html = sanitizer.sanitizeToString(fixture.payload);
    // What a browser builds from the serialized string must itself be inert...
    assert.deepEqual(problems(parseBody(html)), [], `${label(i, fixture)} re-parsed`);
    // ...and sanitizing it again changes nothing, as DOM and as text.
    const second = sanitizer.sanitizeToFragment(html);
    assert.ok(
      second.isEqualNode(first),
      `${label(i, fixture)} not stable:\n${html}\n${sanitizer.sanitizeToString(html)}`,
    );
    assert.equal(sanitizer.sanitizeToString(html), html, `${label(i, fixture)} string not stable`);
  }
});

// --- policy --------------------------------------------------------------------------------------------------------

test("keeps what notebooks use", () => {
  const html = [
    "<h2>T</h2><p>a <b>b</b> <i>i</i> <kbd>Ctrl</kbd> x<sup>2</sup> H<sub>2</sub>O <del>old</del> <mark>hi</mark></p>",
    '<blockquote><p>q</p></blockquote><hr><pre><code class="language-python">x = 1</code></pre>',
    '<ul><li>one</li></ul><ol start="3"><li>three</li></ol>',
    '<table><thead><tr><th align="center">h</th></tr></thead><tbody><tr><td align="right">1</td></tr></tbody></table>',
    '<details open><summary>more</summary><div class="alert alert-info">note</div></details>',
    '<img src="https://example.org/a.png" alt="A" width="20"><a href="https://example.org/">site</a>',
  ].join("");
  const fragment = sanitizer.sanitizeToFragment(html);
  for (const selector of [
    "h2",
    "b",
    "i",
    "kbd",
    "sup",
    "sub",
    "del",
    "mark",
    "blockquote",
    "hr",
    "pre > code.language-python",
    "ul > li",
    "ol[start='3']",
    "th[align=center]",
    "td[align=right]",
    "details[open] > summary",
    "div.alert.alert-info",
    "img[src='https://example.org/a.png'][alt=A][width='20']",
    "a[href='https://example.org/']",
  ]) {
    assert.ok(fragment.querySelector(selector), `lost ${selector}`);
  }
});

test("removes scripts, handlers, styles, frames, objects, forms and document metadata", () => {
  const fragment = sanitizer.sanitizeToFragment(
    [
      "<script>alert(1)</script><style>body{display:none}</style><link rel=stylesheet href=//x/y.css>",
      "<meta http-equiv=refresh content='0;url=//x'><base href=//x/><iframe src=//x></iframe>",
      "<object data=//x></object><embed src=//x><form action=//x><input name=q><button>Go</button>",
      "<select><option>1</option></select><textarea>t</textarea></form>",
      "<p style='position:fixed;top:0' onclick='alert(1)' onmouseover=alert(2)>text</p>",
      "<a href='https://x.org/' target=_blank>t</a><img src='https://x.org/a.png' srcset='//x/b.png 2x'>",
    ].join(""),
  );
  assert.deepEqual(problems(fragment), []);
  assert.equal(fragment.querySelectorAll("input").length, 0);
  assert.equal(fragment.querySelector("p")?.textContent, "text");
  assert.equal(fragment.querySelector("a")?.hasAttribute("target"), false);
  assert.equal(fragment.querySelector("img")?.hasAttribute("srcset"), false);
});

test("SVG is removed entirely, with use, foreignObject and href animations", () => {
  const fragment = sanitizer.sanitizeToFragment(
    '<svg><use href="data:image/svg+xml,<svg id=x/>#x"/><foreignObject><img src=x onerror=alert(1)></foreignObject>' +
      '<a><animate attributeName="href" values="javascript:alert(1)"/><text>click</text></a></svg>after',
  );
  assert.deepEqual(problems(fragment), []);
  assert.equal(fragment.querySelector("svg, use, foreignObject, animate"), null);
  assert.equal(fragment.textContent, "after");
});

test("link URLs: http(s), mailto, relative and fragments only", () => {
  const cases: [string, string | null][] = [
    ["https://example.org/x?y#z", "https://example.org/x?y#z"],
    ["http://example.org/", "http://example.org/"],
    ["mailto:someone@example.org", "mailto:someone@example.org"],
    ["other.ipynb#part", "other.ipynb#part"],
    ["../data/file.csv", "../data/file.csv"],
    ["//example.org/x", "//example.org/x"],
    ["javascript:alert(1)", null],
    ["JaVaScRiPt:alert(1)", null],
    [" javascript:alert(1)", null],
    ["java\tscript:alert(1)", null],
    ["java&#x09;script:alert(1)", null],
    ["&#106;avascript:alert(1)", null],
    ["java\u200bscript:alert(1)", null],
    ["vbscript:msgbox(1)", null],
    ["data:text/html,<script>alert(1)</script>", null],
    [`data:image/png;base64,${PNG_1PX}`, null],
    ["file:///etc/passwd", null],
    ["ftp://example.org/", null],
    ["tel:+123", null],
    ["attachment:a.png", null],
  ];
  for (const [href, expected] of cases) {
    const a = sanitizer.sanitizeToFragment(`<a href="${href.replace(/"/g, "&quot;")}">x</a>`).querySelector("a");
    assert.ok(a, href);
    assert.equal(a.getAttribute("href"), expected, href);
  }
});

test("image sources: http(s), relative, and raster data URLs whose bytes match their type", () => {
  const src = (value: string) =>
    sanitizer.sanitizeToFragment(`<img src="${value}">`).querySelector("img")?.getAttribute("src") ?? null;
  assert.equal(src("https://example.org/a.png"), "https://example.org/a.png");
  assert.equal(src("images/a.png"), "images/a.png");
  assert.equal(src(`data:image/png;base64,${PNG_1PX}`), `data:image/png;base64,${PNG_1PX}`);
  assert.equal(src(`DATA:IMAGE/PNG;base64,${PNG_1PX}`), `data:image/png;base64,${PNG_1PX}`);
  assert.equal(src(`data:image/gif;base64,${GIF_1PX}`), `data:image/gif;base64,${GIF_1PX}`);
  assert.equal(src(`data:image/jpeg;base64,${JPEG_HEAD}`), `data:image/jpeg;base64,${JPEG_HEAD}`);
  assert.equal(src(`data:image/webp;base64,${WEBP_HEAD}`), `data:image/webp;base64,${WEBP_HEAD}`);
  // Declared type and bytes disagree.
  assert.equal(src(`data:image/jpeg;base64,${PNG_1PX}`), null);
  assert.equal(src(`data:image/png;base64,${SVG_B64}`), null);
  // Not raster, not base64, broken base64.
  assert.equal(src(`data:image/svg+xml;base64,${SVG_B64}`), null);
  assert.equal(src("data:image/svg+xml,<svg onload=alert(1)>"), null);
  assert.equal(src("data:image/png,%89PNG"), null);
  assert.equal(src("data:image/png;base64,iVBORw0KGgo!!!"), null);
  assert.equal(src("data:text/html;base64,PHNjcmlwdD4="), null);
  assert.equal(src("javascript:alert(1)"), null);
  // `src` is for images only; raster data on a link is still a data: URL.
  assert.equal(
    sanitizer
      .sanitizeToFragment(`<a href="data:image/png;base64,${PNG_1PX}">x</a>`)
      .querySelector("a")
      ?.getAttribute("href"),
    null,
  );
  assert.equal(
    src(`data:image/png;base64,${PNG_1PX.slice(0, 20)}\n${PNG_1PX.slice(20)}`),
    `data:image/png;base64,${PNG_1PX}`,
  );
  assert.deepEqual(RASTER_IMAGE_TYPES, ["image/png", "image/jpeg", "image/gif", "image/webp"]);
});

test("attachment: sources resolve to checked raster data URLs from the context", () => {
  const attachments = {
    "logo.png": { "image/png": PNG_1PX.replace(/(.{20})/g, "$1\n") },
    "my image.gif": { "image/gif": GIF_1PX },
    "drawing.svg": { "image/svg+xml": SVG_B64 },
    "lying.png": { "image/png": SVG_B64 },
    "both.png": { "image/svg+xml": SVG_B64, "image/png": PNG_1PX },
  };
  const src = (name: string, context: Parameters<Sanitizer["sanitizeToString"]>[1] | "none" = { attachments }) =>
    sanitizer
      .sanitizeToFragment(`<img src="attachment:${name}" alt="a">`, context === "none" ? undefined : context)
      .querySelector("img")
      ?.getAttribute("src") ?? null;
  assert.equal(src("logo.png"), `data:image/png;base64,${PNG_1PX}`);
  assert.equal(src("my%20image.gif"), `data:image/gif;base64,${GIF_1PX}`);
  assert.equal(src("both.png"), `data:image/png;base64,${PNG_1PX}`);
  assert.equal(src("drawing.svg"), null);
  assert.equal(src("lying.png"), null);
  assert.equal(src("missing.png"), null);
  assert.equal(src("__proto__"), null);
  assert.equal(src("constructor"), null);
  assert.equal(src("logo.png", {}), null);
  assert.equal(src("logo.png", "none"), null);
});

test("the context of one call does not leak into the next", () => {
  const html = '<img src="attachment:logo.png">';
  const withContext = sanitizer.sanitizeToFragment(html, { attachments: { "logo.png": { "image/png": PNG_1PX } } });
  assert.ok(withContext.querySelector("img")?.getAttribute("src")?.startsWith("data:image/png;base64,"));
  assert.equal(sanitizer.sanitizeToFragment(html).querySelector("img")?.getAttribute("src"), null);
});

test("ids and names are prefixed and in-page links follow, without double prefixes", () => {
  const fragment = sanitizer.sanitizeToFragment(
    '<h2 id="Intro">Intro</h2><a name="top"></a><div id="user-content-x"></div>' +
      '<a href="#Intro">i</a><a href="#top">t</a><a href="#user-content-x">x</a><a href="#">top</a>',
  );
  assert.equal(fragment.querySelector("h2")?.id, "user-content-Intro");
  assert.equal(fragment.querySelector("a[name]")?.getAttribute("name"), "user-content-top");
  assert.equal(fragment.querySelector("div")?.id, "user-content-x");
  const hrefs = Array.from(fragment.querySelectorAll("a[href]"), (a) => a.getAttribute("href"));
  assert.deepEqual(hrefs, ["#user-content-Intro", "#user-content-top", "#user-content-x", "#"]);
  // Every in-page link lands on an element of the fragment.
  for (const href of hrefs.slice(0, 3))
    assert.ok(fragment.querySelector(`[id="${href!.slice(1)}"], [name="${href!.slice(1)}"]`), href!);
  // Clobbering names are neutralized by the prefix.
  const clobber = sanitizer.sanitizeToFragment(
    '<img name="cookie"><form id="location"></form><a id="getElementById"></a>',
  );
  for (const el of Array.from(clobber.querySelectorAll("[id], [name]"))) {
    assert.ok((el.getAttribute("id") ?? el.getAttribute("name"))!.startsWith(NAMED_PROPERTY_PREFIX));
  }
});

test("task-list checkboxes stay, disabled and bare; other inputs go", () => {
  const fragment = sanitizer.sanitizeToFragment(
    '<ul><li><input type="checkbox" checked name="q" form="f" value="1" onclick="x" autofocus> done</li>' +
      '<li><input type="CHECKBOX" disabled> todo</li></ul><input type="text" value="phish"><input type="image" src="x">' +
      '<input type="password"><input>',
  );
  const inputs = Array.from(fragment.querySelectorAll("input"));
  assert.equal(inputs.length, 2);
  assert.deepEqual(problems(fragment), []);
  assert.equal(inputs[0]!.hasAttribute("checked"), true);
  assert.equal(inputs[1]!.hasAttribute("checked"), false);
});

test("class names reserved for the studio are dropped", () => {
  const fragment = sanitizer.sanitizeToFragment(
    '<div class="vt-button vitrine-run alert">x</div><span class="vt-notice">y</span>',
  );
  assert.equal(fragment.querySelector("div")?.getAttribute("class"), "alert");
  assert.equal(fragment.querySelector("span")?.hasAttribute("class"), false);
});

test("KaTeX MathML survives, without hrefs or actions", () => {
  const mathml =
    '<span class="katex"><math xmlns="http://www.w3.org/1998/Math/MathML" display="block"><semantics><mrow>' +
    '<msup><mi mathvariant="bold">x</mi><mn>2</mn></msup><mstyle mathcolor="#cc0000"><mtext>\\href</mtext></mstyle>' +
    '<mi href="javascript:alert(1)">y</mi><maction actiontype="statusline"><mi>z</mi></maction></mrow>' +
    '<annotation encoding="application/x-tex">x^2</annotation></semantics></math></span>';
  const fragment = sanitizer.sanitizeToFragment(mathml);
  assert.deepEqual(problems(fragment), []);
  const math = fragment.querySelector("math");
  assert.equal(math?.namespaceURI, "http://www.w3.org/1998/Math/MathML");
  assert.equal(math?.getAttribute("display"), "block");
  assert.ok(fragment.querySelector("semantics > annotation[encoding='application/x-tex']"));
  assert.equal(fragment.querySelector("mi[mathvariant=bold]")?.textContent, "x");
  assert.equal(fragment.querySelector("mstyle")?.getAttribute("mathcolor"), "#cc0000");
  assert.equal(fragment.querySelector("[href]"), null);
  assert.equal(fragment.querySelector("maction"), null);
});

test("classic mXSS shapes stay inert after a round trip", () => {
  const payloads = [
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src=1 onerror=alert(1)&gt;">',
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<math><annotation-xml encoding="text/html"><style><img src=x onerror=alert(1)></style></annotation-xml></math>',
    "<table><caption><svg><title><img src=x onerror=alert(1)>",
  ];
  for (const payload of payloads) {
    const html = sanitizer.sanitizeToString(payload);
    assert.deepEqual(problems(sanitizer.sanitizeToFragment(payload)), [], payload);
    assert.deepEqual(problems(parseBody(html)), [], payload);
    assert.equal(sanitizer.sanitizeToString(html), html, payload);
  }
});

test("rejects a window DOMPurify cannot run on instead of passing HTML through", () => {
  assert.throws(() => createSanitizer({} as unknown as Window & typeof globalThis), /not supported/);
});

test("the string result is the DOM's own serialization of the fragment result, for every fixture", () => {
  const extra = [
    "a & b < c > d\u00a0e",
    "text<!-- a comment -->more",
    "<p>x</p>tail & <b>y</b>",
    "<math><mi>x</mi></math> & ",
  ];
  for (const payload of [...FIXTURES.map((f) => f.payload), ...extra]) {
    const holder = window.document.createElement("div");
    holder.appendChild(sanitizer.sanitizeToFragment(payload));
    // eslint-disable-next-line no-restricted-properties -- the reference serializer under test comparison; nothing is parsed
    assert.equal(sanitizer.sanitizeToString(payload), holder.innerHTML, payload);
  }
});

test("KaTeX's HTML survives: checked box styles, aria-hidden, and svg/path/line only where KaTeX puts them", () => {
  const html = renderTex("\\sqrt{x}\\left|\\begin{matrix}a\\\\b\\\\c\\end{matrix}\\right|\\cancel{y}", true);
  const fragment = sanitizer.sanitizeToFragment(html);
  // Every SVG element is KaTeX's own kind (checked below); nothing else that problems() knows of is there.
  assert.deepEqual(
    problems(fragment).filter((p) => !p.startsWith("SVG element") && p !== "<svg> element"),
    [],
  );
  assert.equal(fragment.querySelector(".katex-html")?.getAttribute("aria-hidden"), "true");
  assert.ok(fragment.querySelectorAll("[data-math-style]").length > 10);
  assert.ok(fragment.querySelector("span > svg > path[d]"));
  assert.ok(fragment.querySelector("span > svg > line[x1]"));
  for (const svg of Array.from(fragment.querySelectorAll("svg, path, line"))) {
    const allowed = {
      svg: ["width", "height", "viewbox"],
      path: ["d"],
      line: ["x1", "y1", "x2", "y2", "stroke-width"],
    };
    for (const attribute of Array.from(svg.attributes)) {
      const name = attribute.name.toLowerCase();
      assert.ok(
        (allowed[svg.localName as keyof typeof allowed] ?? []).includes(name) || name === "preserveaspectratio",
        `${svg.localName} ${name}`,
      );
    }
  }
});

test("hand-written math styles, SVG and aria-hidden are held to what KaTeX writes", () => {
  const fragment = sanitizer.sanitizeToFragment(
    '<span id="a" data-math-style="position:fixed;top:0">a</span>' +
      '<span id="b" data-math-style="height:1em;background:url(https://example.invalid/)">b</span>' +
      '<span id="c" data-math-style="HEIGHT: 2EM ; vertical-align:-0.5em">c</span>' +
      '<div id="d" data-math-style="height:1em" aria-hidden="true">d</div>' +
      '<span id="e" aria-hidden="false" data-other="1">e</span>' +
      '<span><svg width="1em" style="position:fixed" onload="alert(1)"><path d="M0 0" fill="url(#x)"/>' +
      '<a href="javascript:alert(1)"><line x1="0"/></a><text>t</text><use href="#x"/><image href="x.png"/>' +
      '<svg><path d="M1 1"/></svg></svg></span>' +
      '<p><svg><path d="M2 2"/></svg></p>',
  );
  const attributes = (id: string) =>
    Array.from(
      fragment.querySelector(`#${NAMED_PROPERTY_PREFIX}${id}`)!.attributes,
      (a) => `${a.name}=${a.value}`,
    ).sort();
  assert.deepEqual(attributes("a"), [`id=${NAMED_PROPERTY_PREFIX}a`]);
  assert.deepEqual(attributes("b"), [`id=${NAMED_PROPERTY_PREFIX}b`]);
  assert.deepEqual(attributes("c"), [
    "data-math-style=height:2em;vertical-align:-0.5em",
    `id=${NAMED_PROPERTY_PREFIX}c`,
  ]);
  assert.deepEqual(attributes("d"), [`id=${NAMED_PROPERTY_PREFIX}d`]);
  assert.deepEqual(attributes("e"), [`id=${NAMED_PROPERTY_PREFIX}e`]);
  // The svg in a span stays with its path; everything else SVG is gone.
  const shapes = Array.from(fragment.querySelectorAll("svg, path, line, a, text, use, image"), (e) => {
    const attrs = Array.from(e.attributes, (a) => `${a.name}=${a.value}`).join(",");
    return `${e.parentElement?.localName}>${e.localName}[${attrs}]`;
  });
  assert.deepEqual(shapes, ["span>svg[width=1em]", "svg>path[d=M0 0]"]);
});
