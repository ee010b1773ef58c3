// The workspace's folders, from its files' paths and the folders kept on their own (empty ones), and where an
// entry moved into a folder lands.
import type { Row } from "./folders.ts";

/** Every folder of the workspace, each with its ancestors, sorted: those its files' paths imply and the kept ones. */
export function allFolders(files: readonly { path: string }[], kept: readonly string[]): string[] {
  const found = new Set<string>();
  const add = (path: string) => {
    const parts = path.split("/");
    for (let i = 1; i <= parts.length; i++) found.add(parts.slice(0, i).join("/"));
  };
  for (const file of files) {
    const slash = file.path.lastIndexOf("/");
    if (slash > 0) add(file.path.slice(0, slash));
  }
  for (const folder of kept) add(folder);
  return [...found].sort();
}

/** The rows of a folder listing with the kept folders directly inside `folder` added (no search: names only). */
export function withKeptFolders(rows: readonly Row[], kept: readonly string[], folder: string, query: string): Row[] {
  if (query.trim()) return [...rows];
  const prefix = folder ? `${folder}/` : "";
  const names = new Set(rows.filter((r) => r.kind === "folder").map((r) => r.name));
  for (const path of kept) {
    if (!path.startsWith(prefix)) continue;
    names.add(path.slice(prefix.length).split("/")[0]!);
  }
  const folders = [...names].sort().map((name): Row => ({ kind: "folder", name, path: prefix + name }));
  return [...folders, ...rows.filter((r) => r.kind === "file")];
}

/** The path an entry (file or folder) takes when moved into `folder` ("" is the workspace's top). */
export function movedInto(path: string, folder: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  return folder ? `${folder}/${name}` : name;
}

/** The folder an entry is in ("" at the top). */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

/**
 * The folders an entry may move into: every folder but its own parent (it is there already) and, for a folder,
 * itself and the folders inside it.
 */
export function moveTargets(entry: { kind: "file" | "folder"; path: string }, folders: readonly string[]): string[] {
  const parent = parentOf(entry.path);
  return ["", ...folders].filter(
    (folder) =>
      folder !== parent && !(entry.kind === "folder" && (folder === entry.path || folder.startsWith(`${entry.path}/`))),
  );
}
