// A database made before search: its files are stored, the 0003_search migration has not run. Opening it runs the
// migration, and the start-up indexing makes every stored file's entries from its blob, once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { openDatabase } from "../src/server/storage/database.ts";
import { BlobStore } from "../src/server/storage/blob-store.ts";
import { indexStaleFiles } from "../src/server/search/index-stale-files.ts";
import { readSearchQuery, searchIndex } from "../src/server/search/index.ts";
import type { Studio } from "../src/server/studio.ts";
import { multipart, startTestStudio } from "./server-helpers.ts";

test("a database from before search is migrated and indexed at start", async () => {
  const t = await startTestStudio();
  const dataDir = t.dataDir;
  let db: Awaited<ReturnType<typeof openDatabase>> | undefined;
  try {
    const owner = await t.addUser("olivia");
    const ws = (await t.call(owner, { method: "POST", url: "/api/workspaces", payload: { name: "Old" } })).json().id;
    const notebook = JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [{ cell_type: "markdown", id: "m", metadata: {}, source: "the capybara survey" }],
    });
    const r = await t.call(owner, {
      method: "POST",
      url: `/api/workspaces/${ws}/files`,
      ...multipart("trusted-source-v1", [
        { path: "survey.ipynb", content: notebook },
        { path: "notes.md", content: "capybara counts" },
      ]),
    });
    assert.equal(r.statusCode, 201, r.body);

    // What a database of the version before search holds: no search tables, no record of their migration. Changed
    // and opened again beside the test studio's own connection, which stays idle.
    const path = join(dataDir, "vitrine.db");
    const raw = new DatabaseSync(path);
    // The migrations after search are undone too, since migrations run only in order.
    raw.exec(`drop table search_text; drop table search_entries; drop table search_files;
      drop table folders; alter table files drop column trashed_folder;
      alter table users drop column theme;
      drop table invitations; drop index audit_events_actor; alter table users drop column disabled_at;
      delete from kysely_migration where name > '0002_kernel_network';`);
    raw.close();

    db = await openDatabase(`sqlite:${path}`);
    // The test studio's file workers read the files, as the server's own do at its start.
    const studio = { db, blobs: new BlobStore(dataDir), fileJobs: t.studio.fileJobs } as Studio;
    const found = () => searchIndex.search(db!, ws, readSearchQuery("capybara"), 10);
    assert.deepEqual(await found(), []);
    assert.equal(await indexStaleFiles(studio), 2);
    assert.deepEqual((await found()).map((h) => `${h.path}|${h.kind}|${h.cellIndex}|${h.cellId}`).sort(), [
      "notes.md|text|null|null",
      "survey.ipynb|markdown|0|m",
    ]);
    assert.equal(await indexStaleFiles(studio), 0, "indexed once");
  } finally {
    await db?.destroy();
    await t.close();
  }
});

test("an index made before scopes keeps its entries through 0007_search_scope, each in its own workspace", async () => {
  const t = await startTestStudio();
  let db: Awaited<ReturnType<typeof openDatabase>> | undefined;
  try {
    const owner = await t.addUser("oscar");
    const made = async (name: string, word: string) => {
      const ws = (await t.call(owner, { method: "POST", url: "/api/workspaces", payload: { name } })).json().id;
      const r = await t.call(owner, {
        method: "POST",
        url: `/api/workspaces/${ws}/files`,
        ...multipart("trusted-source-v1", [{ path: "notes.md", content: `a ${word} in ${name}` }]),
      });
      assert.equal(r.statusCode, 201, r.body);
      return ws as string;
    };
    const first = await made("First", "narwhal");
    const second = await made("Second", "narwhal");

    // The index as 0006 left it: one column, no scope; the 0007 migration not recorded.
    const path = join(t.dataDir, "vitrine.db");
    const raw = new DatabaseSync(path);
    raw.exec(`create virtual table old_text using fts5(text, tokenize = 'unicode61 remove_diacritics 2');
      insert into old_text (rowid, text) select rowid, text from search_text;
      drop table search_text; alter table old_text rename to search_text;
      delete from kysely_migration where name = '0007_search_scope';`);
    raw.close();

    db = await openDatabase(`sqlite:${path}`);
    const found = async (ws: string) =>
      (await searchIndex.search(db!, ws, readSearchQuery("narwhal"), 10)).map((h) => `${h.path}|${h.kind}`);
    assert.deepEqual(await found(first), ["notes.md|text"]);
    assert.deepEqual(await found(second), ["notes.md|text"]);
    const check = new DatabaseSync(path);
    const scopes = check.prepare("select distinct scope from search_text").all();
    check.close();
    assert.equal(scopes.length, 2, "one scope a workspace");
  } finally {
    await db?.destroy();
    await t.close();
  }
});
