// Which files `vitrine scan` reads when given folders: the kinds it understands, in a stable order, without
// following symbolic links into other trees (or loops) and without descending into tool folders.

import { closeSync, lstatSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { FileError, fileError } from "./file-errors.ts";

/** Extensions scanned inside folders. A file named on the command line is scanned whatever its extension. */
export const SCANNED_EXTENSIONS: readonly string[] = Object.freeze([
  ".ipynb",
  ".py",
  ".r",
  ".jl",
  ".sh",
  ".md",
  ".txt",
]);

/** Folders never entered: version control, dependencies and Jupyter's own checkpoint copies. */
const SKIPPED_FOLDERS = new Set([
  ".git",
  ".hg",
  ".svn",
  "node_modules",
  ".ipynb_checkpoints",
  "__pycache__",
  ".venv",
  "venv",
]);

export type PathProblem = FileError;

/** The files to scan under `paths`, and the paths that could not be read. */
export function collectFiles(paths: readonly string[]): { files: string[]; problems: PathProblem[] } {
  const files: string[] = [];
  const problems: PathProblem[] = [];
  const walk = (folder: string): void => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      problems.push(fileError("read", folder, error));
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) walk(path);
      } else if (
        entry.isFile() &&
        SCANNED_EXTENSIONS.some((extension) => entry.name.toLowerCase().endsWith(extension))
      ) {
        files.push(path);
      }
    }
  };
  for (const path of paths) {
    let stats;
    try {
      stats = statSync(path);
    } catch (error) {
      problems.push(fileError("read", path, error));
      continue;
    }
    if (stats.isDirectory()) walk(path);
    else if (stats.isFile()) files.push(path);
    else problems.push(new FileError("read", path, "not_a_file", "not a file or folder"));
  }
  return { files, problems };
}

/**
 * The file's first `limit + 1` bytes at most: enough for the scanner to tell that a file is over the limit
 * without reading all of a huge one into memory.
 */
export function readBounded(path: string, limit: number): Buffer {
  const size = lstatSync(path).isSymbolicLink() ? statSync(path).size : lstatSync(path).size;
  const length = Math.min(size, limit + 1);
  const buffer = Buffer.alloc(length);
  const fd = openSync(path, "r");
  try {
    let read = 0;
    while (read < length) {
      const n = readSync(fd, buffer, read, length - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}
