import { test } from "node:test";
import assert from "node:assert/strict";
import { allFolders, moveTargets, movedInto, parentOf, withKeptFolders } from "./folder-tree.ts";
import { folderRows } from "./folders.ts";
import type { FileEntry } from "../contract/api-files.ts";

const file = (path: string): FileEntry => ({
  path,
  kind: "text",
  version: 1,
  size: 1,
  updatedAt: "2026-01-01T00:00:00.000Z",
  updatedBy: "ada",
});

test("every folder comes from the files' paths and the kept folders, each with its ancestors", () => {
  assert.deepEqual(allFolders([file("a/b/c.py"), file("top.py")], ["empty", "x/y"]), ["a", "a/b", "empty", "x", "x/y"]);
});

test("kept folders show in their parent's listing beside the folders files imply, and not in a search", () => {
  const files = [file("a/one.py"), file("two.py")];
  const rows = withKeptFolders(folderRows(files, "", ""), ["empty", "a", "deep/inner"], "", "");
  assert.deepEqual(
    rows.map((r) => [r.kind, r.path]),
    [
      ["folder", "a"],
      ["folder", "deep"],
      ["folder", "empty"],
      ["file", "two.py"],
    ],
  );
  assert.deepEqual(
    withKeptFolders(folderRows(files, "deep", ""), ["deep/inner"], "deep", "").map((r) => r.path),
    ["deep/inner"],
  );
  assert.deepEqual(
    withKeptFolders(folderRows(files, "", "one"), ["empty"], "", "one").map((r) => r.path),
    ["a/one.py"],
  );
});

test("an entry moves into a folder under its own name; it is never offered its own parent, itself or its insides", () => {
  assert.equal(movedInto("a/b/c.py", "x"), "x/c.py");
  assert.equal(movedInto("a/b", ""), "b");
  assert.equal(parentOf("a/b/c.py"), "a/b");
  assert.equal(parentOf("c.py"), "");
  const folders = ["a", "a/b", "a/b/c", "ab", "x"];
  assert.deepEqual(moveTargets({ kind: "file", path: "a/f.py" }, folders), ["", "a/b", "a/b/c", "ab", "x"]);
  assert.deepEqual(moveTargets({ kind: "folder", path: "a/b" }, folders), ["", "ab", "x"]);
  assert.deepEqual(moveTargets({ kind: "folder", path: "x" }, folders), ["a", "a/b", "a/b/c", "ab"]);
});
