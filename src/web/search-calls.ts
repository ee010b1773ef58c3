// The search API as the studio's pages call it, and where a result leads.
import type { SearchHit, SearchResults } from "../contract/api-search.ts";
import { fileHref, workspaceApiHref } from "../contract/addresses.ts";
import { apiRequest } from "./api-client.ts";

export function searchWorkspace(workspace: string, query: string): Promise<SearchResults> {
  return apiRequest<SearchResults>("GET", `${workspaceApiHref(workspace)}/search?q=${encodeURIComponent(query)}`);
}

/**
 * The element id of a hit's cell on the file page: the view gives each cell `vt-cell-N`, N from 1 (render/dom.ts),
 * the anchor the page already scrolls to once it is drawn. Null for a hit in a file's name or a text file.
 */
export function hitAnchor(hit: SearchHit): string | null {
  return hit.cellIndex === null ? null : `vt-cell-${hit.cellIndex + 1}`;
}

export function hitHref(workspace: string, hit: SearchHit): string {
  const anchor = hitAnchor(hit);
  return fileHref(workspace, hit.path) + (anchor ? `#${anchor}` : "");
}
