// The studio's addresses, kept in the browser's history so that back and forward work and every page has a
// stable address to share and bookmark:
//   /                          workspaces
//   /w/{workspace}             a workspace's files
//   /w/{workspace}/f/{path}    one file (?version=N for an older one)
//   /w/{workspace}/f/{path}?history=1        the file's versions
//   /w/{workspace}/f/{path}?compare=A..B     two of its versions compared, A the older side
//   /w/{workspace}/search?q=   search in a workspace's files
//   /admin/users               accounts (administrators)
//   /admin/audit?event=&user=&workspace=&from=&to=   the audit log (administrators), filtered; times in ms
//   /welcome#token=...         where a one-time link sets a password (the token stays in the fragment)
// Pure functions: the router (router.ts) reads them in the page, and the server reads them to tell the browser,
// with the page itself, what the page will ask for first (studio-ui.ts).

export type Route =
  | { page: "workspaces" }
  | { page: "workspace"; workspace: string; folder: string }
  | { page: "file"; workspace: string; path: string; version: number | undefined }
  | { page: "history"; workspace: string; path: string }
  | { page: "compare"; workspace: string; path: string; from: number; to: number }
  | { page: "search"; workspace: string; query: string }
  | { page: "admin-users" }
  | { page: "admin-audit"; filters: AuditFilters }
  | { page: "welcome" }
  | { page: "not-found" };

const WORKSPACE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Path segments are percent-encoded one by one, so a file named "a b/c#d.ipynb" survives the trip. */
export function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

export function workspaceHref(workspace: string, folder = ""): string {
  return `/w/${encodeURIComponent(workspace)}${folder ? `?folder=${encodeURIComponent(folder)}` : ""}`;
}

/** "?version=N" for an older version; nothing for the newest. */
export const versionQuery = (version: number | undefined) => (version !== undefined ? `?version=${version}` : "");

export function fileHref(workspace: string, path: string, version?: number): string {
  return `/w/${encodeURIComponent(workspace)}/f/${encodePath(path)}${versionQuery(version)}`;
}

/** The address a file's relative links and images resolve against: its page's, whatever version is shown. */
export function fileBase(workspace: string, path: string, origin: string): string {
  return new URL(fileHref(workspace, path), origin).href;
}

/** A file's versions. */
export function historyHref(workspace: string, path: string): string {
  return `${fileHref(workspace, path)}?history=1`;
}

/** Two versions of a file compared, `from` the older side. */
export function compareHref(workspace: string, path: string, from: number, to: number): string {
  return `${fileHref(workspace, path)}?compare=${from}..${to}`;
}

/** The API address of a file's history; with two versions, the check of their comparison. */
export function historyApiHref(workspace: string, path: string, compare?: { from: number; to: number }): string {
  const query = compare ? `?from=${compare.from}&to=${compare.to}` : "";
  return `${workspaceApiHref(workspace)}/history/${encodePath(path)}${query}`;
}

/** The API address of a stored notebook version as the model reads it. */
export function notebookHref(workspace: string, path: string, version?: number): string {
  return `${workspaceApiHref(workspace)}/notebook/${encodePath(path)}${versionQuery(version)}`;
}

/** Search in a workspace's files. */
export function searchHref(workspace: string, query: string): string {
  return `/w/${encodeURIComponent(workspace)}/search${query ? `?q=${encodeURIComponent(query)}` : ""}`;
}

/** What the audit log is filtered by: all given filters hold at once. Times are ms since the epoch. */
export interface AuditFilters {
  event?: string;
  user?: string;
  workspace?: string;
  from?: number;
  to?: number;
}

/** The audit log's page with these filters. */
export function auditHref(filters: AuditFilters): string {
  const params = new URLSearchParams();
  for (const key of ["event", "user", "workspace", "from", "to"] as const)
    if (filters[key] !== undefined && filters[key] !== "") params.set(key, String(filters[key]));
  const query = params.toString();
  return `/admin/audit${query ? `?${query}` : ""}`;
}

/** The audit filters in an address's query. A value the audit API would refuse is left out, not passed on. */
export function parseAuditFilters(search: string): AuditFilters {
  const params = new URLSearchParams(search);
  const filters: AuditFilters = {};
  const text = (key: "event" | "user", max: number) => {
    const value = params.get(key)?.trim();
    if (value && value.length <= max) filters[key] = value;
  };
  text("event", 64);
  text("user", 64);
  const workspace = params.get("workspace");
  if (workspace && /^[A-Za-z0-9_-]{16}$/.test(workspace)) filters.workspace = workspace;
  for (const key of ["from", "to"] as const) {
    const value = params.get(key);
    if (value && /^[0-9]{1,15}$/.test(value)) filters[key] = Number(value);
  }
  return filters;
}

export function parseRoute(pathname: string, search: string): Route {
  if (pathname === "/" || pathname === "") return { page: "workspaces" };
  // Administration (pages/admin-*.tsx).
  if (/^\/admin\/users\/?$/.test(pathname)) return { page: "admin-users" };
  if (/^\/admin\/audit\/?$/.test(pathname)) return { page: "admin-audit", filters: parseAuditFilters(search) };
  if (/^\/welcome\/?$/.test(pathname)) return { page: "welcome" };
  const searching = /^\/w\/([A-Za-z0-9_-]{1,64})\/search\/?$/.exec(pathname);
  if (searching) return { page: "search", workspace: searching[1]!, query: new URLSearchParams(search).get("q") ?? "" };
  const match = /^\/w\/([^/]+)(?:\/f\/(.+))?\/?$/.exec(pathname);
  if (!match) return { page: "not-found" };
  let workspace: string;
  let path: string | undefined;
  try {
    workspace = decodeURIComponent(match[1]!);
    path = match[2] === undefined ? undefined : match[2].split("/").map(decodeURIComponent).join("/");
  } catch {
    return { page: "not-found" };
  }
  if (!WORKSPACE_ID.test(workspace)) return { page: "not-found" };
  const params = new URLSearchParams(search);
  if (path === undefined) return { page: "workspace", workspace, folder: params.get("folder") ?? "" };
  // A file's history and comparisons (pages/history-page.tsx).
  if (params.get("history") === "1") return { page: "history", workspace, path };
  const compare = params.get("compare");
  if (compare !== null) {
    const sides = /^([1-9][0-9]{0,8})\.\.([1-9][0-9]{0,8})$/.exec(compare);
    return sides
      ? { page: "compare", workspace, path, from: Number(sides[1]), to: Number(sides[2]) }
      : { page: "not-found" };
  }
  const version = params.get("version");
  const number = version === null ? undefined : Number(version);
  if (number !== undefined && (!Number.isSafeInteger(number) || number < 1)) return { page: "not-found" };
  return { page: "file", workspace, path, version: number };
}

/** Whether a stored file's path names a notebook (the server decides a file's kind by the same extension). */
export function isNotebookPath(path: string): boolean {
  return path.endsWith(".ipynb");
}

/** The API address of a workspace; its files, members, trash and reviews are under it. */
export const workspaceApiHref = (workspace: string) => `/api/workspaces/${encodeURIComponent(workspace)}`;

/** The API address of a file: its versions and details (GET), its move to the trash (DELETE). */
export function fileApiHref(workspace: string, path: string): string {
  return `${workspaceApiHref(workspace)}/files/${encodePath(path)}`;
}

/** The address of a stored version's bytes (a download, with the server's attachment headers). */
export function rawHref(workspace: string, path: string, version?: number): string {
  return `${workspaceApiHref(workspace)}/raw/${encodePath(path)}${versionQuery(version)}`;
}

/** The address of a stored notebook version's head: its metadata and first cells (server/head-cache.ts). */
export function notebookHeadHref(workspace: string, path: string, version?: number): string {
  return `${workspaceApiHref(workspace)}/notebook-head/${encodePath(path)}${versionQuery(version)}`;
}
