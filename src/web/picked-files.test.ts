import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DropError,
  MAX_DROPPED_ENTRIES,
  pickedFromList,
  readDroppedEntries,
  type DroppedEntry,
} from "./picked-files.ts";

// Entries shaped as the File and Directory Entries API gives them for a drop; a folder's reader hands its entries
// out in batches, in no particular order, as Chromium's does.
function fileEntry(fullPath: string, text = fullPath, failure?: string): DroppedEntry {
  const name = fullPath.slice(fullPath.lastIndexOf("/") + 1);
  return {
    isFile: true,
    isDirectory: false,
    name,
    fullPath,
    file: (success: (file: File) => void, fail: (error: DOMException) => void) =>
      queueMicrotask(() =>
        failure ? fail(new DOMException(failure, "NotReadableError")) : success(new File([text], name)),
      ),
  } as DroppedEntry;
}

function folderEntry(fullPath: string, children: DroppedEntry[], batch = 2): DroppedEntry {
  return {
    isFile: false,
    isDirectory: true,
    name: fullPath.slice(fullPath.lastIndexOf("/") + 1),
    fullPath,
    createReader() {
      let at = 0;
      return {
        readEntries: (success: (entries: DroppedEntry[]) => void) =>
          queueMicrotask(() => {
            success(children.slice(at, at + batch));
            at += batch;
          }),
      };
    },
  } as DroppedEntry;
}

test("a dropped folder's files keep their paths inside it, read through every batch, in name order", async () => {
  const run = folderEntry("/run", [
    fileEntry("/run/z.py"),
    folderEntry("/run/data", [fileEntry("/run/data/b.csv"), fileEntry("/run/data/a.csv")]),
    fileEntry("/run/a.ipynb", "{}"),
  ]);
  const picked = await readDroppedEntries([fileEntry("/loose.ipynb"), run, folderEntry("/empty", [])]);
  assert.deepEqual(
    picked.map((p) => p.relativePath),
    ["loose.ipynb", "run/a.ipynb", "run/data/a.csv", "run/data/b.csv", "run/z.py"],
  );
  assert.equal(await picked[1]!.file.text(), "{}");
  assert.equal(picked[1]!.file.name, "a.ipynb");
});

test("a drop of more files and folders than the limit is refused, without reading the rest", async () => {
  const many = Array.from({ length: MAX_DROPPED_ENTRIES }, (_, i) =>
    fileEntry(`/big/f${String(i).padStart(5, "0")}.py`),
  );
  await assert.rejects(
    readDroppedEntries([folderEntry("/big", many, 100)]),
    (error: unknown) => error instanceof DropError && /more than 1,000 files and folders/.test(error.message),
  );
  // The limit itself is fine: the folder and all but one of its files.
  const picked = await readDroppedEntries([folderEntry("/big", many.slice(1), 100)]);
  assert.equal(picked.length, MAX_DROPPED_ENTRIES - 1);
});

test("a file that cannot be read refuses the drop and names the file", async () => {
  await assert.rejects(
    readDroppedEntries([
      folderEntry("/run", [fileEntry("/run/ok.py"), fileEntry("/run/locked.py", "", "permission denied")]),
    ]),
    (error: unknown) =>
      error instanceof DropError && error.message === "/run/locked.py could not be read: permission denied",
  );
});

test("picked files without a folder path are named by their file name", () => {
  assert.deepEqual(
    pickedFromList([new File(["x"], "a.ipynb")]).map((p) => p.relativePath),
    ["a.ipynb"],
  );
});
