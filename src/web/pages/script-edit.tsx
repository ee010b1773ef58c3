// A script in edit mode (`?edit=1`, for a workspace's editors and owners): its text in a plain text area, saved
// whole as the next version (PUT with the version the edit started from, as the notebook editor saves), and run,
// for a language the studio has a kernel for, as one cell in the file's kernel. Outputs are shown as text only,
// never as markup: a script's run draws no HTML in the app's page.
import { ReviewBeforeRun } from "../review-before-run.tsx";
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import type { RunFinding } from "../../contract/kernel-socket.ts";
import type { FileDetails, SavedFile } from "../../contract/api-files.ts";
import type { KernelSpecList } from "../../contract/api-kernels.ts";
import { fileApiHref } from "../../contract/addresses.ts";
import { ApiError, apiRequest } from "../api-client.ts";
import { KernelSession, type CellRun } from "../kernel-session.ts";

/** The kernel language each script extension is run with (a kernelspec's `language`, compared without case). */
const RUN_LANGUAGES: Record<string, string> = { ".py": "python", ".r": "r", ".R": "r", ".jl": "julia", ".sh": "bash" };

/** The one "cell" a script's run is: the whole text. */
const SCRIPT_CELL = "script";

interface PlainOutput {
  kind: "stdout" | "stderr" | "result" | "error";
  text: string;
}

// Terminal colour codes in tracebacks (ipykernel colours them): shown as plain text, without the codes.
// eslint-disable-next-line no-control-regex -- the escape character is what these codes start with
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

function plainOutputs(outputs: readonly Record<string, unknown>[]): PlainOutput[] {
  const text = (value: unknown) => (Array.isArray(value) ? value.join("") : typeof value === "string" ? value : "");
  return outputs.flatMap((output): PlainOutput[] => {
    switch (output.output_type) {
      case "stream":
        return [{ kind: output.name === "stderr" ? "stderr" : "stdout", text: text(output.text) }];
      case "execute_result":
      case "display_data": {
        const data = (output.data ?? {}) as Record<string, unknown>;
        return "text/plain" in data ? [{ kind: "result", text: text(data["text/plain"]) }] : [];
      }
      case "error": {
        const traceback = Array.isArray(output.traceback) ? output.traceback.join("\n") : "";
        return [
          { kind: "error", text: (traceback || `${text(output.ename)}: ${text(output.evalue)}`).replace(ANSI, "") },
        ];
      }
      default:
        return [];
    }
  });
}

export function ScriptEditPage({
  workspaceId,
  path,
  text,
  baseVersion,
  onUnsavedProbe,
}: {
  workspaceId: string;
  path: string;
  text: string;
  baseVersion: number | undefined;
  /** Given the question the file page asks before a rename: are there unsaved changes? */
  onUnsavedProbe?(probe: () => boolean): void;
}) {
  const ids = useId();
  const [source, setSource] = useState(text);
  const saved = useRef(text);
  const savedOn = useRef(baseVersion);
  // The page may learn the version it shows after the editor opened: the first save states it as its base.
  savedOn.current ??= baseVersion;
  const [notice, setNotice] = useState<string | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const [outputs, setOutputs] = useState<PlainOutput[]>([]);
  const [running, setRunning] = useState(false);
  const [confirmation, setConfirmation] = useState<RunFinding[] | null>(null);
  const [kernelspec, setKernelspec] = useState<string | null | undefined>(undefined);
  const dirty = source !== saved.current;
  const sourceNow = useRef(source);
  sourceNow.current = source;
  const language = useMemo(() => RUN_LANGUAGES[path.slice(path.lastIndexOf("."))], [path]);

  useEffect(() => {
    onUnsavedProbe?.(() => sourceNow.current !== saved.current);
  }, [onUnsavedProbe]);

  // Leaving with unsaved changes asks first.
  useEffect(() => {
    const ask = (event: BeforeUnloadEvent) => {
      if (sourceNow.current !== saved.current) event.preventDefault();
    };
    window.addEventListener("beforeunload", ask);
    return () => window.removeEventListener("beforeunload", ask);
  }, []);

  // The kernel this script runs in: the studio's first kernelspec of the script's language, if it offers one.
  useEffect(() => {
    if (!language) return setKernelspec(null);
    let live = true;
    apiRequest<KernelSpecList>("GET", "/api/kernelspecs").then(
      (list) => {
        if (!live) return;
        const spec = list.available ? list.kernelspecs.find((k) => k.language.toLowerCase() === language) : undefined;
        setKernelspec(spec?.name ?? null);
      },
      () => live && setKernelspec(null),
    );
    return () => {
      live = false;
    };
  }, [language]);

  const session = useRef<KernelSession | null>(null);
  const kernel = useRef<Promise<string> | null>(null);
  useEffect(() => () => session.current?.close(), []);

  async function save(on?: number) {
    const content = sourceNow.current;
    try {
      const baseOn =
        on ??
        savedOn.current ??
        (await apiRequest<FileDetails>("GET", fileApiHref(workspaceId, path))).versions[0]?.version ??
        1;
      const answer = await apiRequest<SavedFile>("PUT", fileApiHref(workspaceId, path), {
        content,
        baseVersion: baseOn,
      });
      savedOn.current = answer.version;
      saved.current = content;
      setConflict(null);
      setNotice(`Saved as version ${answer.version} at ${new Date().toLocaleTimeString()}.`);
    } catch (error) {
      if (error instanceof ApiError && error.code === "version_conflict") {
        setConflict(error.message);
      } else setNotice(`Not saved: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async function run(confirmFindings?: string[]) {
    if (!kernelspec) return;
    session.current ??= new KernelSession({ workspace: workspaceId });
    const opened = session.current;
    kernel.current ??= (async () => {
      const found = (await opened.kernels()).find((k) => k.path === path && k.state !== "dead");
      return found?.id ?? (await opened.startKernel(path, kernelspec)).id;
    })().catch((error: unknown) => {
      kernel.current = null;
      throw error;
    });
    setRunning(true);
    setNotice(null);
    let started: CellRun;
    try {
      started = opened.runCell(
        await kernel.current,
        path,
        SCRIPT_CELL,
        sourceNow.current,
        confirmFindings ? { confirmFindings } : {},
      );
    } catch (error) {
      setRunning(false);
      setNotice(`The kernel could not start: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    started.on((event) => {
      setOutputs(plainOutputs(opened.outputs.outputs(SCRIPT_CELL) as unknown as Record<string, unknown>[]));
      if (event.type === "review_required") setConfirmation(event.findings);
      if (event.type === "error") setNotice(event.message);
      if (event.type === "connection_lost") setNotice("The connection was lost: the script may still be running.");
      if (started.isFinished) setRunning(false);
    });
  }

  /** The person chose not to run after seeing the findings: the server records it, as it records "Run anyway". */
  async function decline(findingIds: string[]) {
    const opened = session.current;
    if (!opened || !kernel.current) return;
    try {
      await opened.declineRun(await kernel.current, path, findingIds);
    } catch (error) {
      setNotice(`Not recorded: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  function keys(event: KeyboardEvent<HTMLTextAreaElement>) {
    const mod = event.ctrlKey || event.metaKey;
    if (mod && event.key.toLowerCase() === "s") {
      event.preventDefault();
      void save();
    } else if ((mod || event.shiftKey) && event.key === "Enter" && kernelspec) {
      event.preventDefault();
      void run();
    }
  }

  return (
    <section className="vt-script-edit" aria-label="Script editor">
      <div className="vt-script-toolbar" role="toolbar" aria-label="Script">
        <button type="button" onClick={() => void save()} title="Save (Ctrl S)">
          Save
        </button>
        {language && (
          <button
            type="button"
            onClick={() => void run()}
            disabled={!kernelspec || running}
            title={kernelspec === null ? "The studio has no kernel for this language" : "Run the script (Ctrl Enter)"}
          >
            ▶ Run
          </button>
        )}
        <span className="vt-muted" role="status">
          {dirty ? "unsaved changes" : "saved"}
          {running ? " · running…" : ""}
        </span>
      </div>
      {notice && (
        <p className="vt-notice" role="status">
          {notice}
        </p>
      )}
      {conflict && (
        <section className="vt-notice vt-save-conflict" role="alertdialog" aria-label="Saved by someone else">
          <p>{conflict}. Your changes are not saved yet.</p>
          <button
            type="button"
            onClick={() =>
              void apiRequest<FileDetails>("GET", fileApiHref(workspaceId, path)).then((d) =>
                save(d.versions[0]?.version),
              )
            }
          >
            Overwrite with mine
          </button>{" "}
          <button type="button" onClick={() => location.reload()}>
            Reload their version
          </button>
        </section>
      )}
      {confirmation && (
        <ReviewBeforeRun
          findings={confirmation}
          onRun={() => {
            setConfirmation(null);
            void run(confirmation.map((f) => f.id));
          }}
          onCancel={() => {
            setConfirmation(null);
            void decline(confirmation.map((f) => f.id));
          }}
        />
      )}
      <label htmlFor={`${ids}-text`} className="vt-visually-hidden">
        {path}
      </label>
      <textarea
        id={`${ids}-text`}
        className="vt-script-text"
        value={source}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        rows={Math.min(40, Math.max(12, source.split("\n").length + 2))}
        onChange={(e) => setSource(e.target.value)}
        onKeyDown={keys}
      />
      {outputs.length > 0 && (
        <section className="vt-script-outputs" aria-label="Output">
          {outputs.map((output, i) => (
            <pre key={i} className={`vt-script-output vt-script-${output.kind}`}>
              {output.text}
            </pre>
          ))}
        </section>
      )}
    </section>
  );
}
