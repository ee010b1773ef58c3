// Benchmark (not a test): reading a 4 MB notebook through the studio's download route, against a bare node:http
// server that streams the same file from disk (the floor: no routing, no session, no database), both measured in
// the same run by autocannon on loopback at 1, 10 and 100 connections. Prints req/s, p50 and p99 latency, the
// ratio to the peer, and each server's peak memory (VmHWM).
//   npm run bench:server            (BENCH_SECONDS=5 by default; BENCH_SECONDS=10 npm run bench:server for steadier figures)
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "bin", "vitrine");
const node = process.execPath;
const autocannon = join(root, "node_modules", "autocannon", "autocannon.js");
const seconds = Math.max(1, Number(process.env.BENCH_SECONDS ?? 5));
const CONNECTIONS = [1, 10, 100];
const PASSWORD = "benchmark password";
const work = mkdtempSync(join(tmpdir(), "vitrine-bench-server-"));

/** A notebook of about 4 MB: code cells with text outputs, as a long analysis has. */
function bigNotebook(): string {
  const cells = [];
  for (let i = 0; cells.length === 0 || JSON.stringify(cells).length < 4 * 1024 * 1024; i++) {
    cells.push({
      cell_type: "code",
      id: `c${i}`,
      metadata: {},
      execution_count: i,
      source: `for row in table[${i}]:\n    print(row)\n`,
      outputs: [{ output_type: "stream", name: "stdout", text: Array.from({ length: 40 }, (_, k) => `row ${i}.${k}: ${"value ".repeat(8)}\n`) }],
    });
  }
  return JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });
}

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk) => {
      out += chunk;
      const m = pattern.exec(out);
      if (m) resolve(m);
    });
    child.on("exit", (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

interface Result {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

function load(url: string, connections: number, headers: string[]): Result {
  const args = [autocannon, "-c", String(connections), "-d", String(seconds), "--json", ...headers.flatMap((h) => ["-H", h]), url];
  const r = spawnSync(node, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const json = JSON.parse(r.stdout) as { requests: { average: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number };
  return { rps: json.requests.average, p50: json.latency.p50, p99: json.latency.p99, errors: json.non2xx + json.errors };
}

async function main() {
  const notebook = bigNotebook();
  const file = join(work, "big.ipynb");
  writeFileSync(file, notebook);
  const dataDir = join(work, "data");
  const add = spawnSync(bin, ["user", "add", "bench", "--password-stdin", "--data-dir", dataDir], { input: `${PASSWORD}\n`, encoding: "utf8" });
  if (add.status !== 0) throw new Error(add.stderr);

  const studio = spawn(bin, ["serve", "--data-dir", dataDir, "--app-host", "127.0.0.1", "--app-port", "0", "--content-host", "127.0.0.1", "--content-port", "0", "--log-level", "silent"], { stdio: ["ignore", "pipe", "inherit"] });
  const peer = spawn(
    node,
    [
      "-e",
      `const http = require("node:http"), fs = require("node:fs");
       const server = http.createServer((req, res) => { res.writeHead(200, { "content-type": "application/x-ipynb+json" }); fs.createReadStream(process.argv[1]).pipe(res); });
       server.listen(0, "127.0.0.1", () => console.log("peer on http://127.0.0.1:" + server.address().port));`,
      file,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  try {
    const studioUrl = (await waitForLine(studio, /app origin \S+ \(listening on (http:\/\/[^)]+)\)/))[1];
    const peerUrl = (await waitForLine(peer, /peer on (http:\/\/\S+)/))[1];
    const signIn = await fetch(`${studioUrl}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "bench", password: PASSWORD }) });
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0] as string;
    const csrf = ((await signIn.json()) as { csrfToken: string }).csrfToken;
    const auth = { cookie, "x-csrf-token": csrf };
    const ws = ((await (await fetch(`${studioUrl}/api/workspaces`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ name: "bench" }) })).json()) as { id: string }).id;
    const form = new FormData();
    form.append("acknowledgment", "trusted-source-v1");
    form.append("file", new Blob([notebook]), "big.ipynb");
    const up = await fetch(`${studioUrl}/api/workspaces/${ws}/files`, { method: "POST", headers: auth, body: form });
    if (up.status !== 201) throw new Error(`upload failed: ${up.status} ${await up.text()}`);

    console.log(`Reading a ${(notebook.length / 1024 / 1024).toFixed(1)} MB notebook, ${seconds} s per run, autocannon on loopback`);
    console.log(`peer: node:http streaming the same file from disk (no routing, session or database)\n`);
    console.log("connections | vitrine req/s | p50 ms | p99 ms | peer req/s | p50 ms | p99 ms | vitrine/peer req/s");
    for (const c of CONNECTIONS) {
      const v = load(`${studioUrl}/api/workspaces/${ws}/raw/big.ipynb`, c, [`cookie=${cookie}`]);
      const p = load(`${peerUrl}/big.ipynb`, c, []);
      if (v.errors > 0 || p.errors > 0) console.log(`  (errors: vitrine ${v.errors}, peer ${p.errors})`);
      console.log(
        `${String(c).padStart(11)} | ${v.rps.toFixed(0).padStart(13)} | ${String(v.p50).padStart(6)} | ${String(v.p99).padStart(6)} | ${p.rps.toFixed(0).padStart(10)} | ${String(p.p50).padStart(6)} | ${String(p.p99).padStart(6)} | ${(v.rps / p.rps).toFixed(2).padStart(18)}`,
      );
    }
    const vMem = peakRssMb(studio.pid as number);
    const pMem = peakRssMb(peer.pid as number);
    console.log(`\npeak memory: vitrine ${vMem.toFixed(0)} MB, peer ${pMem.toFixed(0)} MB (ratio ${(vMem / pMem).toFixed(2)})`);
  } finally {
    studio.kill("SIGTERM");
    peer.kill("SIGTERM");
    await Promise.all([new Promise((r) => studio.once("exit", r)), new Promise((r) => peer.once("exit", r))]);
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
