// Benchmark (not a test): running cells through the studio against a bare jupyter_client client, on the same
// kernelspec (Debian's python3 ipykernel) in the same run.
//  1. Round trip of `1 + 1`: from sending the execute message to its result and "done", over the kernel socket of a
//     real `vitrine serve` (its own process, signed in, a kernel started over REST, sandboxed), against
//     bench/kernel-peer.py (KernelManager and BlockingKernelClient on an unsandboxed kernel: execute_request to
//     execute_result, idle and execute_reply). Median and p90 of RUNS runs after WARMUP.
//  2. Throughput of a cell that prints 50 or 100 MB in 1 KB lines (and 100 MB flushed after every MB): the kernel's
//     bytes over the time from execute to done, what reached the client, and the studio process's resident memory
//     before and its peak during each flood (VmHWM, reset between floods through /proc/PID/clear_refs). Twice: with
//     the per-cell output cap at its default (8 MiB: the client gets the cap and a note) and raised to 64 MiB.
//  3. Kernel start, from start() to ready (kernel_info_reply and iopub live), with the studio's sandboxed launcher
//     and with a direct spawn (a fixture of this file, never used by the server), START_RUNS each, alternating.
//   npm run bench:kernel    (RUNS=200 WARMUP=20 FLOOD_REPEATS=3 START_RUNS=20 by default; PARTS=rtt,flood,start
//                            runs some parts only; STUDIO_NODE_OPTIONS=--cpu-prof profiles the studio)
import { KernelSocketPage, startStudio, stopStudio, type Studio } from "./kernel-socket-client.ts";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Kernel } from "../src/kernels/kernel.ts";
import { findKernelSpecs, kernelSpecByName } from "../src/kernels/kernelspecs.ts";
import type { KernelLauncher } from "../src/kernels/launcher.ts";
import { createRuntimeDir } from "../src/kernels/connection.ts";
import { DEFAULT_SANDBOX_LIMITS, spawnSandboxed } from "../src/kernels/sandbox.ts";
import { sandboxedLauncher } from "../src/kernels/sandboxed-launcher.ts";
import { median, peakResidentMb, residentMb } from "./processes.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const peerScript = join(root, "bench", "kernel-peer.py");
const PYTHON = "/usr/bin/python3";
const KERNEL_DIRS = ["/usr/share/jupyter"];
const RUNS = Math.max(1, Number(process.env.RUNS ?? 200));
const WARMUP = Math.max(0, Number(process.env.WARMUP ?? 20));
const START_RUNS = Math.max(1, Number(process.env.START_RUNS ?? 20));
/**
 * The floods: N MB printed in one loop ("50", "100"), which ipykernel may publish as one stream message of N MB, and
 * the same with sys.stdout.flush() after every MB ("100f"), which makes it a message per MB.
 */
const FLOODS = (process.env.FLOODS ?? "50,100,100f").split(",");
const FLOOD_REPEATS = Math.max(1, Number(process.env.FLOOD_REPEATS ?? 3));
const MB = 1024 * 1024;
const work = mkdtempSync(join(tmpdir(), "vitrine-bench-kernel-"));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** The element of median time. */
function middle<T extends { seconds: number }>(rows: T[]): T {
  return [...rows].sort((a, b) => a.seconds - b.seconds)[Math.floor(rows.length / 2)]!;
}

/** The cell of a flood (kernel-peer.py builds the same). */
function floodCode(kind: string): string {
  const lines = parseInt(kind, 10) * 1024;
  return kind.endsWith("f")
    ? `import sys\nfor i in range(${lines}):\n    print('x' * 1023)\n    if i % 1024 == 1023:\n        sys.stdout.flush()`
    : `for i in range(${lines}):\n    print('x' * 1023)`;
}

// ---- the peer -------------------------------------------------------------------------------------------------

interface PeerRtt {
  ms: number[];
  jupyter_client: string;
}
interface PeerFlood {
  floods: { kind: string; mb: number; seconds: number; bytes: number; messages: number; largest: number }[];
  client_peak_rss_mb: number;
}

function peer<T>(args: string[]): T {
  const r = spawnSync(PYTHON, [peerScript, ...args], { encoding: "utf8", maxBuffer: 16 * MB, timeout: 600_000 });
  if (r.status !== 0) throw new Error(`kernel-peer.py ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

// ---- 1. round trip --------------------------------------------------------------------------------------------

async function roundTrips(studio: Studio): Promise<number[]> {
  const page = await KernelSocketPage.open(studio);
  const times: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const t0 = performance.now();
    const { done, result } = await page.run(studio, `r${i}`, "1 + 1");
    const elapsed = performance.now() - t0;
    if (done?.status !== "ok" || result !== "2") throw new Error(`unexpected run: ${done?.status} ${String(result)}`);
    if (i >= WARMUP) times.push(elapsed);
  }
  page.close();
  return times;
}

// ---- 2. throughput --------------------------------------------------------------------------------------------

interface Flood {
  kind: string;
  mb: number;
  seconds: number;
  received: number;
  truncated: boolean;
  /** Why the server closed the socket before the cell was done, if it did. */
  closed?: string;
  /** Stream outputs the page received, the largest one's bytes, and whether a note said output was lost. */
  streamMessages: number;
  largestStream: number;
  lossNoted: boolean;
  /** Websocket messages and bytes of JSON the page received during the flood. */
  messages: number;
  jsonBytes: number;
  rssBefore: number;
  peak: number;
}

async function floods(studio: Studio): Promise<Flood[]> {
  const pid = studio.process.pid as number;
  const found: Flood[] = [];
  for (const kind of Array.from({ length: FLOOD_REPEATS }, () => FLOODS).flat()) {
    const mb = parseInt(kind, 10);
    const page = await KernelSocketPage.open(studio);
    await page.run(studio, "warm", floodCode("1"));
    const [messages, bytes] = [page.messages, page.bytes];
    const rssBefore = residentMb(pid);
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    const t0 = performance.now();
    const { done, closed, streamBytes, streamMessages, largestStream, lossNoted } = await page.run(
      studio,
      `flood${mb}`,
      floodCode(kind),
    );
    const seconds = (performance.now() - t0) / 1000;
    if (done && done.status !== "ok") throw new Error(`flood ${mb} MB ended ${done.status}`);
    found.push({
      kind,
      mb,
      seconds,
      received: streamBytes,
      streamMessages,
      largestStream,
      lossNoted,
      truncated: done?.truncated ?? false,
      ...(closed ? { closed } : {}),
      messages: page.messages - messages,
      jsonBytes: page.bytes - bytes,
      rssBefore,
      peak: peakResidentMb(pid),
    });
    const last = found.at(-1)!;
    console.log(
      `  ${kind}: ${f(seconds, 2)} s, ${f(streamBytes / MB)} MB to the page in ${streamMessages} stream outputs (largest ${f(largestStream / MB)} MB)${lossNoted ? ", output lost noted" : ""}${closed ? `, socket closed: ${closed}` : ""}; RSS ${f(last.rssBefore, 0)} MB before, peak ${f(last.peak, 0)} MB`,
    );
    page.close();
    // A socket the server closed leaves the execution running in the kernel: wait for the kernel to be idle.
    if (closed) await waitIdle(studio);
  }
  return found;
}

async function waitIdle(studio: Studio): Promise<void> {
  for (;;) {
    const list = (await (
      await fetch(`${studio.url}/api/workspaces/${studio.workspace}/kernels`, { headers: { cookie: studio.cookie } })
    ).json()) as { kernels: { id: string; state: string }[] };
    if (list.kernels.find((k) => k.id === studio.kernel)?.state === "idle") return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// ---- 3. kernel start ------------------------------------------------------------------------------------------

/** Benchmark fixture only: the kernel as a plain child process, no sandbox. The studio never launches this way. */
const directLauncher: KernelLauncher = (request) => ({
  child: spawn(request.argv[0] as string, request.argv.slice(1), {
    cwd: request.filesDir,
    env: { PATH: "/usr/local/bin:/usr/bin:/bin", ...request.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  }),
});

/**
 * Round trips of `1 + 1` through the kernel layer alone (Kernel.execute in this process, no studio, no websocket),
 * with each launcher: where between the bare client and the studio the time goes.
 */
async function kernelLayerRoundTrips(launch: KernelLauncher, filesDir: string): Promise<number[]> {
  const spec = kernelSpecByName(await findKernelSpecs({ dataDirs: KERNEL_DIRS }), "python3");
  const kernel = new Kernel({ spec, launch, filesDir });
  await kernel.start();
  const times: number[] = [];
  try {
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const t0 = performance.now();
      const result = await kernel.execute("1 + 1");
      const elapsed = performance.now() - t0;
      if (result.status !== "ok") throw new Error(`unexpected run: ${result.status}`);
      if (i >= WARMUP) times.push(elapsed);
    }
  } finally {
    await kernel.shutdown();
  }
  return times;
}

/**
 * The sandbox's fixed cost alone: from spawn to exit of /bin/true, through spawnSandboxed (bwrap, its namespaces and
 * mounts, the launcher's Python) and spawned directly.
 */
async function setupTimes(): Promise<{ sandboxed: number[]; direct: number[] }> {
  const filesDir = mkdtempSync(join(tmpdir(), "vitrine-bench-kernel-files-"));
  chmodSync(filesDir, 0o755);
  const times = { sandboxed: [] as number[], direct: [] as number[] };
  for (let i = -1; i < START_RUNS; i++) {
    const runtimeDir = await createRuntimeDir();
    let t0 = performance.now();
    const sandbox = spawnSandboxed({
      argv: ["/bin/true"],
      env: {},
      runtimeDir,
      filesDir,
      network: { kind: "none" },
      limits: DEFAULT_SANDBOX_LIMITS,
    });
    if ((await sandbox.exited).code !== 0) throw new Error("/bin/true failed in the sandbox");
    const sandboxed = performance.now() - t0;
    rmSync(runtimeDir, { recursive: true, force: true });
    t0 = performance.now();
    const child = spawn("/bin/true", [], { stdio: "ignore" });
    await new Promise((resolve) => child.once("exit", resolve));
    if (i >= 0) {
      times.sandboxed.push(sandboxed);
      times.direct.push(performance.now() - t0);
    }
  }
  rmSync(filesDir, { recursive: true, force: true });
  return times;
}

async function startTimes(): Promise<{ sandboxed: number[]; direct: number[] }> {
  const spec = kernelSpecByName(await findKernelSpecs({ dataDirs: KERNEL_DIRS }), "python3");
  // Beside, not inside, the benchmark's private folder: a sandboxed kernel's own uid must reach it.
  const filesDir = mkdtempSync(join(tmpdir(), "vitrine-bench-kernel-files-"));
  chmodSync(filesDir, 0o755);
  const launchers: [keyof Awaited<ReturnType<typeof startTimes>>, KernelLauncher][] = [
    ["sandboxed", sandboxedLauncher({ limits: DEFAULT_SANDBOX_LIMITS, network: { kind: "none" } })],
    ["direct", directLauncher],
  ];
  const times = { sandboxed: [] as number[], direct: [] as number[] };
  // One unmeasured start of each first: the page cache then holds Python, ipykernel and bwrap for both.
  for (let i = -1; i < START_RUNS; i++) {
    for (const [name, launch] of i % 2 === 0 ? launchers : [...launchers].reverse()) {
      const kernel = new Kernel({ spec, launch, filesDir });
      const t0 = performance.now();
      await kernel.start();
      const elapsed = performance.now() - t0;
      await kernel.shutdown();
      if (i >= 0) times[name].push(elapsed);
    }
  }
  rmSync(filesDir, { recursive: true, force: true });
  return times;
}

// ---- the report -----------------------------------------------------------------------------------------------

const f = (n: number, digits = 1) => n.toFixed(digits);
const mbps = (bytes: number, seconds: number) => bytes / MB / seconds;

/** Which parts run: PARTS=rtt,flood,start (all by default). */
const PARTS = new Set((process.env.PARTS ?? "rtt,flood,start").split(","));

async function reportRoundTrips(): Promise<void> {
  const studio = await startStudio({ dataDir: join(work, "round-trip"), flags: { "kernel-output-mb": 8 } });
  let rtt: number[];
  try {
    rtt = await roundTrips(studio);
  } finally {
    await stopStudio(studio);
  }
  const peerRtt = peer<PeerRtt>(["rtt", String(RUNS), String(WARMUP)]);
  const filesDir = mkdtempSync(join(tmpdir(), "vitrine-bench-kernel-files-"));
  chmodSync(filesDir, 0o755);
  const sandboxed = await kernelLayerRoundTrips(
    sandboxedLauncher({ limits: DEFAULT_SANDBOX_LIMITS, network: { kind: "none" } }),
    filesDir,
  );
  const direct = await kernelLayerRoundTrips(directLauncher, filesDir);
  rmSync(filesDir, { recursive: true, force: true });

  const vMed = median(rtt);
  const pMed = median(peerRtt.ms);
  console.log(
    `\n1. Round trip of \`1 + 1\` (ms, ${RUNS} runs after ${WARMUP}; jupyter_client ${peerRtt.jupyter_client})`,
  );
  console.log("client                                    | median | p90    | min");
  for (const [label, t] of [
    ["vitrine kernel socket (serve, sandboxed)", rtt],
    ["bare jupyter_client (no sandbox)", peerRtt.ms],
    ["src/kernels Kernel in process, sandboxed", sandboxed],
    ["src/kernels Kernel in process, direct", direct],
  ] as const)
    console.log(
      `${label.padEnd(41)} | ${f(median(t), 2).padStart(6)} | ${f(percentile(t, 0.9), 2).padStart(6)} | ${f(Math.min(...t), 2)}`,
    );
  console.log(`vitrine / bare, median: ${f(vMed / pMed, 2)}x (target: within 1.5x)`);
}

async function reportFloods(): Promise<void> {
  const results: [string, Flood[]][] = [];
  for (const cap of [8, 64]) {
    console.log(`\nfloods through the studio, output cap ${cap} MiB:`);
    const studio = await startStudio({ dataDir: join(work, `flood-${cap}`), flags: { "kernel-output-mb": cap } });
    try {
      results.push([`vitrine, cap ${cap} MiB`, await floods(studio)]);
    } finally {
      await stopStudio(studio);
    }
  }
  const peerFlood = peer<PeerFlood>(["flood", "1", ...Array.from({ length: FLOOD_REPEATS }, () => FLOODS).flat()]);
  const peerBy = new Map(FLOODS.map((kind) => [kind, middle(peerFlood.floods.filter((p) => p.kind === kind))]));
  console.log(
    `\n2. A cell printing N MB in 1 KB lines (MB = MiB; throughput = the kernel's N MB over execute to done; median of ${FLOOD_REPEATS} runs that reached done, highest peak of all)`,
  );
  console.log(
    "client              | MB   | seconds | kernel MB/s | x bare | MB to client | outputs | cut  | RSS before | peak   | ended",
  );
  for (const [label, all] of results) {
    for (const kind of FLOODS) {
      const runs = all.filter((r) => r.kind === kind);
      const completed = runs.filter((r) => !r.closed);
      const r = { ...middle(completed.length > 0 ? completed : runs), peak: Math.max(...runs.map((x) => x.peak)) };
      const closed = runs.filter((x) => x.closed);
      const lost = runs.filter((x) => x.lossNoted).length;
      const ended = [
        closed.length === 0 ? "done" : `${closed.length} of ${runs.length} closed by the server: ${closed[0]!.closed}`,
        ...(lost > 0 ? [`output lost in ${lost} of ${runs.length} (a message over the iopub limit)`] : []),
      ].join("; ");
      const p = peerBy.get(kind)!;
      console.log(
        [
          label.padEnd(19),
          kind.padStart(4),
          f(r.seconds, 2).padStart(7),
          f(r.mb / r.seconds).padStart(11),
          // Nothing to compare when every run lost its output: the time is then the kernel's alone.
          (lost === runs.length ? "lost" : f(r.mb / r.seconds / (p.mb / p.seconds), 2)).padStart(6),
          f(r.received / MB).padStart(12),
          String(r.streamMessages).padStart(7),
          (r.truncated ? "yes" : "no").padStart(4),
          `${f(r.rssBefore, 0)} MB`.padStart(10),
          `${f(r.peak, 0)} MB`.padStart(6),
          ended,
        ].join(" | "),
      );
    }
  }
  for (const p of peerBy.values())
    console.log(
      [
        "bare jupyter_client",
        p.kind.padStart(4),
        f(p.seconds, 2).padStart(7),
        f(mbps(p.bytes, p.seconds)).padStart(11),
        "1".padStart(6),
        f(p.bytes / MB).padStart(12),
        String(p.messages).padStart(7),
      ].join(" | "),
    );
  console.log(`bare jupyter_client's own peak RSS (client process): ${f(peerFlood.client_peak_rss_mb, 0)} MB`);
}

async function reportStarts(): Promise<void> {
  const starts = await startTimes();
  const sMed = median(starts.sandboxed);
  const dMed = median(starts.direct);
  console.log(`\n3. Kernel start to ready (ms, ${START_RUNS} each, alternating)`);
  console.log("launcher          | median | min    | max");
  for (const [label, t] of [
    ["sandboxed (bwrap)", starts.sandboxed],
    ["direct spawn", starts.direct],
  ] as const)
    console.log(
      `${label.padEnd(17)} | ${f(median(t), 0).padStart(6)} | ${f(Math.min(...t), 0).padStart(6)} | ${f(Math.max(...t), 0)}`,
    );
  console.log(`sandbox overhead, median: ${f(sMed - dMed, 0)} ms (target: under 150 ms)`);
  const setup = await setupTimes();
  console.log(
    `the sandbox alone, spawn to exit of /bin/true: ${f(median(setup.sandboxed), 1)} ms sandboxed, ${f(median(setup.direct), 1)} ms direct (median of ${START_RUNS})`,
  );
}

async function main() {
  console.log(
    `Kernel benchmark: RUNS=${RUNS} WARMUP=${WARMUP} FLOOD_REPEATS=${FLOOD_REPEATS} START_RUNS=${START_RUNS}, Debian's python3 ipykernel`,
  );
  if (PARTS.has("rtt")) await reportRoundTrips();
  if (PARTS.has("flood")) await reportFloods();
  if (PARTS.has("start")) await reportStarts();
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
