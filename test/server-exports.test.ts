// The downloads of a stored notebook as a page and as a script: the page is byte for byte what `vitrine render`
// writes for the same notebook, the script what `jupyter nbconvert --to python` writes when its cells are plain
// Python, and both come as sandboxed, never-sniffed attachments.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderCommand } from "../src/cli/render-command.ts";
import { readableCorpusNotebooks, type CorpusNotebook } from "./corpus-notebooks.ts";
import { multipart, startTestStudio, type Caller, type TestStudio } from "./server-helpers.ts";

let t: TestStudio;
let owner: Caller;
let ws: string;
const corpus = readableCorpusNotebooks();
const NBCONVERT = "/usr/bin/jupyter-nbconvert";

/** Python notebooks nbconvert writes as they are: no magics, shell escapes, help syntax or indented cells. */
function plainPython(nb: CorpusNotebook): boolean {
  const metadata = nb.parsed.notebook.metadata as { language_info?: { name?: string } };
  if (metadata.language_info?.name !== "python") return false;
  return nb.parsed.notebook.cells.every(
    (cell) =>
      cell.cell_type !== "code" ||
      (!/^\s*[%!]|\?\s*$|^\s*$/m.test(cell.source) && !/^\s/.test(cell.source) && !cell.source.includes("\r")),
  );
}

const chosen = [
  corpus.find((nb) => nb.name === "ipython__Rich_Output.ipynb") ?? corpus[0]!,
  ...corpus.filter(plainPython).slice(0, 3),
];

before(async () => {
  t = await startTestStudio({ "upload-requests-per-minute": "100000" });
  owner = await t.addUser("owner");
  ws = (await t.call(owner, { method: "POST", url: "/api/workspaces", payload: { name: "exports" } })).json().id;
  const up = await t.call(owner, {
    method: "POST",
    url: `/api/workspaces/${ws}/files`,
    ...multipart("trusted-source-v1", [
      ...chosen.map((nb) => ({ path: `dir/${nb.name}`, content: Buffer.from(nb.bytes).toString("utf8") })),
      { path: "plain.py", content: "print(1)\n" },
    ]),
  });
  assert.equal(up.statusCode, 201, up.body);
});
after(() => t.close());

async function cliPage(nb: CorpusNotebook): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "vitrine-export-"));
  try {
    const input = join(dir, nb.name);
    writeFileSync(input, nb.bytes);
    let page = "";
    const status = await renderCommand([input, "-o", "-"], { stdout: (s) => (page += s), stderr: () => {} });
    assert.equal(status, 0);
    return page;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("the page download is the bytes `vitrine render` writes, as a sandboxed attachment", async () => {
  for (const nb of chosen.slice(0, 2)) {
    const r = await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/export/dir/${nb.name}` });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.headers["content-type"], "text/html; charset=utf-8");
    assert.equal(r.headers["x-content-type-options"], "nosniff");
    assert.match(String(r.headers["content-security-policy"]), /sandbox/);
    const name = nb.name.replace(/\.ipynb$/, ".html");
    assert.equal(
      r.headers["content-disposition"],
      `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    );
    assert.ok(
      r.rawPayload.equals(Buffer.from(await cliPage(nb), "utf8")),
      `${nb.name}: the page differs from the CLI's`,
    );
    // Asked again, the same bytes (kept by blob hash).
    const again = await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/export/dir/${nb.name}?version=1` });
    assert.ok(again.rawPayload.equals(r.rawPayload));
  }
});

test("the script download matches `jupyter nbconvert --to python` on plain Python corpus notebooks", async (s) => {
  const plain = chosen.slice(1);
  assert.ok(plain.length > 0, "the corpus has plain Python notebooks");
  if (!existsSync(NBCONVERT)) {
    s.skip("jupyter-nbconvert is not installed (scripts/ensure-test-tools.sh installs it)");
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "vitrine-script-"));
  try {
    for (const nb of plain) {
      const r = await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/script/dir/${nb.name}` });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.headers["content-type"], "text/plain; charset=utf-8");
      assert.equal(r.headers["x-content-type-options"], "nosniff");
      assert.match(String(r.headers["content-disposition"]), /^attachment; filename=".*\.py"/);
      const input = join(dir, nb.name);
      writeFileSync(input, nb.bytes);
      execFileSync(NBCONVERT, ["--to", "python", "--output-dir", dir, input], { stdio: "ignore" });
      const expected = readFileSync(input.replace(/\.ipynb$/, ".py"), "utf8");
      assert.equal(r.body, expected, nb.name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a file that is not a notebook is refused with a code; a non-member sees nothing", async () => {
  const r = await t.call(owner, { method: "GET", url: `/api/workspaces/${ws}/script/plain.py` });
  assert.equal(r.statusCode, 400);
  assert.equal(r.json().error, "not_a_notebook");
  const stranger = await t.addUser("stranger");
  const denied = await t.call(stranger, { method: "GET", url: `/api/workspaces/${ws}/export/dir/${chosen[0]!.name}` });
  assert.equal(denied.statusCode, 404);
});
