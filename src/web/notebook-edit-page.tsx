// The editor as the file page opens it (`?edit=1`, for a workspace's editors and owners): the stored version's
// bytes read into an edit model, and the editor drawn from it. Run sends a code cell to the file's kernel through
// the page's kernel session (kernel-session.ts), starting the kernel on the first run; outputs flow back into the
// model as they arrive. A file whose review has high findings shows them first, and runs only once confirmed.
import { useEffect, useMemo, useRef, useState } from "react";
import type { RunFinding } from "../contract/kernel-socket.ts";
import { KernelSession, type CellRun } from "./kernel-session.ts";
import { ApiError, apiRequest } from "./api-client.ts";
import { fileApiHref, workspaceApiHref } from "../contract/addresses.ts";
import type { CreatedFile, FileDetails, SavedFile } from "../contract/api-files.ts";
import { NotebookError } from "../notebook/errors.ts";
import { parseNotebook } from "../notebook/parse.ts";
import { NotebookEditModel } from "./notebook-edit-model.ts";
import { NotebookEditor } from "./notebook-editor.tsx";
import type { UrlChecker } from "./studio-host.ts";

export interface NotebookEditPageProps {
  workspaceId: string;
  /** The version the editor was opened on: the first save states it as its base. */
  baseVersion: number | undefined;
  bytes: Uint8Array;
  fileName: string;
  base: string;
  frameShellUrl: string;
  urls: UrlChecker;
  onLink(href: string): void;
  /** Given, once the file is read, the question the file page asks before a rename: are there unsaved changes? */
  onUnsavedProbe?(probe: () => boolean): void;
}

/** A run the person must confirm: the file's high findings, and the cell to run once they do. */
interface Confirmation {
  findings: RunFinding[];
  cellId: string;
}

export default function NotebookEditPage({
  workspaceId,
  baseVersion,
  bytes,
  fileName,
  base,
  frameShellUrl,
  urls,
  onLink,
  onUnsavedProbe,
}: NotebookEditPageProps) {
  const read = useMemo(() => {
    try {
      return { model: new NotebookEditModel(parseNotebook(bytes, { file: fileName }).notebook) };
    } catch (error) {
      return { error: error instanceof NotebookError ? error.format() : String(error) };
    }
  }, [bytes, fileName]);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmation, setConfirmation] = useState<Confirmation | null>(null);
  const [kernelState, setKernelState] = useState<string | null>(null);
  /** Someone else saved since this editor's base: the person chooses what happens to their changes. */
  const [conflict, setConflict] = useState<string | null>(null);
  const savedOn = useRef<number | undefined>(baseVersion);
  savedOn.current ??= baseVersion;
  const saving = useRef(false);

  useEffect(() => {
    if (!("error" in read)) onUnsavedProbe?.(() => read.model.dirty);
  }, [read, onUnsavedProbe]);

  // Leaving with unsaved changes asks first.
  useEffect(() => {
    if ("error" in read) return;
    const ask = (event: BeforeUnloadEvent) => {
      if (read.model.dirty) event.preventDefault();
    };
    window.addEventListener("beforeunload", ask);
    return () => window.removeEventListener("beforeunload", ask);
  }, [read]);

  const newestVersion = async (): Promise<number> =>
    (await apiRequest<FileDetails>("GET", fileApiHref(workspaceId, fileName))).versions[0]?.version ?? 1;

  /** Stores the notebook as a new version based on `on` (the editor's base unless the person chose to overwrite). */
  const save = async (model: NotebookEditModel, on?: number) => {
    if (saving.current) return;
    saving.current = true;
    try {
      const baseOn = on ?? savedOn.current ?? (await newestVersion());
      const { json, savePoint } = model.saveRequest();
      const saved = await apiRequest<SavedFile>("PUT", fileApiHref(workspaceId, fileName), {
        content: json,
        baseVersion: baseOn,
      });
      savedOn.current = saved.version;
      model.markSaved(savePoint);
      setConflict(null);
      setNotice(`Saved as version ${saved.version}.`);
    } catch (error) {
      if (error instanceof ApiError && error.code === "version_conflict") setConflict(error.message);
      else setNotice(`Not saved: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      saving.current = false;
    }
  };

  const saveCopy = async (model: NotebookEditModel) => {
    const dot = fileName.lastIndexOf(".");
    const copy = `${fileName.slice(0, dot)} (copy ${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-")})${fileName.slice(dot)}`;
    try {
      const { json, savePoint } = model.saveRequest();
      const created = await apiRequest<CreatedFile>("POST", `${workspaceApiHref(workspaceId)}/new-file`, {
        path: copy,
        content: json,
      });
      model.markSaved(savePoint);
      setConflict(null);
      setNotice(`Saved as a copy: ${created.path}.`);
    } catch (error) {
      setNotice(`Not saved: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const session = useRef<KernelSession | null>(null);
  const kernel = useRef<Promise<string> | null>(null);
  const runs = useRef(new Map<string, CellRun>());
  useEffect(() => () => session.current?.close(), []);

  const sessionOf = (model: NotebookEditModel): KernelSession => {
    if (session.current) return session.current;
    const opened = new KernelSession({ workspace: workspaceId });
    opened.outputs.onChange((cellId) => {
      if (model.indexOf(cellId) < 0) return;
      model.setOutputs(cellId, opened.outputs.outputs(cellId), runs.current.get(cellId)?.executionCount ?? undefined);
    });
    session.current = opened;
    return opened;
  };

  /** The file's running kernel, or a new one: started once, on the first run. */
  const kernelOf = (opened: KernelSession): Promise<string> => {
    kernel.current ??= (async () => {
      const running = (await opened.kernels()).find((k) => k.path === fileName && k.state !== "dead");
      let id = running?.id;
      if (!id) {
        setKernelState("starting");
        id = (await opened.startKernel(fileName)).id;
      }
      opened.watch(id, (status) => setKernelState(status.reason ? `${status.state} (${status.reason})` : status.state));
      return id;
    })().catch((error: unknown) => {
      kernel.current = null;
      throw error;
    });
    return kernel.current;
  };

  const run = async (model: NotebookEditModel, cellId: string, confirmFindings?: string[]) => {
    const index = model.indexOf(cellId);
    if (index < 0) return;
    const cell = model.cells[index];
    if (!cell || cell.cell_type !== "code") return;
    const opened = sessionOf(model);
    let kernelId: string;
    try {
      kernelId = await kernelOf(opened);
    } catch (error) {
      setNotice(`The kernel could not start: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const source = cell.source;
    const started = opened.runCell(kernelId, fileName, cellId, source, confirmFindings ? { confirmFindings } : {});
    runs.current.set(cellId, started);
    started.on((event, which) => {
      if (event.type === "review_required") setConfirmation({ findings: event.findings, cellId });
      else if (event.type === "error") setNotice(`Cell ${model.indexOf(cellId) + 1}: ${event.message}`);
      else if (event.type === "connection_lost")
        setNotice(`The connection was lost: cell ${model.indexOf(cellId) + 1} may still be running.`);
      else if (event.type === "execute_input" || event.type === "done")
        model.setOutputs(cellId, opened.outputs.outputs(cellId), which.executionCount);
    });
  };

  if ("error" in read) {
    return (
      <p className="vt-error" role="alert">
        {read.error}
      </p>
    );
  }
  return (
    <article className="vt-page vt-notebook vt-edit-page">
      {notice && (
        <p className="vt-notice" role="status">
          {notice}
        </p>
      )}
      {conflict && (
        <section className="vt-notice vt-save-conflict" role="alertdialog" aria-label="Saved by someone else">
          <p>{conflict}. Your changes are not saved yet.</p>
          <button type="button" onClick={() => location.reload()}>
            Reload their version
          </button>{" "}
          <button type="button" onClick={() => void newestVersion().then((v) => save(read.model, v))}>
            Overwrite with mine
          </button>{" "}
          <button type="button" onClick={() => void saveCopy(read.model)}>
            Save mine as a copy
          </button>
        </section>
      )}
      {confirmation && (
        <section className="vt-notice vt-review-required" role="alertdialog" aria-label="Review before running">
          <p>The review of this file found what it would do when it runs:</p>
          <ul>
            {confirmation.findings.map((finding) => (
              <li key={finding.id}>{finding.message}</li>
            ))}
          </ul>
          <button
            type="button"
            onClick={() => {
              const { findings, cellId } = confirmation;
              setConfirmation(null);
              void run(
                read.model,
                cellId,
                findings.map((f) => f.id),
              );
            }}
          >
            Run anyway
          </button>{" "}
          <button type="button" onClick={() => setConfirmation(null)}>
            Cancel
          </button>
        </section>
      )}
      <NotebookEditor
        model={read.model}
        fileName={fileName}
        base={base}
        frameShellUrl={frameShellUrl}
        urls={urls}
        onLink={onLink}
        onRun={(cell) => void run(read.model, cell.id)}
        onSave={() => void save(read.model)}
        kernelState={kernelState}
        onInterrupt={() => {
          const running = kernel.current;
          if (running && session.current)
            void running
              .then((id) => session.current?.interrupt(id))
              .catch((error: unknown) =>
                setNotice(`Not interrupted: ${error instanceof Error ? error.message : String(error)}`),
              );
        }}
        onRestart={() => {
          const running = kernel.current;
          if (running && session.current)
            void running
              .then((id) => session.current?.restart(id))
              .then(() => setNotice("The kernel restarted: its variables are gone."))
              .catch((error: unknown) =>
                setNotice(`Not restarted: ${error instanceof Error ? error.message : String(error)}`),
              );
        }}
      />
    </article>
  );
}
