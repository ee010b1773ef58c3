// `vitrine render` on the notebooks nbformat repairs or relaxes (which JupyterLab opens): each is written, and its
// page says above the cells what the reading did.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { JSDOM } from "jsdom";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "bin", "vitrine");
const notebooks = fileURLToPath(new URL("../../shared/corpus/notebooks/", import.meta.url));

test("render writes the three corpus notebooks nbformat repairs or relaxes, each with its note", () => {
  const dir = mkdtempSync(join(tmpdir(), "vitrine-cli-repaired-"));
  const names = ["jupyterlab__windowed_notebook", "nbformat__v4_5_no_cell_id", "nbformat__test4plus"];
  const r = spawnSync(bin, ["render", ...names.map((name) => join(notebooks, `${name}.ipynb`)), "--output-dir", dir], {
    encoding: "utf8",
    env: { ...process.env, PATH: "/usr/bin:/bin" },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "");
  const page = (name: string) => new JSDOM(readFileSync(join(dir, `${name}.html`), "utf8")).window.document;
  const notes = (doc: Document) =>
    [...doc.querySelectorAll("header .vt-reading-notes p")].map((p) => p.textContent ?? "");

  const windowed = page("jupyterlab__windowed_notebook");
  assert.deepEqual(notes(windowed), [
    "Vitrine gave 5 cells new ids: their ids repeated earlier ones (nbformat does the same).",
  ]);
  assert.equal(windowed.querySelectorAll(".vt-cell").length, 19);

  assert.deepEqual(notes(page("nbformat__v4_5_no_cell_id")), [
    "Vitrine gave 1 cell an id: nbformat 4.5 gives every cell one, and it had none (nbformat does the same).",
  ]);

  const future = page("nbformat__test4plus");
  assert.deepEqual(notes(future), [
    "This notebook is nbformat 4.99, newer than the 4.5 Vitrine knows: Vitrine leaves out 5 properties that 4.5 does not have (nbformat accepts them too).",
    "1 cell is of a type newer than Vitrine knows: it is not shown.",
    "1 output is of a type newer than Vitrine knows: it is not shown.",
  ]);
  assert.match(future.querySelector(".vt-meta")?.textContent ?? "", /nbformat 4\.99/);
  assert.match(
    future.querySelectorAll(".vt-cell")[9]?.textContent ?? "",
    /This cell's type, "future cell", is newer than Vitrine knows/,
  );
});

test("run refuses a notebook with a cell or output of a type newer than Vitrine knows, before anything runs", () => {
  const dir = mkdtempSync(join(tmpdir(), "vitrine-cli-run-newer-"));
  const out = join(dir, "out.ipynb");
  const r = spawnSync(bin, ["run", join(notebooks, "nbformat__test4plus.ipynb"), "-o", out], {
    encoding: "utf8",
    env: { ...process.env, PATH: "/usr/bin:/bin" },
  });
  assert.equal(r.status, 2, r.stderr);
  assert.match(
    r.stderr,
    /nbformat__test4plus\.ipynb: cell 10 is of the type "future cell", newer than Vitrine knows; it is not shown, and running it would write the notebook without it \[unknown_cell_type\] at \/cells\/9\/cell_type\n$/,
  );
  assert.equal(existsSync(out), false, "nothing written");
});
