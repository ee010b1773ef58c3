// "New notebook" and "New script": the name (the next free Untitled.ipynb or untitled.py), a script's language and
// the folder (the one being viewed). The server makes the file (POST …/new-file: a notebook with one empty code cell
// for the studio's kernel, or an empty script) and decides whether the name is allowed; its refusal is shown next to
// the name. Once made, the browser goes to the file's page in edit mode, a full page load that brings the editor.
import { DialogFormEnd } from "./dialog-form-end.tsx";
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from "react";
import type { CreatedFile, NewFileBody } from "../contract/api-files.ts";
import { fileHref, workspaceApiHref } from "../contract/addresses.ts";
import { ApiError, apiRequest } from "./api-client.ts";
import { useModalDialog } from "./modal-dialog.ts";
import {
  SCRIPT_LANGUAGES,
  isNameRefusal,
  joinPath,
  scriptExtensionOf,
  suggestedName,
  withScriptExtension,
  type NewFileKind,
  type ScriptExtension,
} from "./new-file-names.ts";

export interface NewFileDialogProps {
  workspaceId: string;
  kind: NewFileKind;
  /** The folder being viewed: where the file goes unless the person changes it. */
  folder: string;
  /** The workspace's paths, for the first free name. */
  taken: readonly string[];
  onClose(): void;
}

export function NewFileDialog({ workspaceId, kind, folder, taken, onClose }: NewFileDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const nameField = useRef<HTMLInputElement>(null);
  useModalDialog(dialog);
  // The suggested name's stem is selected, ready to type over; its extension stays.
  useEffect(() => {
    const input = nameField.current;
    if (!input) return;
    input.focus();
    input.setSelectionRange(0, Math.max(0, input.value.lastIndexOf(".")));
  }, []);
  const ids = useId();
  const [name, setName] = useState(() => suggestedName(taken, folder, kind));
  const [language, setLanguage] = useState<ScriptExtension>(".py");
  const [where, setWhere] = useState(folder);
  const [nameError, setNameError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const title = kind === "notebook" ? "New notebook" : "New script";
  const path = useMemo(() => joinPath(where.replace(/^\/+|\/+$/g, ""), name), [where, name]);

  function pickLanguage(extension: ScriptExtension) {
    setLanguage(extension);
    // A name still as suggested moves on to the next free one in that language; one the person typed keeps its stem.
    const suggested = suggestedName(taken, folder, "script", language);
    setName(
      name === suggested ? suggestedName(taken, folder, "script", extension) : withScriptExtension(name, extension),
    );
    setNameError(null);
  }

  async function create(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setNameError(null);
    setError(null);
    try {
      const created = await apiRequest<CreatedFile>("POST", `${workspaceApiHref(workspaceId)}/new-file`, {
        path,
        kind,
      } satisfies NewFileBody);
      // A full load: the editor comes with the edit address's own bundle.
      location.assign(`${fileHref(workspaceId, created.path)}?edit=1`);
    } catch (caught) {
      setBusy(false);
      if (caught instanceof ApiError && isNameRefusal(caught.code)) setNameError(caught.message);
      else setError(caught instanceof Error ? caught.message : String(caught));
    }
  }

  return (
    <dialog ref={dialog} className="vt-dialog vt-new-file" aria-labelledby={`${ids}-title`} onCancel={onClose}>
      <form onSubmit={(e) => void create(e)} noValidate>
        <h2 id={`${ids}-title`}>{title}</h2>
        <div className="vt-field">
          <label htmlFor={`${ids}-name`}>Name</label>
          <input
            id={`${ids}-name`}
            ref={nameField}
            value={name}
            spellCheck={false}
            autoComplete="off"
            aria-invalid={nameError !== null}
            aria-describedby={nameError ? `${ids}-name-error` : undefined}
            onChange={(e) => {
              setName(e.target.value);
              setNameError(null);
              const typed = scriptExtensionOf(e.target.value);
              if (kind === "script" && typed) setLanguage(typed);
            }}
            disabled={busy}
          />
          {nameError && (
            <p id={`${ids}-name-error`} className="vt-error vt-field-error" role="alert">
              {nameError}
            </p>
          )}
        </div>
        {kind === "script" && (
          <div className="vt-field">
            <label htmlFor={`${ids}-language`}>Language</label>
            <select
              id={`${ids}-language`}
              value={language}
              onChange={(e) => pickLanguage(e.target.value as ScriptExtension)}
              disabled={busy}
            >
              {SCRIPT_LANGUAGES.map((l) => (
                <option key={l.extension} value={l.extension}>
                  {l.label} ({l.extension})
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="vt-field">
          <label htmlFor={`${ids}-folder`}>Folder</label>
          <input
            id={`${ids}-folder`}
            value={where}
            spellCheck={false}
            autoComplete="off"
            placeholder="(the workspace's top)"
            onChange={(e) => {
              setWhere(e.target.value);
              setNameError(null);
            }}
            disabled={busy}
          />
        </div>
        <p className="vt-muted vt-new-file-path">
          Makes <code>{path || "…"}</code>
          {kind === "notebook" ? ", a notebook with one empty code cell," : ", an empty script,"} and opens it in the
          editor.
        </p>
        <DialogFormEnd
          error={error}
          busy={busy}
          ready={name !== ""}
          action="Create"
          busyAction="Creating…"
          onCancel={onClose}
        />
      </form>
    </dialog>
  );
}
