// A workspace: its files as folders (from their paths), searchable and sortable, with upload, new notebooks and
// scripts, trash and members. Editors and owners get the controls that change files; viewers never see them.
import { useCallback, useEffect, useMemo, useState, type DragEvent, type FormEvent } from "react";
import { ApiError } from "../api-client.ts";
import { AppLink } from "../app-link.tsx";
import { fileHref, workspaceHref } from "../router.ts";
import type { FileEntry, TrashEntry } from "../../contract/api-files.ts";
import type { TrustStatement } from "../../contract/api-public.ts";
import type { Member, Role, WorkspaceAccess } from "../../contract/api-workspaces.ts";
import { MAX_USER_NAME_LENGTH } from "../../contract/limits.ts";
import { formatSize, formatTime, studioApi } from "../studio-calls.ts";
import { SearchBox } from "../search-box.tsx";
import { UploadDialog } from "../upload-dialog.tsx";
import { NewFileDialog } from "../new-file-dialog.tsx";
import type { NewFileKind } from "../new-file-names.ts";
import { folderRows } from "../folders.ts";
import { BreakableName } from "../folder-links.tsx";
import { DropError, pickedFromList, takeDrop, type PickedFile } from "../picked-files.ts";
// Organising files: folders kept on their own, moves by dialog or by dragging onto a folder, folders to the trash.
import { allFolders, withKeptFolders } from "../folder-tree.ts";
import { RenameDialog } from "../rename-dialog.tsx";
import { MoveDialog, NewFolderDialog, moveEntry, refusalText, type MoveEntry } from "../move-dialog.tsx";
import { ENTRY_TYPE, draggedEntry, startEntryDrag } from "../entry-drag.ts";
import { MissingAccount } from "./admin-missing-account.tsx";

type SortKey = "name" | "size" | "updatedAt";

export function WorkspacePage({
  workspaceId,
  folder,
  trustStatement,
}: {
  workspaceId: string;
  folder: string;
  trustStatement: TrustStatement;
}) {
  const [workspace, setWorkspace] = useState<WorkspaceAccess | null>(null);
  const [files, setFiles] = useState<FileEntry[] | null>(null);
  const [trash, setTrash] = useState<TrashEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState("");
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: "name", descending: false });
  const [uploading, setUploading] = useState<PickedFile[] | null>(null);
  const [dragging, setDragging] = useState(false);
  const [dropError, setDropError] = useState<string | null>(null);
  const [creating, setCreating] = useState<NewFileKind | null>(null);
  const [kept, setKept] = useState<string[]>([]);
  const [moving, setMoving] = useState<MoveEntry | null>(null);
  const [renaming, setRenaming] = useState<MoveEntry | null>(null);
  const [makingFolder, setMakingFolder] = useState(false);
  const [dropFolder, setDropFolder] = useState<string | null>(null);
  const [moveError, setMoveError] = useState<string | null>(null);

  const load = useCallback(() => {
    Promise.all([
      studioApi.workspace(workspaceId),
      studioApi.files(workspaceId),
      studioApi.trash(workspaceId),
      studioApi.folders(workspaceId),
    ]).then(
      ([w, f, t, k]) => {
        setWorkspace(w);
        setFiles(f);
        setTrash(t);
        setKept(k);
      },
      (e: unknown) =>
        setError(
          e instanceof ApiError && e.status === 404
            ? "There is no such workspace, or you are not a member of it."
            : String(e instanceof Error ? e.message : e),
        ),
    );
  }, [workspaceId]);
  useEffect(load, [load]);

  const rows = useMemo(() => {
    const list = withKeptFolders(folderRows(files ?? [], folder, query), kept, folder, query);
    const files_ = list.filter((r) => r.kind === "file");
    const direction = sort.descending ? -1 : 1;
    files_.sort((a, b) => {
      if (sort.key === "size") return direction * ((a.file?.size ?? 0) - (b.file?.size ?? 0));
      if (sort.key === "updatedAt") {
        // The server writes every time as toISOString() does (same width, UTC), so their code units sort as time does.
        const [x, y] = [a.file?.updatedAt ?? "", b.file?.updatedAt ?? ""];
        return direction * (x < y ? -1 : x > y ? 1 : 0);
      }
      return direction * a.name.localeCompare(b.name);
    });
    return [...list.filter((r) => r.kind === "folder"), ...files_];
  }, [files, kept, folder, query, sort]);

  if (error) {
    return (
      <p className="vt-error" role="alert">
        {error}
      </p>
    );
  }
  if (!workspace || !files) return <p className="vt-status">Loading…</p>;
  const canEdit = workspace.role !== "viewer";
  const crumbs = folder ? folder.split("/") : [];
  const everyFolder = allFolders(files, kept);

  // A file or folder row dragged onto a folder row or a breadcrumb link moves there (Move… is the keyboard's way).
  function dropTarget(target: string) {
    if (!canEdit) return {};
    const over = (event: DragEvent) => {
      if (!event.dataTransfer.types.includes(ENTRY_TYPE)) return;
      event.preventDefault();
      event.stopPropagation();
      event.dataTransfer.dropEffect = "move";
      setDropFolder(target);
    };
    return {
      onDragEnter: over,
      onDragOver: over,
      onDragLeave: () => setDropFolder((current) => (current === target ? null : current)),
      onDrop: (event: DragEvent) => {
        const entry = draggedEntry(event.dataTransfer);
        if (!entry) return;
        event.preventDefault();
        event.stopPropagation();
        setDropFolder(null);
        if (entry.path === target || target.startsWith(`${entry.path}/`)) return;
        setMoveError(null);
        moveEntry(workspaceId, entry, target).then(load, (caught: unknown) => setMoveError(refusalText(caught)));
      },
      "data-drop-active": dropFolder === target ? "true" : undefined,
    };
  }
  const entryActions = (entry: MoveEntry) => (
    <>
      <button type="button" className="vt-rename-button" onClick={() => setRenaming(entry)}>
        Rename…
      </button>{" "}
      <button type="button" className="vt-move-button" onClick={() => setMoving(entry)}>
        Move…
      </button>{" "}
      <button
        type="button"
        onClick={() =>
          void (
            entry.kind === "folder"
              ? studioApi.folderToTrash(workspaceId, entry.path)
              : studioApi.moveToTrash(workspaceId, entry.path)
          ).then(load, (e: unknown) => setMoveError(refusalText(e)))
        }
      >
        Move to trash
      </button>
    </>
  );

  // Both dragenter and dragover are cancelled: that is what makes the area a drop target for files.
  function acceptFiles(event: DragEvent) {
    if (!canEdit || !event.dataTransfer.types.includes("Files")) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    setDragging(true);
  }

  function sortButton(key: SortKey, label: string) {
    const active = sort.key === key;
    return (
      <button
        type="button"
        className="vt-sort"
        aria-pressed={active}
        onClick={() => setSort({ key, descending: active ? !sort.descending : false })}
      >
        {label}
        {active ? (sort.descending ? " ↓" : " ↑") : ""}
      </button>
    );
  }

  return (
    <section
      className={`vt-panel${dragging ? " vt-dropping" : ""}`}
      aria-labelledby="workspace-title"
      onDragEnter={acceptFiles}
      onDragOver={acceptFiles}
      onDragLeave={(e) => {
        // Moving over a child of the area is a leave of the area's own box, not of the area.
        if (!(e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget))) setDragging(false);
      }}
      onDrop={(e) => {
        if (!canEdit) return;
        e.preventDefault();
        setDragging(false);
        setDropError(null);
        takeDrop(e.dataTransfer).then(
          (picked) => {
            if (picked.length > 0) setUploading(picked);
          },
          (error: unknown) =>
            setDropError(
              error instanceof DropError ? error.message : `The dropped files could not be read: ${String(error)}`,
            ),
        );
      }}
    >
      <h1 id="workspace-title">{workspace.name}</h1>
      <nav aria-label="Folder" className="vt-crumbs">
        <span className="vt-drop-crumb" {...dropTarget("")}>
          <AppLink href={workspaceHref(workspaceId)}>All files</AppLink>
        </span>
        {crumbs.map((_, i) => (
          <span key={i}>
            {" / "}
            <span className="vt-drop-crumb" {...dropTarget(crumbs.slice(0, i + 1).join("/"))}>
              <AppLink href={workspaceHref(workspaceId, crumbs.slice(0, i + 1).join("/"))}>
                <BreakableName name={crumbs[i]!} />
              </AppLink>
            </span>
          </span>
        ))}
      </nav>
      <SearchBox workspaceId={workspaceId} />
      <div className="vt-toolbar">
        <label>
          Filter names{" "}
          <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Part of a path" />
        </label>
        {canEdit && (
          <span className="vt-pickers">
            <button type="button" className="vt-new-folder-button" onClick={() => setMakingFolder(true)}>
              New folder
            </button>
            <button type="button" className="vt-new-notebook" onClick={() => setCreating("notebook")}>
              New notebook
            </button>
            <button type="button" className="vt-new-script" onClick={() => setCreating("script")}>
              New script
            </button>
            <FilePicker label="Upload files…" onPick={setUploading} />
            <FilePicker label="Upload a folder…" folder onPick={setUploading} />
          </span>
        )}
      </div>
      {moveError && (
        <p className="vt-error" role="alert">
          {moveError}
        </p>
      )}
      {dropError && (
        <p className="vt-error" role="alert">
          {dropError}
        </p>
      )}
      {rows.length === 0 ? (
        <p>
          {query ? "No file matches." : canEdit ? "No files yet. Upload some, or drop them here." : "No files yet."}
        </p>
      ) : (
        <table className="vt-files">
          <thead>
            <tr>
              <th scope="col">{sortButton("name", "Name")}</th>
              <th scope="col">{sortButton("size", "Size")}</th>
              <th scope="col">{sortButton("updatedAt", "Updated")}</th>
              <th scope="col">By</th>
              {canEdit && (
                <th scope="col">
                  <span className="vt-visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) =>
              row.kind === "folder" ? (
                <tr
                  key={`d:${row.path}`}
                  className="vt-folder-row"
                  draggable={canEdit}
                  onDragStart={(e) => startEntryDrag(e.dataTransfer, { kind: "folder", path: row.path })}
                  {...dropTarget(row.path)}
                >
                  <td>
                    <AppLink href={workspaceHref(workspaceId, row.path)} className="vt-folder">
                      <BreakableName name={`${row.name}/`} />
                    </AppLink>
                  </td>
                  {/* The file columns, empty: a folder's cells line up with a file's, which a phone's layout hides by position. */}
                  <td />
                  <td />
                  <td />
                  {canEdit && <td>{entryActions({ kind: "folder", path: row.path })}</td>}
                </tr>
              ) : (
                <tr
                  key={`f:${row.path}`}
                  draggable={canEdit}
                  onDragStart={(e) => startEntryDrag(e.dataTransfer, { kind: "file", path: row.path })}
                >
                  <td>
                    <AppLink href={fileHref(workspaceId, row.path)}>
                      <BreakableName name={row.name} />
                    </AppLink>
                    {row.file && row.file.version > 1 && <span className="vt-badge">v{row.file.version}</span>}
                  </td>
                  <td>{formatSize(row.file?.size ?? 0)}</td>
                  <td>{formatTime(row.file?.updatedAt ?? "")}</td>
                  <td>{row.file?.updatedBy}</td>
                  {canEdit && <td>{entryActions({ kind: "file", path: row.path })}</td>}
                </tr>
              ),
            )}
          </tbody>
        </table>
      )}
      {trash.length > 0 && (
        <details className="vt-trash">
          <summary>Trash ({trash.length})</summary>
          <ul className="vt-list">
            {trash.map((t) => (
              <li key={t.id}>
                {t.path}{" "}
                <span className="vt-muted">
                  {t.path.includes("/") ? `was in ${t.path.slice(0, t.path.lastIndexOf("/"))}/, ` : "was at the top, "}
                  trashed {formatTime(t.trashedAt)}
                  {t.trashedBy ? ` by ${t.trashedBy}` : ""}
                  {t.folder ? ` with the folder ${t.folder}/` : ""}
                </span>{" "}
                {workspace.role === "owner" && t.folder && (
                  <button
                    type="button"
                    onClick={() =>
                      void studioApi
                        .restoreFolder(workspaceId, t.id)
                        .then(load, (e: unknown) => setMoveError(refusalText(e)))
                    }
                  >
                    Restore the folder {t.folder}/
                  </button>
                )}{" "}
                {workspace.role === "owner" && (
                  <button
                    type="button"
                    onClick={() =>
                      void studioApi
                        .restore(workspaceId, t.id)
                        .then(load, (e: unknown) => setError(e instanceof Error ? e.message : String(e)))
                    }
                  >
                    Restore
                  </button>
                )}
              </li>
            ))}
          </ul>
        </details>
      )}
      <Members workspaceId={workspaceId} owner={workspace.role === "owner"} />
      {creating && canEdit && (
        <NewFileDialog
          workspaceId={workspaceId}
          kind={creating}
          folder={folder}
          taken={files.map((f) => f.path)}
          onClose={() => setCreating(null)}
        />
      )}
      {moving && canEdit && (
        <MoveDialog
          workspaceId={workspaceId}
          entry={moving}
          folders={everyFolder}
          onMoved={() => {
            setMoving(null);
            load();
          }}
          onClose={() => setMoving(null)}
        />
      )}
      {renaming && canEdit && (
        <RenameDialog
          workspaceId={workspaceId}
          path={renaming.path}
          kind={renaming.kind}
          onRenamed={() => {
            setRenaming(null);
            load();
          }}
          onClose={() => setRenaming(null)}
        />
      )}
      {makingFolder && canEdit && (
        <NewFolderDialog
          workspaceId={workspaceId}
          folder={folder}
          onMade={() => {
            setMakingFolder(false);
            load();
          }}
          onClose={() => setMakingFolder(false)}
        />
      )}
      {uploading && (
        <UploadDialog
          workspaceId={workspaceId}
          taken={files.map((f) => f.path)}
          folder={folder}
          files={uploading}
          trustStatement={trustStatement}
          onClose={(changed) => {
            setUploading(null);
            if (changed) load();
          }}
        />
      )}
    </section>
  );
}

// Chromium, Firefox and Safari all read this attribute (under its webkit name) as "pick a folder"; React and the DOM
// typings do not know it, so it is passed through as a plain attribute.
const FOLDER_PICKER: Record<string, string> = { webkitdirectory: "" };

/** The browser's file picker behind a button; a folder's files come with their paths inside it (webkitRelativePath). */
function FilePicker({
  label,
  folder = false,
  onPick,
}: {
  label: string;
  folder?: boolean;
  onPick: (files: PickedFile[]) => void;
}) {
  return (
    <label className="vt-button">
      {label}
      <input
        type="file"
        multiple
        {...(folder ? FOLDER_PICKER : {})}
        className="vt-visually-hidden"
        onChange={(e) => {
          if (e.target.files && e.target.files.length > 0) onPick(pickedFromList(e.target.files));
          e.target.value = "";
        }}
      />
    </label>
  );
}

function Members({ workspaceId, owner }: { workspaceId: string; owner: boolean }) {
  const [members, setMembers] = useState<Member[]>([]);
  const [username, setUsername] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [message, setMessage] = useState<string | null>(null);
  // A name with no account (admin-missing-account.tsx).
  const [missing, setMissing] = useState<{ username: string; role: Role } | null>(null);
  const load = useCallback(() => {
    studioApi.members(workspaceId).then(setMembers, () => setMembers([]));
  }, [workspaceId]);
  useEffect(load, [load]);

  async function invite(event: FormEvent) {
    event.preventDefault();
    setMessage(null);
    setMissing(null);
    try {
      await studioApi.addMember(workspaceId, username.trim(), role);
      setUsername("");
      load();
    } catch (caught) {
      setMessage(caught instanceof ApiError ? caught.message : String(caught));
      if (caught instanceof ApiError && caught.code === "user_not_found")
        setMissing({ username: username.trim(), role });
    }
  }

  return (
    <details className="vt-members">
      <summary>Members ({members.length})</summary>
      <ul className="vt-list">
        {members.map((m) => (
          <li key={m.username}>
            {m.username} <span className="vt-role">{m.role}</span>
          </li>
        ))}
      </ul>
      {owner && (
        <form className="vt-inline-form" onSubmit={(e) => void invite(e)}>
          <label>
            User name{" "}
            <input
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              required
              maxLength={MAX_USER_NAME_LENGTH}
            />
          </label>
          <label>
            Role{" "}
            <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
              <option value="viewer">viewer</option>
              <option value="editor">editor</option>
              <option value="owner">owner</option>
            </select>
          </label>
          <button type="submit">Invite</button>
          {message && (
            <p className="vt-error" role="alert">
              {message}
            </p>
          )}
        </form>
      )}
      {owner && missing && (
        <MissingAccount
          key={`${missing.username}:${missing.role}`}
          workspaceId={workspaceId}
          {...missing}
          onAdded={() => {
            setMessage(null);
            load();
          }}
        />
      )}
    </details>
  );
}
