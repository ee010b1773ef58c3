// The studio's search index. SQLite is the one database the studio opens today (storage/database.ts); when
// PostgreSQL arrives, the index is chosen with the database.
import { SqliteSearchIndex } from "./sqlite-search-index.ts";
import type { SearchIndex } from "./search-index.ts";

export const searchIndex: SearchIndex = new SqliteSearchIndex();
export type { SearchHit, SearchIndex, SnippetPart } from "./search-index.ts";
export { readSearchQuery, MAX_QUERY_CHARS } from "./search-query.ts";
export { searchEntries } from "./search-text.ts";
