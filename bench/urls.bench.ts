// Benchmark (not a test): the full URL verdict against a bare WHATWG parse (`new URL()`) of the same URLs, in the
// same run, with a one-million-entry blocklist loaded; and what that blocklist costs in memory.
//   npm run bench:urls        (ROUNDS=15 by default)
// Each round times the peer and the verdicts back to back; the ratio printed is the median of the per-round ratios,
// so a machine shared with other work slows both sides of a ratio alike.
import { BlocklistBuilder, parsePattern } from "../src/urls/blocklist.ts";
import { checkUrl, type UrlContext, type UrlPolicy } from "../src/urls/index.ts";

const ROUNDS = Math.max(1, Number(process.env.ROUNDS ?? 15));
const ENTRIES = 1_000_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc (npm run bench:urls does)");

function retainedBytes(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.external; // external includes the array buffers
}

// A feed-like list: 60% host suffixes, 35% exact URLs (URLhaus style), 5% URL prefixes.
function entryPattern(i: number): string {
  const r = i % 20;
  if (r < 12) return `${((i * 2654435761) >>> 0).toString(36)}-shop.${["com", "net", "info", "xyz", "co.uk"][i % 5]}`;
  if (r < 19)
    return `http://${(((i * 40503) >>> 0) % 223) + 1}.${i % 251}.${(i >>> 8) % 251}.${i % 97}:${8000 + (i % 1000)}/bins/${i.toString(36)}.sh`;
  return `https://files-${(i % 5000).toString(36)}.example/drop/${i.toString(36)}/*`;
}

function buildList() {
  const builder = new BlocklistBuilder();
  const tag = builder.list("bench");
  for (let i = 0; i < ENTRIES; i++) builder.add(parsePattern(entryPattern(i)), tag);
  return builder.build();
}

const before = retainedBytes();
const buildStart = performance.now();
const blocklist = buildList();
const buildSeconds = (performance.now() - buildStart) / 1000;
const after = retainedBytes();

// What notebooks link to: documentation with fragments, CDNs with query strings, code hosts, encyclopaedias, a
// long tail of other sites, and 4% blocklist hits (half host suffixes, half exact URLs). After the first round
// every host is known, as in a studio that checks the same notebooks' links again and again.
const URLS: string[] = [];
for (let i = 0; i < 20_000; i++) {
  const r = i % 50;
  if (r < 20) URLS.push(`https://docs.example${i % 300}.org/en/stable/reference/api/page-${i}.html#section-${i % 7}`);
  else if (r < 30) URLS.push(`https://cdn${i % 50}.example.com/assets/img/figure-${i}.png?w=800&h=600&v=${i}`);
  else if (r < 35) URLS.push(`https://github.com/owner${i % 100}/repo/blob/main/notebooks/analysis-${i}.ipynb`);
  else if (r < 40) URLS.push(`https://en.wikipedia.org/wiki/Article_${i}`);
  else if (r < 48) URLS.push(`https://site${i % 2000}.example.net/posts/${i}/index.html`);
  else if (r === 48) URLS.push(`https://www.${entryPattern(i * 20)}/landing?id=${i}`);
  else URLS.push(entryPattern(i * 20 + 12 + (i % 7)));
}
const policy: UrlPolicy = { appOrigin: "https://studio.example.org", blocklist };

function time(run: () => void): number {
  const start = performance.now();
  run();
  return (performance.now() - start) / 1000;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

let sink = 0;
const parse = () => {
  for (const u of URLS) sink += new URL(u).href.length;
};
const verdicts = (context: UrlContext) => () => {
  for (const u of URLS) sink += checkUrl(u, context, { policy }).verdict.length;
};
parse();
verdicts("link")();
verdicts("image")();
const parseTimes: number[] = [];
const linkTimes: number[] = [];
const imageTimes: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  parseTimes.push(time(parse));
  linkTimes.push(time(verdicts("link")));
  imageTimes.push(time(verdicts("image")));
}
const perSecond = (seconds: number) => Math.round(URLS.length / seconds);
const parseRate = perSecond(median(parseTimes));
const linkRate = perSecond(median(linkTimes));
const imageRate = perSecond(median(imageTimes));
const linkRatio = median(linkTimes.map((t, i) => t / (parseTimes[i] as number)));
const imageRatio = median(imageTimes.map((t, i) => t / (parseTimes[i] as number)));
// Hosts never seen before pay for the public-suffix walk and the blocklist probes: each round its own new hosts.
const coldRatios: number[] = [];
const coldTimes: number[] = [];
for (let round = 0; round < 5; round++) {
  const cold = Array.from({ length: 20_000 }, (_, i) => `https://w${i}.cold${round}-${i % 997}.example.org/p/${i}`);
  const parsed = time(() => {
    for (const u of cold) sink += new URL(u).href.length;
  });
  const judged = time(() => {
    for (const u of cold) sink += checkUrl(u, "link", { policy }).verdict.length;
  });
  coldTimes.push(judged);
  coldRatios.push(judged / parsed);
}
const blocked = URLS.filter((u) => checkUrl(u, "link", { policy }).reason === "blocklisted").length;

console.log(
  `URL verdicts, ${URLS.length} URLs (${blocked} blocklist hits), median of ${ROUNDS} rounds, Node ${process.version}`,
);
console.log(
  `blocklist: ${blocklist.size.toLocaleString("en")} entries built in ${buildSeconds.toFixed(2)} s; ` +
    `retained ${((after - before) / 1048576).toFixed(1)} MB (its arrays: ${(blocklist.byteLength / 1048576).toFixed(1)} MB)`,
);
console.log(`new URL() (peer)       ${parseRate.toLocaleString("en").padStart(12)} /s`);
console.log(
  `checkUrl, link         ${linkRate.toLocaleString("en").padStart(12)} /s   ${linkRatio.toFixed(2)}x the cost of a bare parse`,
);
console.log(
  `checkUrl, image        ${imageRate.toLocaleString("en").padStart(12)} /s   ${imageRatio.toFixed(2)}x the cost of a bare parse`,
);
console.log(
  `first look at new hosts   ${perSecond(median(coldTimes)).toLocaleString("en").padStart(12)} /s   ${median(coldRatios).toFixed(2)}x the cost of a bare parse`,
);
if (sink === 0) console.log("");
