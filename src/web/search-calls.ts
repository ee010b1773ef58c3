// The search API as the studio's pages call it, and where a result leads.
import type { SearchHit, SearchResults } from "../contract/api-search.ts";
import { fileHref, workspaceApiHref } from "../contract/addresses.ts";
import { cellFragment } from "../contract/cell-anchors.ts";
import { apiRequest } from "./api-client.ts";

export function searchWorkspace(workspace: string, query: string): Promise<SearchResults> {
  return apiRequest<SearchResults>("GET", `${workspaceApiHref(workspace)}/search?q=${encodeURIComponent(query)}`);
}

/**
 * The fragment that leads to a hit's cell on the file page (contract/cell-anchors.ts): `cell-{id}` by the cell's
 * nbformat id, which still finds the cell when cells were added above it since the index was written, or
 * `vt-cell-N` (N from 1) for a cell without a valid id. Null for a hit in a file's name or a text file.
 */
export function hitAnchor(hit: SearchHit): string | null {
  return hit.cellIndex === null ? null : cellFragment(hit.cellIndex, hit.cellId);
}

export function hitHref(workspace: string, hit: SearchHit): string {
  const anchor = hitAnchor(hit);
  return fileHref(workspace, hit.path) + (anchor ? `#${anchor}` : "");
}
