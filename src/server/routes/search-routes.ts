// GET /api/workspaces/{ws}/search?q=: members of the workspace search its files (a non-member is told the
// workspace does not exist, as everywhere). Limited per user: each search reads the index for the whole workspace.
import { withErrors } from "../../contract/api-answers.ts";
import { SearchQueryString, SearchResults } from "../../contract/api-search.ts";
import { DEFAULT_SEARCH_RESULTS } from "../../contract/search-limits.ts";
import { WorkspaceParams } from "../../contract/api-workspaces.ts";
import { rateLimits } from "../rate-limits.ts";
import { readSearchQuery, searchIndex } from "../search/index.ts";
import type { StudioRoutePlugin } from "../studio.ts";
import { requireRole } from "../workspaces.ts";
import { signedIn } from "./audit-context.ts";

export const searchRoutes: StudioRoutePlugin = async (app, { studio }) => {
  app.get(
    "/api/workspaces/:ws/search",
    {
      config: rateLimits(studio.config).search,
      schema: {
        summary: "Search the workspace's files: names, markdown and code cells, text outputs",
        tags: ["search"],
        params: WorkspaceParams,
        querystring: SearchQueryString,
        response: withErrors({ 200: SearchResults }),
      },
    },
    async (request) => {
      const access = await requireRole(studio.db, request.params.ws, signedIn(request), "viewer");
      const text = request.query.q ?? "";
      const query = readSearchQuery(text);
      const limit = request.query.limit ?? DEFAULT_SEARCH_RESULTS;
      // One more than asked for tells whether there are more.
      const hits = await searchIndex.search(studio.db, access.id, query, limit + 1);
      return { query: text, hits: hits.slice(0, limit), more: hits.length > limit };
    },
  );
};
