// The search index's tables (search/sqlite-search-index.ts). The entries of stored files are made at the next start,
// after the migrations (search/index-stale-files.ts): reading a file's content needs the blob store, which
// migrations do not see. FTS5 is SQLite's; PostgreSQL's migration will keep a tsvector column on search_entries.
import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";

export const searchMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("search_entries")
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("file_id", "integer", (c) => c.notNull().references("files.id").onDelete("cascade"))
      .addColumn("kind", "varchar(16)", (c) => c.notNull())
      .addColumn("cell_index", "integer")
      .addColumn("cell_id", "varchar(64)")
      .execute();
    await db.schema.createIndex("search_entries_file").on("search_entries").column("file_id").execute();
    await db.schema
      .createTable("search_files")
      .addColumn("file_id", "integer", (c) => c.primaryKey().references("files.id").onDelete("cascade"))
      .addColumn("version", "integer", (c) => c.notNull())
      .execute();
    await sql`create virtual table search_text using fts5(text, tokenize = 'unicode61 remove_diacritics 2')`.execute(
      db,
    );
  },
};
