// The editor as the file page opens it (`?edit=1`, for a workspace's editors and owners): the stored version's
// bytes read into an edit model, and the editor drawn from it. Run sends a code cell to the file's kernel through
// the page's kernel session (kernel-session.ts), starting the kernel on the first run; outputs flow back into the
// model as they arrive. A file whose review has high findings shows them first, and runs only once confirmed.
import { ReviewBeforeRun } from "./review-before-run.tsx";
import { useEffect, useMemo, useRef, useState } from "react";
import type { KernelSpecInfo } from "../contract/api-kernels.ts";
import type { StudioSettings } from "../contract/api-public.ts";
import type { ConnectionState } from "./kernel-session.ts";
import { NotebookRunner, type RunConfirmation } from "./notebook-runner.ts";
import { kernelAssist } from "./kernel-assist.ts";
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
      const parsed = parseNotebook(bytes, { file: fileName });
      const counts = parsed.noteCounts ?? {};
      // Cells or outputs of a type newer than Vitrine knows are read as stand-ins that say so: saving would put the
      // stand-ins in place of the real content, so such a notebook is edited and run but never saved from here.
      const unknown = (counts.unknown_cell_type ?? 0) + (counts.unknown_output_type ?? 0);
      return { model: new NotebookEditModel(parsed.notebook), unsaveable: unknown > 0 };
    } catch (error) {
      return { error: error instanceof NotebookError ? error.format() : String(error) };
    }
  }, [bytes, fileName]);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmation, setConfirmation] = useState<RunConfirmation | null>(null);
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

  /**
   * Stores the notebook as a new version based on `on` (the editor's base unless the person chose to overwrite).
   * An autosave says so in its notice.
   */
  const save = async (model: NotebookEditModel, on?: number, how: "asked" | "autosave" = "asked") => {
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
      setNotice(
        `${how === "autosave" ? "Autosaved" : "Saved"} as version ${saved.version} at ${new Date().toLocaleTimeString()}.`,
      );
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
  const [connection, setConnection] = useState<ConnectionState | null>(null);
  const [kernelspecs, setKernelspecs] = useState<KernelSpecInfo[] | null>(null);
  // The runner lives as long as the page's notebook (made in an effect, so that a remount gets a fresh one).
  const [runner, setRunner] = useState<NotebookRunner | null>(null);
  const runnerRef = useRef<NotebookRunner | null>(null);
  /** Completion and inspection ask the kernel this page runs or joined for the file; none is started for them. */
  const assist = useMemo(
    () =>
      kernelAssist(() => {
        const current = runnerRef.current;
        return current?.kernelId ? { calls: current.session, kernelId: Promise.resolve(current.kernelId) } : null;
      }),
    [],
  );
  useEffect(() => {
    if ("error" in read) return;
    const made = new NotebookRunner({
      workspace: workspaceId,
      fileName,
      model: read.model,
      events: {
        notice: setNotice,
        confirm: setConfirmation,
        kernelState: (status) => setKernelState(status.reason ? `${status.state} (${status.reason})` : status.state),
        connection: setConnection,
      },
    });
    setRunner(made);
    runnerRef.current = made;
    made.session
      .kernelspecs()
      .then((list) => setKernelspecs(list.available ? list.kernelspecs : []))
      .catch(() => setKernelspecs(null));
    // A kernel already running for the file (another tab, a reload): its state shows, and it can be interrupted.
    made.joinRunning().catch(() => undefined);
    return () => made.close();
    // A rename of the open file is told to the runner (runner.fileName), not a reason for a new one.
  }, [read, workspaceId]);

  // Autosave: a notebook with changes is saved every `autosaveSeconds` (the studio's setting), unless a conflict
  // waits for the person's choice.
  const [autosaveSeconds, setAutosaveSeconds] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    apiRequest<StudioSettings>("GET", "/api/config")
      .then((settings) => live && setAutosaveSeconds(settings.autosaveSeconds))
      .catch(() => live && setAutosaveSeconds(0));
    return () => {
      live = false;
    };
  }, []);
  const conflictOpen = useRef(false);
  conflictOpen.current = conflict !== null;
  useEffect(() => {
    if ("error" in read || read.unsaveable || !autosaveSeconds) return;
    const timer = setInterval(() => {
      if (read.model.dirty && !conflictOpen.current) void save(read.model, undefined, "autosave");
    }, autosaveSeconds * 1000);
    return () => clearInterval(timer);
    // save reads its state through refs.
  }, [read, autosaveSeconds]);

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
      {read.unsaveable && (
        <p className="vt-notice vt-warning" role="status">
          This notebook has cells or outputs of a type newer than Vitrine knows. You can edit and run it here, but not
          save it: saving would replace them with the notes shown in their place.
        </p>
      )}
      {(connection === "disconnected" || connection === "signed_out") && (
        <p className="vt-notice vt-connection-lost" role="alert">
          {connection === "signed_out"
            ? "The session ended: sign in again to run cells. Your changes stay in this page until you save."
            : "The connection to the studio was lost. Reconnecting… Cells that were running may still run; nothing is sent twice."}
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
        <ReviewBeforeRun
          findings={confirmation.findings}
          onRun={() => {
            const { findings, cellIds } = confirmation;
            setConfirmation(null);
            void runner?.run(
              cellIds,
              findings.map((f) => f.id),
            );
          }}
          onCancel={() => {
            setConfirmation(null);
            runner?.decline(confirmation).catch((error: unknown) => setNotice(`Not recorded: ${messageOf(error)}`));
          }}
        />
      )}
      <NotebookEditor
        model={read.model}
        fileName={fileName}
        base={base}
        frameShellUrl={frameShellUrl}
        urls={urls}
        onLink={onLink}
        onRun={(cellIds) => void runner?.run(cellIds)}
        runStates={runner?.runStates}
        {...(read.unsaveable ? {} : { onSave: () => void save(read.model) })}
        kernelState={kernelState}
        {...(kernelspecs && kernelspecs.length > 0
          ? {
              kernelspecs,
              onChooseKernel: (spec: KernelSpecInfo) =>
                void runner
                  ?.chooseKernel(spec)
                  .catch((error: unknown) => setNotice(`The kernel was not changed: ${messageOf(error)}`)),
            }
          : {})}
        onInterrupt={() =>
          void runner?.interrupt().catch((error: unknown) => setNotice(`Not interrupted: ${messageOf(error)}`))
        }
        onRestart={() =>
          void runner
            ?.restart()
            .then(() => setNotice("The kernel restarted: its variables are gone."))
            .catch((error: unknown) => setNotice(`Not restarted: ${messageOf(error)}`))
        }
        onRestartAndRunAll={() =>
          void runner?.restartAndRunAll().catch((error: unknown) => setNotice(`Not restarted: ${messageOf(error)}`))
        }
        assist={assist}
      />
    </article>
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
