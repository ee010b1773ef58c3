// Organising files in the workspace page, in Debian's Chromium against a real studio, with clicks, drags and keys:
// ada makes an empty folder and uploads into it, drags a file onto another folder, moves a folder with the
// keyboard through the move dialog, sends a folder to the trash and restores it, and uploads files whose paths
// exist, choosing for each a new version, keep both, or skip. Screenshots at 1200 and 390 px, light and dark.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import type { Locator, Page } from "playwright-core";
import { launchBrowser, type Browser } from "./browser.ts";
import { startBrowserStudio, signInThroughPage, type BrowserStudio } from "./running-studio.ts";
import { createWorkspace, pageApi, uploadTrusted } from "./studio-session.ts";
import { instrumentPage, pageRecord, readPolicies, watchConsole, type ConsoleWatch } from "./studio-page-watch.ts";
import { workspaceHref } from "../../src/contract/addresses.ts";

const PASSWORD = "organising test password";
const SHOTS = new URL("../../test-results/screenshots/", import.meta.url).pathname;
const WORKSPACE = "Organised lab";

let studio: BrowserStudio;
let ada: Browser;
let page: Page;
let watch: ConsoleWatch;
let workspaceId = "";

const NOTEBOOK = JSON.stringify({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [{ cell_type: "markdown", id: "m", metadata: {}, source: "# Notes" }],
});
const base64 = (text: string) => Buffer.from(text).toString("base64");

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  studio = await startBrowserStudio([{ name: "ada", password: PASSWORD }]);
  const policies = await readPolicies(studio.app, studio.content);
  ada = await launchBrowser();
  page = await ada.context.newPage();
  await instrumentPage(page);
  await signInThroughPage(page, studio.app, "ada", PASSWORD);
  watch = watchConsole(page, policies, studio.content);
  workspaceId = await createWorkspace(page, WORKSPACE);
  await uploadTrusted(page, workspaceId, [
    { name: "notes/intro.ipynb", base64: base64(NOTEBOOK) },
    { name: "loose.py", base64: base64("print('loose')\n") },
  ]);
});
after(async () => {
  await ada?.close();
  await studio?.close();
});

async function openFolder(folder = ""): Promise<void> {
  await page.goto(`${studio.app}${workspaceHref(workspaceId, folder || undefined)}`);
  await page.getByRole("heading", { name: WORKSPACE }).waitFor();
}

async function storedPaths(): Promise<string[]> {
  const answer = await pageApi(page, "GET", `/api/workspaces/${workspaceId}/files`);
  return (answer.body as { files: { path: string }[] }).files.map((f) => f.path).sort();
}

/** Waits (a few seconds at most) until the stored paths are these. */
async function expectPaths(paths: string[], message: string): Promise<void> {
  const deadline = Date.now() + 5000;
  let now = await storedPaths();
  while (JSON.stringify(now) !== JSON.stringify([...paths].sort()) && Date.now() < deadline) {
    await page.waitForTimeout(100);
    now = await storedPaths();
  }
  assert.deepEqual(now, [...paths].sort(), message);
}

function row(name: string): Locator {
  return page.locator("table.vt-files tbody tr").filter({ has: page.getByRole("link", { name, exact: true }) });
}

async function pick(files: { name: string; text: string }[]): Promise<Locator> {
  const chooser = page.waitForEvent("filechooser");
  await page.getByText("Upload files…").click();
  await (
    await chooser
  ).setFiles(files.map((f) => ({ name: f.name, mimeType: "application/octet-stream", buffer: Buffer.from(f.text) })));
  const dialog = page.getByRole("dialog", { name: /^Upload / });
  await dialog.waitFor();
  return dialog;
}

async function shoot(name: string): Promise<void> {
  for (const width of [1200, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: `${SHOTS}files-${name}-${width}-${scheme}.png` });
    }
  }
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.emulateMedia({ colorScheme: "light" });
}

test("a new folder, an upload into it, a file dragged onto another folder", async () => {
  await openFolder();
  await page.getByRole("button", { name: "New folder" }).click();
  const dialog = page.getByRole("dialog", { name: "New folder" });
  await dialog.getByLabel("Folder name").fill("reports");
  await dialog.getByRole("button", { name: "Make folder" }).click();
  await dialog.waitFor({ state: "detached" });
  await page.getByRole("link", { name: "reports/" }).click();
  await page.getByText("No files yet.").waitFor();

  const upload = await pick([
    { name: "b.py", text: "b = 1\n" },
    { name: "c.md", text: "# C\n" },
  ]);
  assert.equal(await upload.getByLabel("Path of b.py").inputValue(), "reports/b.py");
  await upload.getByRole("checkbox").check();
  await upload.getByRole("button", { name: "Upload" }).click();
  await upload.getByText("Stored as version 1.").nth(1).waitFor();
  await upload.getByRole("button", { name: "Close" }).click();
  await expectPaths(["loose.py", "notes/intro.ipynb", "reports/b.py", "reports/c.md"], "uploaded into the folder");

  await openFolder();
  await row("loose.py").dragTo(row("reports/"));
  await expectPaths(["notes/intro.ipynb", "reports/b.py", "reports/c.md", "reports/loose.py"], "dragged onto reports");
  await page.getByRole("link", { name: "loose.py" }).waitFor({ state: "detached" });
  await shoot("folders");
});

test("a folder moved with the keyboard through the move dialog takes its files with it", async () => {
  await openFolder();
  await row("notes/").getByRole("button", { name: "Move…" }).focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Move the folder notes" });
  await dialog.waitFor();
  // The dialog opens on its folder list; Space picks the folder; Tab to Move, Enter.
  const target = dialog.getByRole("radio", { name: "reports/" });
  assert.equal(await target.evaluate((el) => el === document.activeElement), true, "the focus is on the folders");
  await page.keyboard.press("Space");
  assert.equal(await target.isChecked(), true);
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await dialog.waitFor({ state: "detached" });
  await expectPaths(
    ["reports/b.py", "reports/c.md", "reports/loose.py", "reports/notes/intro.ipynb"],
    "the folder moved into reports",
  );

  // A taken name is refused in the dialog, and nothing moves.
  await uploadTrusted(page, workspaceId, [{ name: "notes/other.py", base64: base64("x = 1\n") }]);
  await openFolder("reports");
  await row("notes/").getByRole("button", { name: "Move…" }).click();
  const again = page.getByRole("dialog", { name: "Move the folder notes" });
  await again.getByRole("radio", { name: "All files (the top)" }).check();
  await again.getByRole("button", { name: "Move" }).click();
  await again.getByRole("alert").filter({ hasText: "folder_exists" }).waitFor();
  await shoot("move-refused");
  await again.getByRole("button", { name: "Cancel" }).click();
  await expectPaths(
    ["notes/other.py", "reports/b.py", "reports/c.md", "reports/loose.py", "reports/notes/intro.ipynb"],
    "nothing moved",
  );
});

test("a folder goes to the trash with its files and is restored with them", async () => {
  await openFolder();
  await row("notes/").getByRole("button", { name: "Move to trash" }).click();
  await expectPaths(["reports/b.py", "reports/c.md", "reports/loose.py", "reports/notes/intro.ipynb"], "trashed");
  await page.getByText("Trash (1)").click();
  await page.getByText("was in notes/").waitFor();
  await page.getByText("with the folder notes/").waitFor();
  await shoot("trash");
  await page.getByRole("button", { name: "Restore the folder notes/" }).click();
  await expectPaths(
    ["notes/other.py", "reports/b.py", "reports/c.md", "reports/loose.py", "reports/notes/intro.ipynb"],
    "restored",
  );
});

test("uploading paths that exist asks for each file: new version, keep both, or skip", async () => {
  await openFolder("reports");
  await page.getByRole("link", { name: "b.py" }).waitFor();
  const dialog = await pick([
    { name: "b.py", text: "b = 2\n" },
    { name: "c.md", text: "# C again\n" },
    { name: "loose.py", text: "print('skipped')\n" },
  ]);
  await dialog.getByRole("checkbox", { name: /reviewed these files/ }).check();
  const uploadButton = dialog.getByRole("button", { name: "Upload" });
  await dialog.getByText("reports/b.py exists already").waitFor();
  assert.equal(await uploadButton.isDisabled(), true, "nothing goes up before every conflict has an answer");
  await shoot("upload-conflicts");
  await dialog
    .getByRole("radio", { name: /new version/ })
    .first()
    .check();
  await dialog.getByRole("radio", { name: /Keep both: store this one as reports\/c \(2\)\.md/ }).check();
  await dialog.getByRole("radio", { name: "Skip this file" }).nth(2).check();
  await uploadButton.click();
  await dialog.getByText("Stored as version 2.").waitFor();
  await dialog.getByText("Stored beside it, as reports/c (2).md.").waitFor();
  await dialog.getByText("Skipped: reports/loose.py stays as it was.").waitFor();
  await dialog.getByRole("button", { name: "Close" }).click();
  await expectPaths(
    [
      "notes/other.py",
      "reports/b.py",
      "reports/c.md",
      "reports/c (2).md",
      "reports/loose.py",
      "reports/notes/intro.ipynb",
    ],
    "one new version, one copy beside, one skipped",
  );
  const loose = await page.evaluate(
    async (ws) => (await fetch(`/api/workspaces/${ws}/raw/reports/loose.py`)).text(),
    workspaceId,
  );
  assert.equal(loose, "print('loose')\n");

  const record = await pageRecord(page);
  assert.deepEqual(record.violations, [], "no CSP or Trusted Types violation");
  // The one error the browser logs is the refused move the test asked for (409 on the folder's address).
  assert.deepEqual(
    watch.errors.filter((e) => !/status of 409 .*\/folders\/reports\/notes\)$/.test(e)),
    [],
    "no console error but the refused move",
  );
  assert.equal(watch.errors.length, 1);
});

test("a folder and a file are renamed from the list; a taken name is refused in the dialog", async () => {
  await openFolder();
  await row("notes/").getByRole("button", { name: "Rename…" }).click();
  const dialog = page.getByRole("dialog", { name: "Rename notes" });
  const field = dialog.getByLabel("New name");
  // The folder's whole name is selected, ready to type over.
  assert.equal(
    await field.evaluate((el: HTMLInputElement) => el.value.slice(el.selectionStart!, el.selectionEnd!)),
    "notes",
  );
  await page.keyboard.type("minutes");
  await page.keyboard.press("Enter");
  await dialog.waitFor({ state: "detached" });
  const before = ["reports/b.py", "reports/c.md", "reports/c (2).md", "reports/loose.py", "reports/notes/intro.ipynb"];
  await expectPaths(["minutes/other.py", ...before], "the folder renamed with its file");
  await row("minutes/").waitFor();

  await openFolder("minutes");
  await row("other.py").getByRole("button", { name: "Rename…" }).click();
  const fileDialog = page.getByRole("dialog", { name: "Rename other.py" });
  // A file's name without its extension is selected.
  await page.keyboard.type("renamed");
  await fileDialog.getByRole("button", { name: "Rename" }).click();
  await fileDialog.waitFor({ state: "detached" });
  await expectPaths(["minutes/renamed.py", ...before], "the file renamed");

  // A folder cannot take the name of one that exists: refused, and nothing moves.
  await openFolder();
  await row("minutes/").getByRole("button", { name: "Rename…" }).click();
  const refused = page.getByRole("dialog", { name: "Rename minutes" });
  await refused.getByLabel("New name").fill("reports");
  await refused.getByRole("button", { name: "Rename" }).click();
  await refused.getByRole("alert").waitFor();
  await shoot("rename-refused");
  await refused.getByRole("button", { name: "Cancel" }).click();
  await expectPaths(["minutes/renamed.py", ...before], "nothing moved");
  const record = await pageRecord(page);
  assert.deepEqual(record.violations, [], "no CSP or Trusted Types violation");
});
