// Soak benchmark (not a test): `vitrine serve` as its own process under rounds of mixed load on loopback, its memory
// sampled after each round and after an idle pause, and a verdict: does resident memory level off, or keep growing?
//
// One round, all lanes at once for SOAK_SECONDS:
//  - reads, SOAK_CONNECTIONS connections: UI pages and a script, the config, health and OpenAPI answers, the frame
//    shell on the content origin, workspace and file listings, a stored file's details and review, and of a 4 MB
//    notebook its head, its model and its raw bytes; 100-URL checks;
//  - uploads, 2 connections: real notebooks of the corpus (/work/shared/corpus by default, VITRINE_CORPUS), one to
//    three at a time, half with a trailing space count that makes their bytes new, and the upload dialog's review;
//  - large, 1 connection: a review or an upload of a notebook of 48 MB (under the 50 MiB file limit), each with new
//    bytes, and once a round four 45 MiB files in one upload (180 MiB, under the 200 MiB limit for one upload);
//  - refusals, 1 connection: a 225 MiB file, five 45 MiB files (225 MiB), multipart bodies that are cut short, have
//    LF line endings, a part without Content-Disposition or no boundary, uploads without the trust acknowledgment,
//    the corpus's schema-invalid and hostile notebooks, and generated notebooks that cost a file job its whole budget
//    or near it (one of them first in every round).
// After each round: VmRSS when the load stops, the round's peak (VmHWM, reset at its start), VmRSS after
// SOAK_IDLE_SECONDS without requests, and the heap figures bench/soak-probe.ts writes for a signal; at the end, the
// same after a full collection of the main thread and after the file workers are replaced by new ones.
// Any 5xx answer or connection reset fails the run.
//   npm run bench:soak        (SOAK_ROUNDS=8 SOAK_SECONDS=45 SOAK_IDLE_SECONDS=15: about 11 minutes, since a round
//                             ends when the requests in flight at its deadline end)
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { Agent, request } from "undici";
import { spawnServe } from "../test/serve-process.ts";
import { peakResidentMb, residentMb } from "./processes.ts";
import { addUser, bigNotebook, createWorkspace, signIn, upload, urlCheckBody, type Session } from "./studio-session.ts";

const env = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number of 0 or more`);
  return value;
};
const ROUNDS = Math.max(1, env("SOAK_ROUNDS", 8));
const SECONDS = Math.max(1, env("SOAK_SECONDS", 45));
const IDLE_SECONDS = env("SOAK_IDLE_SECONDS", 15);
const CONNECTIONS = Math.max(1, env("SOAK_CONNECTIONS", 100));
/**
 * The verdict looks at the RSS after idle of the last WINDOW rounds: a plateau if none of them is more than
 * PLATEAU_PERCENT above the highest of the rounds before. The figure swings by hundreds of MB from round to round
 * with what the file workers' heaps hold when the load stops, so the margin is relative.
 */
const WINDOW = Math.max(1, Math.min(ROUNDS - 1, env("SOAK_WINDOW", 4)));
const PLATEAU_PERCENT = env("SOAK_PLATEAU_PERCENT", 10);
const CORPUS = process.env.VITRINE_CORPUS ?? "/work/shared/corpus";

const MiB = 1024 * 1024;
const PASSWORD = "soak benchmark password";
const work = mkdtempSync(join(tmpdir(), "vitrine-bench-soak-"));
const probeFile = join(work, "probe.jsonl");

// ---- What each request was answered, by kind ----

/**
 * 2xx, 3xx or 4xx: an answer the server may give; 5xx and resets are never expected. "ok_or_busy" is a read that
 * needs a file job: one user with more files waiting than the per-user bound is answered 429 file_jobs_busy.
 */
type Expect = "ok" | "ok_or_busy" | "refused" | "any";

interface Outcome {
  count: number;
  statuses: Map<string, number>;
  unexpected: number;
  failures: number;
  bytes: number;
}

const outcomes = new Map<string, Outcome>();
const failureSamples: string[] = [];

function record(kind: string, expect: Expect, status: number | Error, code: string | undefined, bytes: number) {
  let o = outcomes.get(kind);
  if (!o) outcomes.set(kind, (o = { count: 0, statuses: new Map(), unexpected: 0, failures: 0, bytes: 0 }));
  o.count++;
  o.bytes += bytes;
  const label =
    status instanceof Error
      ? `error ${(status as { code?: string }).code ?? status.name}`
      : `${status}${code ? ` ${code}` : ""}`;
  o.statuses.set(label, (o.statuses.get(label) ?? 0) + 1);
  const failed = status instanceof Error || status >= 500;
  if (failed) {
    o.failures++;
    if (failureSamples.length < 20) failureSamples.push(`${kind}: ${status instanceof Error ? status.message : label}`);
  } else if (
    (expect === "ok" && status >= 400) ||
    (expect === "ok_or_busy" && status >= 400 && !(status === 429 && code === "file_jobs_busy")) ||
    (expect === "refused" && status < 400)
  )
    o.unexpected++;
}

// ---- HTTP on loopback ----

const agent = new Agent({ connections: CONNECTIONS + 8, keepAliveTimeout: 10_000, headersTimeout: 120_000 });

interface Call {
  kind: string;
  expect: Expect;
  method?: "GET" | "POST";
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer | Readable;
}

async function call(c: Call): Promise<void> {
  try {
    const answer = await request(c.url, {
      method: c.method ?? "GET",
      headers: c.headers ?? {},
      ...(c.body === undefined ? {} : { body: c.body }),
      dispatcher: agent,
    });
    let bytes = 0;
    let code: string | undefined;
    if (answer.statusCode >= 400) {
      const text = await answer.body.text();
      bytes = text.length;
      code = /"error":"([a-z_]+)"/.exec(text)?.[1];
    } else for await (const chunk of answer.body) bytes += (chunk as Buffer).byteLength;
    record(c.kind, c.expect, answer.statusCode, code, bytes);
  } catch (error) {
    record(c.kind, c.expect, error as Error, undefined, 0);
  }
}

// ---- Multipart bodies, written by hand so that broken ones can be sent too ----

interface Part {
  name: string;
  filename?: string;
  /** Bytes, or a size: that many bytes of a repeated JSON-ish filler, streamed. */
  content: string | Buffer | { size: number };
}

const FILLER = Buffer.alloc(MiB, "0123456789abcdef");

function partHead(boundary: string, part: Part): Buffer {
  const disposition = `form-data; name="${part.name}"${part.filename === undefined ? "" : `; filename="${part.filename}"`}`;
  const type = part.filename === undefined ? "" : "Content-Type: application/octet-stream\r\n";
  return Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`);
}

async function* multipartBody(boundary: string, parts: Part[]): AsyncGenerator<Buffer> {
  for (const part of parts) {
    yield partHead(boundary, part);
    const content = part.content;
    if (typeof content === "string") yield Buffer.from(content);
    else if (Buffer.isBuffer(content)) yield content;
    else
      for (let left = content.size; left > 0; left -= FILLER.byteLength)
        yield FILLER.subarray(0, Math.min(left, FILLER.byteLength));
    yield Buffer.from("\r\n");
  }
  yield Buffer.from(`--${boundary}--\r\n`);
}

let boundaries = 0;
function form(parts: Part[]): { headers: Record<string, string>; body: Readable } {
  const boundary = `----soak${++boundaries}x${Math.random().toString(36).slice(2)}`;
  return {
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    body: Readable.from(multipartBody(boundary, parts), { objectMode: false }),
  };
}

const ACK: Part = { name: "acknowledgment", content: "trusted-source-v1" };

// ---- Notebooks ----

/** A notebook of `bytes` whose bytes are new each time: a fixed-width counter in its metadata changes. */
class FreshNotebook {
  readonly #template: Buffer;
  readonly #at: number;
  #count = 0;

  constructor(bytes: number) {
    const text = bigNotebook(bytes - 64).replace('"metadata":{}', `"metadata":{"soak":"${"#".repeat(16)}"}`);
    this.#template = Buffer.from(text);
    this.#at = this.#template.indexOf("#".repeat(16));
  }

  get size(): number {
    return this.#template.byteLength;
  }

  next(): Buffer {
    const copy = Buffer.from(this.#template);
    copy.write(String(++this.#count).padStart(16, "0"), this.#at, "latin1");
    return copy;
  }
}

interface CorpusFile {
  name: string;
  bytes: Buffer;
}

function corpusFiles(dir: string): CorpusFile[] {
  return readdirSync(join(CORPUS, dir))
    .filter((name) => name.endsWith(".ipynb"))
    .sort()
    .map((name) => ({ name, bytes: readFileSync(join(CORPUS, dir, name)) }));
}

/**
 * Notebooks under the 50 MiB file limit made to cost a file job the most. Fifteen million empty objects in the
 * metadata need more than the job's 1 GB heap to read: the job is stopped (read_budget_exceeded) and its worker
 * replaced. Fifteen million empty arrays are read within the budget, with a heap near it. Nineteen thousand cells of
 * script and iframe tags keep the review busy for 20 to 30 s on the 2-core machine, near the 30 s budget.
 */
function heavyNotebooks(): { overBudget: CorpusFile; nearBudget: CorpusFile[] } {
  const withMetadata = (value: string) =>
    Buffer.from(`{"nbformat":4,"nbformat_minor":5,"metadata":{"x":[${value}]},"cells":[]}`);
  const html = JSON.stringify('<script>alert(1)</script><iframe src="http://10.0.0.1/"></iframe>'.repeat(36));
  const cells = Array.from(
    { length: 19_000 },
    (_, i) =>
      `{"cell_type":"code","id":"c${i}","metadata":{},"execution_count":1,"source":"x","outputs":[{"output_type":"display_data","metadata":{},"data":{"text/html":${html}}}]}`,
  );
  return {
    overBudget: { name: "empty-objects.ipynb", bytes: withMetadata(`${"{},".repeat(15 * MiB)}{}`) },
    nearBudget: [
      { name: "empty-arrays.ipynb", bytes: withMetadata(`${"[],".repeat(15 * MiB)}[]`) },
      {
        name: "scripts-everywhere.ipynb",
        bytes: Buffer.from(`{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[${cells.join(",")}]}`),
      },
    ],
  };
}

// ---- Memory of the server process ----

interface ProbeSample {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  mallocedMemory: number;
  workers: number;
  workersStarted: number;
  workerHeapTotal: number;
  workerHeapUsed: number;
}

function probeLines(): string[] {
  try {
    return readFileSync(probeFile, "utf8").trim().split("\n").filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * Asks the probe in the server for a sample (SIGUSR2), for one before and after a full GC (SIGWINCH), or for one
 * before and after the file workers are replaced by new ones (SIGURG).
 */
async function probe(pid: number, signal: "SIGUSR2" | "SIGWINCH" | "SIGURG"): Promise<Record<string, unknown>> {
  const before = probeLines().length;
  process.kill(pid, signal);
  for (let i = 0; i < 800; i++) {
    await sleep(50);
    const lines = probeLines();
    if (lines.length > before) return JSON.parse(lines.at(-1)!) as Record<string, unknown>;
  }
  throw new Error("the server's memory probe did not answer");
}

function statusKb(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- The load ----

interface Studio {
  app: string;
  content: string;
  /** The user who uploads (and is refused). */
  session: Session;
  /** Another user, a viewer of the reads workspace, who sends the reads: users take turns for the file workers. */
  reader: Session;
  reads: string;
  uploads: string;
  large: string;
}

function readCalls(s: Studio, asset: string, checks: string): Call[] {
  const auth = { cookie: s.reader.cookie };
  const ws = `${s.app}/api/workspaces/${s.reads}`;
  const weighted: [number, Call][] = [
    [2, { kind: "page /", expect: "ok", url: `${s.app}/`, headers: auth }],
    [2, { kind: "page /w/…", expect: "ok", url: `${s.app}/w/${s.reads}/big.ipynb`, headers: auth }],
    [1, { kind: "ui script", expect: "ok", url: `${s.app}${asset}` }],
    [1, { kind: "config", expect: "ok", url: `${s.app}/api/config` }],
    [1, { kind: "healthz", expect: "ok", url: `${s.app}/healthz` }],
    [1, { kind: "frame shell", expect: "ok", url: `${s.content}/frame/` }],
    [1, { kind: "workspaces", expect: "ok", url: `${s.app}/api/workspaces`, headers: auth }],
    [2, { kind: "file list", expect: "ok", url: `${ws}/files`, headers: auth }],
    [1, { kind: "file details", expect: "ok", url: `${ws}/files/big.ipynb`, headers: auth }],
    [1, { kind: "stored review", expect: "ok", url: `${ws}/review/big.ipynb`, headers: auth }],
    [3, { kind: "notebook head 4 MB", expect: "ok", url: `${ws}/notebook-head/big.ipynb`, headers: auth }],
    [1, { kind: "notebook model 4 MB", expect: "ok_or_busy", url: `${ws}/notebook/big.ipynb`, headers: auth }],
    [3, { kind: "raw 4 MB", expect: "ok", url: `${ws}/raw/big.ipynb`, headers: auth }],
    [1, { kind: "openapi", expect: "ok", url: `${s.app}/api/openapi.json` }],
    [
      3,
      {
        kind: "url check ×100",
        expect: "ok",
        method: "POST",
        url: `${s.app}/api/url-check`,
        headers: { ...s.reader.headers, "content-type": "application/json" },
        body: checks,
      },
    ],
  ];
  return weighted.flatMap(([weight, c]) => Array.from({ length: weight }, () => c));
}

/** Runs `next()`'s calls one after another until the deadline. */
async function lane(deadline: number, next: () => Call | Promise<Call>): Promise<void> {
  while (Date.now() < deadline) await call(await next());
}

function uploadCall(s: Studio, ws: string, kind: string, expect: Expect, parts: Part[], review = false): Call {
  const body = form(parts);
  return {
    kind,
    expect,
    method: "POST",
    url: `${s.app}/api/workspaces/${ws}/${review ? "review" : "files"}`,
    headers: { ...s.session.headers, ...body.headers },
    body: body.body,
  };
}

/** A multipart body broken in one of the ways clients break them, sent whole. */
function malformedCalls(s: Studio): Call[] {
  const url = `${s.app}/api/workspaces/${s.uploads}/files`;
  const nb = readFileSync(join(CORPUS, "notebooks", "nbformat__test4.ipynb"));
  const call = (kind: string, contentType: string, body: string | Buffer): Call => ({
    kind: `malformed: ${kind}`,
    expect: "refused",
    method: "POST",
    url,
    headers: { ...s.session.headers, "content-type": contentType },
    body,
  });
  const b = "soakboundary";
  const good = (content: Buffer | string) =>
    Buffer.concat([
      Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="acknowledgment"\r\n\r\ntrusted-source-v1\r\n`),
      Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.ipynb"\r\n\r\n`),
      Buffer.from(content),
      Buffer.from(`\r\n--${b}--\r\n`),
    ]);
  const whole = good(nb);
  return [
    call("cut short", `multipart/form-data; boundary=${b}`, whole.subarray(0, whole.byteLength - 4000)),
    call(
      "LF line endings",
      `multipart/form-data; boundary=${b}`,
      Buffer.from(whole.toString("latin1").replaceAll("\r\n", "\n"), "latin1"),
    ),
    call("no boundary", "multipart/form-data", whole),
    call(
      "part without disposition",
      `multipart/form-data; boundary=${b}`,
      Buffer.concat([Buffer.from(`--${b}\r\nX-Other: 1\r\n\r\nhello\r\n`), whole]),
    ),
    call("not multipart", "application/json", '{"file":"a.ipynb"}'),
  ];
}

async function round(s: Studio, r: number, data: LoadData): Promise<void> {
  const deadline = Date.now() + SECONDS * 1000;
  const lanes: Promise<void>[] = [];

  let readIndex = 0;
  for (let i = 0; i < CONNECTIONS; i++) lanes.push(lane(deadline, () => data.reads[readIndex++ % data.reads.length]!));

  let uploadIndex = 0;
  for (let i = 0; i < 2; i++)
    lanes.push(
      lane(deadline, () => {
        const n = uploadIndex++;
        const count = 1 + (n % 3);
        const files = Array.from({ length: count }, (_, k) => data.valid[(n * 3 + k) % data.valid.length]!);
        // Half the uploads send bytes never seen before (a trailing space count), so that their review and head
        // are made again rather than remembered.
        const parts: Part[] = files.map((f) => ({
          name: "file",
          filename: `corpus/${f.name}`,
          content: n % 2 ? Buffer.concat([f.bytes, Buffer.from(" ".repeat(1 + (n % 4093)))]) : f.bytes,
        }));
        if (n % 5 === 4) return uploadCall(s, s.uploads, "review corpus", "ok", parts, true);
        return uploadCall(s, s.uploads, `upload corpus ×${count}`, "ok", [ACK, ...parts]);
      }),
    );

  let largeIndex = 0;
  lanes.push(
    lane(deadline, () => {
      const n = largeIndex++;
      if (n === 1)
        return uploadCall(s, s.large, "upload 4 × 45 MiB", "ok", [
          ACK,
          ...[0, 1, 2, 3].map((k) => ({ name: "file", filename: `four/${k}.ipynb`, content: data.large45.next() })),
        ]);
      const bytes = data.large48.next();
      if (n % 2 === 0)
        return uploadCall(
          s,
          s.large,
          "review 48 MB",
          "ok",
          [{ name: "file", filename: "big48.ipynb", content: bytes }],
          true,
        );
      return uploadCall(s, s.large, "upload 48 MB", "ok", [
        ACK,
        { name: "file", filename: "big48.ipynb", content: bytes },
      ]);
    }),
  );

  // The refusals lane starts each round with the notebook over its job's budget, then goes on through the others.
  let refusedIndex = -1;
  lanes.push(
    lane(deadline, () => {
      const n = refusedIndex++;
      if (n === -1) return data.overBudget(s);
      return data.refusals[(r * 7 + n) % data.refusals.length]!(s);
    }),
  );
  await Promise.all(lanes);
}

interface LoadData {
  reads: Call[];
  valid: CorpusFile[];
  large48: FreshNotebook;
  large45: FreshNotebook;
  refusals: ((s: Studio) => Call)[];
  overBudget: (s: Studio) => Call;
}

function refusalMakers(data: { invalid: CorpusFile[]; hostile: CorpusFile[]; nearBudget: CorpusFile[] }, s: Studio) {
  const makers: ((s: Studio) => Call)[] = [
    (s) =>
      uploadCall(s, s.uploads, "refused: one 225 MiB file", "refused", [
        ACK,
        { name: "file", filename: "huge.ipynb", content: { size: 225 * MiB } },
      ]),
    (s) =>
      uploadCall(s, s.uploads, "refused: five 45 MiB files (225 MiB)", "refused", [
        ACK,
        ...[0, 1, 2, 3, 4].map((k) => ({ name: "file", filename: `five/${k}.ipynb`, content: { size: 45 * MiB } })),
      ]),
    (s) =>
      uploadCall(s, s.uploads, "refused: no acknowledgment", "refused", [
        { name: "file", filename: "a.ipynb", content: data.invalid[0]!.bytes },
      ]),
    ...malformedCalls(s).map((c) => () => c),
  ];
  for (const f of data.invalid)
    makers.push((s) =>
      uploadCall(s, s.uploads, "refused: schema-invalid corpus notebook", "refused", [
        ACK,
        { name: "file", filename: `invalid/${f.name}`, content: f.bytes },
      ]),
    );
  for (const f of data.hostile)
    makers.push((s) =>
      uploadCall(s, s.uploads, `hostile corpus: ${f.name}`, "any", [
        ACK,
        { name: "file", filename: `hostile/${f.name}`, content: f.bytes },
      ]),
    );
  for (const f of data.nearBudget)
    makers.push((s) =>
      uploadCall(s, s.uploads, `near a file job's budget: ${f.name}`, "any", [
        ACK,
        { name: "file", filename: `budget/${f.name}`, content: f.bytes },
      ]),
    );
  return makers;
}

// ---- The run ----

interface RoundMemory {
  round: number;
  requests: number;
  loadRss: number;
  peak: number;
  idleRss: number;
  sample: ProbeSample;
}

function printTable(rows: RoundMemory[]): void {
  console.log(
    "\nround | requests | RSS at end of load | peak RSS (VmHWM) | RSS after idle | main heap used/total | external (array buffers) | workers: heap used/total",
  );
  for (const r of rows) {
    const m = r.sample;
    console.log(
      [
        String(r.round).padStart(5),
        String(r.requests).padStart(8),
        `${r.loadRss.toFixed(0)} MB`.padStart(18),
        `${r.peak.toFixed(0)} MB`.padStart(16),
        `${r.idleRss.toFixed(0)} MB`.padStart(14),
        `${m.heapUsed.toFixed(0)} / ${m.heapTotal.toFixed(0)} MB`.padStart(20),
        `${m.external.toFixed(0)} (${m.arrayBuffers.toFixed(0)}) MB`.padStart(24),
        `${m.workers}: ${m.workerHeapUsed.toFixed(0)} / ${m.workerHeapTotal.toFixed(0)} MB`.padStart(24),
      ].join(" | "),
    );
  }
}

function printOutcomes(): void {
  console.log("\nrequest kind | requests | answers");
  for (const [kind, o] of [...outcomes].sort(([a], [b]) => a.localeCompare(b))) {
    const answers = [...o.statuses].map(([label, n]) => `${n}× ${label}`).join(", ");
    console.log(`${kind} | ${o.count} | ${answers}${o.unexpected ? ` (${o.unexpected} unexpected)` : ""}`);
  }
}

function totalRequests(): number {
  let n = 0;
  for (const o of outcomes.values()) n += o.count;
  return n;
}

async function main(): Promise<void> {
  const dataDir = join(work, "data");
  addUser(dataDir, "soak", PASSWORD);
  addUser(dataDir, "reader", PASSWORD);
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(
    readFileSync(fileURLToPath(new URL("../dist/web/index.html", import.meta.url)), "utf8"),
  )?.[1];
  if (!asset) throw new Error("dist/web/index.html names no script: run npm run build:web");

  // The probe is preloaded into the server alone; the flags raise the per-user rate limits to their maximum, since
  // one user sends the whole load (at the defaults nearly every upload and URL check would be a 429).
  process.env.VITRINE_SOAK_PROBE = probeFile;
  const preload = `--import=${fileURLToPath(new URL("./soak-probe.ts", import.meta.url))}`;
  const previousOptions = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = [previousOptions, preload].filter(Boolean).join(" ");
  const server = spawnServe(dataDir, {
    stderr: "inherit",
    flags: ["--upload-requests-per-minute", "100000", "--url-check-requests-per-minute", "100000"],
  });
  if (previousOptions === undefined) delete process.env.NODE_OPTIONS;
  else process.env.NODE_OPTIONS = previousOptions;
  const pid = server.child.pid as number;
  try {
    const app = await server.ready;
    // The content origin's line follows the app origin's.
    let content: string | undefined;
    for (let i = 0; i < 100 && !content; i++, await sleep(50))
      content = /content origin \S+ \(listening on (http:\/\/[^)]+)\)/.exec(server.output())?.[1];
    if (!content) throw new Error(`no content origin in: ${server.output()}`);
    const session = await signIn(app, "soak", PASSWORD);
    const reads = await createWorkspace(app, session, "reads");
    const notebook = bigNotebook();
    await upload(app, session, reads, [{ path: "big.ipynb", content: notebook }]);
    const member = await fetch(`${app}/api/workspaces/${reads}/members`, {
      method: "POST",
      headers: { ...session.headers, "content-type": "application/json" },
      body: JSON.stringify({ username: "reader", role: "viewer" }),
    });
    if (member.status !== 201) throw new Error(`reader not added: ${member.status} ${await member.text()}`);
    const s: Studio = {
      app,
      content,
      session,
      reader: await signIn(app, "reader", PASSWORD),
      reads,
      uploads: await createWorkspace(app, session, "uploads"),
      large: await createWorkspace(app, session, "large"),
    };

    // The corpus's notebooks, sorted by what the studio's own review says of them: accepted or refused.
    const corpus = corpusFiles("notebooks");
    // One at a time: a user's reviews wait for the file workers, and more than the per-user bound would be refused.
    const verdicts: boolean[] = [];
    for (const f of corpus)
      verdicts.push(
        await (async () => {
          const body = form([{ name: "file", filename: f.name, content: f.bytes }]);
          const answer = await request(`${app}/api/workspaces/${s.uploads}/review`, {
            method: "POST",
            headers: { ...session.headers, ...body.headers },
            body: body.body,
            dispatcher: agent,
          });
          const review = (await answer.body.json()) as { files: { refused?: unknown }[] };
          return review.files[0]?.refused === undefined;
        })(),
      );
    const valid = corpus.filter((_, i) => verdicts[i]);
    const invalid = corpus.filter((_, i) => !verdicts[i]);
    const hostile = corpusFiles("malicious");
    const heavy = heavyNotebooks();
    const budget = heavy.overBudget;
    const data: LoadData = {
      reads: readCalls(s, asset, urlCheckBody()),
      valid,
      large48: new FreshNotebook(48 * 1000 * 1000),
      large45: new FreshNotebook(45 * MiB),
      refusals: refusalMakers({ invalid, hostile, nearBudget: heavy.nearBudget }, s),
      overBudget: (s) =>
        uploadCall(s, s.uploads, "refused: over a file job's budget", "refused", [
          ACK,
          { name: "file", filename: `budget/${budget.name}`, content: budget.bytes },
        ]),
    };
    console.log(
      `Soak: ${ROUNDS} rounds of ${SECONDS} s, ${IDLE_SECONDS} s idle after each; ${CONNECTIONS} read connections, ` +
        `2 upload, 1 large-upload and 1 refused-upload connection; ${valid.length} accepted and ${invalid.length} ` +
        `refused corpus notebooks, ${hostile.length} hostile; a ${(notebook.length / MiB).toFixed(1)} MiB notebook read`,
    );
    const start = await probe(pid, "SIGUSR2");
    console.log(`after start-up: RSS ${residentMb(pid).toFixed(0)} MB, main heap ${String(start.heapUsed)} MB used`);

    const rows: RoundMemory[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      writeFileSync(`/proc/${pid}/clear_refs`, "5");
      const before = totalRequests();
      await round(s, r, data);
      const loadRss = residentMb(pid);
      const peak = peakResidentMb(pid);
      await sleep(IDLE_SECONDS * 1000);
      const idleRss = residentMb(pid);
      const sample = (await probe(pid, "SIGUSR2")) as unknown as ProbeSample;
      rows.push({ round: r, requests: totalRequests() - before, loadRss, peak, idleRss, sample });
      console.log(
        `round ${r}: ${rows.at(-1)!.requests} requests; RSS ${loadRss.toFixed(0)} MB at the end, peak ` +
          `${peak.toFixed(0)} MB, ${idleRss.toFixed(0)} MB after ${IDLE_SECONDS} s idle (anonymous ` +
          `${statusKb(pid, "RssAnon").toFixed(0)} MB); failures so far ${[...outcomes.values()].reduce((n, o) => n + o.failures, 0)}`,
      );
    }
    const gc = (await probe(pid, "SIGWINCH")) as { before: ProbeSample; after: ProbeSample };
    await sleep(2000);
    printTable(rows);
    console.log(
      `\nafter a full GC of the main thread: RSS ${gc.before.rss} -> ${gc.after.rss} MB, main heap used ` +
        `${gc.before.heapUsed} -> ${gc.after.heapUsed} MB (total ${gc.after.heapTotal} MB), external ` +
        `${gc.after.external} MB, V8 malloced ${gc.after.mallocedMemory} MB; ${gc.after.workersStarted} workers started ` +
        `in all, ${gc.after.workers} alive; RSS 2 s later ${residentMb(pid).toFixed(0)} MB`,
    );
    const replaced = (await probe(pid, "SIGURG")) as { ended: number; before: ProbeSample; after: ProbeSample };
    console.log(
      `after the ${replaced.ended} file workers were replaced by new ones: RSS ${replaced.before.rss} -> ` +
        `${replaced.after.rss} MB (workers' heaps ${replaced.before.workerHeapTotal} -> ${replaced.after.workerHeapTotal} MB)`,
    );
    printOutcomes();

    const idle = rows.map((r) => r.idleRss);
    const earlier = Math.max(...idle.slice(0, idle.length - WINDOW));
    const newHigh = Math.max(...idle.slice(idle.length - WINDOW)) - earlier;
    const verdict =
      rows.length <= WINDOW
        ? "too few rounds for a verdict"
        : newHigh < (earlier * PLATEAU_PERCENT) / 100
          ? "plateau"
          : "growth";
    console.log(
      `\nverdict: ${verdict}: the last ${WINDOW} rounds' RSS after idle is at most ${newHigh.toFixed(0)} MB above the ` +
        `highest before them (${earlier.toFixed(0)} MB); a plateau allows under ${PLATEAU_PERCENT}% ` +
        `(${((earlier * PLATEAU_PERCENT) / 100).toFixed(0)} MB)`,
    );
    const failures = [...outcomes.values()].reduce((n, o) => n + o.failures, 0);
    if (failures > 0) {
      console.error(`\nFAILED: ${failures} answers were 5xx or connection errors, for example:`);
      for (const sample of failureSamples) console.error(`  ${sample}`);
      process.exitCode = 1;
    }
  } finally {
    server.child.kill("SIGTERM");
    await server.exited;
    await agent.close();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
