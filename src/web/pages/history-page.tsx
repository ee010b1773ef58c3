// A file's history (?history=1): its versions with who made each, when and how, each opened read-only in the file's
// own page (?version=N), and any two compared (?compare=A..B). The comparison is computed here, in the page, from the
// two versions as the API serves them to be read (a notebook as the model reads it, a text file's bytes): the
// server checks that both exist and belong to the file (GET .../history/{path}?from=A&to=B), and the diff's work is
// the reader's browser's, never the server's event loop. The diff itself is notebook/notebook-diff.ts.
import { useEffect, useMemo, useState, type FormEvent } from "react";
import type { FileHistory, HistoryVersion } from "../../contract/api-history.ts";
import type { NotebookVersion } from "../../contract/api-files.ts";
import {
  compareHref,
  fileBase,
  fileHref,
  historyApiHref,
  historyHref,
  isNotebookPath,
  notebookHref,
  rawHref,
} from "../../contract/addresses.ts";
import { diffNotebooks, placeIdsOf, type NotebookDiffOptions } from "../../notebook/notebook-diff.ts";
import { lineDiff } from "../../notebook/notebook-diff-lines.ts";
import type { Notebook } from "../../notebook/types.ts";
import { ApiError, apiRequest } from "../api-client.ts";
import { AppLink } from "../app-link.tsx";
import { BreakableName, FolderLinks } from "../folder-links.tsx";
import { LineDiffView } from "../line-diff-view.tsx";
import { NotebookDiffView } from "../notebook-diff-view.tsx";
import type { StudioOrigins } from "../page-start.ts";
import { navigate, workspaceHref } from "../router.ts";
import { fetchBytes, formatSize, formatTime, studioApi } from "../studio-calls.ts";
import { checkUrls } from "../url-check-client.ts";
import { useCheckedLinks } from "../checked-links.tsx";

function errorText(e: unknown): string {
  if (e instanceof ApiError)
    return e.status === 404 && e.code === "not_found" ? "There is no such file here." : e.message;
  return e instanceof Error ? e.message : String(e);
}

/** The breadcrumb of the history's pages: the workspace, the file's folders, the file, and where in its history. */
function Crumbs({ workspaceId, path, here }: { workspaceId: string; path: string; here: string }) {
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    studioApi
      .workspace(workspaceId)
      .then((w) => live && setName(w.name))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [workspaceId]);
  const folders = path.split("/");
  const fileName = folders.pop() ?? path;
  return (
    <nav aria-label="Breadcrumb" className="vt-crumbs">
      <AppLink href={workspaceHref(workspaceId)}>{name ?? "Workspace"}</AppLink>
      <FolderLinks workspaceId={workspaceId} folders={folders} />
      {" / "}
      <AppLink href={fileHref(workspaceId, path)}>
        <BreakableName name={fileName} />
      </AppLink>
      {" / "}
      <span aria-current="page">{here}</span>
    </nav>
  );
}

/** How a version was made, in words; an upload's trust statement as its uploader agreed to it. */
function Origin({ version }: { version: HistoryVersion }) {
  switch (version.origin) {
    case "upload":
      return (
        <>
          uploaded
          {version.statement && (
            <span className="vt-history-statement">
              {" "}
              · agreed: <q>{version.statement.text}</q>
            </span>
          )}
        </>
      );
    case "save":
      return <>saved in the studio</>;
    case "new":
      return <>made in the studio</>;
    case "unrecorded":
      return <>stored</>;
  }
}

export function HistoryPage({ workspaceId, path }: { workspaceId: string; path: string }) {
  const [history, setHistory] = useState<FileHistory | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    apiRequest<FileHistory>("GET", historyApiHref(workspaceId, path))
      .then((h) => {
        if (!live) return;
        setHistory(h);
        setTo(h.versions[0]?.version ?? null);
        setFrom(h.versions[1]?.version ?? null);
      })
      .catch((e: unknown) => live && setError(errorText(e)));
    return () => {
      live = false;
    };
  }, [workspaceId, path]);
  const newest = history?.versions[0]?.version;
  const compare = (event: FormEvent) => {
    event.preventDefault();
    if (from !== null && to !== null && from !== to) navigate(compareHref(workspaceId, path, from, to));
  };

  return (
    <div className="vt-history-page">
      <header className="vt-file-header">
        <Crumbs workspaceId={workspaceId} path={path} here="History" />
      </header>
      {error && (
        <p className="vt-error" role="alert">
          {error}
        </p>
      )}
      {history && (
        <>
          <h2>
            {history.versions.length} {history.versions.length === 1 ? "version" : "versions"}
          </h2>
          {history.versions.length > 1 && (
            <form className="vt-inline-form vt-history-compare" onSubmit={compare} aria-label="Compare two versions">
              <VersionChoice label="Compare version" versions={history.versions} value={from} onChange={setFrom} />
              <VersionChoice label="with version" versions={history.versions} value={to} onChange={setTo} />
              <button type="submit" disabled={from === null || from === to}>
                Compare
              </button>
            </form>
          )}
          <ol className="vt-history-list" reversed>
            {history.versions.map((v) => (
              <li key={v.version} className="vt-history-version">
                <p>
                  <AppLink href={fileHref(workspaceId, path, v.version === newest ? undefined : v.version)}>
                    Version {v.version}
                  </AppLink>
                  {v.version === newest && <span className="vt-muted"> (newest)</span>}
                </p>
                <p className="vt-muted">
                  {formatTime(v.uploadedAt)} · {v.uploadedBy} · {formatSize(v.size)} · <Origin version={v} />
                </p>
                {v.version > 1 && history.versions.some((o) => o.version === v.version - 1) && (
                  <p>
                    <AppLink href={compareHref(workspaceId, path, v.version - 1, v.version)}>
                      Compare with version {v.version - 1}
                    </AppLink>
                  </p>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
      {!history && !error && <p className="vt-muted">Reading the history…</p>}
    </div>
  );
}

type Compared =
  | { kind: "notebook"; before: NotebookVersion; after: NotebookVersion }
  | { kind: "text"; before: string; after: string }
  | { kind: "binary" };

export function ComparePage({
  workspaceId,
  path,
  from,
  to,
  origins,
}: {
  workspaceId: string;
  path: string;
  from: number;
  to: number;
  origins: StudioOrigins;
}) {
  const [history, setHistory] = useState<FileHistory | null>(null);
  const [compared, setCompared] = useState<Compared | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    (async () => {
      // The check first: a comparison the server refuses reads neither version.
      const checked = await apiRequest<FileHistory>("GET", historyApiHref(workspaceId, path, { from, to }));
      if (!live) return;
      setHistory(checked);
      if (checked.compare?.identical) return;
      if (isNotebookPath(path)) {
        const [before, after] = await Promise.all(
          [from, to].map((v) => apiRequest<NotebookVersion>("GET", notebookHref(workspaceId, path, v))),
        );
        if (live) setCompared({ kind: "notebook", before: before!, after: after! });
        return;
      }
      const [before, after] = await Promise.all([from, to].map((v) => fetchBytes(rawHref(workspaceId, path, v))));
      const decoder = new TextDecoder("utf-8", { fatal: true });
      try {
        if (live) setCompared({ kind: "text", before: decoder.decode(before), after: decoder.decode(after) });
      } catch {
        if (live) setCompared({ kind: "binary" });
      }
    })().catch((e: unknown) => live && setError(errorText(e)));
    return () => {
      live = false;
    };
  }, [workspaceId, path, from, to]);

  const notebookDiff = useMemo(() => {
    if (compared?.kind !== "notebook") return null;
    const options: NotebookDiffOptions = {
      placeIds: { before: placeIdsOf(compared.before), after: placeIdsOf(compared.after) },
    };
    return diffNotebooks(compared.before.notebook as Notebook, compared.after.notebook as Notebook, options);
  }, [compared]);
  const textDiff = useMemo(
    () => (compared?.kind === "text" ? lineDiff(compared.before, compared.after) : null),
    [compared],
  );

  const base = useMemo(() => fileBase(workspaceId, path, location.origin), [workspaceId, path]);
  const urls = useMemo(() => ({ check: checkUrls }), []);
  const { onLink, prompt: linkPrompt } = useCheckedLinks(base, setError);

  const side = (v: HistoryVersion | undefined, label: string) =>
    v && (
      <li>
        {label} <AppLink href={fileHref(workspaceId, path, v.version)}>version {v.version}</AppLink>
        <span className="vt-muted">
          {" "}
          · {formatTime(v.uploadedAt)} · {v.uploadedBy} · {formatSize(v.size)} · <Origin version={v} />
        </span>
      </li>
    );

  return (
    <div className="vt-history-page">
      <header className="vt-file-header">
        <Crumbs workspaceId={workspaceId} path={path} here={`Versions ${from} and ${to}`} />
        <span className="vt-file-actions">
          <AppLink className="vt-button-link" href={historyHref(workspaceId, path)}>
            History
          </AppLink>
        </span>
      </header>
      {error && (
        <p className="vt-error" role="alert">
          {error}
        </p>
      )}
      {history?.compare && (
        <aside className="vt-file-info" aria-label="Versions compared">
          <ul className="vt-history-sides">
            {side(history.compare.from, "From")}
            {side(history.compare.to, "to")}
          </ul>
        </aside>
      )}
      {history?.compare?.identical && <p className="vt-notice">These two versions hold the same bytes.</p>}
      {!error && history && !history.compare?.identical && !compared && <p className="vt-muted">Comparing…</p>}
      {compared?.kind === "binary" && (
        <p className="vt-notice">One of these versions is not UTF-8 text; download them to compare them.</p>
      )}
      {textDiff && <LineDiffView diff={textDiff} label={`Changes from version ${from} to version ${to}`} />}
      {compared?.kind === "notebook" && notebookDiff && (
        <NotebookDiffView
          diff={notebookDiff}
          before={compared.before.notebook as Notebook}
          after={compared.after.notebook as Notebook}
          from={from}
          to={to}
          fileName={path}
          base={base}
          frameShellUrl={origins.frameShellUrl}
          urls={urls}
          onLink={onLink}
        />
      )}
      {linkPrompt}
    </div>
  );
}

/** One side of the comparison form: a version of the file, by number. */
function VersionChoice(props: {
  label: string;
  versions: readonly { version: number }[];
  value: number | null;
  onChange(version: number): void;
}) {
  return (
    <label>
      {props.label}
      <select value={props.value ?? ""} onChange={(e) => props.onChange(Number(e.target.value))}>
        {props.versions.map((v) => (
          <option key={v.version} value={v.version}>
            {v.version}
          </option>
        ))}
      </select>
    </label>
  );
}
