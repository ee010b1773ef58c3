// Benchmark (not a test): the notebook editor (`/w/{ws}/f/{path}?edit=1`) in Debian's Chromium on a generated
// 1,000-cell analysis notebook (markdown between code cells, about half of the code cells with stored outputs: text,
// results and DataFrame-like HTML tables), against a real `vitrine serve` in a process of its own on loopback, with a
// python3 kernel started for the notebook before the page opens (the page joins it, as it joins a running kernel).
// Also the open time of the largest corpus notebook the studio accepts. Every figure below is measured in the page
// by a small script installed before the page's own (page.addInitScript), and read once the page is done.
//
//  - Open: from navigation start to the end of the frame that first shows the top of the notebook with live
//    editors: every cell meeting the viewport is in the DOM, each code cell among them has its CodeMirror editor
//    (the shadow root's .cm-content), each rendered markdown cell its markup and each cell with outputs its output
//    elements (an HTML output's frame element, not the frame's document). The editor has no performance mark of its
//    own, so the script checks this once per frame (requestAnimationFrame) and the "end of the frame" is a
//    MessageChannel task posted from that rAF callback, which runs after the frame's style, layout, paint and
//    commit to the compositor. Also to the end of the frame with all the notebook's cells in the DOM.
//  - Keypress to paint: keys typed (CDP key events, one every KEY_INTERVAL_MS ms, as a fast typist) at the end of a
//    code cell near the top and one near the bottom (scrolled to). For each key, from the keydown event's timeStamp
//    (when the browser made the input event, before it reached the page's thread) to the end of the first frame
//    whose rAF callback sees the character in the editor's text (.cm-content), by the same rAF + MessageChannel
//    end. The Event Timing API is not used: its durations are rounded to 8 ms and entries under 16 ms are not
//    reported, which is the range to tell apart here. In headless Chromium with --disable-gpu the compositor
//    rasters in software on its own thread after the commit: that last step, the same for every page, is not in
//    the figure. Also the whole notebook scrolled from top to bottom by a fixed step per frame: frame intervals,
//    and long tasks (PerformanceObserver 'longtask', over 50 ms) while it scrolls.
//  - Run to first output: Ctrl-Enter on a `1 + 1` cell (the kernel started and warm), from the keydown's timeStamp
//    to its result's text in the DOM (a MutationObserver on the cell; a new output element holding "2") and to the
//    end of the frame that shows it. Against, in the same run and on the same kernel: the kernel socket's round trip
//    from Node (bench/kernel-socket-client.ts, send to done, bench:kernel's figure) and a WebSocket opened by the
//    page itself (send to the first output and to done), which tells the browser's part from the server's.
//   npm run bench:edit   (RUNS=3 KEYS=150 RUN_COUNT=20 WARMUP=3 KEY_INTERVAL_MS=50 CELLS=1000 by default;
//                         PROFILE_DIR=dir writes a Chromium trace of each part: open, typing, scroll, runs)
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type CDPSession, type Page } from "playwright-core";
import { KERNEL_SOCKET_PATH } from "../src/contract/kernel-socket.ts";
import { parseNotebook } from "../src/notebook/parse.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../test/e2e/browser.ts";
import { freePort, signInThroughPage } from "../test/e2e/running-studio.ts";
import {
  BENCH_PASSWORD,
  BENCH_USER,
  KernelSocketPage,
  startStudio,
  stopStudio,
  type Studio,
} from "./kernel-socket-client.ts";
import { median } from "./processes.ts";
import { upload } from "./studio-session.ts";

const corpus = fileURLToPath(new URL("../../shared/corpus/notebooks/", import.meta.url));
const RUNS = Math.max(1, Number(process.env.RUNS ?? 3));
const KEYS = Math.max(1, Number(process.env.KEYS ?? 150));
const RUN_COUNT = Math.max(1, Number(process.env.RUN_COUNT ?? 20));
const WARMUP = Math.max(0, Number(process.env.WARMUP ?? 3));
const KEY_INTERVAL_MS = Math.max(0, Number(process.env.KEY_INTERVAL_MS ?? 50));
const CELLS = Math.max(20, Number(process.env.CELLS ?? 1000));
const PROFILE_DIR = process.env.PROFILE_DIR;
const VIEWPORT = { width: 1200, height: 900 };
const NOTEBOOK = "analysis.ipynb";
/** Cells the benchmark acts on: typed into near the top and near the bottom, and run. */
const TOP_CELL = "type-top";
const BOTTOM_CELL = "type-bottom";
const RUN_CELL = "run-one";
const TYPING_TARGET_MS = 16;
const work = mkdtempSync(join(tmpdir(), "vitrine-bench-edit-"));

// ---- the notebook ---------------------------------------------------------------------------------------------

/** A DataFrame's HTML as pandas writes it, `rows` rows of four columns. */
function dataFrameHtml(seed: number, rows: number): string {
  const body = Array.from(
    { length: rows },
    (_, r) =>
      `<tr><th>${r}</th>${[1, 2, 3, 4].map((c) => `<td>${((seed * 31 + r * 7 + c * 13) % 997) / 10}</td>`).join("")}</tr>`,
  ).join("\n");
  return `<div><table border="1" class="dataframe"><thead><tr style="text-align: right;"><th></th><th>a</th><th>b</th><th>c</th><th>d</th></tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/**
 * A long analysis notebook of `count` cells: a markdown cell (headings, prose, lists, some inline maths and links)
 * before every four code cells; the code cells are 3 to 10 lines, and of every four, one printed lines, one has a
 * result, one has a DataFrame (HTML and text) and one has no output. Three cells are the benchmark's own: one to
 * type into near the top, one to run (`1 + 1`, no output) and one to type into near the bottom.
 */
function analysisNotebook(count: number): string {
  const cells: object[] = [];
  for (let i = 0; i < count; i++) {
    const id = i === 3 ? TOP_CELL : i === 6 ? RUN_CELL : i === count - 8 ? BOTTOM_CELL : `c${i}`;
    if (id === RUN_CELL) {
      cells.push({ cell_type: "code", id, metadata: {}, execution_count: null, source: "1 + 1", outputs: [] });
      continue;
    }
    if (i % 5 === 0) {
      const section = i / 5;
      cells.push({
        cell_type: "markdown",
        id,
        metadata: {},
        source: [
          `## ${section}. Group ${section % 7} by quarter\n`,
          "\n",
          `The rows of group ${section % 7} are filtered, summarised and compared with the previous quarter. `,
          `The variance $\\sigma^2_{${section}}$ is reported beside the mean; see [the method](https://example.org/method-${section}).\n`,
          "\n",
          "- drop rows with missing values\n",
          "- **normalise** each column to the first quarter\n",
          "- keep the outliers, marked\n",
        ],
      });
      continue;
    }
    const lines = 3 + (i % 8);
    const source = [
      `df_${i} = data[data["group"] == ${i % 7}].dropna()`,
      `summary_${i} = df_${i}.describe()`,
      ...Array.from(
        { length: lines - 3 },
        (_, k) => `df_${i}["x${k}"] = df_${i}["a"] * ${k + 1} + df_${i}["b"]  # step ${k}`,
      ),
      i === count - 8 ? "# notes: " : `summary_${i}`,
    ].join("\n");
    const kind = i % 4;
    const outputs =
      kind === 0
        ? [
            {
              output_type: "stream",
              name: "stdout",
              text: Array.from({ length: 8 }, (_, k) => `quarter ${k}: mean ${(i * k) % 97}.${k}, n=${100 + k}\n`),
            },
          ]
        : kind === 1
          ? [
              {
                output_type: "execute_result",
                execution_count: i,
                metadata: {},
                data: { "text/plain": [`[${Array.from({ length: 12 }, (_, k) => (i * k) % 101).join(", ")}]`] },
              },
            ]
          : kind === 2 && i % 3 === 0
            ? [
                {
                  output_type: "execute_result",
                  execution_count: i,
                  metadata: {},
                  data: {
                    "text/html": [dataFrameHtml(i, 10)],
                    "text/plain": [`<DataFrame ${i}: 10 rows x 4 columns>`],
                  },
                },
              ]
            : [];
    cells.push({
      cell_type: "code",
      id,
      metadata: {},
      execution_count: outputs.length > 0 ? i : null,
      source: id === TOP_CELL ? `${source}\n# notes: ` : source,
      outputs,
    });
  }
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    cells,
  });
}

/** The largest corpus notebook the studio accepts, with its cell count. */
function largestCorpusNotebook(): { name: string; bytes: Uint8Array<ArrayBuffer>; cells: number } | undefined {
  const names = readdirSync(corpus)
    .filter((n) => n.endsWith(".ipynb"))
    .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(corpus, name))) }))
    .sort((a, b) => b.bytes.length - a.bytes.length);
  for (const { name, bytes } of names) {
    try {
      return { name, bytes, cells: parseNotebook(bytes, { file: name }).notebook.cells.length };
    } catch {
      continue;
    }
  }
  return undefined;
}

// ---- in the page ----------------------------------------------------------------------------------------------

interface Key {
  ms: number;
  frames: number;
  /** From the start of the frame that showed it (its rAF time) to its end. */
  frameMs: number;
}

interface BenchState {
  /** Set by the page script: ends of the frames that showed the first screen and all cells. */
  firstScreen?: number;
  allCells?: number;
  /** The keys typed while a watch was on: keydown to painted (ms), and the frame that showed it (1: the next). */
  keys: Key[];
  keyWatch?: string;
  runs: { dom: number; painted: number }[];
  runWatch?: string;
  longTasks: { start: number; duration: number }[];
}

/**
 * The script installed before the page's own. It must not hold the page's thread: one rAF check per frame until the
 * notebook is drawn, a listener that only reads timeStamps, and a MutationObserver on one cell while a run is
 * watched.
 */
function pageScript(expectedCells: number): void {
  const state: BenchState = { keys: [], runs: [], longTasks: [] };
  (window as unknown as { __bench: BenchState }).__bench = state;
  /** Calls `then` with the time at the end of the frame being made (from inside a rAF callback). */
  const afterFrame = (then: (t: number) => void) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => then(performance.now());
    channel.port2.postMessage(0);
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) state.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: "longtask", buffered: true });

  const cellIsDrawn = (cell: Element): boolean => {
    if (cell.querySelector(".vt-ed-static")) return false; // highlighted text waiting for its editor
    const cm = cell.querySelector(".vt-ed-cm");
    const rendered = cell.querySelector(".vt-ed-rendered");
    if (rendered && rendered.childElementCount === 0) return false;
    if (!rendered && !cm?.shadowRoot?.querySelector(".cm-content")) return false;
    const outputs = cell.querySelector(".vt-ed-outputs");
    return !outputs || outputs.childElementCount > 0;
  };
  const firstScreenDrawn = (cells: NodeListOf<Element>): boolean => {
    if (cells.length === 0) return false;
    for (const cell of cells) {
      const box = cell.getBoundingClientRect();
      if (box.top >= innerHeight) return true;
      if (box.bottom > 0 && !cellIsDrawn(cell)) return false;
    }
    return cells.length >= expectedCells;
  };
  const check = () => {
    const cells = document.querySelectorAll(".vt-ed-cell");
    if (state.allCells === undefined && cells.length >= expectedCells) {
      state.allCells = -1;
      afterFrame((t) => (state.allCells = t));
    }
    if (state.firstScreen === undefined && firstScreenDrawn(cells)) {
      state.firstScreen = -1;
      afterFrame((t) => (state.firstScreen = t));
    }
    if (state.firstScreen === undefined || state.allCells === undefined) requestAnimationFrame(check);
  };
  requestAnimationFrame(check);

  const content = (cellId: string) =>
    document.querySelector(`.vt-ed-cell[data-cell-id="${cellId}"] .vt-ed-cm`)?.shadowRoot?.querySelector(".cm-content");
  addEventListener(
    "keydown",
    (event) => {
      if (state.keyWatch && event.key.length === 1 && !event.ctrlKey) {
        const t0 = event.timeStamp;
        const text = content(state.keyWatch)?.textContent ?? "";
        const expected = text + event.key;
        const cellId = state.keyWatch;
        let frames = 0;
        const frame = (start: number) => {
          frames++;
          if ((content(cellId)?.textContent ?? "").startsWith(expected))
            afterFrame((t) => state.keys.push({ ms: t - t0, frames, frameMs: t - start }));
          else requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      }
      if (state.runWatch && event.key === "Enter" && event.ctrlKey) {
        const t0 = event.timeStamp;
        const cell = document.querySelector(`.vt-ed-cell[data-cell-id="${state.runWatch}"]`)!;
        const before = new Set(cell.querySelectorAll(".vt-ed-outputs > *"));
        const observer = new MutationObserver(() => {
          const shown = [...cell.querySelectorAll(".vt-ed-outputs > *")].some(
            (e) => !before.has(e) && e.textContent?.includes("2"),
          );
          if (!shown) return;
          observer.disconnect();
          const dom = performance.now() - t0;
          requestAnimationFrame(() => afterFrame((t) => state.runs.push({ dom, painted: t - t0 })));
        });
        observer.observe(cell, { childList: true, subtree: true, characterData: true });
      }
    },
    { capture: true },
  );
}

/** Reads the page's bench state through the DevTools protocol (no script of Playwright's is injected for it). */
async function readState<T>(cdp: CDPSession, expression: string): Promise<T> {
  const { result, exceptionDetails } = await cdp.send("Runtime.evaluate", {
    expression,
    awaitPromise: true,
    returnByValue: true,
  });
  if (exceptionDetails)
    throw new Error(`reading the page failed: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
  return result.value as T;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (polling every 100 ms through CDP) until the page's open marks are set; answers them. */
async function openTimes(cdp: CDPSession): Promise<{ firstScreen: number; allCells: number }> {
  for (let i = 0; i < 600; i++) {
    const got = await readState<{ firstScreen?: number; allCells?: number } | null>(
      cdp,
      `window.__bench ? { firstScreen: __bench.firstScreen, allCells: __bench.allCells } : null`,
    );
    if (got && got.firstScreen !== undefined && got.firstScreen > 0 && got.allCells !== undefined && got.allCells > 0)
      return got as { firstScreen: number; allCells: number };
    await sleep(100);
  }
  throw new Error("the editor did not draw the notebook within a minute");
}

/** Opens a page on the editor and waits until it is drawn; the page and its open times. */
async function openEditor(context: BrowserContext, url: string, cells: number, name: string) {
  const page = await context.newPage();
  await page.addInitScript(pageScript, cells);
  const times = await profiled(context, page, `open-${name}`, async () => {
    await page.goto(`${url}?edit=1`, { waitUntil: "commit" });
    await sleep(1000);
    const cdp = await context.newCDPSession(page);
    return { cdp, ...(await openTimes(cdp)) };
  });
  return { page, ...times };
}

/** Types KEYS characters at the end of a cell; their latencies. */
async function typeInto(page: Page, cdp: CDPSession, cellId: string): Promise<Key[]> {
  const editor = page.locator(`.vt-ed-cell[data-cell-id="${cellId}"] .cm-content`);
  await page.locator(`.vt-ed-cell[data-cell-id="${cellId}"]`).scrollIntoViewIfNeeded();
  await editor.waitFor();
  await editor.click();
  await page.keyboard.press("Control+End");
  await sleep(200);
  await readState(cdp, `__bench.keys = []; __bench.keyWatch = ${JSON.stringify(cellId)}`);
  const letters = "abcdefghijklmnopqrstuvwxyz";
  for (let i = 0; i < KEYS; i++) {
    await page.keyboard.press(letters[i % letters.length]!);
    await sleep(KEY_INTERVAL_MS);
  }
  await sleep(200);
  const keys = await readState<Key[]>(cdp, `__bench.keyWatch = undefined; __bench.keys`);
  if (keys.length !== KEYS) throw new Error(`${keys.length} of ${KEYS} keys were seen painted in ${cellId}`);
  return keys;
}

interface Scroll {
  ms: number;
  frames: number;
  intervals: number[];
  longTasks: number;
  longTaskMs: number;
  longestTask: number;
}

/** Scrolls the notebook from the top to the bottom, a fixed step every frame. */
async function scrollThrough(cdp: CDPSession): Promise<Scroll> {
  return readState<Scroll>(
    cdp,
    `(async () => {
      scrollTo(0, 0);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const step = Math.round(innerHeight * 0.75);
      const start = performance.now();
      const intervals = [];
      let last = start;
      await new Promise((resolve) => {
        const frame = (t) => {
          intervals.push(t - last);
          last = t;
          if (scrollY + innerHeight >= document.documentElement.scrollHeight - 1) return resolve();
          scrollBy(0, step);
          requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      });
      const end = performance.now();
      const tasks = __bench.longTasks.filter((t) => t.start >= start && t.start < end);
      return {
        ms: end - start,
        frames: intervals.length,
        intervals: intervals.slice(1),
        longTasks: tasks.length,
        longTaskMs: tasks.reduce((s, t) => s + t.duration, 0),
        longestTask: Math.max(0, ...tasks.map((t) => t.duration)),
      };
    })()`,
  );
}

/** Runs the `1 + 1` cell with Ctrl-Enter `count` times after WARMUP; keydown to the result in the DOM and painted. */
async function runInPage(page: Page, cdp: CDPSession, count: number): Promise<{ dom: number; painted: number }[]> {
  const cell = page.locator(`.vt-ed-cell[data-cell-id="${RUN_CELL}"]`);
  await cell.scrollIntoViewIfNeeded();
  await cell.locator(".cm-content").click();
  await readState(cdp, `__bench.runs = []; __bench.runWatch = ${JSON.stringify(RUN_CELL)}`);
  for (let i = 0; i < WARMUP + count; i++) {
    const before = await readState<number>(cdp, `__bench.runs.length`);
    await page.keyboard.press("Control+Enter");
    for (let t = 0; ; t++) {
      if (t > 600) throw new Error("the run showed no output within a minute");
      await sleep(50);
      const now = await readState<{ runs: number; phase: string | null }>(
        cdp,
        `({ runs: __bench.runs.length, phase: document.querySelector('.vt-ed-cell[data-cell-id="${RUN_CELL}"] .vt-ed-run')?.getAttribute("data-run-phase") ?? null })`,
      );
      if (now.runs > before && now.phase === "done") break;
    }
    await sleep(100);
  }
  const runs = await readState<{ dom: number; painted: number }[]>(cdp, `__bench.runWatch = undefined; __bench.runs`);
  return runs.slice(WARMUP);
}

/** The kernel socket's round trip from inside the page: a WebSocket of its own, send to first output and to done. */
async function pageSocketRoundTrips(cdp: CDPSession, studio: Studio, count: number) {
  return readState<{ output: number[]; done: number[] }>(
    cdp,
    `(async () => {
      const { csrfToken } = await (await fetch("/api/session")).json();
      const socket = new WebSocket(${JSON.stringify(`${KERNEL_SOCKET_PATH}?ws=${studio.workspace}`)});
      let onMessage = () => {};
      socket.onmessage = (event) => onMessage(JSON.parse(event.data));
      await new Promise((resolve, reject) => { socket.onopen = resolve; socket.onerror = reject; });
      await new Promise((resolve) => { onMessage = (m) => m.type === "ready" && resolve(); socket.send(JSON.stringify({ type: "hello", csrf: csrfToken })); });
      const output = [], done = [];
      for (let i = 0; i < ${WARMUP} + ${count}; i++) {
        const id = "page" + i;
        const t0 = performance.now();
        let first;
        await new Promise((resolve, reject) => {
          onMessage = (m) => {
            if (m.id !== id) return;
            if (m.type === "error") reject(new Error(m.message));
            if (m.type === "output" && first === undefined) first = performance.now() - t0;
            if (m.type === "done") resolve();
          };
          socket.send(JSON.stringify({ type: "execute", id, kernel: ${JSON.stringify(studio.kernel)}, path: ${JSON.stringify(studio.notebook)}, cellId: ${JSON.stringify(studio.cellId)}, source: "1 + 1" }));
        });
        if (i >= ${WARMUP}) { output.push(first); done.push(performance.now() - t0); }
      }
      socket.close();
      return { output, done };
    })()`,
  );
}

/** The same round trip from Node, with bench:kernel's client: send to first output and to done. */
async function nodeRoundTrips(studio: Studio, count: number): Promise<{ output: number[]; done: number[] }> {
  const socket = await KernelSocketPage.open(studio);
  const times = { output: [] as number[], done: [] as number[] };
  for (let i = 0; i < WARMUP + count; i++) {
    const t0 = performance.now();
    const { done, result, firstOutputAt } = await socket.run(studio, `n${i}`, "1 + 1");
    const elapsed = performance.now() - t0;
    if (done?.status !== "ok" || result !== "2") throw new Error(`unexpected run: ${done?.status} ${String(result)}`);
    if (i >= WARMUP) {
      times.output.push((firstOutputAt ?? Number.NaN) - t0);
      times.done.push(elapsed);
    }
  }
  socket.close();
  return times;
}

/**
 * A Chromium trace (the DevTools timeline: tasks, style, layout, paint, scripts with their samples) of the browser
 * while `during` runs, written to PROFILE_DIR/name.json when that is set; open it in DevTools' Performance panel.
 */
async function profiled<T>(context: BrowserContext, page: Page, name: string, during: () => Promise<T>): Promise<T> {
  if (!PROFILE_DIR) return during();
  const cdp = await context.newCDPSession(page);
  const events: unknown[] = [];
  cdp.on("Tracing.dataCollected", ({ value }) => events.push(...value));
  const complete = new Promise<void>((resolve) => cdp.once("Tracing.tracingComplete", () => resolve()));
  await cdp.send("Tracing.start", {
    transferMode: "ReportEvents",
    traceConfig: {
      includedCategories: [
        "devtools.timeline",
        "disabled-by-default-devtools.timeline",
        "disabled-by-default-devtools.timeline.frame",
        "blink.user_timing",
        "v8.execute",
        "disabled-by-default-v8.cpu_profiler",
        "latencyInfo",
        "input",
      ],
    },
  });
  try {
    return await during();
  } finally {
    await cdp.send("Tracing.end");
    await complete;
    await cdp.detach();
    mkdirSync(PROFILE_DIR, { recursive: true });
    writeFileSync(join(PROFILE_DIR, `${name}.json`), JSON.stringify({ traceEvents: events }));
  }
}

// ---- the report -----------------------------------------------------------------------------------------------

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}
const f = (n: number, digits = 1) => n.toFixed(digits);
const spread = (values: number[]) => `${f(Math.min(...values))}–${f(Math.max(...values))}`;

async function main() {
  const [appPort, contentPort] = [await freePort(), await freePort()];
  const notebook = analysisNotebook(CELLS);
  const studio = await startStudio({
    dataDir: join(work, "data"),
    notebook: { path: NOTEBOOK, content: notebook, cellId: RUN_CELL },
    flags: {
      "app-url": `http://localhost:${appPort}`,
      "content-url": `http://127.0.0.1:${contentPort}`,
      "app-host": "localhost",
      "app-port": appPort,
      "content-host": "127.0.0.1",
      "content-port": contentPort,
      "url-check-requests-per-minute": 100_000,
    },
  });
  const real = largestCorpusNotebook();
  const session = {
    cookie: studio.cookie,
    csrf: studio.csrf,
    headers: { cookie: studio.cookie, "x-csrf-token": studio.csrf },
  };
  if (real) await upload(studio.url, session, studio.workspace, [{ path: real.name, content: real.bytes }]);
  const app = `http://localhost:${appPort}`;
  const profile = mkdtempSync(join(tmpdir(), "vitrine-bench-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    // Every host but the studio's two fails to resolve at once: nothing leaves the machine.
    args: [...CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"],
    headless: true,
    viewport: VIEWPORT,
  });
  const url = `${app}/w/${studio.workspace}/f/${NOTEBOOK}`;
  try {
    const signInPage = context.pages()[0] ?? (await context.newPage());
    await signInThroughPage(signInPage, app, BENCH_USER, BENCH_PASSWORD);
    await signInPage.close();
    console.log(
      `Editor benchmark: ${CELLS}-cell notebook (${f(notebook.length / 1024 / 1024, 2)} MB), Chromium ${CHROMIUM_PATH} headless ${VIEWPORT.width}×${VIEWPORT.height}, RUNS=${RUNS} KEYS=${KEYS} (every ${KEY_INTERVAL_MS} ms) RUN_COUNT=${RUN_COUNT} WARMUP=${WARMUP}`,
    );

    // A warm-up open: the bundles and the notebook come from a warm cache in the measured runs.
    const warm = await openEditor(context, url, CELLS, "warm");
    await warm.page.close();

    const opens: { firstScreen: number; allCells: number }[] = [];
    const top: number[][] = [];
    const bottom: number[][] = [];
    /** Keys shown in the frame right after their keydown, of all keys; the frames' own times. */
    let nextFrame = 0;
    const frameMs: number[] = [];
    const scrolls: Scroll[] = [];
    const pageRuns: { dom: number; painted: number }[] = [];
    const pageSocket = { output: [] as number[], done: [] as number[] };
    const node = { output: [] as number[], done: [] as number[] };
    for (let r = 0; r < RUNS; r++) {
      const { page, cdp, firstScreen, allCells } = await openEditor(context, url, CELLS, `generated-${r}`);
      opens.push({ firstScreen, allCells });
      for (const [cellId, into] of [
        [TOP_CELL, top],
        [BOTTOM_CELL, bottom],
      ] as const) {
        const keys = await profiled(context, page, `${cellId}-${r}`, () => typeInto(page, cdp, cellId));
        into.push(keys.map((k) => k.ms));
        nextFrame += keys.filter((k) => k.frames === 1).length;
        frameMs.push(...keys.map((k) => k.frameMs));
      }
      scrolls.push(await profiled(context, page, `scroll-${r}`, () => scrollThrough(cdp)));
      const before = await nodeRoundTrips(studio, Math.ceil(RUN_COUNT / 2));
      pageRuns.push(...(await profiled(context, page, `run-${r}`, () => runInPage(page, cdp, RUN_COUNT))));
      const socket = await pageSocketRoundTrips(cdp, studio, RUN_COUNT);
      const after = await nodeRoundTrips(studio, Math.floor(RUN_COUNT / 2));
      pageSocket.output.push(...socket.output);
      pageSocket.done.push(...socket.done);
      node.output.push(...before.output, ...after.output);
      node.done.push(...before.done, ...after.done);
      await cdp.detach();
      await page.close();
      console.log(
        `  run ${r + 1}: open ${f(firstScreen, 0)}/${f(allCells, 0)} ms; keys top p50 ${f(median(top.at(-1)!))} p95 ${f(percentile(top.at(-1)!, 0.95))}, bottom p50 ${f(median(bottom.at(-1)!))} p95 ${f(percentile(bottom.at(-1)!, 0.95))} ms; scroll ${f(scrolls.at(-1)!.ms, 0)} ms, ${scrolls.at(-1)!.longTasks} long tasks`,
      );
    }

    const realOpens: { firstScreen: number; allCells: number }[] = [];
    if (real) {
      const realUrl = `${app}/w/${studio.workspace}/f/${encodeURIComponent(real.name)}`;
      await (await openEditor(context, realUrl, real.cells, "warm")).page.close();
      for (let r = 0; r < RUNS; r++) {
        const opened = await openEditor(context, realUrl, real.cells, `corpus-${r}`);
        realOpens.push({ firstScreen: opened.firstScreen, allCells: opened.allCells });
        await opened.cdp.detach();
        await opened.page.close();
      }
    }

    const keys = [...top.flat(), ...bottom.flat()];
    const rows: [string, string, string][] = [];
    const row = (label: string, value: string, target = "") => rows.push([label, value, target]);
    row(
      `open ${CELLS} cells: first screen with live editors (median of ${RUNS})`,
      `${f(median(opens.map((o) => o.firstScreen)), 0)} ms`,
      `runs ${spread(opens.map((o) => o.firstScreen))}`,
    );
    row(
      `open ${CELLS} cells: all cells in the DOM`,
      `${f(median(opens.map((o) => o.allCells)), 0)} ms`,
      `runs ${spread(opens.map((o) => o.allCells))}`,
    );
    if (real)
      row(
        `open ${real.name} (${real.cells} cells, ${f(real.bytes.length / 1024 / 1024, 1)} MB): first screen / all`,
        `${f(median(realOpens.map((o) => o.firstScreen)), 0)} / ${f(median(realOpens.map((o) => o.allCells)), 0)} ms`,
        `runs ${spread(realOpens.map((o) => o.firstScreen))}`,
      );
    for (const [label, times] of [
      [`keypress to paint, cell 4 (top), ${top.flat().length} keys`, top.flat()],
      [`keypress to paint, cell ${CELLS - 7} (bottom), ${bottom.flat().length} keys`, bottom.flat()],
    ] as const)
      row(
        label,
        `p50 ${f(median(times))}, p95 ${f(percentile(times, 0.95))}, max ${f(Math.max(...times))} ms`,
        `p95 ≤ ${TYPING_TARGET_MS} ms: ${percentile(times, 0.95) <= TYPING_TARGET_MS ? "met" : "missed"}`,
      );
    const intervals = scrolls.flatMap((s) => s.intervals);
    row(
      `scroll top to bottom (${Math.round(VIEWPORT.height * 0.75)} px a frame)`,
      `${f(median(scrolls.map((s) => s.ms)), 0)} ms, ${f(median(scrolls.map((s) => s.frames)), 0)} frames, interval p50 ${f(median(intervals))} p95 ${f(percentile(intervals, 0.95))} max ${f(Math.max(...intervals))} ms`,
      `long tasks per scroll: ${scrolls.map((s) => `${s.longTasks} (${f(s.longTaskMs, 0)} ms, longest ${f(s.longestTask, 0)})`).join(", ")}`,
    );
    const rtt = median(node.done);
    const target = 1.5 * rtt + 10;
    const painted = median(pageRuns.map((r) => r.painted));
    row(
      `run \`1 + 1\` with Ctrl-Enter: keydown to output in the DOM / painted (${pageRuns.length} runs)`,
      `${f(median(pageRuns.map((r) => r.dom)))} / ${f(painted)} ms (p95 ${f(
        percentile(
          pageRuns.map((r) => r.painted),
          0.95,
        ),
      )})`,
      `≤ 1.5 × RTT + 10 = ${f(target)} ms: ${painted <= target ? "met" : "missed"} (${f(painted / rtt, 2)}× RTT)`,
    );
    row(
      `kernel socket RTT from Node (bench:kernel's client), send to done / first output`,
      `${f(rtt)} / ${f(median(node.output))} ms`,
      `p95 ${f(percentile(node.done, 0.95))} ms`,
    );
    row(
      `kernel socket RTT from the page's own WebSocket, send to done / first output`,
      `${f(median(pageSocket.done))} / ${f(median(pageSocket.output))} ms`,
      `p95 ${f(percentile(pageSocket.done, 0.95))} ms`,
    );
    console.log("");
    const widths = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length))];
    for (const [a, b, c] of rows) console.log(`${a.padEnd(widths[0]!)} | ${b.padEnd(widths[1]!)} | ${c}`);
    const frame = 1000 / 60;
    console.log(
      `\nall keys: ${f((100 * nextFrame) / keys.length, 0)}% shown by the frame right after their keydown, ${f((100 * keys.filter((k) => k <= frame).length) / keys.length, 0)}% painted within ${f(frame)} ms (a key waits for the next frame: up to ${f(frame)} ms, ${f(frame / 2)} on average, before any work)`,
    );
    console.log(
      `the frame that shows a key, from its start (rAF time) to its end: p50 ${f(median(frameMs))}, p95 ${f(percentile(frameMs, 0.95))} ms`,
    );
    console.log(
      `all keys: p50 ${f(median(keys))}, p95 ${f(percentile(keys, 0.95))} ms; per run p95 top ${top.map((k) => f(percentile(k, 0.95))).join(", ")}, bottom ${bottom.map((k) => f(percentile(k, 0.95))).join(", ")}`,
    );
    console.log(
      `run to output (painted) over the page's own socket's first output: ${f(painted - median(pageSocket.output))} ms of editor, runner and paint`,
    );
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    await stopStudio(studio);
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
