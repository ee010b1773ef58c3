// Move a file or a folder into another folder: a list of the workspace's folders to pick from (arrow keys move
// through it, Enter moves), the keyboard's way to what dragging a row onto a folder does. The server checks the new
// path and refuses a taken name before anything moves; its refusal is shown in the dialog.
import { useId, useRef, useState, type FormEvent } from "react";
import { ApiError } from "./api-client.ts";
import { DialogFormEnd } from "./dialog-form-end.tsx";
import { moveTargets, movedInto } from "./folder-tree.ts";
import { useModalDialog } from "./modal-dialog.ts";
import { studioApi } from "./studio-calls.ts";

export interface MoveEntry {
  kind: "file" | "folder";
  path: string;
}

/** Moves a file or a folder into `folder`; the server's refusal (with its code) is thrown as an ApiError. */
export async function moveEntry(workspaceId: string, entry: MoveEntry, folder: string): Promise<string> {
  const to = movedInto(entry.path, folder);
  if (entry.kind === "folder") return (await studioApi.moveFolder(workspaceId, entry.path, to)).path;
  return (await studioApi.moveFile(workspaceId, entry.path, to)).path;
}

/** A refusal as the person reads it: the server's sentence and its code. */
export function refusalText(caught: unknown): string {
  return caught instanceof ApiError ? `${caught.message} [${caught.code}]` : String(caught);
}

export function MoveDialog({
  workspaceId,
  entry,
  folders,
  onMoved,
  onClose,
}: {
  workspaceId: string;
  entry: MoveEntry;
  /** Every folder of the workspace. */
  folders: readonly string[];
  onMoved(): void;
  onClose(): void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useModalDialog(dialog);
  const ids = useId();
  const targets = moveTargets(entry, folders);
  const [target, setTarget] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const name = entry.path.slice(entry.path.lastIndexOf("/") + 1);

  async function move(event: FormEvent) {
    event.preventDefault();
    if (target === null) return;
    setBusy(true);
    setError(null);
    try {
      await moveEntry(workspaceId, entry, target);
      onMoved();
    } catch (caught) {
      setBusy(false);
      setError(refusalText(caught));
    }
  }

  return (
    <dialog ref={dialog} className="vt-dialog vt-move" aria-labelledby={`${ids}-title`} onCancel={onClose}>
      <form onSubmit={(e) => void move(e)}>
        <h2 id={`${ids}-title`}>
          Move {entry.kind === "folder" ? "the folder " : ""}
          {name}
        </h2>
        {targets.length === 0 ? (
          <p className="vt-muted">There is no other folder to move it to. Make one with New folder.</p>
        ) : (
          <fieldset className="vt-move-targets">
            <legend>Into the folder</legend>
            {targets.map((folder) => (
              <label key={folder} className="vt-check">
                <input
                  type="radio"
                  name={`${ids}-target`}
                  value={folder}
                  checked={target === folder}
                  onChange={() => setTarget(folder)}
                  disabled={busy}
                />
                {folder === "" ? "All files (the top)" : `${folder}/`}
              </label>
            ))}
          </fieldset>
        )}
        {entry.kind === "folder" && (
          <p className="vt-muted vt-field-hint">Every file in it moves with it, or none does.</p>
        )}
        <DialogFormEnd
          error={error}
          busy={busy}
          ready={target !== null}
          action="Move"
          busyAction="Moving…"
          onCancel={onClose}
        />
      </form>
    </dialog>
  );
}

/** A new, empty folder inside the folder shown. */
export function NewFolderDialog({
  workspaceId,
  folder,
  onMade,
  onClose,
}: {
  workspaceId: string;
  folder: string;
  onMade(path: string): void;
  onClose(): void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useModalDialog(dialog);
  const ids = useId();
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function make(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const made = await studioApi.createFolder(workspaceId, folder ? `${folder}/${name}` : name);
      onMade(made.path);
    } catch (caught) {
      setBusy(false);
      setError(refusalText(caught));
    }
  }

  return (
    <dialog ref={dialog} className="vt-dialog vt-new-folder" aria-labelledby={`${ids}-title`} onCancel={onClose}>
      <form onSubmit={(e) => void make(e)} noValidate>
        <h2 id={`${ids}-title`}>New folder{folder ? ` in ${folder}/` : ""}</h2>
        <div className="vt-field">
          <label htmlFor={`${ids}-name`}>Folder name</label>
          <input
            id={`${ids}-name`}
            value={name}
            autoFocus
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setName(e.target.value)}
            disabled={busy}
          />
        </div>
        <DialogFormEnd
          error={error}
          busy={busy}
          ready={name.trim() !== ""}
          action="Make folder"
          busyAction="Making…"
          onCancel={onClose}
        />
      </form>
    </dialog>
  );
}
