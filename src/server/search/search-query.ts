// A person's words as a full-text query. The words are never handed to a query language: each becomes a quoted
// phrase, so that quotes, parentheses, NEAR, AND/OR/NOT, column filters and stars are searched for as text (or
// dropped when they are nothing else), never read as syntax. Every word must match; the last one also matches as
// the start of a longer word, so that results follow the typing.
import { MAX_SEARCH_QUERY_CHARS } from "../../contract/search-limits.ts";
import { AppError } from "../errors.ts";

/** Longest query accepted (characters), and most words read from it. */
export const MAX_QUERY_CHARS = MAX_SEARCH_QUERY_CHARS;
export const MAX_QUERY_TERMS = 12;

export interface SearchQuery {
  /** The words, each searched as a phrase of its tokens. */
  terms: string[];
  /** Whether the last term matches as a prefix (the query did not end with a space). */
  prefixLast: boolean;
}

/**
 * The words of a query. Terms with no letter or digit are dropped: the index's tokenizer keeps only letters and
 * digits, so such a term could match nothing and would only make the query fail. A query of none is empty.
 */
export function readSearchQuery(text: string): SearchQuery {
  if (text.length > MAX_QUERY_CHARS)
    throw new AppError(400, "query_too_long", `the query is longer than ${MAX_QUERY_CHARS} characters`);
  const terms = text
    .normalize("NFC")
    .split(/\s+/u)
    .filter((term) => /[\p{L}\p{N}]/u.test(term))
    .slice(0, MAX_QUERY_TERMS);
  return { terms, prefixLast: terms.length > 0 && !/\s$/u.test(text) };
}

/**
 * The query in FTS5's syntax: each term a string (its quotes doubled), the last one starred when it is a prefix.
 * Null for a query of no terms, which FTS5 would refuse as a syntax error: it matches nothing.
 */
export function fts5MatchExpression(query: SearchQuery): string | null {
  if (query.terms.length === 0) return null;
  return query.terms
    .map((term, i) => {
      const phrase = `"${term.replaceAll('"', '""')}"`;
      return query.prefixLast && i === query.terms.length - 1 ? `${phrase}*` : phrase;
    })
    .join(" ");
}
