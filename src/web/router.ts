// The studio's addresses, kept in the browser's history so that back and forward work and every page has a
// stable address to share and bookmark:
//   /                          workspaces
//   /w/{workspace}             a workspace's files
//   /w/{workspace}/f/{path}    one file (?version=N for an older one)
import { useEffect, useState } from "react";

export type Route =
  | { page: "workspaces" }
  | { page: "workspace"; workspace: string; folder: string }
  | { page: "file"; workspace: string; path: string; version: number | undefined }
  | { page: "not-found" };

const WORKSPACE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Path segments are percent-encoded one by one, so a file named "a b/c#d.ipynb" survives the trip. */
export function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

export function workspaceHref(workspace: string, folder = ""): string {
  return `/w/${encodeURIComponent(workspace)}${folder ? `?folder=${encodeURIComponent(folder)}` : ""}`;
}

export function fileHref(workspace: string, path: string, version?: number): string {
  return `/w/${encodeURIComponent(workspace)}/f/${encodePath(path)}${version !== undefined ? `?version=${version}` : ""}`;
}

export function parseRoute(pathname: string, search: string): Route {
  if (pathname === "/" || pathname === "") return { page: "workspaces" };
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
  const version = params.get("version");
  const number = version === null ? undefined : Number(version);
  if (number !== undefined && (!Number.isSafeInteger(number) || number < 1)) return { page: "not-found" };
  return { page: "file", workspace, path, version: number };
}

const listeners = new Set<() => void>();

export function navigate(href: string, options: { replace?: boolean } = {}): void {
  const url = new URL(href, location.href);
  // Only the studio's own pages go through the router; anything else is not ours to open this way.
  if (url.origin !== location.origin) throw new Error("navigate() is for the studio's own pages");
  if (options.replace) history.replaceState(null, "", url.pathname + url.search + url.hash);
  else history.pushState(null, "", url.pathname + url.search + url.hash);
  for (const listener of listeners) listener();
  if (!url.hash) window.scrollTo(0, 0);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname, location.search));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname, location.search));
    listeners.add(update);
    addEventListener("popstate", update);
    return () => {
      listeners.delete(update);
      removeEventListener("popstate", update);
    };
  }, []);
  return route;
}
