// A workspace used as people use it, in Debian's Chromium against a real studio, with clicks and keystrokes only:
// ada makes a workspace and invites bob as a viewer; she drops several files at once, puts one in folders by its
// path and uploads a folder from her disk, sorts and searches, uploads a second version, trashes and restores a file, and reads a notebook with a very
// long output; bob, signed in on his own browser, reads but cannot change anything. The workspace works from the
// keyboard alone and on a phone-sized screen, in light and dark. Every page is watched for console errors, CSP and
// Trusted Types violations, and script that should not have run.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { launchBrowser, type Browser } from "./browser.ts";
import { startBrowserStudio, signInThroughPage, type BrowserStudio } from "./running-studio.ts";
import { pageApi, pagePostFiles } from "./studio-session.ts";
import {
  assertPageClean,
  type ConsoleWatch,
  instrumentPage,
  type Policies,
  readPolicies,
  watchConsole,
} from "./studio-page-watch.ts";
import { fileApiHref, workspaceApiHref } from "../../src/contract/addresses.ts";
import { FOLD_OUTPUT_LINES, FOLD_PREVIEW_LINES } from "../../src/render/dom.ts";
import { formatSize } from "../../src/web/studio-calls.ts";
import { SESSION_COOKIE } from "../../src/contract/http-names.ts";

const PASSWORD = "workspace test password";
const SHOTS = new URL("../../test-results/screenshots/", import.meta.url).pathname;
const WORKSPACE = "Shared lab";

let studio: BrowserStudio;
let policies: Policies;
let ada: Browser;
let bob: Browser;
let workspaceUrl = "";
let workspaceId = "";

/** A small notebook: one markdown cell saying `words`, and a code cell with a long line (which must not widen a phone's page). */
function notebook(words: string): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    cells: [
      { cell_type: "markdown", id: "intro", metadata: {}, source: `# ${words}\n\nA notebook of the shared lab.` },
      {
        cell_type: "code",
        id: "long-line",
        execution_count: 1,
        metadata: {},
        source: `result = compute(${Array.from({ length: 40 }, (_, i) => `argument_${i}=${i}`).join(", ")})`,
        outputs: [{ output_type: "stream", name: "stdout", text: "done\n" }],
      },
    ],
  });
}

// Sizes chosen so that the orders by name, by size and by upload time all differ (see the sort test).
const DROPPED = [
  { name: "gamma.ipynb", type: "application/json", text: notebook("Gamma") + " ".repeat(1500) },
  { name: "alpha.ipynb", type: "application/json", text: notebook("First draft") + " ".repeat(3000) },
  { name: "beta.py", type: "text/x-python", text: "print('beta')\n" },
];
const ALPHA_V1 = DROPPED[1]!.text;
const ALPHA_V2 = notebook("Second draft");
const LONG_LINES = 3000;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  studio = await startBrowserStudio([
    { name: "ada", password: PASSWORD },
    { name: "bob", password: PASSWORD },
  ]);
  policies = await readPolicies(studio.app, studio.content);
  // Two browsers with profiles of their own: two people, two sessions.
  [ada, bob] = await Promise.all([launchBrowser(), launchBrowser()]);
});

after(async () => {
  await ada?.close();
  await bob?.close();
  await studio?.close();
});

interface Watched {
  page: Page;
  watch: ConsoleWatch;
}

async function openPage(browser: Browser): Promise<Watched> {
  const page = await browser.context.newPage();
  await instrumentPage(page);
  return { page, watch: watchConsole(page, policies, studio.content) };
}

/** Signs in through the sign-in page, then watches the console: the signed-out page's 401 from /api/session is how it learns it is signed out. */
async function signedInPage(browser: Browser, name: string): Promise<Watched> {
  const page = await browser.context.newPage();
  await instrumentPage(page);
  await signInThroughPage(page, studio.app, name, PASSWORD);
  return { page, watch: watchConsole(page, policies, studio.content) };
}

/** Takes out of the console's errors the one the browser logs for a refusal the test asked for (and asserts it is there). */
function expectRefusal(watch: ConsoleWatch, status: number, path: string): void {
  const at = watch.errors.findIndex(
    (e) =>
      e.startsWith(`Failed to load resource: the server responded with a status of ${status} `) &&
      e.endsWith(`${path})`),
  );
  assert.ok(at >= 0, `the refusal (${status} ${path}) was logged: ${JSON.stringify(watch.errors)}`);
  watch.errors.splice(at, 1);
}

/** Nothing went wrong in the page: no console error, no CSP or Trusted Types violation, nothing ran that should not. */
async function assertClean({ page, watch }: Watched): Promise<void> {
  await assertPageClean(page, watch);
  assert.deepEqual(watch.refusals, [], "nothing of these notebooks needed refusing");
}

async function openWorkspace(page: Page): Promise<void> {
  await page.goto(workspaceUrl);
  await page.getByRole("heading", { name: WORKSPACE }).waitFor();
}

/** The names in the file list, top to bottom. */
async function listed(page: Page): Promise<string[]> {
  return page.locator("table.vt-files tbody tr td:first-child a").allInnerTexts();
}

/** Waits (a few seconds at most) for the file list to show these names in this order: it reloads after a change. */
async function expectListed(page: Page, names: string[], message?: string): Promise<void> {
  const deadline = Date.now() + 5000;
  let shown = await listed(page);
  while (JSON.stringify(shown) !== JSON.stringify(names) && Date.now() < deadline) {
    await page.waitForTimeout(50);
    shown = await listed(page);
  }
  assert.deepEqual(shown, names, message);
}

/** Opens the upload dialog as a person does: a click on "Upload files…", and the files chosen in the browser's picker. */
async function chooseFiles(page: Page, files: { name: string; text: string }[]): Promise<Locator> {
  const chooser = page.waitForEvent("filechooser");
  await page.getByText("Upload files…").click();
  await (
    await chooser
  ).setFiles(files.map((f) => ({ name: f.name, mimeType: "application/octet-stream", buffer: Buffer.from(f.text) })));
  const dialog = page.getByRole("dialog", { name: /^Upload / });
  await dialog.waitFor();
  return dialog;
}

/** Ticks the trust statement, uploads, and waits until each file says it was stored. */
async function trustAndUpload(dialog: Locator, count: number): Promise<void> {
  const upload = dialog.getByRole("button", { name: "Upload" });
  const statement = dialog.getByRole("checkbox");
  assert.equal(await statement.isChecked(), false, "the trust statement starts unticked");
  assert.equal(await upload.isDisabled(), true, "no upload before the trust statement is ticked");
  await statement.check();
  await dialog.getByText("Reviewing…").first().waitFor({ state: "detached" });
  await upload.click();
  await dialog
    .getByText(/^Stored as version \d+\.$/)
    .nth(count - 1)
    .waitFor();
}

test("ada makes a workspace and invites bob by his user name as a viewer", async () => {
  const watched = await signedInPage(ada, "ada");
  const { page } = watched;
  await page.getByLabel("New workspace").fill(WORKSPACE);
  await page.getByRole("button", { name: "Create" }).click();
  await page.getByRole("heading", { name: WORKSPACE }).waitFor();
  workspaceUrl = page.url();
  workspaceId = new URL(workspaceUrl).pathname.split("/")[2]!;

  await page.getByText("Members (1)").click();
  const members = page.locator("details.vt-members");
  await members.getByLabel("User name").fill("bob");
  await members.getByLabel("Role").selectOption("viewer");
  await members.getByRole("button", { name: "Invite" }).click();
  await page.getByText("Members (2)").waitFor();
  await members.getByRole("listitem").filter({ hasText: "bob" }).getByText("viewer").waitFor();

  // A name that is nobody's is refused with the server's sentence, and the form keeps what was typed.
  await members.getByLabel("User name").fill("nobody-here");
  await members.getByRole("button", { name: "Invite" }).click();
  await members.getByRole("alert").filter({ hasText: 'no user is named "nobody-here"' }).waitFor();
  assert.equal(await members.getByLabel("User name").inputValue(), "nobody-here");
  assert.equal(await page.getByText("Members (2)").count(), 1);
  expectRefusal(watched.watch, 404, `${workspaceApiHref(workspaceId)}/members`);
  await assertClean(watched);
  await page.close();
});

test("several files dropped at once: each has its own progress bar, after the trust statement is ticked", async () => {
  const watched = await openPage(ada);
  const { page } = watched;
  await openWorkspace(page);
  await page.getByText("No files yet. Upload some, or drop them here.").waitFor();
  // The files a person drags from their file manager, in a DataTransfer made in the page.
  const dataTransfer = await page.evaluateHandle((files) => {
    const transfer = new DataTransfer();
    for (const f of files) transfer.items.add(new File([f.text], f.name, { type: f.type }));
    return transfer;
  }, DROPPED);
  const area = page.getByRole("region", { name: WORKSPACE });
  await area.dispatchEvent("dragenter", { dataTransfer });
  await area.dispatchEvent("dragover", { dataTransfer });
  // The drop area shows it will take the files.
  await page.locator(".vt-panel.vt-dropping").waitFor();
  await area.dispatchEvent("drop", { dataTransfer });
  const dialog = page.getByRole("dialog", { name: "Upload 3 files" });
  await dialog.waitFor();
  assert.doesNotMatch((await area.getAttribute("class")) ?? "", /vt-dropping/);
  for (const f of DROPPED) assert.equal(await dialog.getByLabel(`Path of ${f.name}`).inputValue(), f.name);
  assert.equal(await dialog.getByRole("progressbar").count(), 0, "no progress before the upload");

  await trustAndUpload(dialog, DROPPED.length);
  const bars = dialog.getByRole("progressbar");
  assert.equal(await bars.count(), DROPPED.length, "one progress bar per file");
  for (const f of DROPPED)
    assert.equal(await dialog.getByRole("progressbar", { name: `Upload of ${f.name}` }).getAttribute("value"), "1");
  await dialog.getByRole("button", { name: "Close" }).click();
  await dialog.waitFor({ state: "detached" });
  await expectListed(page, ["alpha.ipynb", "beta.py", "gamma.ipynb"]);
  await assertClean(watched);
  await page.close();
});

test("a typed path or a picked folder puts files into folders; the list sorts by name, size and time, and a search filters it", async () => {
  const watched = await openPage(ada);
  const { page } = watched;
  await openWorkspace(page);
  const dialog = await chooseFiles(page, [{ name: "n.ipynb", text: notebook("Nested") }]);
  const path = dialog.getByLabel("Path of n.ipynb");
  assert.equal(await path.inputValue(), "n.ipynb");
  // A path the server would refuse says why, with its code, before anything is sent.
  await path.fill("a/../n.ipynb");
  await dialog.getByText(/Will be refused: .*\[name_traversal\]/).waitFor();
  await path.fill("a/b/n.ipynb");
  await dialog.getByText(/Will be refused/).waitFor({ state: "detached" });
  await trustAndUpload(dialog, 1);
  await dialog.getByRole("button", { name: "Close" }).click();

  // The folder comes first; its files are inside it, one folder at a time.
  await expectListed(page, ["a/", "alpha.ipynb", "beta.py", "gamma.ipynb"]);
  await page.getByRole("link", { name: "a/" }).click();
  await page.getByRole("link", { name: "b/" }).click();
  await page.getByRole("navigation", { name: "Folder" }).getByRole("link", { name: "b" }).waitFor();
  await expectListed(page, ["n.ipynb"]);

  // A folder picked from the disk keeps its own folders, inside the one the person is in. What cannot be stored
  // (a file type the studio does not take) says so, and the rest goes up.
  // (The browser reads the picked files when they are sent: the folder stays until the upload is done.)
  const picked = mkdtempSync(join(tmpdir(), "vitrine-folder-"));
  try {
    mkdirSync(join(picked, "results", "plots"), { recursive: true });
    writeFileSync(join(picked, "results", "summary.md"), "# Results\n");
    writeFileSync(join(picked, "results", "plots", "fig.ipynb"), notebook("Figure"));
    writeFileSync(join(picked, "results", "raw.bin"), Buffer.from([0, 1, 2, 3]));
    const chooser = page.waitForEvent("filechooser");
    await page.getByText("Upload a folder…").click();
    await (await chooser).setFiles(join(picked, "results"));
    const folderDialog = page.getByRole("dialog", { name: "Upload 3 files" });
    await folderDialog.waitFor();
    const paths = await folderDialog
      .locator("input.vt-upload-path")
      .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value).sort());
    assert.deepEqual(paths, ["a/b/results/plots/fig.ipynb", "a/b/results/raw.bin", "a/b/results/summary.md"]);
    await folderDialog.getByText(/Will be refused: .*\[file_type_not_allowed\]/).waitFor();
    await trustAndUpload(folderDialog, 2);
    await folderDialog.getByRole("button", { name: "Close" }).click();
  } finally {
    rmSync(picked, { recursive: true, force: true });
  }
  await expectListed(page, ["results/", "n.ipynb"]);
  await page.getByRole("link", { name: "results/" }).click();
  await expectListed(page, ["plots/", "summary.md"]);
  await page.goBack();
  await page.getByRole("link", { name: "results/" }).waitFor();
  await page.getByRole("link", { name: "n.ipynb" }).click();
  await page.getByRole("heading", { name: "Nested" }).waitFor();
  assert.match(decodeURIComponent(new URL(page.url()).pathname), /\/f\/a\/b\/n\.ipynb$/);
  // The file's page names its workspace and its folders, each a way back.
  const crumbs = page.getByRole("navigation", { name: "Breadcrumb" });
  await crumbs.getByRole("link", { name: WORKSPACE, exact: true }).waitFor();
  assert.deepEqual(await crumbs.getByRole("link").allTextContents(), [WORKSPACE, "a", "b"]);
  assert.equal(await crumbs.locator('[aria-current="page"]').textContent(), "n.ipynb");
  await crumbs.getByRole("link", { name: "a", exact: true }).click();
  await expectListed(page, ["b/"]);
  await page.goBack();
  await page.getByRole("heading", { name: "Nested" }).waitFor();
  await page.goBack();
  await page.goBack();
  await page.goBack();
  await page.getByRole("link", { name: "alpha.ipynb" }).waitFor();

  const header = page.locator("table.vt-files thead");
  await expectListed(page, ["a/", "alpha.ipynb", "beta.py", "gamma.ipynb"], "by name");
  await header.getByRole("button", { name: "Name" }).click();
  await expectListed(page, ["a/", "gamma.ipynb", "beta.py", "alpha.ipynb"], "by name, descending");
  await header.getByRole("button", { name: "Size" }).click();
  await expectListed(page, ["a/", "beta.py", "gamma.ipynb", "alpha.ipynb"], "by size");
  await header.getByRole("button", { name: "Updated" }).click();
  await expectListed(page, ["a/", "gamma.ipynb", "alpha.ipynb", "beta.py"], "by upload time (the drop's order)");
  await header.getByRole("button", { name: /Updated/ }).click();
  await expectListed(page, ["a/", "beta.py", "alpha.ipynb", "gamma.ipynb"], "newest first");
  assert.equal(await header.getByRole("button", { name: /Updated/ }).getAttribute("aria-pressed"), "true");

  const search = page.getByRole("searchbox", { name: "Filter names" });
  await search.fill("ALP");
  await expectListed(page, ["alpha.ipynb"]);
  // A search looks into every folder and shows where each file is.
  await search.fill("b/n");
  await expectListed(page, ["a/b/n.ipynb"]);
  await search.fill("nothing like it");
  await page.getByText("No file matches.").waitFor();
  await search.fill("");
  await expectListed(page, ["a/", "beta.py", "alpha.ipynb", "gamma.ipynb"], "the whole list again, still newest first");
  await assertClean(watched);
  await page.close();
});

test("bob, a viewer on his own browser, sees the workspace and opens its files, but cannot change them", async () => {
  const watched = await signedInPage(bob, "bob");
  const { page } = watched;
  const entry = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: WORKSPACE }) });
  await entry.getByText("viewer").waitFor();
  await entry.getByRole("link", { name: WORKSPACE }).click();
  await page.getByRole("heading", { name: WORKSPACE }).waitFor();
  await page.getByRole("link", { name: "beta.py" }).waitFor();
  await expectListed(page, ["a/", "alpha.ipynb", "beta.py", "gamma.ipynb"]);
  assert.equal(await page.getByText("Upload files…").count(), 0, "no upload offered");
  assert.equal(await page.locator('input[type="file"]').count(), 0);
  assert.equal(await page.getByRole("button", { name: "Move to trash" }).count(), 0, "no delete offered");
  assert.equal(await page.getByRole("button", { name: "Invite" }).count(), 0, "no invitations");
  // Dropping files on the list does nothing for him.
  const dataTransfer = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(["print(1)\n"], "sneaky.py"));
    return transfer;
  });
  const area = page.getByRole("region", { name: WORKSPACE });
  for (const type of ["dragenter", "dragover", "drop"]) await area.dispatchEvent(type, { dataTransfer });
  assert.equal(await page.getByRole("dialog").count(), 0);

  await page.getByRole("link", { name: "alpha.ipynb" }).click();
  await page.getByRole("heading", { name: "First draft" }).waitFor();
  await page.getByText(/Version 1 of 1 · .* by ada/).waitFor();
  await assertClean(watched);

  // His own session, with its CSRF token, asking the API directly: refused by role, nothing changed.
  const direct = await bob.context.newPage();
  await direct.goto(`${studio.app}/`);
  const trashing = await pageApi(direct, "DELETE", fileApiHref(workspaceId, "beta.py"));
  assert.equal(trashing.status, 403);
  assert.equal((trashing.body as { error: string }).error, "role_insufficient");
  const uploading = await pagePostFiles(
    direct,
    `${workspaceApiHref(workspaceId)}/files`,
    [{ name: "sneaky.py", base64: Buffer.from("print(1)\n").toString("base64") }],
    "trusted-source-v1",
  );
  assert.equal(uploading.status, 403);
  assert.equal((uploading.body as { error: string }).error, "role_insufficient");
  const listing = await pageApi(direct, "GET", `${workspaceApiHref(workspaceId)}/files`);
  assert.deepEqual((listing.body as { files: { path: string }[] }).files.map((f) => f.path).sort(), [
    "a/b/n.ipynb",
    "a/b/results/plots/fig.ipynb",
    "a/b/results/summary.md",
    "alpha.ipynb",
    "beta.py",
    "gamma.ipynb",
  ]);
  await direct.close();
  await page.close();
});

test("a second upload of a path is version 2; each version has its size, author and time, its page and its exact bytes", async () => {
  const watched = await openPage(ada);
  const { page } = watched;
  await openWorkspace(page);
  const dialog = await chooseFiles(page, [{ name: "alpha.ipynb", text: ALPHA_V2 }]);
  // The path exists: the dialog asks what to do with it before anything goes up.
  await dialog.getByRole("radio", { name: /new version/ }).check();
  await trustAndUpload(dialog, 1);
  await dialog.getByText("Stored as version 2.").waitFor();
  await dialog.getByRole("button", { name: "Close" }).click();
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: "alpha.ipynb" }) });
  await row.getByText("v2").waitFor();

  await page.getByRole("link", { name: "alpha.ipynb" }).click();
  await page.getByRole("heading", { name: "Second draft" }).waitFor();
  const info = page.getByRole("complementary", { name: "File" });
  await info.getByText(`Version 2 of 2 · ${sizeText(ALPHA_V2)} · uploaded`).waitFor();
  await info.getByText("Versions").click();
  const versions = info.getByRole("listitem");
  assert.equal(await versions.count(), 2);
  const time = /\d{1,2}:\d{2}:\d{2}/;
  // Newest first.
  for (const [i, [number, text]] of (
    [
      [2, ALPHA_V2],
      [1, ALPHA_V1],
    ] as const
  ).entries()) {
    const line = await versions.nth(i).innerText();
    assert.match(line, new RegExp(`^Version ${number} · .+ · ada · ${escape(sizeText(text))}$`));
    assert.match(line, time);
  }
  assert.deepEqual(await download(page), Buffer.from(ALPHA_V2), "the newest version's bytes");

  await versions.getByRole("link", { name: "Version 1" }).click();
  await page.getByRole("heading", { name: "First draft" }).waitFor();
  assert.equal(new URL(page.url()).searchParams.get("version"), "1");
  assert.equal(await page.getByRole("heading", { name: "Second draft" }).count(), 0);
  await info.getByText(`Version 1 of 2 · ${sizeText(ALPHA_V1)} · uploaded`).waitFor();
  assert.deepEqual(await download(page), Buffer.from(ALPHA_V1), "the old version's bytes, exactly");
  await assertClean(watched);
  await page.close();
});

test("a link to a file's address from another site opens it signed in, though the session cookie stays behind on the way in", async () => {
  const target = `${workspaceUrl}/f/alpha.ipynb`;
  // Another site: a page on 127.0.0.1, while the studio is on localhost.
  const other = createServer((_request, response) =>
    response.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><a href="${target}">the notebook</a>`),
  );
  await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
  try {
    const watched = await openPage(ada);
    const { page } = watched;
    await page.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
    const arrival = page.waitForRequest((request) => request.isNavigationRequest() && request.url() === target);
    await page.getByRole("link", { name: "the notebook" }).click();
    // The session cookie is SameSite=Strict: the page itself comes without it, and the page's own reads bring it.
    assert.ok(
      !((await (await arrival).allHeaders()).cookie ?? "").includes(SESSION_COOKIE),
      "the page's own request carried no session",
    );
    await page.getByRole("heading", { name: "Second draft" }).waitFor();
    await page.getByText(/Version 2 of 2/).waitFor();
    await assertClean(watched);
    await page.close();
  } finally {
    other.close();
  }
});

test("a file moved to the trash leaves the list, shows in the trash, and comes back with its content when restored", async () => {
  const watched = await openPage(ada);
  const { page } = watched;
  await openWorkspace(page);
  assert.equal(await page.getByText(/^Trash \(/).count(), 0, "the trash is empty");
  await page
    .getByRole("row")
    .filter({ has: page.getByRole("link", { name: "beta.py" }) })
    .getByRole("button", { name: "Move to trash" })
    .click();
  await page.getByRole("link", { name: "beta.py" }).waitFor({ state: "detached" });
  await expectListed(page, ["a/", "alpha.ipynb", "gamma.ipynb"]);
  await page.getByText("Trash (1)").click();
  const trashed = page.locator("details.vt-trash").getByRole("listitem").filter({ hasText: "beta.py" });
  await trashed.getByText(/trashed .* by ada/).waitFor();
  await trashed.getByRole("button", { name: "Restore" }).click();
  await page.getByRole("link", { name: "beta.py" }).waitFor();
  assert.equal(await page.getByText(/^Trash \(/).count(), 0);
  await page.getByRole("link", { name: "beta.py" }).click();
  await page.locator(".vt-script").getByText("print('beta')").waitFor();
  await assertClean(watched);
  await page.close();
});

test("a very long output is folded, and its control shows all of it", async () => {
  const watched = await openPage(ada);
  const { page } = watched;
  await openWorkspace(page);
  const text = Array.from({ length: LONG_LINES }, (_, i) => `progress line ${i + 1}\n`);
  const long = JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      {
        cell_type: "code",
        id: "loop",
        execution_count: 1,
        metadata: {},
        source: "for i in range(3000): print(i)",
        outputs: [{ output_type: "stream", name: "stdout", text }],
      },
    ],
  });
  const dialog = await chooseFiles(page, [{ name: "long.ipynb", text: long }]);
  await trustAndUpload(dialog, 1);
  await dialog.getByRole("button", { name: "Close" }).click();
  await page.getByRole("link", { name: "long.ipynb" }).click();
  assert.ok(LONG_LINES > FOLD_OUTPUT_LINES);
  const control = page.getByText(`Long output: ${LONG_LINES.toLocaleString("en")} lines (show all)`);
  await control.waitFor();
  // Folded: its start is there to read, the rest is not.
  const start = page.locator(".vt-fold-preview");
  assert.equal((await start.innerText()).split("\n").at(-1), `progress line ${FOLD_PREVIEW_LINES}`);
  const whole = page.locator(".vt-fold pre");
  assert.equal(await whole.isVisible(), false, "folded");
  await control.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}workspace-long-output-folded.png` });
  await control.click();
  await whole.waitFor({ state: "visible" });
  assert.equal(await start.isVisible(), false, "the start is not shown twice");
  const lines = (await whole.innerText()).trimEnd().split("\n");
  assert.equal(lines.length, LONG_LINES);
  assert.equal(lines.at(-1), `progress line ${LONG_LINES}`);
  await assertClean(watched);
  await page.close();
});

test("the keyboard alone: Tab reaches a file with a visible focus, Enter opens it, Escape closes the upload dialog", async () => {
  const watched = await openPage(ada);
  const { page } = watched;
  await openWorkspace(page);
  let focused = "";
  for (let presses = 0; presses < 40 && !focused.includes("/f/"); presses++) {
    await page.keyboard.press("Tab");
    focused = await page.evaluate(() =>
      document.activeElement instanceof HTMLAnchorElement ? (document.activeElement.getAttribute("href") ?? "") : "",
    );
  }
  assert.match(focused, /\/f\//, "Tab reaches a file's link");
  const ring = await page.evaluate(() => {
    const style = getComputedStyle(document.activeElement!);
    return {
      outline: style.outlineStyle === "none" ? "none" : `${style.outlineStyle} ${style.outlineWidth}`,
      shadow: style.boxShadow,
    };
  });
  assert.ok(ring.outline !== "none" || ring.shadow !== "none", `the focus is visible: ${JSON.stringify(ring)}`);
  const name = await page.evaluate(() => document.activeElement!.textContent ?? "");
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => decodeURIComponent(url.pathname).endsWith(`/f/${name}`));
  await page.getByRole("navigation", { name: "Breadcrumb" }).getByText(name).waitFor();

  await page.goBack();
  await page.getByRole("heading", { name: WORKSPACE }).waitFor();
  // The picker opens from the keyboard too: Tab to "Upload files…", then Space.
  const input = page.getByLabel("Upload files…");
  const focusUpload = async () => {
    for (let presses = 0; presses < 40 && !(await input.evaluate((el) => el === document.activeElement)); presses++)
      await page.keyboard.press("Tab");
    assert.equal(await input.evaluate((el) => el === document.activeElement), true, "Tab reaches the upload");
  };
  await focusUpload();
  // Space opens the picker. In one full run on a loaded machine the first press opened none (never when this file ran
  // alone), so the person gets one more try; the picker must open from the keyboard either way.
  let chooser = await Promise.all([
    page.waitForEvent("filechooser", { timeout: 10_000 }).catch(() => null),
    page.keyboard.press("Space"),
  ]).then(([c]) => c);
  if (!chooser) {
    await focusUpload();
    chooser = (await Promise.all([page.waitForEvent("filechooser"), page.keyboard.press("Space")]))[0];
  }
  await chooser.setFiles({ name: "later.py", mimeType: "text/x-python", buffer: Buffer.from("print('later')\n") });
  const dialog = page.getByRole("dialog", { name: "Upload a file" });
  await dialog.waitFor();
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  assert.equal(await input.evaluate((el) => el === document.activeElement), true, "the focus is back where it was");
  assert.equal(await page.getByRole("link", { name: "later.py" }).count(), 0, "nothing was uploaded");
  await assertClean(watched);
  await page.close();
});

test("on a phone-sized screen the workspace and a notebook fit the width, in light and in dark", async () => {
  const watched = await openPage(ada);
  const { page } = watched;
  await page.setViewportSize({ width: 390, height: 844 });
  const fits = () => page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth }));
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await openWorkspace(page);
    await page.getByRole("link", { name: "alpha.ipynb" }).waitFor();
    const workspace = await fits();
    assert.ok(
      workspace.scrollWidth <= workspace.innerWidth,
      `the workspace page fits (${scheme}): ${JSON.stringify(workspace)}`,
    );
    await page.screenshot({ path: `${SHOTS}workspace-phone-${scheme}.png` });
    const dialog = await chooseFiles(page, [
      { name: "a-rather-long-notebook-name-from-a-phone.ipynb", text: notebook("Phone") },
    ]);
    await dialog.getByText("Nothing found that needs a closer look.").waitFor();
    const withDialog = await fits();
    assert.ok(
      withDialog.scrollWidth <= withDialog.innerWidth,
      `the upload dialog fits (${scheme}): ${JSON.stringify(withDialog)}`,
    );
    const box = await dialog.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `the dialog is on the screen: ${JSON.stringify(box)}`);
    await page.screenshot({ path: `${SHOTS}upload-phone-${scheme}.png` });
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });

    await page.getByRole("link", { name: "alpha.ipynb" }).click();
    await page.getByRole("heading", { name: "Second draft" }).waitFor();
    await page.getByText(/Version 2 of 2/).waitFor();
    const notebookPage = await fits();
    assert.ok(
      notebookPage.scrollWidth <= notebookPage.innerWidth,
      `the notebook page fits (${scheme}): ${JSON.stringify(notebookPage)}`,
    );
    await page.screenshot({ path: `${SHOTS}notebook-phone-${scheme}.png` });
  }
  await assertClean(watched);
  await page.close();
});

test("after all of it, the studio's origin keeps nothing that script could read: no web storage, IndexedDB, cache, worker or readable cookie", async () => {
  for (const [name, browser] of [
    ["ada", ada],
    ["bob", bob],
  ] as const) {
    const { page } = await openPage(browser);
    await openWorkspace(page);
    await page.getByRole("link", { name: "alpha.ipynb" }).click();
    await page.getByRole("heading", { name: "Second draft" }).waitFor();
    const kept = await page.evaluate(async () => ({
      origin: location.origin,
      localStorage: Object.keys(localStorage),
      sessionStorage: Object.keys(sessionStorage),
      cookie: document.cookie,
      indexedDB: (await indexedDB.databases()).map((db) => db.name),
      caches: typeof caches === "undefined" ? [] : await caches.keys(),
      serviceWorkers: (await navigator.serviceWorker.getRegistrations()).length,
    }));
    assert.equal(kept.origin, studio.app);
    assert.deepEqual(
      kept,
      {
        origin: studio.app,
        localStorage: [],
        sessionStorage: [],
        cookie: "",
        indexedDB: [],
        caches: [],
        serviceWorkers: 0,
      },
      `${name}'s browser`,
    );
    // The browser's own account of the origin's storage agrees, frames and workers included.
    const cdp = await browser.context.newCDPSession(page);
    const { usageBreakdown } = (await cdp.send("Storage.getUsageAndQuota", { origin: studio.app })) as {
      usageBreakdown: { storageType: string; usage: number }[];
    };
    assert.deepEqual(
      usageBreakdown.filter((entry) => entry.usage > 0),
      [],
      `${name}'s browser: storage the origin uses`,
    );
    await cdp.detach();
    await page.close();
  }
});

const sizeText = (text: string) => formatSize(Buffer.byteLength(text));

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Clicks the page's download link and reads what the browser saved. */
async function download(page: Page): Promise<Buffer> {
  const saved = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download this version" }).click();
  const path = await (await saved).path();
  return readFileSync(path);
}
