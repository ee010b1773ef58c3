// New notebooks and scripts from the workspace view, Rename from a file's header, and what a viewer gets, in Debian's
// Chromium against a real studio with real Python kernels: an editor makes a notebook, lands in the editor, runs
// print(6*7), saves, renames it to answer.ipynb (refused while a change is unsaved), and finds the saved cell at the
// new address after a reload; a new script likewise; a viewer sees no New, Rename, Run or Save control on the same
// pages. Screenshots of the dialogs (light, dark, phone width) go to /tmp.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { editorText } from "./editor-session.ts";
import { launchBrowser, type Browser } from "./browser.ts";
import { startBrowserStudio, type BrowserStudio } from "./running-studio.ts";
import { createWorkspace, pageApi, signIn } from "./studio-session.ts";

const PASSWORD = "files edit test password";
const SHOTS = "/tmp";
let studio: BrowserStudio;
let browser: Browser;
let workspace = "";

before(async () => {
  studio = await startBrowserStudio([
    { name: "ada", password: PASSWORD },
    { name: "vic", password: PASSWORD },
  ]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await studio?.close();
});

const cellEditor = (page: Page) => page.locator(".vt-ed-cell .cm-content").first();
const cellText = (page: Page) => editorText(cellEditor(page));
const pathOf = (page: Page) => decodeURIComponent(new URL(page.url()).pathname + new URL(page.url()).search);

async function kernelPaths(page: Page): Promise<string[]> {
  const answer = await pageApi(page, "GET", `/api/workspaces/${workspace}/kernels`);
  return (answer.body as { kernels: { path: string; state: string }[] }).kernels
    .filter((k) => k.state !== "dead")
    .map((k) => k.path);
}

test("an editor makes a notebook, runs and saves it, renames it from the header, and finds it after a reload", async () => {
  const page = await browser.context.newPage();
  await signIn(page, studio.app, "ada", PASSWORD);
  workspace = await createWorkspace(page, "Files");
  const member = await pageApi(page, "POST", `/api/workspaces/${workspace}/members`, {
    username: "vic",
    role: "viewer",
  });
  assert.equal(member.status, 201, JSON.stringify(member.body));
  // A file named as the first suggestion would be: the dialog suggests the next one.
  const taken = await pageApi(page, "POST", `/api/workspaces/${workspace}/new-file`, {
    path: "Untitled.ipynb",
    kind: "notebook",
  });
  assert.equal(taken.status, 201);

  await page.goto(`${studio.app}/w/${workspace}`);
  await page.getByRole("button", { name: "New notebook" }).click();
  const dialog = page.getByRole("dialog", { name: "New notebook" });
  await dialog.waitFor();
  const name = dialog.getByLabel("Name");
  assert.equal(await name.inputValue(), "Untitled1.ipynb");
  assert.equal(
    await name.evaluate((input: HTMLInputElement) => input.value.slice(input.selectionStart!, input.selectionEnd!)),
    "Untitled1",
  );
  assert.equal(await dialog.getByLabel("Folder").inputValue(), "");

  // The server's name rules: its refusal is shown next to the name, and the field is marked.
  await name.fill("con.ipynb");
  await dialog.getByRole("button", { name: "Create" }).click();
  const refusal = dialog.locator(".vt-field-error");
  await refusal.waitFor();
  assert.match(await refusal.innerText(), /reserved device name/);
  assert.equal(await name.getAttribute("aria-invalid"), "true");
  assert.equal(await name.getAttribute("aria-describedby"), await refusal.getAttribute("id"));
  await page.screenshot({ path: `${SHOTS}/vitrine-new-notebook-error-light.png` });
  await name.fill("Untitled.ipynb");
  await dialog.getByRole("button", { name: "Create" }).click();
  assert.match(await refusal.innerText(), /already exists/);

  await name.fill("Untitled1.ipynb");
  await page.screenshot({ path: `${SHOTS}/vitrine-new-notebook-light.png` });
  await dialog.getByRole("button", { name: "Create" }).click();
  await page.waitForURL(/\/f\/Untitled1\.ipynb\?edit=1$/);
  await page.locator(".vt-editor").waitFor();
  await cellEditor(page).click();
  await page.keyboard.type("print(6*7)");
  await page.keyboard.press("Shift+Enter");
  await page.locator(".vt-ed-cell").first().getByText("42", { exact: true }).waitFor({ timeout: 60_000 });

  // An unsaved change: the rename asks for a save first and changes nothing.
  await page.getByRole("button", { name: "Rename" }).click();
  const rename = page.getByRole("dialog", { name: /^Rename/ });
  await rename.getByText(/changes that are not saved/).waitFor();
  await rename.getByLabel("New name").fill("answer.ipynb");
  await rename.getByRole("button", { name: "Rename" }).click();
  await rename.getByText(/changes that are not saved/).waitFor();
  assert.match(pathOf(page), /\/f\/Untitled1\.ipynb\?edit=1$/);
  await rename.getByRole("button", { name: "Cancel" }).click();
  await rename.waitFor({ state: "detached" });

  // The closed dialog gave the focus back to Rename; the editor's keys work inside the editor.
  await cellEditor(page).click();
  await page.keyboard.press("Control+s");
  await page.getByText(/^Saved as version 2 at /).waitFor();
  await page.getByRole("button", { name: "Rename" }).click();
  const field = rename.getByLabel("New name");
  // The name without its extension is selected, ready to type over.
  assert.equal(
    await field.evaluate((input: HTMLInputElement) => input.value.slice(input.selectionStart!, input.selectionEnd!)),
    "Untitled1",
  );
  await field.fill("answer.py");
  await rename.getByRole("button", { name: "Rename" }).click();
  await rename
    .locator(".vt-field-error")
    .getByText(/must end in \.ipynb/)
    .waitFor();
  await field.fill("answer.ipynb");
  await page.screenshot({ path: `${SHOTS}/vitrine-rename-light.png` });
  await rename.getByRole("button", { name: "Rename" }).click();
  await page.waitForURL(/\/f\/answer\.ipynb\?edit=1$/);
  await page.locator(".vt-editor").waitFor();
  assert.equal(await page.locator('nav[aria-label="Breadcrumb"] [aria-current="page"]').innerText(), "answer.ipynb");
  // The kernel followed the file.
  assert.deepEqual(await kernelPaths(page), ["answer.ipynb"]);

  await page.reload();
  await page.locator(".vt-editor").waitFor();
  assert.equal(await cellText(page), "print(6*7)");
  const details = await pageApi(page, "GET", `/api/workspaces/${workspace}/files/answer.ipynb`);
  assert.deepEqual(
    (details.body as { versions: { version: number }[] }).versions.map((v) => v.version),
    [2, 1],
  );
  assert.equal((await pageApi(page, "GET", `/api/workspaces/${workspace}/files/Untitled1.ipynb`)).status, 404);
  await page.close();
});

test("an editor makes a script in the folder being viewed, runs and saves it, and renames it", async () => {
  const page = await browser.context.newPage();
  await signIn(page, studio.app, "ada", PASSWORD);
  await page.goto(`${studio.app}/w/${workspace}?folder=tools`);
  await page.getByRole("button", { name: "New script" }).click();
  const dialog = page.getByRole("dialog", { name: "New script" });
  const name = dialog.getByLabel("Name");
  assert.equal(await name.inputValue(), "untitled.py");
  assert.equal(await dialog.getByLabel("Folder").inputValue(), "tools");
  await dialog.getByLabel("Language").selectOption(".jl");
  assert.equal(await name.inputValue(), "untitled.jl");
  await dialog.getByLabel("Language").selectOption(".py");
  assert.equal(await name.inputValue(), "untitled.py");
  await page.screenshot({ path: `${SHOTS}/vitrine-new-script-light.png` });
  await dialog.getByRole("button", { name: "Create" }).click();
  await page.waitForURL(/\/f\/tools\/untitled\.py\?edit=1$/);

  const text = page.getByRole("textbox", { name: "tools/untitled.py" });
  await text.click();
  await page.keyboard.type("print(6*7)");
  await page.getByRole("button", { name: "▶ Run" }).click();
  await page.locator(".vt-script-outputs").getByText("42", { exact: true }).waitFor({ timeout: 60_000 });
  await text.press("Control+s");
  await page.getByText(/^Saved as version 2 at /).waitFor();
  await page.screenshot({ path: `${SHOTS}/vitrine-script-editor-light.png` });

  await page.getByRole("button", { name: "Rename" }).click();
  const rename = page.getByRole("dialog", { name: /^Rename/ });
  await rename.getByLabel("New name").fill("tools/answer.py");
  await rename.getByRole("button", { name: "Rename" }).click();
  await page.waitForURL(/\/f\/tools\/answer\.py\?edit=1$/);
  await page.reload();
  assert.equal(await page.getByRole("textbox", { name: "tools/answer.py" }).inputValue(), "print(6*7)");
  assert.ok((await kernelPaths(page)).includes("tools/answer.py"));

  // From a reading page, the page follows in place to the new address, and Back does not lead to the old one.
  await page.goto(`${studio.app}/w/${workspace}`);
  await page.getByRole("link", { name: "Untitled.ipynb" }).click();
  await page.getByRole("button", { name: "Rename" }).click();
  await page
    .getByRole("dialog", { name: /^Rename/ })
    .getByLabel("New name")
    .fill("first.ipynb");
  await page
    .getByRole("dialog", { name: /^Rename/ })
    .getByRole("button", { name: "Rename" })
    .click();
  await page.waitForURL(/\/f\/first\.ipynb$/);
  await page.locator(".vt-cells .vt-cell").first().waitFor();
  assert.equal(await page.locator('nav[aria-label="Breadcrumb"] [aria-current="page"]').innerText(), "first.ipynb");
  await page.goBack();
  await page.waitForURL(new RegExp(`/w/${workspace}$`));
  await page.close();
});

test("a viewer sees no New, Rename, Run or Save control, and the edit address gives the reading page", async () => {
  const other = await launchBrowser();
  try {
    const page = await other.context.newPage();
    await signIn(page, studio.app, "vic", PASSWORD);
    await page.goto(`${studio.app}/w/${workspace}`);
    await page.getByRole("link", { name: "answer.ipynb" }).waitFor();
    for (const label of ["New notebook", "New script", "Upload files…"])
      assert.equal(await page.getByRole("button", { name: label }).count(), 0, label);
    assert.equal(await page.getByText("Upload files…").count(), 0);

    await page.goto(`${studio.app}/w/${workspace}/f/answer.ipynb?edit=1`);
    await page.locator(".vt-cells .vt-cell").first().waitFor();
    await page.locator(".vt-file-info[aria-busy=false]").waitFor();
    assert.equal(await page.locator(".vt-editor").count(), 0);
    for (const label of [/Rename/, /Run/, /Save/])
      assert.equal(await page.getByRole("button", { name: label }).count(), 0, String(label));

    await page.goto(`${studio.app}/w/${workspace}/f/tools/answer.py?edit=1`);
    await page.locator(".vt-file-info[aria-busy=false]").waitFor();
    const contents = page.getByRole("region", { name: "Contents of tools/answer.py" });
    await contents.waitFor();
    assert.equal(await contents.locator(".vt-line").first().innerText(), "print(6*7)");
    assert.equal(await page.getByRole("textbox").count(), 0);
    for (const label of [/Rename/, /Run/, /Save/])
      assert.equal(await page.getByRole("button", { name: label }).count(), 0, String(label));
  } finally {
    await other.close();
  }
});

test("the dialogs in dark mode and at a phone's width", async () => {
  for (const [scheme, width] of [
    ["dark", 1200],
    ["light", 390],
    ["dark", 390],
  ] as const) {
    const other = await launchBrowser({ colorScheme: scheme });
    try {
      const page = await other.context.newPage();
      await page.setViewportSize({ width, height: 800 });
      await signIn(page, studio.app, "ada", PASSWORD);
      await page.goto(`${studio.app}/w/${workspace}`);
      await page.getByRole("button", { name: "New script" }).waitFor();
      await page.screenshot({ path: `${SHOTS}/vitrine-workspace-new-${scheme}-${width}.png` });
      await page.getByRole("button", { name: "New script" }).click();
      const dialog = page.getByRole("dialog", { name: "New script" });
      await dialog.getByLabel("Name").fill("bad:name.py");
      await dialog.getByRole("button", { name: "Create" }).click();
      await dialog.locator(".vt-field-error").waitFor();
      const box = await dialog.boundingBox();
      assert.ok(
        box && box.x >= 0 && box.x + box.width <= width,
        `the dialog fits in ${width}px: ${JSON.stringify(box)}`,
      );
      await page.screenshot({ path: `${SHOTS}/vitrine-new-script-${scheme}-${width}.png` });
      await dialog.getByRole("button", { name: "Cancel" }).click();

      await page.goto(`${studio.app}/w/${workspace}/f/answer.ipynb`);
      await page.getByRole("button", { name: "Rename" }).click();
      const rename = page.getByRole("dialog", { name: /^Rename/ });
      await rename.getByLabel("New name").fill("tools/answer.py");
      await rename.getByRole("button", { name: "Rename" }).click();
      await rename.locator(".vt-field-error").waitFor();
      await page.screenshot({ path: `${SHOTS}/vitrine-rename-${scheme}-${width}.png` });
    } finally {
      await other.close();
    }
  }
});
