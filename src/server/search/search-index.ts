// Full-text search over a workspace's files, as the studio asks it of its database. The index holds each file's
// current version only, and is written in the transaction that stores that version, so that it never disagrees
// with the files. A trashed file keeps its entries, hidden from search while it is in the trash, so that a restore
// brings it back as it was without reading its content again.
//
// SQLite fills this with FTS5 (sqlite-search-index.ts); PostgreSQL can fill it with a tsvector column and a GIN index
// over the same entries, ranking with ts_rank and marking with ts_headline's offsets.
import type { Kysely } from "kysely";
import type { Database } from "../storage/schema.ts";
import type { EntryKind, SearchEntry } from "./search-text.ts";
import type { SearchQuery } from "./search-query.ts";

/** A stored version as the index takes it: its entries are made from its content by search-text.ts. */
export interface IndexedVersion {
  fileId: number;
  version: number;
  entries: readonly SearchEntry[];
}

/** Part of a snippet: text, marked when it is what the query matched. */
export interface SnippetPart {
  text: string;
  match: boolean;
}

export interface SearchHit {
  path: string;
  kind: EntryKind;
  cellIndex: number | null;
  cellId: string | null;
  snippet: SnippetPart[];
}

export interface SearchIndex {
  /** Makes the file's entries those of this version, in the caller's transaction. */
  indexVersion(tx: Kysely<Database>, version: IndexedVersion): Promise<void>;
  /** Gives the file's name entry its new path, in the caller's transaction. */
  renameFile(tx: Kysely<Database>, fileId: number, path: string): Promise<void>;
  /** The best matches among the workspace's live files, best first. */
  search(db: Kysely<Database>, workspaceId: string, query: SearchQuery, limit: number): Promise<SearchHit[]>;
  /** Files whose newest version is not the one indexed (or none is): what a start indexes. */
  staleFiles(db: Kysely<Database>): Promise<{ fileId: number; version: number }[]>;
}
