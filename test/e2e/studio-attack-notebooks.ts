// Hostile notebooks and file names for the studio's attack tests. Each payload, if it ever ran in the app's
// page, would set the marker of hostile-marker.ts (or call alert/print/fetch), which the instrumented page records.
import { readFileSync } from "node:fs";
import type { JsonObject } from "../../src/notebook/types.ts";
import { png } from "../png-fixture.ts";
import { markScript } from "./hostile-marker.ts";

const DOMPURIFY_EXPECT = new URL("../../../shared/corpus/xss/dompurify-expect.json", import.meta.url).pathname;

/** Code that marks the page; no comma, quote, space or angle bracket, so it fits every place below as it is. */
export const MARK = markScript();

function markdownCell(id: string, source: string, extra: JsonObject = {}): JsonObject {
  return { cell_type: "markdown", id, metadata: {}, source, ...extra };
}

function notebook(cells: JsonObject[], metadata: JsonObject = {}): JsonObject {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" }, ...metadata },
    cells,
  };
}

/** Every payload of DOMPurify's own fixture set, one markdown cell each. */
export function dompurifyVectorsNotebook(): { notebook: JsonObject; count: number } {
  const vectors = JSON.parse(readFileSync(DOMPURIFY_EXPECT, "utf8")) as { payload: string }[];
  return { notebook: notebook(vectors.map((v, i) => markdownCell(`v${i}`, v.payload))), count: vectors.length };
}

const PNG_BASE64 = png(8, 8).toString("base64");
const SVG_SCRIPT = `<svg xmlns="http://www.w3.org/2000/svg" onload="${MARK}"><script>${MARK}</script><rect width="8" height="8"/></svg>`;

/** Vectors of our own in each place a notebook carries text that the studio shows. */
export function ownVectorsNotebook(): JsonObject {
  const markdown = [
    `<img src=x onerror=${MARK}>`,
    `<svg><animate onbegin=${MARK} attributeName=x dur=1s>`,
    `<a href="javascript:${MARK}">js link</a> <a href="JaVaScRiPt&colon;${MARK}">entity js link</a> <a href="&#x6a;avascript:${MARK}">hex js link</a>`,
    `[md js link](javascript:${MARK}) [md data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) [vbscript](vbscript:msgbox)`,
    `<noscript><p title="</noscript><img src=x onerror=${MARK}>">`,
    `<form><math><mtext></form><form><mglyph><style></math><img src onerror=${MARK}>`,
    `<iframe src="javascript:${MARK}"></iframe><embed src="javascript:${MARK}"><object data="javascript:${MARK}"></object>`,
    `<input autofocus onfocus=${MARK}><select autofocus onfocus=${MARK}></select><textarea autofocus onfocus=${MARK}></textarea>`,
    `<details open ontoggle=${MARK}><summary>s</summary>d</details><video><source onerror=${MARK}></video><audio src=x onerror=${MARK}>`,
    `<a id="vt-main" name="csrfToken">clobber</a><form name="fetch"></form><img name="alert"><img id="root">`,
    `$$\\href{javascript:${MARK}}{x}$$ and $\\htmlClass{x}{y}$ $\\url{javascript:${MARK}}$`,
    "```html\n<script>" + MARK + "</script>\n```",
    `<div data-pwned="x" onmouseover=${MARK} class="vt-app-header">hover me</div>`,
    `<img src="attachment:evil.svg" alt="svg attachment"> ![png attachment](attachment:good.png) <img src="attachment:page.html"> ![quoted](attachment:x%22%20onerror=%22${MARK}) <img src="attachment:missing.png">`,
  ];
  const attachments: JsonObject = {
    "good.png": { "image/png": PNG_BASE64 },
    "evil.svg": { "image/svg+xml": Buffer.from(SVG_SCRIPT).toString("base64") },
    "page.html": { "text/html": Buffer.from(`<script>${MARK}</script>`).toString("base64") },
    [`x" onerror="${MARK}`]: { [`image/png" onerror="${MARK}`]: PNG_BASE64 },
  };
  return notebook(
    [
      ...markdown.map((source, i) => markdownCell(`md-${i}`, source, i === markdown.length - 1 ? { attachments } : {})),
      {
        cell_type: "code",
        id: "meta",
        execution_count: 1,
        metadata: {
          tags: [
            `<img src=x onerror=${MARK}>`,
            `javascript:${MARK}`,
            `' onmouseover='${MARK}' x='`,
            `{{constructor.constructor('${MARK}')()}}`,
          ],
          name: `<script>${MARK}</script>`,
          title: `<img src=x onerror=${MARK}>`,
          slideshow: { slide_type: `"><svg onload=${MARK}>` },
          [`<img src=x onerror=${MARK}>`]: `<script>${MARK}</script>`,
          jupyter: { outputs_hidden: false },
        },
        source: `print("<img src=x onerror=${MARK}>")`,
        outputs: [
          {
            output_type: "display_data",
            metadata: { [`text/<img src=x onerror=${MARK}>`]: { isolated: true } },
            data: {
              [`text/<img src=x onerror=${MARK}>`]: `<script>${MARK}</script>`,
              [`application/x-"><svg onload=${MARK}>`]: `<img src=x onerror=${MARK}>`,
            },
          },
          {
            output_type: "execute_result",
            execution_count: 1,
            metadata: {},
            data: { [`image/<svg onload=${MARK}>`]: PNG_BASE64, "text/plain": `<img src=x onerror=${MARK}>` },
          },
          {
            output_type: "stream",
            name: "stderr",
            text: `\u001b[31m<script>${MARK}</script>\u001b[0m\r<img src=x onerror=${MARK}>\n`,
          },
        ],
      },
      { cell_type: "raw", id: "raw", metadata: { format: "text/html" }, source: `<img src=x onerror=${MARK}>` },
    ],
    {
      title: `</title><script>${MARK}</script>`,
      authors: [{ name: `<img src=x onerror=${MARK}>` }],
      language_info: { name: `python"><img src=x onerror=${MARK}>`, pygments_lexer: `<script>${MARK}</script>` },
    },
  );
}

/**
 * Names a person may upload (the server forbids < > : " | ? *), each a payload for a page that would insert the
 * name as markup, decode it first, or treat it as a template or a URL.
 */
export const HOSTILE_FILE_NAMES = [
  `x' onmouseover='${MARK}' y='.ipynb`,
  `&lt;img src=x onerror=${MARK}&gt;.ipynb`,
  `%3Cimg src=x onerror=${MARK}%3E.ipynb`,
  `javascript&#58;${MARK}.ipynb`,
  `{{constructor.constructor('${MARK}')()}}.ipynb`,
  `\${${MARK}}.ipynb`,
  `nested/%2e%2e%2f%2e%2e%2f#${MARK}.ipynb`,
];

/** A notebook whose images and links point at the studio's own API: signing out, trashing a file, changing a member. */
export function apiTargetsNotebook(app: string, workspace: string, target: string, member: string): JsonObject {
  const api = `/api/workspaces/${workspace}`;
  const urls = [
    `/api/session`,
    `${api}/files/${target}`,
    `${api}/members/${member}`,
    `${api}/trash/1/restore`,
    `${app}/api/session`,
    `${app}${api}/files/${target}?_method=DELETE`,
  ];
  const formHtml = `<form id="f" method="post" action="${app}${api}/members/${member}"><input name="role" value="owner"></form><img src="${app}/api/session"><script>try { document.getElementById('f').submit(); } catch (e) {} fetch('${app}/api/session', { method: 'DELETE', credentials: 'include' }).catch(() => {});</script>`;
  return notebook([
    markdownCell(
      "images",
      urls.map((u, i) => `![api image ${i}](${u}) <img src="${u}" alt="api img ${i}">`).join("\n\n"),
    ),
    markdownCell("links", urls.map((u, i) => `[api link ${i}](${u})`).join(" · ")),
    {
      cell_type: "code",
      id: "frame",
      execution_count: 1,
      metadata: {},
      source: "HTML(...)",
      outputs: [
        {
          output_type: "display_data",
          metadata: {},
          data: {
            "text/html": `${formHtml}<p><a href="${app}/api/session">frame api link</a></p>`,
            "text/plain": "<HTML>",
          },
        },
      ],
    },
  ]);
}

/** Markdown that tries to cover, move or restyle the studio's own controls. */
export function overlayNotebook(): JsonObject {
  const attempts = [
    `<div style="position:fixed;top:0;left:0;width:100vw;height:100vh;z-index:2147483647;background:red">FIXED OVERLAY</div>`,
    `<div style="margin-top:-5000px;margin-left:-5000px;height:10000px;width:10000px;background:red">NEGATIVE MARGINS</div>`,
    `<style>.vt-app-header button{display:none!important} *{position:fixed!important;top:0!important}</style><p>style element</p>`,
    `<link rel="stylesheet" href="data:text/css,button{visibility:hidden}"><p>link element</p>`,
    `<details open><summary>open details</summary><div style="position:absolute;top:-2000px;height:4000px;width:4000px;background:red">absolute in details</div></details>`,
    `<details open><summary>deep</summary>${"<details open><summary>nest</summary>".repeat(40)}${"</details>".repeat(40)}</details>`,
    `<img src="data:image/png;base64,${PNG_BASE64}" width="20000" height="20000" alt="huge image">`,
    `<table width="20000" height="20000"><tr><td>huge table</td></tr></table>`,
    `<h1 class="vt-app-header vt-skip vt-dialog" id="vt-main">borrowed classes and id</h1>`,
    `<pre>${"W".repeat(20000)}</pre>`,
    `<a href="#vt-main" id="vt-main">anchor to the page's main</a><p dir="rtl">‮ reversed text</p>`,
    `$$\\rule{20000px}{20000px}$$`,
    `<math display="block"><mspace width="20000px" height="20000px" style="position:fixed"></mspace></math>`,
  ];
  return notebook(
    attempts.map((source, i) =>
      markdownCell(`overlay-${i}`, `${source}\n\n[example link ${i}](https://example.org/${i})`),
    ),
  );
}

/**
 * Two outputs that try to wear the page down for `seconds`: one floods the page's window with messages (fake
 * protocol messages with big bodies); the other keeps claiming a height of tens of millions of pixels through the
 * real protocol and clicks its own link over and over (each click would ask the page to open it). Both start after
 * the shell has taken the document over (a click before that would navigate the frame, which the page answers by
 * closing it: a different defence).
 */
export function floodNotebook(seconds: number): JsonObject {
  const messages = `
const end = Date.now() + ${seconds * 1000};
const big = 'x'.repeat(200000);
function flood() {
  for (let i = 0; i < 50; i++) {
    parent.postMessage({ type: 'height', height: 1e9, pad: big }, '*');
    parent.postMessage({ type: 'link', href: 'https://example.org/' + i }, '*');
    parent.postMessage({ type: 'vitrine-frame-connect/1' }, '*');
  }
  if (Date.now() < end) setTimeout(flood, 0);
}
setTimeout(flood, 100);`;
  const heights = `
const end = Date.now() + ${seconds * 1000};
const link = document.createElement('a');
link.href = 'https://example.org/flood';
link.textContent = 'flood link';
document.body.appendChild(link);
let n = 0;
function grow() {
  for (let i = 0; i < 20; i++) link.click();
  document.body.style.height = (n++ % 2 ? 50000000 : 60000000) + 'px';
  if (Date.now() < end) setTimeout(grow, 0);
  else document.body.setAttribute('data-flood-done', String(Date.now()));
}
setTimeout(grow, 100);`;
  const output = (id: string, script: string) => ({
    cell_type: "code",
    id,
    execution_count: 1,
    metadata: {},
    source: "HTML(...)",
    outputs: [
      {
        output_type: "display_data",
        metadata: {},
        data: { "text/html": `<p>${id}</p><script>${script}</script>`, "text/plain": "<HTML>" },
      },
    ],
  });
  return notebook([
    markdownCell("intro", "# Flood\n\n[the example link](https://example.org/page)"),
    output("messages", messages),
    output("heights", heights),
    markdownCell("after", "Text after the flood.\n\n[the second link](https://example.org/second)"),
  ]);
}

/**
 * An output that tries to take the shell's port to the page: it replaces MessagePort.prototype.postMessage (to be
 * handed the port when the shell next reports its height) and every other way it has, then sends "link" requests
 * of its own, all the time, and clicks its own link; the test then clicks in the output like a person.
 */
export function forgedLinksNotebook(): JsonObject {
  const script = `
let stolen = null;
const original = MessagePort.prototype.postMessage;
MessagePort.prototype.postMessage = function (message, transfer) { stolen = this; return original.call(this, message, transfer); };
Element.prototype.closest = function () { return document.getElementById('real'); };
document.body.style.minHeight = '300px';
document.body.appendChild(document.createElement('div')).style.height = '10px';
setInterval(() => {
  if (stolen) original.call(stolen, { type: 'link', href: 'https://forged.example/stolen-port' });
  document.getElementById('own').click();
  document.body.setAttribute('data-port', stolen ? 'stolen' : 'not stolen');
}, 20);`;
  return notebook([
    markdownCell("intro", "# Forged links"),
    {
      cell_type: "code",
      id: "forger",
      execution_count: 1,
      metadata: {},
      source: "HTML(...)",
      outputs: [
        {
          output_type: "display_data",
          metadata: {},
          data: {
            "text/html": `<p id=plain>Plain text to click on.</p><p><a id=own href="https://forged.example/own-click">its own link</a> <a id=real href="https://example.org/real">a real link</a></p><script>${script}</script>`,
            "text/plain": "<HTML>",
          },
        },
      ],
    },
  ]);
}
