// vitrine check-url and vitrine blocklist as a person runs them: the real bin/vitrine.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../bin/vitrine", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "vitrine-urls-cli-"));

function run(args: string[], input?: string) {
  const r = spawnSync(bin, args, {
    cwd: work,
    encoding: "utf8",
    input,
    env: { ...process.env, PATH: "/usr/bin:/bin" },
  });
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    lines: r.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

test("check-url: one JSON object per URL, in order; exit 0 only when all are allowed", () => {
  const images = run(["check-url", "--context", "image", "https://example.com/a.png", "attachment:x.png"]);
  assert.equal(images.code, 0, images.stderr);
  assert.deepEqual(
    images.lines.map((l) => [l.input, l.context, l.verdict, l.reason]),
    [
      ["https://example.com/a.png", "image", "allow", "proxied_image"],
      ["attachment:x.png", "image", "allow", "attachment"],
    ],
  );
  const links = run([
    "check-url",
    "https://example.com/",
    "javascript:alert(1)",
    "#top",
    "http://0x7f000001/",
    "https://example.com@evil.example/",
  ]);
  assert.equal(links.code, 1);
  assert.deepEqual(
    links.lines.map((l) => `${l.verdict} ${l.reason} ${l.normalized}`),
    [
      "prompt external_site https://example.com/",
      "block scheme_not_allowed javascript:alert(1)",
      "allow same_document #top",
      "block private_address http://127.0.0.1/",
      "block userinfo https://evil.example/",
    ],
  );
  assert.equal(links.lines[3]?.writtenForm, "ip_address_form");
  assert.equal((links.lines[4]?.prompt as { clickThrough?: boolean } | undefined)?.clickThrough, false);
});

test("check-url: --app-origin and --base decide what is the studio's own API", () => {
  const r = run([
    "check-url",
    "--app-origin",
    "https://studio.example.org",
    "--base",
    "https://studio.example.org/w/t/nb.ipynb",
    "../../%61pi/x",
    "other.ipynb",
  ]);
  assert.equal(r.code, 1);
  assert.deepEqual(
    r.lines.map((l) => `${l.verdict} ${l.reason} ${l.normalized}`),
    [
      "block app_api https://studio.example.org/%61pi/x",
      "allow workspace_relative https://studio.example.org/w/t/other.ipynb",
    ],
  );
  const stdin = run(["check-url", "-"], "#a\n\n#b\n");
  assert.equal(stdin.code, 0);
  assert.equal(stdin.lines.length, 2);
});

test("check-url: bad options exit 2 and say what is wrong", () => {
  const bad = run(["check-url", "--context", "iframe", "https://example.com/"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--context must be "link" or "image"/);
  assert.equal(run(["check-url"]).code, 2);
  assert.match(run(["check-url", "--app-origin", "nope", "x"]).stderr, /--app-origin must be an http\(s\) URL/);
  assert.match(run(["check-url", "--allow-loopback", "10.0.0.1:80", "x"]).stderr, /loopback/);
  assert.equal(run(["check-url", "--frobnicate", "x"]).code, 2);
});

test("blocklist import, add and list; check-url then blocks and names the list", () => {
  const feed = join(work, "urlhaus.csv");
  writeFileSync(
    feed,
    '# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n"1","2024-01-01 00:00:00","http://evil.example/bins/x.sh","online","","malware_download","elf","x","y"\n"2",broken"\n',
  );
  const imported = run(["blocklist", "import", feed, "--name", "urlhaus"]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.deepEqual(imported.lines[0], { list: "urlhaus", format: "urlhaus", entries: 1, skipped: 1 });
  assert.match(imported.stderr, /urlhaus\.csv:3: .*\[missing_url\]/);
  const added = run(["blocklist", "add", "*.bad.example"]);
  assert.deepEqual(added.lines[0], { list: "admin", kind: "host", value: "bad.example", added: true });
  assert.ok(existsSync(join(work, "data", "blocklists", "admin.list")));
  const listed = run(["blocklist", "list"]);
  assert.deepEqual(listed.lines, [
    { name: "admin", hosts: 1, prefixes: 0, urls: 0 },
    { name: "urlhaus", hosts: 0, prefixes: 0, urls: 1 },
  ]);
  const checked = run([
    "check-url",
    "--context",
    "image",
    "http://evil.example/bins/x.sh",
    "https://cdn.bad.example/a.png",
    "https://good.example/a.png",
  ]);
  assert.equal(checked.code, 1);
  assert.deepEqual(
    checked.lines.map((l) => `${l.verdict} ${l.reason} ${l.list}`),
    ["block blocklisted urlhaus", "block blocklisted admin", "allow proxied_image undefined"],
  );
  const removed = run(["blocklist", "remove", "bad.example"]);
  assert.equal(removed.code, 0);
  assert.deepEqual(removed.lines[0], { list: "admin", kind: "host", value: "bad.example", removed: true });
  assert.equal(run(["check-url", "--context", "image", "https://cdn.bad.example/a.png"]).code, 0, "no longer blocked");
  assert.equal(run(["blocklist", "remove", "bad.example"]).code, 1, "nothing left to remove");
  const elsewhere = run([
    "check-url",
    "--data-dir",
    join(work, "empty"),
    "--context",
    "image",
    "http://evil.example/bins/x.sh",
  ]);
  assert.equal(elsewhere.code, 0, "--data-dir chooses where lists are read");
  const viaEnv = spawnSync(bin, ["check-url", "--context", "image", "http://evil.example/bins/x.sh"], {
    cwd: tmpdir(),
    encoding: "utf8",
    env: { ...process.env, PATH: "/usr/bin:/bin", VITRINE_DATA_DIR: join(work, "data") },
  });
  assert.equal(viaEnv.status, 1, "VITRINE_DATA_DIR, as the server reads it");
  assert.match(viaEnv.stdout, /"list":"urlhaus"/);
});

test("blocklist: bad input is refused with its reason", () => {
  assert.equal(run(["blocklist"]).code, 2);
  assert.equal(run(["blocklist", "frobnicate"]).code, 2);
  assert.equal(run(["blocklist", "import", "x.txt", "--format", "xml"]).code, 2);
  assert.equal(run(["blocklist", "add", "x.example", "--name", "../etc"]).code, 2);
  const badPattern = run(["blocklist", "add", "javascript://x"]);
  assert.equal(badPattern.code, 1);
  assert.match(badPattern.stderr, /\[bad_pattern\]/);
  const missing = run(["blocklist", "import", "missing.txt"]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read missing\.txt: no such file/);
});
