// The search index in SQLite: an FTS5 table of entry texts (search_text, unicode61 tokens with diacritics removed,
// so that "cafe" finds "café") whose rowid is the id of the entry's row in search_entries (file, kind, cell), and
// search_files, the version each file's entries were made from. Each text carries its file's workspace as a token
// of a second column, `scope`, so that FTS5 matches within one workspace's entries; the join on files still decides
// which rows a workspace may see. Ranked by bm25 on the text alone; snippets are FTS5's own, with markers that
// indexed text never contains (search-text.ts), cut into parts here.
import { sql, type Kysely } from "kysely";
import type { Database } from "../storage/schema.ts";
import type { IndexedVersion, SearchHit, SearchIndex, SnippetPart } from "./search-index.ts";
import { fts5MatchExpression, type SearchQuery } from "./search-query.ts";
import { isCellId } from "../../contract/cell-anchors.ts";
import { SNIPPET_END, SNIPPET_START, type EntryKind } from "./search-text.ts";

/** Entries written by one statement (five values a row, well under SQLite's 32,766 variables). */
const ROWS_PER_STATEMENT = 500;

/** Tokens of context a snippet shows around its match (FTS5 allows up to 64). */
const SNIPPET_TOKENS = 24;

/**
 * The scope token of a workspace: "w" and its id's UTF-8 bytes in lower-case hex, one token of letters and digits
 * the tokenizer keeps whole, and distinct for ids that differ only in case (the tokenizer folds case) or in the
 * "-" and "_" it splits on. migration-0007-search-scope.ts makes the same token in SQL.
 */
export function scopeToken(workspaceId: string): string {
  return `w${Buffer.from(workspaceId, "utf8").toString("hex")}`;
}

export class SqliteSearchIndex implements SearchIndex {
  async indexVersion(tx: Kysely<Database>, version: IndexedVersion): Promise<void> {
    await removeEntries(tx, version.fileId);
    const file = await tx
      .selectFrom("files")
      .select("workspace_id")
      .where("id", "=", version.fileId)
      .executeTakeFirstOrThrow();
    const scope = scopeToken(file.workspace_id);
    // Many rows a statement: a notebook of 20,000 cells is 40,000 entries, and a statement each would hold the
    // server's one connection (and its event loop: node:sqlite is synchronous) for seconds. The ids are given here,
    // after the largest, so that each text's rowid is its entry's without reading them back.
    const last = await tx
      .selectFrom("search_entries")
      .select((eb) => eb.fn.max("id").as("id"))
      .executeTakeFirst();
    let id = Number(last?.id ?? 0);
    for (let start = 0; start < version.entries.length; start += ROWS_PER_STATEMENT) {
      const batch = version.entries.slice(start, start + ROWS_PER_STATEMENT).map((entry) => ({ entry, id: ++id }));
      await tx
        .insertInto("search_entries")
        .values(
          batch.map(({ entry, id }) => ({
            id,
            file_id: version.fileId,
            kind: entry.kind,
            cell_index: entry.cellIndex,
            cell_id: entry.cellId,
          })),
        )
        .execute();
      const rows = sql.join(batch.map(({ entry, id }) => sql`(${id}, ${entry.text}, ${scope})`));
      await sql`insert into search_text (rowid, text, scope) values ${rows}`.execute(tx);
    }
    await tx
      .insertInto("search_files")
      .values({ file_id: version.fileId, version: version.version })
      .onConflict((c) => c.column("file_id").doUpdateSet({ version: version.version }))
      .execute();
  }

  async renameFile(tx: Kysely<Database>, fileId: number, path: string): Promise<void> {
    await sql`update search_text set text = ${path} where rowid in (select id from search_entries where file_id = ${fileId} and kind = 'name')`.execute(
      tx,
    );
  }

  async search(db: Kysely<Database>, workspaceId: string, query: SearchQuery, limit: number): Promise<SearchHit[]> {
    const words = fts5MatchExpression(query);
    if (words === null) return [];
    // The words in the text column only, within the workspace's scope.
    const match = `scope : "${scopeToken(workspaceId)}" AND text : (${words})`;
    const rows = await sql<{
      path: string;
      kind: EntryKind;
      cell_index: number | null;
      cell_id: string | null;
      snippet: string;
    }>`
      select files.path, search_entries.kind, search_entries.cell_index, search_entries.cell_id,
        snippet(search_text, 0, ${SNIPPET_START}, ${SNIPPET_END}, '…', ${SNIPPET_TOKENS}) as snippet
      from search_text
        join search_entries on search_entries.id = search_text.rowid
        join files on files.id = search_entries.file_id
      where search_text match ${match}
        and files.workspace_id = ${workspaceId} and files.trashed_at is null
      order by bm25(search_text, 1.0, 0.0)
      limit ${limit}`.execute(db);
    return rows.rows.map((r) => ({
      path: r.path,
      kind: r.kind,
      cellIndex: r.cell_index,
      // Written by search-text.ts, which keeps only ids of nbformat's form; read again as untrusted all the same,
      // since the id becomes part of an address on the results page.
      cellId: isCellId(r.cell_id) ? r.cell_id : null,
      snippet: snippetParts(r.snippet),
    }));
  }

  async staleFiles(db: Kysely<Database>): Promise<{ fileId: number; version: number }[]> {
    const rows = await sql<{ file_id: number; version: number }>`
      select files.id as file_id, max(versions.number) as version
      from files join versions on versions.file_id = files.id
        left join search_files on search_files.file_id = files.id
      group by files.id
      having search_files.version is null or search_files.version <> max(versions.number)`.execute(db);
    return rows.rows.map((r) => ({ fileId: r.file_id, version: r.version }));
  }
}

async function removeEntries(tx: Kysely<Database>, fileId: number): Promise<void> {
  await sql`delete from search_text where rowid in (select id from search_entries where file_id = ${fileId})`.execute(
    tx,
  );
  await tx.deleteFrom("search_entries").where("file_id", "=", fileId).execute();
}

/** FTS5's marked snippet as parts; an unmatched marker (a snippet cut inside a match) ends the match there. */
export function snippetParts(marked: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let match = false;
  let text = "";
  const flush = () => {
    if (text !== "") parts.push({ text, match });
    text = "";
  };
  for (const ch of marked) {
    if (ch === SNIPPET_START || ch === SNIPPET_END) {
      flush();
      match = ch === SNIPPET_START;
    } else text += ch;
  }
  flush();
  return parts;
}
