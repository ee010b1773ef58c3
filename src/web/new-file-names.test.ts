import { test } from "node:test";
import assert from "node:assert/strict";
import {
  SCRIPT_LANGUAGES,
  isNameRefusal,
  nextFreeName,
  scriptExtensionOf,
  suggestedName,
  withScriptExtension,
} from "./new-file-names.ts";

test("the first free name counts up from the bare stem, in the folder being viewed only", () => {
  const taken = ["Untitled.ipynb", "Untitled1.ipynb", "notes/Untitled.ipynb", "untitled.py", "Untitled3.ipynb"];
  assert.equal(suggestedName([], "", "notebook"), "Untitled.ipynb");
  assert.equal(suggestedName(taken, "", "notebook"), "Untitled2.ipynb");
  assert.equal(suggestedName(taken, "notes", "notebook"), "Untitled1.ipynb");
  assert.equal(suggestedName(taken, "other", "notebook"), "Untitled.ipynb");
  assert.equal(suggestedName(taken, "", "script"), "untitled1.py");
  assert.equal(suggestedName(taken, "", "script", ".sql"), "untitled.sql");
  assert.equal(nextFreeName(["a/x.r", "a/x1.r"], "a", "x", ".r"), "x2.r");
});

test("a script's extension follows the chosen language", () => {
  assert.equal(withScriptExtension("analysis.py", ".jl"), "analysis.jl");
  assert.equal(withScriptExtension("analysis.sql", ".r"), "analysis.r");
  assert.equal(withScriptExtension("analysis", ".sh"), "analysis.sh");
  assert.equal(withScriptExtension("analysis.txt", ".py"), "analysis.txt.py");
  assert.equal(scriptExtensionOf("run.jl"), ".jl");
  assert.equal(scriptExtensionOf("run.ipynb"), undefined);
  assert.deepEqual(
    SCRIPT_LANGUAGES.map((l) => l.extension),
    [".py", ".r", ".jl", ".sql", ".sh"],
  );
});

test("refusals about the name are told apart from the others", () => {
  for (const code of ["name_reserved", "name_traversal", "file_type_not_allowed", "kind_mismatch", "path_taken"])
    assert.equal(isNameRefusal(code), true, code);
  for (const code of ["role_insufficient", "csrf_token_invalid", "rate_limited", "internal_error"])
    assert.equal(isNameRefusal(code), false, code);
});
