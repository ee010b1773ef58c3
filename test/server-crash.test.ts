// Crash safety with a real server process: `vitrine serve` is killed with SIGKILL while uploads are in flight,
// many times, and after each kill the store must hold the old state or the new one: no version row without its
// whole blob, no half-written blob under its hash, no upload half-recorded; and what was acknowledged stays.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { multipart } from "./server-helpers.ts";
import { spawnServe, VITRINE_BIN as bin } from "./serve-process.ts";

async function startServe(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const served = spawnServe(dataDir, { stderr: "inherit" });
  return { child: served.child, url: await served.ready };
}

const PASSWORD = "crash test password";
const KILLS = 8;

function notebook(marker: string): string {
  // About 400 KB, so that a kill often lands while bytes are being written.
  const text = randomBytes(150_000).toString("base64");
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [{ cell_type: "markdown", id: "c1", metadata: {}, source: `${marker}\n${text}` }],
  });
}

/** The invariants that must hold on disk and in the database after any crash. */
function checkStore(dataDir: string, acknowledged: Set<string>) {
  const db = new DatabaseSync(join(dataDir, "vitrine.db"));
  try {
    assert.equal((db.prepare("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check, "ok");
    assert.deepEqual(db.prepare("PRAGMA foreign_key_check").all(), []);
    const versions = db
      .prepare("SELECT f.path, v.number, v.blob_sha256, v.size FROM versions v JOIN files f ON f.id = v.file_id")
      .all() as { path: string; number: number; blob_sha256: string; size: number }[];
    for (const v of versions) {
      const bytes = readFileSync(join(dataDir, "blobs", v.blob_sha256.slice(0, 2), v.blob_sha256.slice(2)));
      assert.equal(bytes.length, v.size, `${v.path} v${v.number} has its whole blob`);
      assert.equal(createHash("sha256").update(bytes).digest("hex"), v.blob_sha256);
    }
    // Each upload carried a notebook and its marker file: both recorded or neither.
    const counts = (path: string) => versions.filter((v) => v.path === path).length;
    assert.equal(counts("run/data.ipynb"), counts("run/marker.txt"), "an upload is recorded whole or not at all");
    for (const sha of acknowledged)
      assert.ok(
        versions.some((v) => v.blob_sha256 === sha),
        "an upload the server acknowledged survives the crash",
      );
    // Every file stored under a hash name is complete, even one no row points at yet.
    for (const prefix of readdirSync(join(dataDir, "blobs"))) {
      for (const rest of readdirSync(join(dataDir, "blobs", prefix))) {
        const bytes = readFileSync(join(dataDir, "blobs", prefix, rest));
        assert.equal(
          createHash("sha256").update(bytes).digest("hex"),
          prefix + rest,
          "no partial blob under a hash name",
        );
      }
    }
    const audits = db.prepare("SELECT count(*) AS n FROM audit_events WHERE event = 'upload'").get() as { n: number };
    assert.equal(audits.n, counts("run/data.ipynb"), "one audit event per recorded upload");
  } finally {
    db.close();
  }
}

test("SIGKILL during uploads leaves the old state or the new, never a partial one", { timeout: 120_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "vitrine-crash-"));
  try {
    const add = spawnSync(bin, ["user", "add", "crash", "--password-stdin", "--data-dir", dataDir], {
      input: `${PASSWORD}\n`,
      encoding: "utf8",
    });
    assert.equal(add.status, 0, add.stderr);
    let { child, url } = await startServe(dataDir);
    const signIn = await fetch(`${url}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "crash", password: PASSWORD }),
    });
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0] as string;
    const { csrfToken } = (await signIn.json()) as { csrfToken: string };
    const auth = { cookie, "x-csrf-token": csrfToken };
    const ws = (
      (await (
        await fetch(`${url}/api/workspaces`, {
          method: "POST",
          headers: { ...auth, "content-type": "application/json" },
          body: JSON.stringify({ name: "crash" }),
        })
      ).json()) as { id: string }
    ).id;
    const acknowledged = new Set<string>();
    let interrupted = 0;

    for (let round = 0; round < KILLS; round++) {
      const uploads: Promise<void>[] = [];
      let stop = false;
      // Each round kills the server only after one of its uploads has completed, so every round tests a store
      // with something new in it whatever the machine's load; the kill then lands at a random moment after.
      let firstDone: () => void = () => {};
      const oneDone = new Promise<void>((resolve) => (firstDone = resolve));
      // Two uploads in flight at all times until the kill.
      for (let lane = 0; lane < 2; lane++) {
        uploads.push(
          (async () => {
            while (!stop) {
              const marker = randomBytes(8).toString("hex");
              const nb = notebook(marker);
              const body = multipart("trusted-source-v1", [
                { path: "run/data.ipynb", content: nb },
                { path: "run/marker.txt", content: marker },
              ]);
              try {
                const r = await fetch(`${url}/api/workspaces/${ws}/files`, {
                  method: "POST",
                  headers: { ...auth, ...body.headers },
                  body: new Uint8Array(body.payload),
                });
                if (r.status === 201) {
                  acknowledged.add(createHash("sha256").update(nb).digest("hex"));
                  firstDone();
                } else assert.fail(`upload answered ${r.status}: ${await r.text()}`);
              } catch (error) {
                if ((error as Error).name === "AssertionError") throw error;
                interrupted++;
                return; // the connection died with the server
              }
            }
          })(),
        );
      }
      await oneDone;
      await new Promise((r) => setTimeout(r, Math.random() * 350));
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      stop = true;
      await Promise.all(uploads);
      checkStore(dataDir, acknowledged);
      ({ child, url } = await startServe(dataDir));
      // The restart cleared what the crash left in the temp folder.
      assert.deepEqual(readdirSync(join(dataDir, "tmp")), []);
    }
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    checkStore(dataDir, acknowledged);
    assert.ok(acknowledged.size >= KILLS, `uploads completed between kills (${acknowledged.size})`);
    assert.ok(interrupted > 0, "some uploads were cut off by a kill");
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
