// Cells for the editor's live attack tests: Python that, when run on a real kernel, displays hostile HTML,
// JavaScript, SVG, Markdown and LaTeX built from DOMPurify's fixture vectors (/work/shared/corpus/xss), updates
// displays and clears outputs with hostile payloads, tries every way out of its frame, and floods the page with
// updates. The vectors reach the kernel as one JSON string literal in the cell's source, so no byte of them is
// read as Python.
import { readFileSync } from "node:fs";
import { markScript } from "./hostile-marker.ts";

const DOMPURIFY_EXPECT = new URL("../../../shared/corpus/xss/dompurify-expect.json", import.meta.url).pathname;

/**
 * What a vector runs in place of its `alert(...)`: it marks its own document with data-ran (so a test sees that
 * script did run, in the frame) and then tries to mark the app's page through its parent. No quote, comma or
 * space, so it fits every place the vectors put their alert.
 */
export const FRAME_MARK = `document.documentElement.dataset.ran=1;parent.${markScript()}`;

/** DOMPurify's fixture payloads, each `alert(...)` replaced by FRAME_MARK. */
export function xssVectors(): string[] {
  const vectors = JSON.parse(readFileSync(DOMPURIFY_EXPECT, "utf8")) as { payload: string }[];
  return vectors.map((v) => v.payload.replace(/alert\s*\([^)]*\)/g, FRAME_MARK));
}

/** A Python expression that evaluates to the value, read from a JSON string literal (valid Python as it is). */
export function pythonJson(value: unknown): string {
  return `json.loads(${JSON.stringify(JSON.stringify(value))})`;
}

/** Defines V (the vectors) and the helpers the other cells use. */
export function vectorsCell(vectors: string[]): string {
  return [
    "import json",
    "from IPython.display import display, clear_output, HTML, Javascript, Markdown, Latex",
    `V = ${pythonJson(vectors)}`,
    "def chunks(items, size):",
    "    return [items[i:i + size] for i in range(0, len(items), size)]",
    "def html_of(chunk):",
    "    return ''.join('<div class=\"v\">' + v + '</div>' for v in chunk)",
    "print(len(V), 'vectors')",
  ].join("\n");
}

/** LaTeX that KaTeX would turn into script-capable markup if it trusted its input. */
export const LATEX_VECTORS = [
  `$$\\href{javascript:${FRAME_MARK}}{href}$$`,
  `$\\url{javascript:${FRAME_MARK}}$`,
  `$$\\htmlClass{x}{y} \\htmlId{vt-main}{z} \\htmlStyle{position:fixed}{w} \\htmlData{x=1}{d}$$`,
  `\\begin{equation}\\includegraphics{javascript:${FRAME_MARK}}\\end{equation}`,
  `$x$ <img src=x onerror=${FRAME_MARK}> <script>${FRAME_MARK}</script>`,
];

/** An SVG document around some markup: its own handlers and script, and a foreignObject carrying HTML. */
export function svgDocument(inner: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" onload="${FRAME_MARK}">` +
    `<script>${FRAME_MARK}</script><animate onbegin="${FRAME_MARK}" attributeName="x" dur="1s"/>` +
    `<foreignObject width="100" height="30"><body xmlns="http://www.w3.org/1999/xhtml">${inner}</body></foreignObject>` +
    `<text x="2" y="15">svg</text></svg>`
  );
}

/**
 * A script for an output frame that tries, every way it has, to read the editor's text (where another cell holds
 * `secret`), to make a cell run (a window message to the page, the kernel socket, the API), and to move the page
 * elsewhere. What happened to each attempt goes into its own document's data-escape-results.
 */
export function editorEscapeScript(options: { app: string; workspace: string; file: string; secret: string }): string {
  const { app, workspace, file, secret } = options;
  const socket = `${app.replace(/^http/, "ws")}/api/kernels/socket?ws=${encodeURIComponent(workspace)}`;
  const editUrl = `${app}/w/${workspace}/f/${encodeURIComponent(file)}?edit=1`;
  return `(async () => {
  const results = {};
  const attempt = async (name, fn) => { try { results[name] = 'allowed:' + String(await fn()).slice(0, 200); } catch (e) { results[name] = 'blocked:' + (e && e.name); } };
  await attempt('parentText', () => parent.document.body.innerText.includes(${JSON.stringify(secret)}));
  await attempt('topEditor', () => top.document.querySelector('.cm-content').textContent);
  await attempt('siblingFrames', () => { const seen = []; for (let i = 0; i < parent.frames.length; i++) { if (parent.frames[i] !== window) seen.push(parent.frames[i].document.body.innerText); } return seen.join('|'); });
  await attempt('opener', () => { if (!opener) throw new Error('no opener'); return opener.document.title; });
  await attempt('pageMessage', () => { parent.postMessage({ type: 'execute', cellId: 'secret', source: 'SECRET_RAN = 1' }, '*'); parent.postMessage({ type: 'run', cell: 'secret' }, '*'); return 'posted'; });
  await attempt('webSocket', () => new Promise((ok, fail) => {
    const ws = new WebSocket(${JSON.stringify(socket)});
    ws.onopen = () => { ws.send(JSON.stringify({ type: 'hello', csrf: 'guess' })); ok('open'); };
    ws.onerror = () => fail(Object.assign(new Error('socket'), { name: 'SocketError' }));
    setTimeout(() => fail(Object.assign(new Error('socket'), { name: 'NoAnswer' })), 3000);
  }));
  await attempt('fetchApi', async () => (await fetch(${JSON.stringify(`${app}/api/session`)}, { credentials: 'include' })).status);
  await attempt('beacon', () => navigator.sendBeacon(${JSON.stringify(`${app}/api/workspaces/${workspace}/kernels`)}, 'x') ? 'queued' : (() => { throw Object.assign(new Error('beacon'), { name: 'Refused' }); })());
  await attempt('windowOpen', () => { const w = window.open(${JSON.stringify(editUrl)}); if (!w) throw Object.assign(new Error('no window'), { name: 'NoWindow' }); return 'opened'; });
  await attempt('topNavigation', () => { top.location.href = ${JSON.stringify(editUrl)}; return 'navigated'; });
  await attempt('topHistory', () => { top.history.back(); return 'went back'; });
  await attempt('formToTop', () => { const f = document.createElement('form'); f.method = 'post'; f.target = '_top'; f.action = ${JSON.stringify(`${app}/api/workspaces/${workspace}/kernels`)}; document.body.appendChild(f); f.submit(); return 'submitted'; });
  document.body.setAttribute('data-escape-results', JSON.stringify(results));
})();`;
}

/**
 * A cell that floods the page for `seconds`: a text display updated at every turn of a tight loop (thousands of
 * times a second), an HTML display with a hostile payload updated every 200 turns, and a counter printed with
 * "\r" every 10 turns (the run's whole output stays under the server's cap of 8 MiB a run). It prints how many turns it made when it ends.
 */
export function floodCell(seconds: number): string {
  return [
    "import time, sys",
    "from IPython.display import display, HTML",
    "counter = display('0', display_id=True)",
    "page = display(HTML('<b>0</b>'), display_id=True)",
    `end = time.time() + ${seconds}`,
    "i = 0",
    "while time.time() < end:",
    "    i += 1",
    "    counter.update(str(i))",
    "    if i % 200 == 0:",
    `        page.update(HTML(f'<b>{i}</b><img src=x onerror=${FRAME_MARK}>'))`,
    "    if i % 10 == 0:",
    "        print(f'\\r{i}', end='')",
    "print(f'\\nflood done after {i} updates')",
  ].join("\n");
}
