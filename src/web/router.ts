// The router: the page's address (addresses.ts) kept in the browser's history, so that back and forward work.
import { useEffect, useState } from "react";
import { parseRoute, type Route } from "../contract/addresses.ts";

export { encodePath, fileHref, parseRoute, searchHref, workspaceHref, type Route } from "../contract/addresses.ts";

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
