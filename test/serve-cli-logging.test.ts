// What `vitrine serve` logs: at the default level (info) its start (where it listens), its stop, warnings and
// errors, and nothing per request; at debug, one line per request.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SETTINGS } from "../src/server/config.ts";
import { spawnServe } from "./serve-process.ts";

/** Starts the server at `level`, makes three requests (two on the app origin, one on the content origin), stops it. */
async function logOf(level: string): Promise<{ lines: string[]; paths: string[] }> {
  const dataDir = mkdtempSync(join(tmpdir(), "vitrine-serve-log-"));
  const serve = spawnServe(dataDir, { logLevel: level });
  try {
    const app = await serve.ready;
    // The content origin's line follows the app origin's, possibly in a later chunk of output.
    let content: string | undefined;
    for (let tries = 0; content === undefined && tries < 100; tries++) {
      content = /content origin \S+ \(listening on (http:\/\/[^)]+)\)/.exec(serve.output())?.[1];
      if (content === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(content, serve.output());
    const paths = ["/api/session", "/no-such-page"];
    for (const path of paths) await (await fetch(`${app}${path}`)).arrayBuffer();
    await (await fetch(`${content}/no-such-frame`)).arrayBuffer();
    serve.child.kill("SIGTERM");
    assert.equal(await serve.exited, 0);
    return { lines: serve.output().split("\n").filter(Boolean), paths: [...paths, "/no-such-frame"] };
  } finally {
    if (serve.child.exitCode === null) serve.child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The lines of pino's JSON log, parsed; the CLI's own lines ("vitrine: ...") are left out. */
function logRecords(lines: string[]): { level: number; msg: string; url?: string; statusCode?: number }[] {
  return lines.filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
}

test("at the default level: start, stop and warnings, no line per request", { timeout: 60_000 }, async () => {
  assert.equal(SETTINGS.find((setting) => setting.flag === "--log-level")?.default, "info");
  const { lines, paths } = await logOf("info");
  const text = lines.join("\n");
  assert.match(text, /vitrine: app origin \S+ \(listening on http:\/\/127\.0\.0\.1:\d+\)/);
  assert.match(text, /vitrine: content origin \S+ \(listening on http:\/\/127\.0\.0\.1:\d+\)/);
  assert.match(text, /vitrine: stopped$/m);
  const records = logRecords(lines);
  assert.ok(
    records.some((record) => /listening at http:\/\/127\.0\.0\.1:\d+/i.test(record.msg)),
    "the addresses are logged",
  );
  for (const path of paths) assert.ok(!text.includes(path), `no line names ${path}:\n${text}`);
  assert.ok(records.every((record) => record.level >= 30));
});

test(
  "at debug: one line per request, with its method, URL and status; at trace, one more as it arrives",
  { timeout: 60_000 },
  async () => {
    const { lines, paths } = await logOf("debug");
    const requests = logRecords(lines).filter((record) => record.msg === "request completed");
    assert.deepEqual(
      requests.map((record) => [record.url, record.statusCode]),
      paths.map((path, i) => [path, i === 0 ? 401 : 404]),
    );
    for (const path of paths)
      assert.equal(
        lines.filter((line) => line.includes(path)).length,
        1,
        `one line names ${path}:\n${lines.join("\n")}`,
      );

    // Each request's two lines in order; the two origins' requests may interleave.
    const traced = logRecords((await logOf("trace")).lines).filter((record) => record.url !== undefined);
    for (const path of paths)
      assert.deepEqual(
        traced.filter((record) => record.url === path).map((record) => record.msg),
        ["incoming request", "request completed"],
        path,
      );
    assert.equal(traced.length, paths.length * 2);
  },
);
