// The files a person hands the studio to upload, each with its path inside what they picked or dropped: "a.ipynb"
// for a file on its own, "run/a/b.ipynb" for one inside a folder. The folder picker gives its files' paths itself
// (webkitRelativePath); a folder dragged from the file manager arrives as a directory entry, which is read here, so
// that both keep the folder's structure and neither uploads the folder as if it were a file.
import { groupDigits } from "../render/plain-format.ts";

export interface PickedFile {
  file: File;
  /** The file's path inside what was picked or dropped, without a leading slash. */
  relativePath: string;
}

/** Most files and folders a drop is read for: dropping a home directory by mistake should stop early, not read it all. */
export const MAX_DROPPED_ENTRIES = 1000;

export class DropError extends Error {}

export function pickedFromList(files: Iterable<File>): PickedFile[] {
  return Array.from(files, (file) => ({ file, relativePath: file.webkitRelativePath || file.name }));
}

/** The parts of the File and Directory Entries API a drop's entries are read with. */
export interface DroppedEntry {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly name: string;
  readonly fullPath: string;
}
interface DroppedFileEntry extends DroppedEntry {
  file(success: (file: File) => void, failure?: (error: DOMException) => void): void;
}
interface DroppedDirectoryEntry extends DroppedEntry {
  createReader(): {
    readEntries(success: (entries: DroppedEntry[]) => void, failure?: (error: DOMException) => void): void;
  };
}

/**
 * The files of a drop. Its entries are taken now, while the drop event runs (the browser empties the DataTransfer
 * once the event is over), and read afterwards. An item the browser gives no entry for is taken as a file.
 */
export function takeDrop(data: DataTransfer): Promise<PickedFile[]> {
  const entries: DroppedEntry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(data.items)) {
    if (item.kind !== "file") continue;
    const entry = item.webkitGetAsEntry();
    if (entry) {
      entries.push(entry);
      continue;
    }
    const file = item.getAsFile();
    if (file) loose.push(file);
  }
  return readDroppedEntries(entries).then((files) => [...pickedFromList(loose), ...files]);
}

/** Every file under the entries, folders read through in name order; a DropError past MAX_DROPPED_ENTRIES or on failure. */
export async function readDroppedEntries(entries: readonly DroppedEntry[]): Promise<PickedFile[]> {
  const files: PickedFile[] = [];
  const pending = [...entries].reverse();
  let seen = 0;
  for (let entry = pending.pop(); entry; entry = pending.pop()) {
    if (++seen > MAX_DROPPED_ENTRIES) {
      throw new DropError(
        `That drop holds more than ${groupDigits(MAX_DROPPED_ENTRIES)} files and folders; drop a smaller folder, or fewer of them.`,
      );
    }
    if (entry.isFile) {
      const file = await readFile(entry as DroppedFileEntry);
      files.push({ file, relativePath: entry.fullPath.replace(/^\/+/, "") || entry.name });
    } else if (entry.isDirectory) {
      const children = await readDirectory(entry as DroppedDirectoryEntry);
      children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]!);
    }
  }
  return files;
}

function readFile(entry: DroppedFileEntry): Promise<File> {
  return new Promise((resolve, reject) =>
    entry.file(resolve, (error) => reject(new DropError(`${entry.fullPath} could not be read: ${error.message}`))),
  );
}

/** All of a folder's entries: a reader gives them in batches, and an empty batch says there are no more. */
async function readDirectory(entry: DroppedDirectoryEntry): Promise<DroppedEntry[]> {
  const reader = entry.createReader();
  const all: DroppedEntry[] = [];
  for (;;) {
    const batch = await new Promise<DroppedEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, (error) =>
        reject(new DropError(`The folder ${entry.fullPath} could not be read: ${error.message}`)),
      ),
    );
    if (batch.length === 0) return all;
    all.push(...batch);
    // Past the limit the walk stops anyway; the rest of a huge folder is not read.
    if (all.length > MAX_DROPPED_ENTRIES) return all;
  }
}
