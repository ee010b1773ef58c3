// Benchmark (not a test): reading the largest corpus notebooks in the studio, in Debian's Chromium, against the same
// Chromium loading `jupyter nbconvert --to html --HTMLExporter.sanitize_html=True` exports of the same notebooks, in
// the same run. The studio runs for real (`vitrine serve`, both origins on loopback); the exports come from a plain
// node:http server on loopback on the same machine, each server in a process of its own. For the studio the page itself says when it is done, through the notebook view's
// performance marks ("vitrine:first-screen": every cell that meets the first viewport is in the DOM;
// "vitrine:all-cells": every cell is); for nbconvert's page, its load event and first contentful paint. Page memory
// is the JS heap after a garbage collection (CDP Performance.getMetrics, JSHeapUsedSize) and the memory of every
// renderer process the page uses (its own and those of its output frames; no other page is open): PSS, where
// shared pages count once over all processes, and RSS, where each process counts them again.
// Each figure is the median of RUNS runs after one warm-up load of each page (so both are read from a warm cache).
//   npm run bench:view              (RUNS=5, NOTEBOOKS=5 by default: five loads per figure, since both pages' times
//                                   move by tens of ms between loads on a shared machine)
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type CDPSession, type Page } from "playwright-core";
import { parseNotebook } from "../src/notebook/parse.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../test/e2e/browser.ts";
import { cumulativeLayoutShift } from "../test/e2e/corpus-check.ts";
import { freePort, signInThroughPage } from "../test/e2e/running-studio.ts";
import { median, proportionalMb, rendererProcesses, residentMb, waitForLine } from "./processes.ts";

const bin = fileURLToPath(new URL("../bin/vitrine", import.meta.url));
const corpus = fileURLToPath(new URL("../../shared/corpus/notebooks/", import.meta.url));
const runs = Math.max(1, Number(process.env.RUNS ?? 5));
const notebookCount = Math.max(1, Number(process.env.NOTEBOOKS ?? 5));
const PASSWORD = "benchmark password";
const TARGET_RATIO = 1.5;
const CLS_TARGET = 0.1;
const VIEWPORT = { width: 1200, height: 900 };
const work = mkdtempSync(join(tmpdir(), "vitrine-bench-view-"));

interface Compared {
  name: string;
  bytes: Uint8Array<ArrayBuffer>;
  /** The nbconvert export's file name in the work directory. */
  exported: string;
}

/** nbconvert's export of a corpus notebook, or why it could not make one. */
function nbconvertExport(name: string): { file: string } | { error: string } {
  const base = name.replace(/\.ipynb$/, "");
  const r = spawnSync(
    "jupyter-nbconvert",
    [
      "--log-level=ERROR",
      "--to",
      "html",
      "--HTMLExporter.sanitize_html=True",
      join(corpus, name),
      "--output-dir",
      work,
      "--output",
      base,
    ],
    { encoding: "utf8" },
  );
  if (r.status !== 0) return { error: r.stderr.trim().split("\n").at(-1) ?? `exit ${r.status}` };
  return { file: `${base}.html` };
}

/** The largest corpus notebooks that the studio accepts and nbconvert exports (either failing would measure an error page). */
function largestComparable(skipped: string[]): Compared[] {
  const names = readdirSync(corpus)
    .filter((n) => n.endsWith(".ipynb"))
    .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(corpus, name))) }))
    .sort((a, b) => b.bytes.length - a.bytes.length);
  const chosen: Compared[] = [];
  for (const { name, bytes } of names) {
    if (chosen.length === notebookCount) break;
    try {
      parseNotebook(bytes, { file: name });
    } catch {
      skipped.push(`${name} (the studio refuses it)`);
      continue;
    }
    const exported = nbconvertExport(name);
    if ("error" in exported) {
      skipped.push(`${name} (nbconvert fails: ${exported.error})`);
      continue;
    }
    chosen.push({ name, bytes, exported: exported.file });
  }
  return chosen;
}

/**
 * The studio as people run it, `vitrine serve` in a process of its own (not inside this one, where it would share a
 * thread with the browser driver), both origins on loopback ports, with a user to sign in as.
 */
async function startStudio(): Promise<{ app: string; content: string; process: ChildProcess }> {
  const dataDir = join(work, "data");
  const add = spawnSync(bin, ["user", "add", "bench", "--password-stdin", "--data-dir", dataDir], {
    input: `${PASSWORD}\n`,
    encoding: "utf8",
  });
  if (add.status !== 0) throw new Error(add.stderr);
  const [appPort, contentPort] = [await freePort(), await freePort()];
  const app = `http://localhost:${appPort}`;
  const content = `http://127.0.0.1:${contentPort}`;
  const flags = {
    "data-dir": dataDir,
    "app-url": app,
    "content-url": content,
    "app-host": "localhost",
    "app-port": appPort,
    "content-host": "127.0.0.1",
    "content-port": contentPort,
    "log-level": "silent",
    "url-check-requests-per-minute": 100_000,
    // Benchmarks reach nothing but loopback: the corpus's images on other sites are refused, never fetched.
    "remote-images": "block",
  };
  const child = spawn(bin, ["serve", ...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, String(v)])], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await waitForLine(child, /app origin \S+ \(listening on/);
  return { app, content, process: child };
}

/**
 * Serves the nbconvert exports, and nothing else, from loopback, in a process of its own as the studio is. The
 * export is sent with the studio pages' Cross-Origin-Opener-Policy (same-origin), as the studio's server would
 * send it: that header puts a page in a browsing context group of its own, so Chromium gives every such
 * navigation a new renderer process (about 50 ms here), and a peer without it would be spared a cost of the
 * server, not of the page. The studio's other headers change nothing in how the export loads; its CSP, which
 * would block the export's inline styles and scripts, is left out so the export looks as nbconvert made it.
 */
async function startExportServer(): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      "-e",
      `const http = require("node:http"), fs = require("node:fs"), path = require("node:path");
       const server = http.createServer((req, res) => {
         const name = decodeURIComponent(new URL(req.url, "http://x").pathname.slice(1));
         if (!/^[\\w.-]+\\.html$/.test(name)) return void res.writeHead(404).end();
         fs.readFile(path.join(process.argv[1], name), (error, body) => {
           if (error) return void res.writeHead(404).end();
           res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cross-origin-opener-policy": "same-origin" }).end(body);
         });
       });
       server.listen(0, "127.0.0.1", () => console.log("exports on http://127.0.0.1:" + server.address().port + "/"));`,
      work,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const url = (await waitForLine(child, /exports on (http:\/\/\S+)/))[1]!;
  return { url, process: child };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

async function uploadAll(app: string, notebooks: Compared[]): Promise<string> {
  const signIn = await fetch(`${app}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "bench", password: PASSWORD }),
  });
  if (signIn.status !== 200) throw new Error(`sign-in failed: ${signIn.status}`);
  const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0] as string;
  const auth = { cookie, "x-csrf-token": ((await signIn.json()) as { csrfToken: string }).csrfToken };
  const created = await fetch(`${app}/api/workspaces`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ name: "bench" }),
  });
  const workspace = ((await created.json()) as { id: string }).id;
  for (const { name, bytes } of notebooks) {
    const form = new FormData();
    form.append("acknowledgment", "trusted-source-v1");
    form.append("file", new Blob([bytes]), name);
    const up = await fetch(`${app}/api/workspaces/${workspace}/files`, { method: "POST", headers: auth, body: form });
    if (up.status !== 201) throw new Error(`upload of ${name} failed: ${up.status} ${await up.text()}`);
  }
  return workspace;
}

interface Memory {
  heapMb: number;
  rssMb: number;
  pssMb: number;
  processes: number;
}

/** The page's JS heap after a collection, and the resident memory of the renderers serving it (no other page is open). */
async function pageMemory(context: BrowserContext, page: Page): Promise<Memory> {
  const cdp = await context.newCDPSession(page);
  await cdp.send("HeapProfiler.collectGarbage");
  await cdp.send("Performance.enable");
  const { metrics } = await cdp.send("Performance.getMetrics");
  await cdp.detach();
  const heap = metrics.find((m) => m.name === "JSHeapUsedSize")?.value ?? 0;
  const renderers = rendererProcesses(process.pid);
  const sum = (of: (pid: number) => number) => renderers.reduce((total, pid) => total + of(pid), 0);
  return {
    heapMb: heap / 1024 / 1024,
    rssMb: sum(residentMb),
    pssMb: sum(proportionalMb),
    processes: renderers.length,
  };
}

/** Waits until the page has a performance entry of that name and type, and gives its time since navigation start. */
function entryTime(page: Page, name: string, type: "mark" | "paint"): Promise<number> {
  return page.evaluate(
    ([name, type]) =>
      new Promise<number>((resolve) => {
        const observer = new PerformanceObserver((list) => {
          const entry = list.getEntriesByName(name)[0];
          if (!entry) return;
          observer.disconnect();
          resolve(entry.startTime);
        });
        observer.observe({ type, buffered: true });
      }),
    [name, type] as const,
  );
}

interface StudioSample extends Memory {
  /** When the notebook's bytes had arrived (the app's start-up and its API calls come before). */
  bytes: number;
  firstScreen: number;
  allCells: number;
  /** Cumulative Layout Shift of the load, unscrolled (Core Web Vitals' largest session window; see layoutShift). */
  cls: number;
}

interface ExportSample extends Memory {
  load: number;
  fcp: number;
}

// The settle time after a page is drawn before memory is read: output frames near the viewport load their
// documents and libraries from the content origin, images their bytes, and both belong to the page's memory.
const SETTLE_MS = 1000;

/**
 * The times of the page's marks, read through the DevTools protocol rather than page.evaluate(): Playwright's
 * evaluate first injects its own script into the page, which at navigation time would hold up the page's main
 * thread for tens of milliseconds and be measured as the studio's. Even this evaluation runs on the page's main
 * thread (about 3 ms in a Chromium trace), so it is made once the page has had time to draw: the marks are buffered,
 * and the export's page is not touched while it loads either.
 */
async function markTimes(cdp: CDPSession, names: readonly string[]): Promise<number[]> {
  const expression = `new Promise((resolve) => {
    const wanted = ${JSON.stringify(names)};
    const check = () => {
      const times = wanted.map((name) => performance.getEntriesByName(name, "mark")[0]?.startTime);
      if (times.every((t) => t !== undefined)) { observer.disconnect(); resolve(JSON.stringify(times)); }
    };
    const observer = new PerformanceObserver(check);
    observer.observe({ type: "mark", buffered: true });
    check();
  })`;
  const { result, exceptionDetails } = await cdp.send("Runtime.evaluate", {
    expression,
    awaitPromise: true,
    returnByValue: true,
  });
  if (exceptionDetails) throw new Error(`reading the page's marks failed: ${exceptionDetails.text}`);
  return JSON.parse(result.value as string) as number[];
}

/**
 * The page's layout shift so far: its buffered layout-shift entries without recent input, as Core Web Vitals
 * groups them (test/e2e/corpus-check.ts), read through the DevTools protocol for the reason markTimes gives.
 */
async function layoutShift(cdp: CDPSession): Promise<number> {
  const expression = `new Promise((resolve) => {
    const observer = new PerformanceObserver((list) => {
      observer.disconnect();
      resolve(JSON.stringify(list.getEntries().filter((e) => !e.hadRecentInput).map((e) => ({ value: e.value, time: e.startTime }))));
    });
    observer.observe({ type: "layout-shift", buffered: true });
    setTimeout(() => { observer.disconnect(); resolve("[]"); }, 200);
  })`;
  const { result, exceptionDetails } = await cdp.send("Runtime.evaluate", {
    expression,
    awaitPromise: true,
    returnByValue: true,
  });
  if (exceptionDetails) throw new Error(`reading the page's layout shifts failed: ${exceptionDetails.text}`);
  return cumulativeLayoutShift(JSON.parse(result.value as string) as { value: number; time: number }[]);
}

async function measureStudio(context: BrowserContext, url: string): Promise<StudioSample> {
  const page = await context.newPage();
  try {
    await page.goto(url, { waitUntil: "commit" });
    await page.waitForTimeout(SETTLE_MS);
    const marks = await context.newCDPSession(page);
    const [firstScreen, allCells] = (await markTimes(marks, ["vitrine:first-screen", "vitrine:all-cells"])) as [
      number,
      number,
    ];
    await marks.detach();
    const bytes = await page.evaluate(
      () =>
        (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).find((e) =>
          new URL(e.name).pathname.includes("/raw/"),
        )?.responseEnd ?? Number.NaN,
    );
    await page.waitForTimeout(SETTLE_MS);
    const shifts = await context.newCDPSession(page);
    const cls = await layoutShift(shifts);
    await shifts.detach();
    return { bytes, firstScreen, allCells, cls, ...(await pageMemory(context, page)) };
  } finally {
    await page.close();
  }
}

async function measureExport(context: BrowserContext, url: string): Promise<ExportSample> {
  const page = await context.newPage();
  try {
    await page.goto(url, { waitUntil: "load" });
    const load = await page.evaluate(
      () => (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).loadEventStart,
    );
    const fcp = await entryTime(page, "first-contentful-paint", "paint");
    await page.waitForTimeout(SETTLE_MS);
    return { load, fcp, ...(await pageMemory(context, page)) };
  } finally {
    await page.close();
  }
}

const memory = (m: Memory) => `${m.heapMb.toFixed(1)}/${m.pssMb.toFixed(0)}/${m.rssMb.toFixed(0)} (${m.processes})`;

function medianSample<T extends object>(samples: T[]): T {
  const keys = Object.keys(samples[0]!) as (keyof T)[];
  return Object.fromEntries(keys.map((k) => [k, median(samples.map((s) => s[k] as number))])) as T;
}

async function main() {
  const skipped: string[] = [];
  const notebooks = largestComparable(skipped);
  const server = await startExportServer();
  const studio = await startStudio();
  const profile = mkdtempSync(join(tmpdir(), "vitrine-bench-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    // Every host but the two loopback servers fails to resolve, at once: nothing leaves the machine, and the
    // export's CDN scripts (require.js, MathJax) fail as they would offline instead of waiting on a timeout.
    // No spare renderer, so that the renderers counted are the measured page's own.
    args: [
      ...CHROMIUM_ARGS,
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
      "--disable-features=SpareRendererForSitePerProcess",
    ],
    headless: true,
    viewport: VIEWPORT,
  });
  try {
    const workspace = await uploadAll(studio.app, notebooks);
    const signInPage = context.pages()[0] ?? (await context.newPage());
    await signInThroughPage(signInPage, studio.app, "bench", PASSWORD);
    await signInPage.close();

    console.log(
      `The ${notebooks.length} largest valid corpus notebooks in Chromium (${CHROMIUM_PATH}, headless, ${VIEWPORT.width}×${VIEWPORT.height}), median of ${runs} runs after a warm-up`,
    );
    console.log(
      `vitrine: the studio on loopback (${studio.app}, content origin ${studio.content}), signed in, /w/{ws}/f/{notebook}`,
    );
    console.log(
      `peer: jupyter nbconvert --to html --HTMLExporter.sanitize_html=True, the export served by a plain node:http server on loopback (${server.url}); its CDN scripts fail to resolve, as offline`,
    );
    console.log(
      `times in ms from navigation start ("bytes in": the studio has the notebook's bytes); memory in MB: JS heap after GC / PSS / RSS of the page's renderer processes (how many)\n`,
    );
    const header = [
      "notebook",
      "KB",
      "bytes in",
      "first screen",
      "all cells",
      "nbc load",
      "nbc FCP",
      "first/load",
      "all/load",
      "CLS",
      "vit heap/PSS/RSS",
      "nbc heap/PSS/RSS",
    ];
    const widths = [40, 6, 8, 12, 10, 9, 8, 10, 9, 6, 18, 18];
    const row = (cells: string[]) =>
      cells.map((c, i) => (i === 0 ? c.slice(0, widths[i]).padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" ");
    console.log(row(header));
    const ratios: number[] = [];
    const shifts: number[] = [];
    for (const { name, bytes, exported } of notebooks) {
      const studioUrl = `${studio.app}/w/${workspace}/f/${encodeURIComponent(name)}`;
      const exportUrl = `${server.url}${exported}`;
      await measureStudio(context, studioUrl);
      await measureExport(context, exportUrl);
      const v: StudioSample[] = [];
      const n: ExportSample[] = [];
      for (let i = 0; i < runs; i++) {
        v.push(await measureStudio(context, studioUrl));
        n.push(await measureExport(context, exportUrl));
      }
      const vm = medianSample(v);
      const nm = medianSample(n);
      ratios.push(vm.firstScreen / nm.load);
      shifts.push(vm.cls);
      console.log(
        row([
          name,
          (bytes.length / 1024).toFixed(0),
          vm.bytes.toFixed(0),
          vm.firstScreen.toFixed(0),
          vm.allCells.toFixed(0),
          nm.load.toFixed(0),
          nm.fcp.toFixed(0),
          (vm.firstScreen / nm.load).toFixed(2),
          (vm.allCells / nm.load).toFixed(2),
          vm.cls.toFixed(3),
          memory(vm),
          memory(nm),
        ]),
      );
    }
    if (skipped.length) console.log(`\nlarger, not compared: ${skipped.join("; ")}`);
    const met = ratios.filter((r) => r <= TARGET_RATIO).length;
    console.log(
      `\ntarget: first screen within ${TARGET_RATIO}× the nbconvert page's load: met for ${met} of ${ratios.length} notebooks (worst ${Math.max(...ratios).toFixed(2)}×, median ${median(ratios).toFixed(2)}×)`,
    );
    console.log(
      `target: CLS under ${CLS_TARGET} (Core Web Vitals' "good"): met for ${shifts.filter((c) => c < CLS_TARGET).length} of ${shifts.length} notebooks (worst ${Math.max(...shifts).toFixed(3)})`,
    );
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    await stop(studio.process);
    await stop(server.process);
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
