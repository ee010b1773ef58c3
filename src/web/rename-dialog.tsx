// Rename (or move) a file, from its page or the workspace's list, or a folder with everything under it, from the
// list: the new path, with the name part selected. The server decides whether the name is allowed, keeps a file's
// kind and versions, and refuses a taken path (for a folder, before any of its files moves); its refusal is shown
// next to the field. An editor holding unsaved changes is not renamed under: the page at the new address opens the
// editor again from the stored file, so the dialog asks for a save first rather than lose them.
import { DialogFormEnd } from "./dialog-form-end.tsx";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import type { MoveBody, MovedFile } from "../contract/api-files.ts";
import { fileApiHref } from "../contract/addresses.ts";
import { ApiError, apiRequest } from "./api-client.ts";
import { useModalDialog } from "./modal-dialog.ts";
import { studioApi } from "./studio-calls.ts";
import { isNameRefusal } from "./new-file-names.ts";

export interface RenameDialogProps {
  workspaceId: string;
  path: string;
  /** A file (the default) or a folder. */
  kind?: "file" | "folder";
  /** Whether the open editor holds changes not saved yet; none when no editor is open. */
  hasUnsavedChanges?: () => boolean;
  onRenamed(path: string): void;
  onClose(): void;
}

export const UNSAVED_BEFORE_RENAME =
  "This notebook has changes that are not saved. Save them first (Save, or Ctrl+S), then rename it.";

export function RenameDialog({
  workspaceId,
  path,
  kind = "file",
  hasUnsavedChanges,
  onRenamed,
  onClose,
}: RenameDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const field = useRef<HTMLInputElement>(null);
  useModalDialog(dialog);
  const ids = useId();
  const [to, setTo] = useState(path);
  const [nameError, setNameError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(() => (hasUnsavedChanges?.() ? UNSAVED_BEFORE_RENAME : null));
  const [busy, setBusy] = useState(false);

  // The name without its folder and extension is what a rename usually changes: selected, ready to type over.
  useEffect(() => {
    const input = field.current;
    if (!input) return;
    const slash = path.lastIndexOf("/") + 1;
    const dot = kind === "file" ? path.lastIndexOf(".") : -1;
    input.focus();
    input.setSelectionRange(slash, dot > slash ? dot : path.length);
  }, [path, kind]);

  async function rename(event: FormEvent) {
    event.preventDefault();
    setNameError(null);
    setError(null);
    if (hasUnsavedChanges?.()) {
      setError(UNSAVED_BEFORE_RENAME);
      return;
    }
    if (to === path) {
      onClose();
      return;
    }
    setBusy(true);
    try {
      const moved =
        kind === "folder"
          ? await studioApi.moveFolder(workspaceId, path, to)
          : await apiRequest<MovedFile>("PATCH", fileApiHref(workspaceId, path), { path: to } satisfies MoveBody);
      onRenamed(moved.path);
    } catch (caught) {
      setBusy(false);
      if (caught instanceof ApiError && isNameRefusal(caught.code)) setNameError(caught.message);
      else setError(caught instanceof Error ? caught.message : String(caught));
    }
  }

  return (
    <dialog ref={dialog} className="vt-dialog vt-rename" aria-labelledby={`${ids}-title`} onCancel={onClose}>
      <form onSubmit={(e) => void rename(e)} noValidate>
        <h2 id={`${ids}-title`}>Rename {path.slice(path.lastIndexOf("/") + 1)}</h2>
        <div className="vt-field">
          <label htmlFor={`${ids}-path`}>New name</label>
          <input
            id={`${ids}-path`}
            ref={field}
            value={to}
            spellCheck={false}
            autoComplete="off"
            aria-invalid={nameError !== null}
            aria-describedby={nameError ? `${ids}-path-error` : `${ids}-path-hint`}
            onChange={(e) => {
              setTo(e.target.value);
              setNameError(null);
            }}
            disabled={busy}
          />
          {nameError ? (
            <p id={`${ids}-path-error`} className="vt-error vt-field-error" role="alert">
              {nameError}
            </p>
          ) : (
            <p id={`${ids}-path-hint`} className="vt-muted vt-field-hint">
              {kind === "folder"
                ? "Folders with /. Every file under it moves with it, keeping its versions."
                : "Folders with /. The file keeps its versions and history."}
            </p>
          )}
        </div>
        <DialogFormEnd
          error={error}
          busy={busy}
          ready={to !== ""}
          action="Rename"
          busyAction="Renaming…"
          onCancel={onClose}
        />
      </form>
    </dialog>
  );
}
