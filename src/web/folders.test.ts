import assert from "node:assert/strict";
import { test } from "node:test";
import { folderRows } from "./folders.ts";
import type { FileEntry } from "../contract/api-files.ts";

const file = (path: string): FileEntry => ({
  path,
  kind: "notebook",
  version: 1,
  size: 1,
  updatedAt: "",
  updatedBy: "ann",
});
const files = ["a.ipynb", "data/raw/x.csv", "data/clean.csv", "data/raw/y.csv", "notes/todo.md"].map(file);

test("a folder shows its sub-folders, then its own files", () => {
  assert.deepEqual(
    folderRows(files, "", "").map((r) => `${r.kind}:${r.name}`),
    ["folder:data", "folder:notes", "file:a.ipynb"],
  );
  assert.deepEqual(
    folderRows(files, "data", "").map((r) => `${r.kind}:${r.path}`),
    ["folder:data/raw", "file:data/clean.csv"],
  );
  assert.deepEqual(
    folderRows(files, "data/raw", "").map((r) => r.name),
    ["x.csv", "y.csv"],
  );
});

test("a search looks in every folder, by name, ignoring case", () => {
  assert.deepEqual(
    folderRows(files, "notes", "CSV").map((r) => r.path),
    ["data/raw/x.csv", "data/clean.csv", "data/raw/y.csv"],
  );
});
