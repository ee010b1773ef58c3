// Benchmark (not a test), two workloads, each against a bare node:http peer measured in the same run by autocannon
// on loopback at 1, 10 and 100 connections:
//  - reading a 4 MB notebook through the studio's download route, against a server that streams the same file from
//    disk (the floor: no routing, no session, no database);
//  - a 100-URL check (POST /api/url-check with 100 {url, context}: session, CSRF token, per-user trust, verdicts,
//    signed proxy URLs), against a server that reads the same JSON body and answers each URL's `new URL()` parse
//    (the floor: body parsing and JSON out, no judgement).
// Prints req/s, p50 and p99 latency, the ratio to the peer, and each server's peak memory (VmHWM) after each workload.
//   npm run bench:server            (BENCH_SECONDS=5 by default; BENCH_SECONDS=10 npm run bench:server for steadier figures)
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { peakResidentMb, waitForLine } from "./processes.ts";
import { addUser, bigNotebook, createWorkspace, signIn, upload, urlCheckBody, VITRINE } from "./studio-session.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const node = process.execPath;
const autocannon = join(root, "node_modules", "autocannon", "autocannon.js");
const seconds = Math.max(1, Number(process.env.BENCH_SECONDS ?? 5));
const CONNECTIONS = [1, 10, 100];
const PASSWORD = "benchmark password";
const work = mkdtempSync(join(tmpdir(), "vitrine-bench-server-"));

/** Resets a process's peak RSS to its current RSS (Linux clear_refs), so that each workload reports its own peak. */
function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, "5");
}

interface Result {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** A POST with a JSON body read from a file (autocannon's -i), or a GET when there is none. */
function load(url: string, connections: number, headers: string[], bodyFile?: string): Result {
  const post = bodyFile ? ["-m", "POST", "-i", bodyFile, "-H", "content-type=application/json"] : [];
  const args = [
    autocannon,
    "-c",
    String(connections),
    "-d",
    String(seconds),
    "--json",
    ...post,
    ...headers.flatMap((h) => ["-H", h]),
    url,
  ];
  const r = spawnSync(node, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const json = JSON.parse(r.stdout) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
  };
  return {
    rps: json.requests.average,
    p50: json.latency.p50,
    p99: json.latency.p99,
    errors: json.non2xx + json.errors,
  };
}

function table(vitrine: (connections: number) => Result, peer: (connections: number) => Result): void {
  console.log("connections | vitrine req/s | p50 ms | p99 ms | peer req/s | p50 ms | p99 ms | vitrine/peer req/s");
  for (const c of CONNECTIONS) {
    const v = vitrine(c);
    const p = peer(c);
    if (v.errors > 0 || p.errors > 0) console.log(`  (errors: vitrine ${v.errors}, peer ${p.errors})`);
    console.log(
      `${String(c).padStart(11)} | ${v.rps.toFixed(0).padStart(13)} | ${String(v.p50).padStart(6)} | ${String(v.p99).padStart(6)} | ${p.rps.toFixed(0).padStart(10)} | ${String(p.p50).padStart(6)} | ${String(p.p99).padStart(6)} | ${(v.rps / p.rps).toFixed(2).padStart(18)}`,
    );
  }
}

function printPeaks(studio: ChildProcess, peer: ChildProcess): void {
  const vMem = peakResidentMb(studio.pid as number);
  const pMem = peakResidentMb(peer.pid as number);
  console.log(
    `\npeak memory: vitrine ${vMem.toFixed(0)} MB, peer ${pMem.toFixed(0)} MB (ratio ${(vMem / pMem).toFixed(2)})`,
  );
}

async function main() {
  const notebook = bigNotebook();
  const file = join(work, "big.ipynb");
  writeFileSync(file, notebook);
  const dataDir = join(work, "data");
  addUser(dataDir, "bench", PASSWORD);

  const checksFile = join(work, "checks.json");
  writeFileSync(checksFile, urlCheckBody());
  // The per-user URL-check rate limit (120 a minute by default) would turn nearly every request into a 429 after the
  // first second; the benchmark measures the route's work, so the limit goes to its configurable maximum.
  const studio = spawn(
    VITRINE,
    [
      "serve",
      "--data-dir",
      dataDir,
      "--url-check-requests-per-minute",
      "100000",
      "--app-host",
      "127.0.0.1",
      "--app-port",
      "0",
      "--content-host",
      "127.0.0.1",
      "--content-port",
      "0",
      "--log-level",
      "silent",
      // Benchmarks reach nothing but loopback: images on other sites are refused, never fetched.
      "--remote-images",
      "block",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const peer = spawn(
    node,
    [
      "-e",
      `const http = require("node:http"), fs = require("node:fs");
       const server = http.createServer((req, res) => {
         if (req.method === "POST") {
           const chunks = [];
           req.on("data", (c) => chunks.push(c));
           req.on("end", () => {
             const { checks } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
             const results = checks.map(({ url }) => { try { return { url: new URL(url, "https://peer.invalid/nb/").href }; } catch { return { url, invalid: true }; } });
             res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results }));
           });
           return;
         }
         res.writeHead(200, { "content-type": "application/x-ipynb+json" }); fs.createReadStream(process.argv[1]).pipe(res);
       });
       server.listen(0, "127.0.0.1", () => console.log("peer on http://127.0.0.1:" + server.address().port));`,
      file,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  try {
    const studioUrl = (await waitForLine(studio, /app origin \S+ \(listening on (http:\/\/[^)]+)\)/))[1]!;
    const peerUrl = (await waitForLine(peer, /peer on (http:\/\/\S+)/))[1];
    const session = await signIn(studioUrl, "bench", PASSWORD);
    const { cookie, csrf } = session;
    const ws = await createWorkspace(studioUrl, session, "bench");
    await upload(studioUrl, session, ws, [{ path: "big.ipynb", content: notebook }]);

    console.log(
      `Reading a ${(notebook.length / 1024 / 1024).toFixed(1)} MB notebook, ${seconds} s per run, autocannon on loopback`,
    );
    console.log(`peer: node:http streaming the same file from disk (no routing, session or database)\n`);
    table(
      (c) => load(`${studioUrl}/api/workspaces/${ws}/raw/big.ipynb`, c, [`cookie=${cookie}`]),
      (c) => load(`${peerUrl}/big.ipynb`, c, []),
    );
    printPeaks(studio, peer);

    const check = await fetch(`${studioUrl}/api/url-check`, {
      method: "POST",
      headers: { ...session.headers, "content-type": "application/json" },
      body: readFileSync(checksFile),
    });
    const verdicts = ((await check.json()) as { verdicts: { verdict: string }[] }).verdicts;
    if (check.status !== 200 || verdicts.length !== 100) throw new Error(`url check failed: ${check.status}`);
    const tally = Object.entries(Object.groupBy(verdicts, (v) => v.verdict)).map(([k, v]) => `${v?.length} ${k}`);
    console.log(`\nA 100-URL check (${tally.join(", ")}), POST /api/url-check, ${seconds} s per run`);
    console.log(
      `peer: node:http reading the same JSON body and answering each URL's new URL() parse (no session, CSRF or verdicts)\n`,
    );
    resetPeakRss(studio.pid as number);
    resetPeakRss(peer.pid as number);
    table(
      (c) => load(`${studioUrl}/api/url-check`, c, [`cookie=${cookie}`, `x-csrf-token=${csrf}`], checksFile),
      (c) => load(`${peerUrl}/url-check`, c, [], checksFile),
    );
    printPeaks(studio, peer);
  } finally {
    studio.kill("SIGTERM");
    peer.kill("SIGTERM");
    await Promise.all([new Promise((r) => studio.once("exit", r)), new Promise((r) => peer.once("exit", r))]);
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
