// Settings: flags over environment over defaults, clear refusals, generated secrets kept with mode 0600.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig, SETTINGS } from "../src/server/config.ts";
import { imageSignerFor } from "../src/server/server.ts";
import { openDatabase } from "../src/server/storage/database.ts";
import { openSqlite } from "../src/server/storage/node-sqlite-dialect.ts";
import { MIGRATIONS } from "../src/server/storage/migrations.ts";

const dir = () => mkdtempSync(join(tmpdir(), "vitrine-config-"));

test("defaults: app on localhost:8080, content on 127.0.0.1:8081, data in ./data", () => {
  const d = dir();
  try {
    const c = loadConfig({ "data-dir": d }, {});
    assert.equal(c.appUrl.origin, "http://localhost:8080");
    assert.equal(c.contentUrl.origin, "http://127.0.0.1:8081");
    assert.deepEqual([c.appHost, c.appPort, c.contentHost, c.contentPort], ["localhost", 8080, "127.0.0.1", 8081]);
    assert.equal(c.databaseUrl, `sqlite:${d}/vitrine.db`);
    assert.equal(SETTINGS.find((s) => s.key === "dataDir")?.default, "./data");
    assert.equal(c.remoteImages, "allow");
    assert.equal(loadConfig({ "data-dir": d }, { VITRINE_REMOTE_IMAGES: "block" }).remoteImages, "block");
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test("a flag wins over its environment variable, which wins over the default", () => {
  const d = dir();
  try {
    const env = {
      VITRINE_APP_PORT: "9000",
      VITRINE_MAX_UPLOAD_BYTES: "1234",
      VITRINE_DATA_DIR: "/nonexistent/never-used",
    };
    const c = loadConfig({ "app-port": "9100", "data-dir": d }, env);
    assert.equal(c.appPort, 9100);
    assert.equal(c.maxUploadBytes, 1234);
    assert.equal(c.dataDir, d);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test("bad values are refused naming the flag or variable", () => {
  const d = dir();
  try {
    assert.throws(
      () => loadConfig({ "data-dir": d }, { VITRINE_APP_PORT: "70000" }),
      /VITRINE_APP_PORT: 70000 is outside/,
    );
    assert.throws(() => loadConfig({ "data-dir": d, "app-url": "ftp://x" }, {}), /--app-url: only http and https/);
    assert.throws(() => loadConfig({ "data-dir": d, "app-url": "http://a.example/path" }, {}), /origin only/);
    assert.throws(() => loadConfig({ "data-dir": d, "content-url": "http://localhost:9999" }, {}), ConfigError);
    assert.throws(() => loadConfig({ "data-dir": d, "trust-proxy": "yes" }, {}), /give true or false/);
    assert.throws(
      () => loadConfig({ "data-dir": d, "remote-images": "no" }, {}),
      /--remote-images: give allow or block/,
    );
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test("the signing key is generated once with mode 0600, reused, and refused when others can read it", () => {
  const d = dir();
  try {
    const first = loadConfig({ "data-dir": d }, {}).signingKey;
    const file = join(d, "secrets", "signing.key");
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(first.length, 32);
    assert.deepEqual(loadConfig({ "data-dir": d }, {}).signingKey, first);
    chmodSync(file, 0o644);
    assert.throws(() => loadConfig({ "data-dir": d }, {}), /readable by others/);
    const given = join(d, "given.key");
    writeFileSync(given, `${Buffer.alloc(32, 7).toString("base64url")}\n`, { mode: 0o600 });
    assert.deepEqual(loadConfig({ "data-dir": d, "signing-key-file": given }, {}).signingKey, Buffer.alloc(32, 7));
    assert.equal(readFileSync(given, "utf8").trim().length, 43);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test("the signing key rotates: URLs the previous key signed still verify, new ones use the new key", () => {
  const d = dir();
  try {
    const before = imageSignerFor(loadConfig({ "data-dir": d }, {}));
    const signed = before.sign("https://example.org/figure.png").path;
    const next = join(d, "next.key");
    writeFileSync(next, `${Buffer.alloc(32, 9).toString("base64url")}\n`, { mode: 0o600 });
    const rotated = loadConfig(
      { "data-dir": d, "signing-key-file": next, "previous-signing-key-files": "DATA_DIR/secrets/signing.key" },
      {},
    );
    assert.equal(rotated.previousSigningKeys.length, 1);
    const after = imageSignerFor(rotated);
    assert.deepEqual(after.verify(signed.slice("/image/".length)), before.verify(signed.slice("/image/".length)));
    assert.equal(after.verify(signed.slice("/image/".length)).ok, true, "an image already on screen keeps loading");
    const fresh = after.sign("https://example.org/figure.png").path;
    assert.notEqual(fresh.split("/")[2], signed.split("/")[2], "new URLs name the new key");
    // Once the old key is dropped from the settings, what it signed is refused.
    assert.equal(
      imageSignerFor(loadConfig({ "data-dir": d, "signing-key-file": next }, {})).verify(signed.slice("/image/".length))
        .ok,
      false,
    );
    assert.throws(
      () => loadConfig({ "data-dir": d, "previous-signing-key-files": join(d, "absent.key") }, {}),
      /no such key file/,
    );
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test("storage: WAL, foreign keys, migrations once, and a clear refusal of unsupported database URLs", async () => {
  const d = dir();
  try {
    const path = join(d, "v.db");
    const db = await openDatabase(`sqlite:${path}`);
    await db.destroy();
    const again = await openDatabase(`sqlite:${path}`);
    await again.destroy();
    const { raw } = openSqlite(path);
    assert.equal((raw.prepare("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode, "wal");
    assert.equal((raw.prepare("PRAGMA foreign_keys").get() as { foreign_keys: number }).foreign_keys, 1);
    assert.deepEqual(
      (raw.prepare("SELECT name FROM kysely_migration").all() as { name: string }[]).map((r) => r.name),
      Object.keys(MIGRATIONS),
    );
    assert.throws(
      () =>
        raw
          .prepare("INSERT INTO members (workspace_id, user_id, role, added_at) VALUES ('nope', 99, 'owner', 0)")
          .run(),
      /FOREIGN KEY/,
    );
    raw.close();
    await assert.rejects(
      openDatabase("postgres://user:secret@db/vitrine"),
      (e: Error) => e instanceof ConfigError && !e.message.includes("secret"),
    );
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test("docs/configuration.md's settings table lists every setting with its variable and default", () => {
  const doc = readFileSync(new URL("../docs/configuration.md", import.meta.url), "utf8");
  // Table rows as their trimmed cells, whatever padding a formatter gives the columns.
  const rows = doc
    .split("\n")
    .filter((line) => line.startsWith("|"))
    .map((line) => line.split("|").map((cell) => cell.trim()));
  for (const s of SETTINGS) {
    const row = rows.find((cells) => cells[1] === `\`${s.flag}\``);
    assert.ok(row, `${s.flag} is in docs/configuration.md`);
    assert.deepEqual(row.slice(2, 4), [`\`${s.env}\``, `\`${s.default}\``], `${s.flag}'s variable and default`);
  }
});
