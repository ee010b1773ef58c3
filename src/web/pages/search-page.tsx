// A workspace's search page (/w/{ws}/search?q=): results grouped by file, best file first, each result a link to
// its cell on the file page, with the text around the match and the match marked. Snippets arrive as plain-text
// parts and are drawn as text nodes: nothing of a notebook's text is read as HTML. Up and down arrows move between
// results; Enter follows one.
import { useEffect, useState, type KeyboardEvent } from "react";
import type { SearchHit, SearchHitKind, SearchResults } from "../../contract/api-search.ts";
import { ApiError } from "../api-client.ts";
import { AppLink } from "../app-link.tsx";
import { workspaceHref } from "../router.ts";
import { SearchBox } from "../search-box.tsx";
import { hitAnchor, hitHref, searchWorkspace } from "../search-calls.ts";
import { landOnCell } from "../search-landing.ts";
import { studioApi } from "../studio-calls.ts";

const KIND_LABELS: Record<SearchHitKind, string> = {
  name: "File name",
  markdown: "Markdown",
  code: "Code",
  output: "Output",
  text: "Text",
};

type Answer =
  { kind: "idle" } | { kind: "loading" } | { kind: "ok"; results: SearchResults } | { kind: "error"; message: string };

/** Hits grouped by file, in the order of each file's best hit. */
function byFile(hits: readonly SearchHit[]): { path: string; hits: SearchHit[] }[] {
  const groups = new Map<string, SearchHit[]>();
  for (const hit of hits) {
    const group = groups.get(hit.path);
    if (group) group.push(hit);
    else groups.set(hit.path, [hit]);
  }
  return [...groups].map(([path, grouped]) => ({ path, hits: grouped }));
}

export function SearchPage({ workspaceId, query }: { workspaceId: string; query: string }) {
  const [name, setName] = useState<string | null>(null);
  const [answer, setAnswer] = useState<Answer>({ kind: "idle" });

  useEffect(() => {
    studioApi.workspace(workspaceId).then(
      (w) => setName(w.name),
      () => setName(null),
    );
  }, [workspaceId]);

  useEffect(() => {
    document.title = query ? `${query} · Search · Vitrine` : "Search · Vitrine";
    if (query.trim() === "") return setAnswer({ kind: "idle" });
    let current = true;
    setAnswer({ kind: "loading" });
    searchWorkspace(workspaceId, query).then(
      (results) => current && setAnswer({ kind: "ok", results }),
      (error: unknown) =>
        current && setAnswer({ kind: "error", message: error instanceof ApiError ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
  }, [workspaceId, query]);

  function moveBetweenResults(event: KeyboardEvent<HTMLElement>) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const links = [...event.currentTarget.querySelectorAll<HTMLAnchorElement>(".vt-search-hit a")];
    if (links.length === 0) return;
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next = event.key === "ArrowDown" ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0);
    event.preventDefault();
    links[next]?.focus();
  }

  return (
    <section className="vt-panel vt-search-page" aria-labelledby="search-title" onKeyDown={moveBetweenResults}>
      <h1 id="search-title">Search{name ? ` in ${name}` : ""}</h1>
      <nav aria-label="Workspace" className="vt-crumbs">
        <AppLink href={workspaceHref(workspaceId)}>All files</AppLink>
      </nav>
      <SearchBox key={query} workspaceId={workspaceId} initial={query} />
      {answer.kind === "loading" && <p className="vt-status">Searching…</p>}
      {answer.kind === "error" && (
        <p className="vt-error" role="alert">
          {answer.message}
        </p>
      )}
      {answer.kind === "ok" && <Results workspaceId={workspaceId} results={answer.results} />}
    </section>
  );
}

function Results({ workspaceId, results }: { workspaceId: string; results: SearchResults }) {
  if (results.hits.length === 0)
    return (
      <p className="vt-status" role="status">
        Nothing found for “{results.query}”.
      </p>
    );
  const groups = byFile(results.hits);
  return (
    <>
      <p className="vt-status" role="status">
        {results.hits.length}
        {results.more ? "+" : ""} result{results.hits.length === 1 ? "" : "s"} in {groups.length} file
        {groups.length === 1 ? "" : "s"}
        {results.more ? " (the best are shown: add words to narrow the search)" : ""}
      </p>
      <ol className="vt-search-results">
        {groups.map((group) => (
          <li key={group.path} className="vt-search-file">
            <h2>{group.path}</h2>
            <ol>
              {group.hits.map((hit, i) => (
                <li key={i} className="vt-search-hit" onClickCapture={() => follow(hit)}>
                  <AppLink href={hitHref(workspaceId, hit)}>
                    <span className="vt-search-kind">
                      {KIND_LABELS[hit.kind]}
                      {hit.cellIndex !== null ? ` · cell ${hit.cellIndex + 1}` : ""}
                    </span>
                    <span className="vt-search-snippet">
                      {hit.snippet.map((part, j) => (part.match ? <mark key={j}>{part.text}</mark> : part.text))}
                    </span>
                  </AppLink>
                </li>
              ))}
            </ol>
          </li>
        ))}
      </ol>
    </>
  );
}

function follow(hit: SearchHit): void {
  const anchor = hitAnchor(hit);
  if (anchor) landOnCell(anchor);
}
