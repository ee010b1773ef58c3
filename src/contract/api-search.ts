// Search in a workspace: file names, markdown and code cells and text outputs of each file's current version.
import { Type, type Static } from "typebox";
import { MAX_SEARCH_RESULTS } from "./search-limits.ts";

export const SearchQueryString = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        description: "the words to find, as a person types them: no query syntax is read; none finds nothing",
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SEARCH_RESULTS })),
  },
  { additionalProperties: false },
);
export type SearchQueryString = Static<typeof SearchQueryString>;

export const SearchHitKind = Type.Enum(["name", "markdown", "code", "output", "text"], {
  type: "string",
  description: "where the match is: the file's path, a markdown or code cell, a code cell's text outputs, a text file",
});
export type SearchHitKind = Static<typeof SearchHitKind>;

export const SnippetPart = Type.Object({
  text: Type.String(),
  match: Type.Boolean({ description: "true for text the query matched" }),
});
export type SnippetPart = Static<typeof SnippetPart>;

export const SearchHit = Type.Object({
  path: Type.String(),
  kind: SearchHitKind,
  cellIndex: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: "0-based; null for a name" }),
  cellId: Type.Union([Type.String({ pattern: "^[A-Za-z0-9_-]{1,64}$" }), Type.Null()], {
    description:
      "the cell's nbformat id, when it has one of nbformat's form; the studio's page leads to it as #cell-{id} " +
      "(#vt-cell-N, N = cellIndex + 1, for a cell without one)",
  }),
  snippet: Type.Array(SnippetPart, { description: "the text around the match, as plain text parts" }),
});
export type SearchHit = Static<typeof SearchHit>;

export const SearchResults = Type.Object(
  {
    query: Type.String(),
    hits: Type.Array(SearchHit, { description: "best first (bm25)" }),
    more: Type.Boolean({ description: "whether more matched than were sent" }),
  },
  { description: "the files and cells of a workspace that match a person's words" },
);
export type SearchResults = Static<typeof SearchResults>;
