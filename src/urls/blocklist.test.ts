import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlocklistBuilder, BlocklistError, parsePattern } from "./blocklist.ts";
import { detectFormat, readFeed, splitCsvLine } from "./blocklist-formats.ts";
import { addToBlocklist, importBlocklist, loadBlocklists, summarizeBlocklists } from "./blocklist-store.ts";
import { checkUrl } from "./index.ts";

function build(lists: Record<string, string[]>) {
  const builder = new BlocklistBuilder();
  for (const [name, patterns] of Object.entries(lists)) {
    const tag = builder.list(name);
    for (const p of patterns) builder.add(parsePattern(p), tag);
  }
  return builder.build();
}

test("patterns: hosts, prefixes and exact URLs, normalized as the engine normalizes", () => {
  assert.deepEqual(parsePattern("Evil.Example."), { kind: "host", value: "evil.example" });
  assert.deepEqual(parsePattern("*.evil.example"), { kind: "host", value: "evil.example" });
  assert.deepEqual(parsePattern(".evil.example"), { kind: "host", value: "evil.example" });
  assert.deepEqual(parsePattern("bücher.example"), { kind: "host", value: "xn--bcher-kva.example" });
  assert.deepEqual(parsePattern("0x7f.1"), { kind: "host", value: "127.0.0.1" });
  assert.deepEqual(parsePattern("[0:0::1]"), { kind: "host", value: "[::1]" });
  assert.deepEqual(parsePattern("HTTPS://Evil.Example/Downloads/*"), {
    kind: "prefix",
    value: "https://evil.example/Downloads/",
  });
  assert.deepEqual(parsePattern("http://evil.example:80/%6Dal.exe#x"), {
    kind: "url",
    value: "http://evil.example/mal.exe",
  });
  assert.deepEqual(parsePattern("http://user:pw@evil.example./a"), { kind: "url", value: "http://evil.example/a" });
  for (const bad of [
    "",
    "   ",
    "javascript://x",
    "ftp://x.example/",
    "evil example",
    "http://",
    "evil.example:8080",
    "a/b",
    "user@evil.example",
    ".",
  ]) {
    assert.throws(() => parsePattern(bad), BlocklistError, bad);
  }
});

test("lookups: host suffix on label boundaries, URL prefixes, exact URLs; the list is named", () => {
  const list = build({
    feed: ["http://evil.example/bins/x.sh", "https://cdn.example/malware/*"],
    admin: ["bad.example", "1.2.3.4"],
  });
  const hit = (url: string) => checkUrl(url, "image", { policy: { blocklist: list } });
  assert.equal(hit("http://evil.example/bins/x.sh").list, "feed");
  assert.equal(hit("http://EVIL.example./bins/%78.sh").list, "feed", "case, trailing dot and encoded letters");
  assert.equal(hit("http://evil.example/bins/x.sh?y").reason, "proxied_image", "exact means exact");
  assert.equal(hit("https://cdn.example/malware/a/b.png").list, "feed");
  assert.equal(hit("https://cdn.example/malware").reason, "proxied_image");
  assert.equal(hit("https://cdn.example/%6dalware/x").list, "feed");
  assert.equal(hit("http://cdn.example/malware/a").reason, "proxied_image", "another origin");
  assert.equal(hit("https://bad.example/").list, "admin");
  assert.equal(hit("https://a.b.bad.example/x").list, "admin");
  assert.equal(hit("https://notbad.example/").reason, "proxied_image");
  assert.equal(hit("https://bad.example.com/").reason, "proxied_image");
  assert.equal(hit("http://1.2.3.4/").list, "admin");
  assert.equal(hit("http://0x01020304/").list, "admin", "an IPv4 spelling");
  assert.equal(hit("http://5.1.2.3.4.example/").reason, "proxied_image");
  const link = checkUrl("https://bad.example/#frag", "link", {
    policy: { blocklist: list, trustedDomains: ["bad.example"] },
  });
  assert.equal(
    `${link.verdict} ${link.reason} ${link.list}`,
    "block blocklisted admin",
    "trust never beats a blocklist",
  );
});

test("feeds: URLhaus CSV, URL lists and hosts files, with located problems", () => {
  const urlhaus = [
    "################################################################",
    "# abuse.ch URLhaus Database Dump (CSV)",
    "# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter",
    '"3036371","2024-05-01 10:00:07","http://198.51.100.9:40507/Mozi.m","online","2024-05-01 10:00:07","malware_download","32-bit,elf,mips,Mozi","https://urlhaus.abuse.ch/url/3036371/","geenensp"',
    '"3036370","2024-05-01 09:59:06","https://evil.example/a,b.exe","offline","","malware_download","exe","https://urlhaus.abuse.ch/url/3036370/","x"',
    '"3036369","2024-05-01 09:59:06","not a url","offline","","malware_download","","",""',
    '"broken',
  ].join("\n");
  assert.equal(detectFormat(urlhaus), "urlhaus");
  const seen: string[] = [];
  const r = readFeed(urlhaus, "auto", (e) => seen.push(`${e.kind} ${e.value}`));
  assert.deepEqual(seen, ["url http://198.51.100.9:40507/Mozi.m", "url https://evil.example/a,b.exe"]);
  assert.equal(r.entries, 2);
  assert.deepEqual(
    r.problems.map((p) => `${p.line} ${p.code}`),
    ["6 bad_pattern", "7 bad_csv"],
  );

  const hosts =
    "# comment\n127.0.0.1 localhost\n0.0.0.0 ads.example tracker.example # two\n::1 ip6-localhost\n0.0.0.0\n";
  assert.equal(detectFormat(hosts), "hosts");
  const hostEntries: string[] = [];
  const h = readFeed(hosts, "auto", (e) => hostEntries.push(`${e.kind} ${e.value}`));
  assert.deepEqual(hostEntries, ["host ads.example", "host tracker.example"]);
  assert.deepEqual(
    h.problems.map((p) => `${p.line} ${p.code}`),
    ["5 bad_hosts_line"],
  );

  const urls =
    "# phishing\nhttps://phish.example/login\r\nphish2.example\nhttps://phish3.example/kit/*\n\nmailto:x@example.com\n";
  assert.equal(detectFormat(urls), "urls");
  const urlEntries: string[] = [];
  const u = readFeed(urls, "auto", (e) => urlEntries.push(`${e.kind} ${e.value}`));
  assert.deepEqual(urlEntries, [
    "url https://phish.example/login",
    "host phish2.example",
    "prefix https://phish3.example/kit/",
  ]);
  assert.deepEqual(
    u.problems.map((p) => `${p.line} ${p.code}`),
    ["6 bad_pattern"],
  );
  assert.deepEqual(splitCsvLine('"a ""q""",b,,"c"'), ['a "q"', "b", "", "c"]);
});

test("the store: imports replace a list atomically, additions accumulate, loads see every list", () => {
  const dir = mkdtempSync(join(tmpdir(), "vitrine-blocklists-"));
  const feed = join(dir, "feed.txt");
  writeFileSync(feed, "https://phish.example/login\nphish2.example\n");
  assert.equal(importBlocklist(dir, "phish", feed, "auto").entries, 2);
  assert.equal(addToBlocklist(dir, "*.bad.example").added, true);
  assert.equal(addToBlocklist(dir, "bad.example").added, false, "the same entry is not added twice");
  addToBlocklist(dir, "https://x.example/*");
  assert.deepEqual(summarizeBlocklists(dir), [
    { name: "admin", hosts: 1, prefixes: 1, urls: 0 },
    { name: "phish", hosts: 1, prefixes: 0, urls: 1 },
  ]);
  assert.deepEqual(
    readdirSync(join(dir, "blocklists")).sort(),
    ["admin.list", "phish.list"],
    "no temporary files left",
  );
  const list = loadBlocklists(dir);
  assert.equal(list.lookup("https://phish.example/login", "phish.example"), "phish");
  assert.equal(list.lookup("https://a.bad.example/", "a.bad.example"), "admin");
  assert.equal(list.lookup("https://x.example/y", "x.example"), "admin");
  writeFileSync(feed, "other.example\n");
  importBlocklist(dir, "phish", feed, "urls");
  assert.equal(
    loadBlocklists(dir).lookup("https://phish.example/login", "phish.example"),
    null,
    "an import replaces the list",
  );
  assert.throws(() => importBlocklist(dir, "../evil", feed, "urls"), /list names/);
  writeFileSync(join(dir, "blocklists", "broken.list"), "# vitrine blocklist v1\nsomething else\n");
  assert.throws(
    () => loadBlocklists(dir),
    (e: BlocklistError) => e.code === "corrupt_list" && /broken\.list:2/.test(e.message),
  );
  assert.match(
    readFileSync(join(dir, "blocklists", "admin.list"), "utf8"),
    /^# vitrine blocklist v1 name=admin\nhost bad\.example\n/,
  );
});

test("hundreds of thousands of entries stay compact and exact", () => {
  const builder = new BlocklistBuilder();
  const tag = builder.list("big");
  for (let i = 0; i < 200_000; i++) builder.add({ kind: "host", value: `host-${i}.example` }, tag);
  for (let i = 0; i < 200_000; i++) builder.add({ kind: "url", value: `http://u${i % 1000}.example/p/${i}` }, tag);
  const list = builder.build();
  assert.equal(list.size, 400_000);
  const characters = 200_000 * "host-100000.example".length + 200_000 * "http://u100.example/p/100000".length;
  assert.ok(list.byteLength < characters + 400_000 * 32, `${list.byteLength} bytes for ${characters} characters`);
  assert.equal(list.lookup("http://x.host-199999.example/", "x.host-199999.example"), "big");
  assert.equal(list.lookup("http://u999.example/p/199999", "u999.example"), "big");
  assert.equal(list.lookup("http://u999.example/p/199998", "u999.example"), null);
});
