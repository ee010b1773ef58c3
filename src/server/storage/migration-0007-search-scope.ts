// The search index's text table gains a second column, `scope`: a token naming the workspace of the entry's file
// (search/sqlite-search-index.ts scopeToken), so that a search matches within one workspace's entries in the
// full-text index itself rather than across every workspace's and then filtering. An FTS5 table's columns cannot be
// altered: the table is made again and its rows copied, with their rowids (the entries' ids).
import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";

export const searchScopeMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create virtual table search_text_scoped using fts5(text, scope, tokenize = 'unicode61 remove_diacritics 2')`.execute(
      db,
    );
    // 'w' and the workspace id's UTF-8 bytes in lower-case hex: the same token scopeToken() makes.
    await sql`insert into search_text_scoped (rowid, text, scope)
      select search_text.rowid, search_text.text, 'w' || lower(hex(files.workspace_id))
      from search_text
        join search_entries on search_entries.id = search_text.rowid
        join files on files.id = search_entries.file_id`.execute(db);
    await sql`drop table search_text`.execute(db);
    await sql`alter table search_text_scoped rename to search_text`.execute(db);
  },
};
