// A workspace's files shown as folders, from their paths.
import type { FileEntry } from "../contract/api-files.ts";

export interface Row {
  kind: "folder" | "file";
  name: string;
  path: string;
  file?: FileEntry;
}

/** The entries directly inside `folder`: sub-folders first, then files. */
export function folderRows(files: readonly FileEntry[], folder: string, query: string): Row[] {
  const prefix = folder ? `${folder}/` : "";
  const needle = query.trim().toLowerCase();
  if (needle) {
    // A search looks through every folder and shows full paths.
    return files
      .filter((f) => f.path.toLowerCase().includes(needle))
      .map((f) => ({ kind: "file", name: f.path, path: f.path, file: f }));
  }
  const folders = new Set<string>();
  const rows: Row[] = [];
  for (const file of files) {
    if (!file.path.startsWith(prefix)) continue;
    const rest = file.path.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash >= 0) folders.add(rest.slice(0, slash));
    else rows.push({ kind: "file", name: rest, path: file.path, file });
  }
  return [...[...folders].sort().map((name): Row => ({ kind: "folder", name, path: prefix + name })), ...rows];
}
