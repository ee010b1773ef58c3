// One file: its newest (or a chosen) version drawn safely, its versions, what the review found, and a download; for
// the workspace's editors and owners, Rename in the header.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { registeredEditPage } from "../editor-slot.ts";
import { ApiError } from "../api-client.ts";
import { AppLink } from "../app-link.tsx";
import { NotebookView } from "../notebook-view.tsx";
import { RenameDialog } from "../rename-dialog.tsx";
import { takeStartedFile, type StudioOrigins } from "../page-start.ts";
import { fileHref, navigate, workspaceHref } from "../router.ts";
import { ScriptView } from "../script-view.tsx";
import { ScriptEditPage } from "./script-edit.tsx";
import { BreakableName, FolderLinks } from "../folder-links.tsx";
import { checkUrls } from "../url-check-client.ts";
import { useCheckedLinks } from "../checked-links.tsx";
import {
  exportHref,
  fetchBytes,
  fetchNotebookHead,
  fileFindings,
  formatSize,
  formatTime,
  scriptHref,
  studioApi,
} from "../studio-calls.ts";
import type { FileDetails } from "../../contract/api-files.ts";
import type { FileReview } from "../../contract/api-review.ts";
import { fileBase, historyHref, isNotebookPath, rawHref } from "../../contract/addresses.ts";
import type { ReadHead } from "../../render/notebook-head.ts";

/**
 * Whether the open editor holds changes not saved yet. The editor page hands one to `onUnsavedProbe` when it has read
 * the file; the page asks it before a rename, which opens the editor again at the new address from the stored file.
 */
export type UnsavedProbe = () => boolean;

/** The file's page at its new path after a rename: the same version, in the editor when it was open. */
export function renamedHref(workspaceId: string, path: string, version: number | undefined, editing: boolean): string {
  return `${fileHref(workspaceId, path, version)}${editing ? `${version === undefined ? "?" : "&"}edit=1` : ""}`;
}

export function FilePage({
  workspaceId,
  path,
  version,
  origins,
}: {
  workspaceId: string;
  path: string;
  version: number | undefined;
  origins: StudioOrigins;
}) {
  // The reads the page started for this file (page-start.ts), taken once; when its bytes have already arrived, the
  // first render draws the file, with no render and paint in between.
  const [started] = useState(() => takeStartedFile(workspaceId, path, version));
  // Details that are in already are drawn in the first render, so the box above the file does not push it down
  // once the reader has started; others come after the first screen (below).
  const [details, setDetails] = useState<FileDetails | null>(() => started?.detailsArrived ?? null);
  const [bytes, setBytes] = useState<Uint8Array | null>(() => started?.arrived ?? null);
  const isNotebook = isNotebookPath(path);
  // A notebook's head (its first cells) draws its first screen; its bytes, megabytes with figures, are asked for
  // once that screen is painted (the view says when), or at once when there is no head. Other files' at once.
  const [head, setHead] = useState<ReadHead | null>(() => started?.headArrived ?? null);
  const [bytesWanted, setBytesWanted] = useState(!isNotebook);
  const wantBytes = useCallback(() => setBytesWanted(true), []);
  const [review, setReview] = useState<FileReview | "failed" | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Editing is asked for by the address, and given only to the workspace's editors and owners.
  const [editRequested] = useState(() => new URLSearchParams(location.search).get("edit") === "1");
  const [canEdit, setCanEdit] = useState(false);
  useEffect(() => {
    if (!editRequested) return;
    let live = true;
    setBytesWanted(true);
    studioApi
      .workspace(workspaceId)
      .then((w) => live && setCanEdit(w.role === "editor" || w.role === "owner"))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [editRequested, workspaceId]);
  const editing = editRequested && canEdit;
  // The notebook editor (`?edit=1`, for editors and owners): present only in the edit addresses' bundle
  // (editor-slot.ts), which registers it before the app starts.
  const NotebookEditPage = registeredEditPage();
  const unsavedProbe = useRef<UnsavedProbe | null>(null);
  const onUnsavedProbe = useCallback((probe: UnsavedProbe) => {
    unsavedProbe.current = probe;
  }, []);
  const [renaming, setRenaming] = useState(false);

  // The page is made again for another file or version (app.tsx keys it so), so these run once for this one.
  const detailsAsked = useRef<Promise<FileDetails> | null>(null);
  useEffect(() => {
    let live = true;
    // Asked for now, drawn once the bytes are (see below).
    const asked = started?.details ?? studioApi.file(workspaceId, path);
    asked.catch(() => undefined);
    detailsAsked.current = asked;
    if (isNotebook && !started?.headArrived) {
      // Without a head, the notebook is drawn from its bytes alone.
      (started?.head ?? fetchNotebookHead(workspaceId, path, version).catch(() => null)).then((read) => {
        if (!live) return;
        if (read) setHead(read);
        else setBytesWanted(true);
      });
    }
    return () => {
      live = false;
    };
  }, [started, workspaceId, path, version, isNotebook]);

  useEffect(() => {
    if (!bytesWanted || bytes) return;
    let live = true;
    (started?.bytes ?? fetchBytes(rawHref(workspaceId, path, version)))
      .then((b) => live && setBytes(b))
      .catch((e: unknown) => {
        if (!live) return;
        // A file whose bytes cannot be read shows nothing of it, not even cells its head had drawn.
        setHead(null);
        setError(
          e instanceof ApiError && e.status === 404
            ? "There is no such file here."
            : e instanceof Error
              ? e.message
              : String(e),
        );
      });
    return () => {
      live = false;
    };
  }, [bytesWanted, bytes, started, workspaceId, path, version]);

  // After the render that draws the file: a notebook's first screen is drawn in that render's layout effect, so
  // details that were not in for it and the review come after it, and the review is asked for only then, never
  // competing with the bytes.
  useEffect(() => {
    if (!bytes) return;
    let live = true;
    detailsAsked.current?.then((d) => live && setDetails(d)).catch(() => undefined);
    fileFindings(workspaceId, path, version)
      .then((r) => live && setReview(r))
      .catch(() => live && setReview("failed"));
    return () => {
      live = false;
    };
  }, [bytes, workspaceId, path, version]);

  const base = useMemo(() => fileBase(workspaceId, path, location.origin), [workspaceId, path]);
  // The first screen's images have verdicts already when the page started with them (page-start.ts).
  const urls = useMemo(
    () => ({ check: checkUrls, knownImage: (src: string, at: string) => started?.headImagesArrived?.get(src, at) }),
    [started],
  );

  const { onLink, prompt: linkPrompt } = useCheckedLinks(base, setError);

  const current = details?.versions.find((v) => v.version === version) ?? details?.versions[0];
  const folders = path.split("/");
  const fileName = folders.pop() ?? path;
  const renamed = useCallback(
    (to: string) => {
      setRenaming(false);
      const href = renamedHref(workspaceId, to, version, editing);
      // The editor comes with the edit address's own bundle, opened again from the stored file (no unsaved changes
      // were left: the dialog refused them); a reading page follows in place, its address replaced so that Back does
      // not lead to the old path, which names nothing now.
      if (editing) location.replace(href);
      else navigate(href, { replace: true });
    },
    [workspaceId, version, editing],
  );
  const text = useMemo(() => {
    if (!bytes || isNotebook) return null;
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      return null;
    }
  }, [bytes, isNotebook]);

  return (
    <div className="vt-file-page">
      <header className="vt-file-header">
        <nav aria-label="Breadcrumb" className="vt-crumbs">
          <AppLink href={workspaceHref(workspaceId)}>{details?.workspace.name ?? "Workspace"}</AppLink>
          <FolderLinks workspaceId={workspaceId} folders={folders} />
          {" / "}
          <span aria-current="page">
            <BreakableName name={fileName} />
          </span>
        </nav>
        {(details?.role === "editor" || details?.role === "owner") && (
          <span className="vt-file-actions">
            {/* Full page loads, not the router: the editor comes in the edit addresses' own bundle. */}
            {editing ? (
              <a className="vt-button-link" href={renamedHref(workspaceId, path, undefined, false)}>
                Read
              </a>
            ) : (
              <a className="vt-button-link" href={renamedHref(workspaceId, path, undefined, true)}>
                Edit
              </a>
            )}
            <button type="button" className="vt-file-rename" onClick={() => setRenaming(true)}>
              Rename
            </button>
          </span>
        )}
      </header>
      {error && (
        <p className="vt-error" role="alert">
          {error}
        </p>
      )}
      {/* The same three lines before the details are in as after, so that their coming moves nothing below. */}
      <aside className="vt-file-info" aria-label="File" aria-busy={!(details && current)}>
        {details && current ? (
          <>
            <p>
              Version {current.version} of {details.versions.length} · {formatSize(current.size)} · uploaded{" "}
              {formatTime(current.uploadedAt)} by {current.uploadedBy}
            </p>
            <div className="vt-file-links">
              <a href={rawHref(workspaceId, path, current.version)} download>
                Download this version
              </a>
              {/* Reading comfort: the notebook as the page `vitrine render` writes, and as a script. */}
              {isNotebook && (
                <>
                  <a href={exportHref(workspaceId, path, current.version)} download>
                    as HTML
                  </a>
                  <a href={scriptHref(workspaceId, path, current.version)} download>
                    as script
                  </a>
                </>
              )}
              {/* The file's versions, each opened read-only here, and any two compared (history-page.tsx). */}
              <AppLink href={historyHref(workspaceId, path)}>History</AppLink>
              {details.versions.length > 1 && (
                <details>
                  <summary>Versions</summary>
                  <ol className="vt-list">
                    {details.versions.map((v) => (
                      <li key={v.version}>
                        <AppLink href={fileHref(workspaceId, path, v.version)}>Version {v.version}</AppLink> ·{" "}
                        {formatTime(v.uploadedAt)} · {v.uploadedBy} · {formatSize(v.size)}
                      </li>
                    ))}
                  </ol>
                </details>
              )}
            </div>
          </>
        ) : (
          <>
            <p className="vt-muted">Version …</p>
            <div className="vt-file-links" aria-hidden="true">
              {"\u00a0"}
            </div>
          </>
        )}
        {/* One line whatever the review says, so that its answer does not move the file below. */}
        {review === null || review === "failed" ? (
          <p className="vt-muted" role="status">
            {review === null ? "Reviewing this file…" : "Review not read: reload to try again."}
          </p>
        ) : (
          <Findings review={review} />
        )}
      </aside>
      {editing && isNotebook && bytes && NotebookEditPage && (
        <NotebookEditPage
          workspaceId={workspaceId}
          baseVersion={version ?? current?.version}
          bytes={bytes}
          fileName={path}
          base={base}
          frameShellUrl={origins.frameShellUrl}
          urls={urls}
          onLink={onLink}
          onUnsavedProbe={onUnsavedProbe}
        />
      )}
      {editing && isNotebook && !NotebookEditPage && (
        // Reached by navigating inside a reading page: the editor comes with the edit address's own bundle, so a
        // full page load (a plain link, not the router) brings it.
        <p className="vt-status">
          <a href={location.href}>Open the editor</a>
        </p>
      )}
      {!editing && (bytes || head) && isNotebook && (
        <NotebookView
          head={head}
          bytes={bytes}
          fileName={path}
          base={base}
          frameShellUrl={origins.frameShellUrl}
          urls={urls}
          onLink={onLink}
          onWantBytes={wantBytes}
        />
      )}
      {editing && !isNotebook && text !== null && (
        <ScriptEditPage
          workspaceId={workspaceId}
          path={path}
          text={text}
          baseVersion={version ?? current?.version}
          onUnsavedProbe={onUnsavedProbe}
        />
      )}
      {!editing && bytes && !isNotebook && text !== null && <ScriptView text={text} path={path} />}
      {bytes && !isNotebook && text === null && (
        <p className="vt-notice">This file is not UTF-8 text; download it to look at it.</p>
      )}
      {renaming && (
        <RenameDialog
          workspaceId={workspaceId}
          path={path}
          {...(editing ? { hasUnsavedChanges: () => unsavedProbe.current?.() ?? false } : {})}
          onRenamed={renamed}
          onClose={() => setRenaming(false)}
        />
      )}
      {linkPrompt}
    </div>
  );
}

function Findings({ review }: { review: FileReview }) {
  if (review.findings.length === 0) return <p className="vt-ok">Review: nothing needs a closer look.</p>;
  return (
    <details className="vt-findings">
      <summary>
        Review: {review.summary.counts.high} high, {review.summary.counts.medium} medium, {review.summary.counts.low}{" "}
        low
      </summary>
      <ul>
        {review.findings.map((f, i) => (
          <li key={i} className={`vt-finding vt-sev-${f.severity}`}>
            <span className="vt-sev">{f.severity}</span>{" "}
            {f.place.cell !== undefined ? (
              <a href={`#vt-cell-${f.place.cell + 1}`}>cell {f.place.cell + 1}</a>
            ) : (
              <a href={`#L${f.place.line}`}>line {f.place.line}</a>
            )}
            {f.place.cell !== undefined ? `, line ${f.place.line}` : ""}: {f.message}{" "}
            <span className="vt-muted">({f.rule})</span>
            {f.excerpt && (
              <pre className="vt-excerpt">
                <code>{f.excerpt}</code>
              </pre>
            )}
            <p className="vt-muted">{f.check}</p>
          </li>
        ))}
      </ul>
    </details>
  );
}
