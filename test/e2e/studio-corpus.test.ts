// Journeys through the studio in Debian's Chromium against a real server: an upload without the trust
// acknowledgment goes nowhere (in the dialog and straight at the API), and every notebook of the shared corpus
// that the studio accepts opens with every cell drawn, no console error from the app, and no CSP or Trusted Types
// violation in the app's document. A screenshot of each page goes to test-results/screenshots/.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { launchBrowser, type Browser } from "./browser.ts";
import { startBrowserStudio, type BrowserStudio } from "./running-studio.ts";
import { instrumentPage, pageRecord, readPolicies, watchConsole, type Policies } from "./studio-page-watch.ts";
import { createWorkspace, pageApi, pagePostFiles, signIn, type UploadFile } from "./studio-session.ts";

const PASSWORD = "corpus test password";
const CORPUS = new URL("../../../shared/corpus/notebooks/", import.meta.url).pathname;
const SHOTS = new URL("../../test-results/screenshots/", import.meta.url).pathname;

let studio: BrowserStudio;
let browser: Browser;
let page: Page;
let workspace = "";
let statementId = "";
let policies: Policies;
/** The corpus notebooks the server stored, by name. */
const stored: string[] = [];
/** The ones it refused, with the code it gave. */
const refused = new Map<string, string>();

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  studio = await startBrowserStudio([{ name: "grace", password: PASSWORD }]);
  policies = await readPolicies(studio.app, studio.content);
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await instrumentPage(page);
  await signIn(page, studio.app, "grace", PASSWORD);
  workspace = await createWorkspace(page, "Corpus");
  const config = await pageApi(page, "GET", "/api/config");
  statementId = (config.body as { trustStatements: { id: string }[] }).trustStatements.at(-1)?.id ?? "";

  // The server's own review says which files an upload would refuse; the rest go up in one request.
  const files: UploadFile[] = readdirSync(CORPUS)
    .filter((name) => name.endsWith(".ipynb"))
    .sort()
    .map((name) => ({ name, base64: readFileSync(CORPUS + name).toString("base64") }));
  const review = await pagePostFiles(page, `/api/workspaces/${workspace}/review`, files, null);
  assert.equal(review.status, 200, JSON.stringify(review.body));
  for (const r of (review.body as { files: { path: string; refused?: { error: string; message: string } }[] }).files) {
    if (r.refused) refused.set(r.path, r.refused.error);
  }
  const accepted = files.filter((f) => !refused.has(f.name));
  const upload = await pagePostFiles(page, `/api/workspaces/${workspace}/files`, accepted, statementId);
  assert.equal(upload.status, 201, JSON.stringify(upload.body));
  for (const f of (upload.body as { files: { path: string }[] }).files) stored.push(f.path);
});

after(async () => {
  await browser?.close();
  await studio?.close();
});

test("an upload without the trust acknowledgment: the dialog's button stays off, and the API refuses it", async () => {
  const console_ = watchConsole(page, policies, studio.content);
  await page.goto(`${studio.app}/w/${workspace}`);
  await page.getByLabel("Upload files…").setInputFiles([
    {
      name: "unticked.ipynb",
      mimeType: "application/json",
      buffer: readFileSync(`${CORPUS}nbformat__test4.5.ipynb`),
    },
  ]);
  const dialog = page.getByRole("dialog", { name: /Upload a file/ });
  await dialog
    .getByText(/Nothing found that needs a closer look|high|medium|low/)
    .first()
    .waitFor();
  const upload = dialog.getByRole("button", { name: "Upload" });
  const statement = dialog.getByRole("checkbox");
  assert.equal(await statement.isChecked(), false);
  assert.equal(await upload.isDisabled(), true);
  // Ticking and unticking again leaves it off; a forced click on the disabled button sends nothing.
  await statement.check();
  assert.equal(await upload.isEnabled(), true);
  await statement.uncheck();
  assert.equal(await upload.isDisabled(), true);
  // A real click where the disabled button is does nothing either.
  const box = await upload.boundingBox();
  assert.ok(box);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForTimeout(200);
  assert.equal(await dialog.getByText(/Stored as version/).count(), 0);
  await page.screenshot({ path: `${SHOTS}studio-upload-unticked.png` });
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.waitFor({ state: "hidden" });
  console_.stop();
  assert.deepEqual(console_.errors, []);

  // Straight at the API: no acknowledgment field, a wrong one, and one sent after the file.
  const file = { name: "direct.ipynb", base64: readFileSync(`${CORPUS}nbformat__test4.5.ipynb`).toString("base64") };
  const none = await pagePostFiles(page, `/api/workspaces/${workspace}/files`, [file], null);
  assert.equal(none.status, 400);
  assert.equal((none.body as { error: string }).error, "trust_acknowledgment_required");
  const wrong = await pagePostFiles(page, `/api/workspaces/${workspace}/files`, [file], "i-did-not-read-it");
  assert.equal(wrong.status, 400);
  assert.equal((wrong.body as { error: string }).error, "trust_acknowledgment_required");
  const late = await page.evaluate(
    async ({ path, statement }) => {
      const { csrfToken } = (await (await fetch("/api/session")).json()) as { csrfToken: string };
      const form = new FormData();
      form.append("file", new Blob(["{}"]), "late.ipynb");
      form.append("acknowledgment", statement);
      const response = await fetch(path, { method: "POST", headers: { "x-csrf-token": csrfToken }, body: form });
      return { status: response.status, body: (await response.json()) as { error: string } };
    },
    { path: `/api/workspaces/${workspace}/files`, statement: statementId },
  );
  assert.equal(late.status, 400);
  assert.equal(late.body.error, "trust_acknowledgment_required");

  // Nothing of it was stored.
  const list = await pageApi(page, "GET", `/api/workspaces/${workspace}/files`);
  const names = (list.body as { files: { path: string }[] }).files.map((f) => f.path);
  for (const name of ["unticked.ipynb", "direct.ipynb", "late.ipynb"])
    assert.ok(!names.includes(name), `${name} must not be stored`);
  assert.deepEqual(await pageRecord(page), { hits: [], violations: [] });
});

test("the corpus: what the server refuses it refuses with a code, and the rest is stored", () => {
  // The corpus holds deliberately malformed notebooks (see its SOURCES.md); they are refused, not half-stored.
  for (const [name, code] of refused) assert.match(code, /^[a-z_]+$/, `${name}: ${code}`);
  for (const name of ["nbformat__invalid.ipynb", "nbformat__invalid_cell_id.ipynb", "nbformat__no_min_version.ipynb"]) {
    assert.ok(refused.has(name), `${name} is malformed and must be refused`);
  }
  for (const name of [
    "nbformat__test2.ipynb",
    "nbformat__test3.ipynb",
    "nbformat__test4.ipynb",
    "plotly_express__gallery.ipynb",
    "ipython__Rich_Output.ipynb",
  ]) {
    assert.ok(stored.includes(name), `${name} is valid and must be stored`);
  }
  assert.ok(stored.length >= 40, `only ${stored.length} notebooks stored`);
});

/** Cells of a notebook as its JSON has them, counted without the studio's own parser (v4, and v3/v2 worksheets). */
function cellsOf(json: {
  cells?: unknown[];
  worksheets?: { cells?: unknown[] }[];
}): { cell_type: string; source?: unknown; outputs?: unknown[] }[] {
  const cells = json.cells ?? (json.worksheets ?? []).flatMap((w) => w.cells ?? []);
  return cells as { cell_type: string; source?: unknown; outputs?: unknown[] }[];
}

const joined = (source: unknown) =>
  Array.isArray(source) ? source.join("") : typeof source === "string" ? source : "";

test("every notebook the studio accepted opens with every cell drawn, no app error and no CSP violation", async () => {
  const problems: string[] = [];
  for (const name of stored) {
    const console_ = watchConsole(page, policies, studio.content);
    const cells = cellsOf(JSON.parse(readFileSync(CORPUS + name, "utf8")) as Parameters<typeof cellsOf>[0]);
    await page.goto(`${studio.app}/w/${workspace}/f/${encodeURIComponent(name)}`);
    await page.locator("article.vt-notebook[aria-busy=false]").waitFor();
    if ((await page.locator(".vt-notebook .vt-error").count()) > 0) {
      problems.push(`${name}: ${await page.locator(".vt-notebook .vt-error").innerText()}`);
      continue;
    }
    // Images are checked by the server after drawing; wait until each is shown or explained.
    await page.waitForFunction(() => document.querySelectorAll("img[data-vt-src]").length === 0);
    // The frames near the first screen load and size themselves.
    await page
      .waitForFunction(
        () =>
          [...document.querySelectorAll("iframe.vt-frame")].every((f) => (f as HTMLIFrameElement).style.height !== ""),
        undefined,
        { timeout: 10_000 },
      )
      .catch(() => problems.push(`${name}: an output frame never reported its height`));
    const drawn = await page.evaluate(() =>
      [...document.querySelectorAll(".vt-cells > .vt-cell")].map((cell) => ({
        kind: cell.className,
        markdown: cell.querySelector(".vt-markdown")?.textContent?.trim().length ?? -1,
        markdownNodes: cell.querySelector(".vt-markdown")?.childElementCount ?? 0,
        source: cell.querySelector(".vt-source")?.textContent ?? null,
        outputs: cell.querySelectorAll(".vt-output").length,
      })),
    );
    if (drawn.length !== cells.length) problems.push(`${name}: ${drawn.length} cells drawn of ${cells.length}`);
    cells.forEach((cell, i) => {
      const got = drawn[i];
      if (!got) return;
      // A cell type newer than Vitrine knows is read as a raw cell that says so (docs/reading-notebooks.md).
      const known = ["code", "markdown", "raw", "heading"].includes(cell.cell_type);
      const kind = cell.cell_type === "heading" ? "markdown" : known ? cell.cell_type : "raw";
      if (!got.kind.includes(`vt-cell-${kind}`))
        problems.push(`${name} cell ${i + 1}: drawn as ${got.kind}, is ${cell.cell_type}`);
      const source = joined(cell.source ?? (cell as { input?: unknown }).input);
      if (kind === "markdown" && source.trim() && got.markdown <= 0 && got.markdownNodes === 0)
        problems.push(`${name} cell ${i + 1}: markdown drawn empty`);
      if (kind === "code" && source.trim() && !got.source?.trim())
        problems.push(`${name} cell ${i + 1}: code drawn empty`);
      if (kind === "code" && (cell.outputs?.length ?? 0) > 0 && got.outputs === 0)
        problems.push(`${name} cell ${i + 1}: ${cell.outputs?.length} outputs, none drawn`);
    });
    // Every image output that is drawn decodes.
    const broken = await page.evaluate(
      () =>
        [...document.querySelectorAll<HTMLImageElement>("img.vt-image")].filter(
          (img) => img.complete && img.naturalWidth === 0,
        ).length,
    );
    if (broken > 0) problems.push(`${name}: ${broken} image outputs do not decode`);
    await page.screenshot({ path: `${SHOTS}corpus-${name.replace(/\.ipynb$/, "")}.png` });
    const record = await pageRecord(page);
    if (record.hits.length > 0) problems.push(`${name}: ran in the page: ${record.hits.join("; ")}`);
    for (const v of record.violations)
      problems.push(
        `${name}: ${v.directive} violation in the app's document: ${v.blockedURI} ${v.sourceFile} ${v.sample}`,
      );
    for (const e of console_.errors) problems.push(`${name}: console: ${e}`);
    console_.stop();
  }
  assert.deepEqual(problems, []);
});
