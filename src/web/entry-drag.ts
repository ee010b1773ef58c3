// A file or folder row dragged within the workspace page: its kind and path travel in the drag under a type of
// their own, so that a drop onto a folder tells a row from files dragged in from the desktop (type "Files").
import type { MoveEntry } from "./move-dialog.tsx";

export const ENTRY_TYPE = "application/x-vitrine-entry";

export function startEntryDrag(data: DataTransfer, entry: MoveEntry): void {
  data.setData(ENTRY_TYPE, JSON.stringify(entry));
  data.setData("text/plain", entry.path);
  data.effectAllowed = "move";
}

/** The row dragged, or null for anything else (files from the desktop, text from another page). */
export function draggedEntry(data: DataTransfer): MoveEntry | null {
  const raw = data.getData(ENTRY_TYPE);
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<MoveEntry>;
    if ((value.kind === "file" || value.kind === "folder") && typeof value.path === "string")
      return { kind: value.kind, path: value.path };
  } catch {
    // Not a row of this page: nothing to move.
  }
  return null;
}
