// The editor's help from the kernel and the system clipboard, in Debian's Chromium against a real studio and a
// real python3 kernel: Tab completes a name the kernel defined (with an emoji before the cursor, whose offsets the
// protocol counts in code points), lists `os.pa…` and picks from the list, Shift-Tab shows `len`'s docstring, and
// Escape closes the list and the tooltip without leaving the cell. Ctrl-C in command mode copies two cells that
// Ctrl-V pastes into another notebook's page; hostile clipboard contents stay text, and a clipboard of 100,000
// cells or of the wrong shape is refused with a visible message. No CSP or Trusted Types violation throughout.
// Screenshots of the list and the tooltip, light and dark, go to /tmp.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { codeNotebook, editorText } from "./editor-session.ts";
import { launchBrowser, type Browser } from "./browser.ts";
import { markScript } from "./hostile-marker.ts";
import { startBrowserStudio, type BrowserStudio } from "./running-studio.ts";
import { createWorkspace, pageApi, pagePostFiles, signIn } from "./studio-session.ts";
import {
  assertPageClean,
  inertParseRefusals,
  instrumentPage,
  pageRecord,
  readPolicies,
  watchConsole,
} from "./studio-page-watch.ts";

const PASSWORD = "assist test password";
const SHOTS = "/tmp";
const KERNEL_TIMEOUT = 60_000;
let studio: BrowserStudio;
let browser: Browser;
let workspace = "";

async function upload(page: Page, name: string, notebook: unknown): Promise<string> {
  const answer = await pagePostFiles(
    page,
    `/api/workspaces/${workspace}/files`,
    [{ name, base64: Buffer.from(JSON.stringify(notebook)).toString("base64") }],
    "trusted-source-v1",
  );
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return `${studio.app}/w/${workspace}/f/${name}`;
}

async function openEditor(page: Page, url: string): Promise<void> {
  await page.goto(`${url}?edit=1`);
  await page.locator(".vt-editor").waitFor();
  await page.locator(".vt-ed-cell .cm-content").first().waitFor();
}

const cellContent = (page: Page, id: string) => page.locator(`.vt-ed-cell[data-cell-id="${id}"] .cm-content`);
const status = (page: Page) => page.locator(".vt-ed-status");
const completionList = (page: Page) => page.locator(".cm-tooltip-autocomplete");
const inspectTooltip = (page: Page) => page.locator(".cm-vt-inspect");
const cellSources = (page: Page) =>
  page.locator(".vt-ed-cell").evaluateAll((cells) =>
    cells.map((cell) =>
      [...cell.querySelectorAll(".vt-ed-cm")]
        .flatMap((host) => [...(host.shadowRoot?.querySelectorAll(".cm-line") ?? [])])
        .map((l) => l.textContent ?? "")
        .join("\n"),
    ),
  );

/** Waits for the cells' sources to be these (an editor is made a moment after its cell comes near the view). */
async function waitForSources(page: Page, expected: string[]): Promise<void> {
  let last: string[] = [];
  for (let i = 0; i < 50; i++) {
    last = await cellSources(page);
    if (JSON.stringify(last) === JSON.stringify(expected)) return;
    await page.waitForTimeout(100);
  }
  assert.deepEqual(last, expected);
}

/** Puts items on the system clipboard as any page could: a copy event of its own, from a real Ctrl-C. */
async function putOnClipboard(page: Page, kind: "hostile" | "many" | "wrong-shape"): Promise<void> {
  await page.evaluate(
    ({ kind, mark }) => {
      const img = `<img src=x onerror=${mark}>`;
      const payload =
        kind === "hostile"
          ? {
              nbformat: 4,
              cells: [
                { cell_type: "markdown", source: [`# Pasted\n`, img], metadata: {} },
                {
                  cell_type: "code",
                  source: img,
                  metadata: {},
                  outputs: [{ output_type: "display_data", data: { "text/html": [img] }, metadata: {} }],
                },
              ],
            }
          : kind === "many"
            ? { nbformat: 4, cells: Array.from({ length: 100_000 }, () => ({ cell_type: "code", source: "x" })) }
            : { cells: "not a list" };
      const put = (event: ClipboardEvent) => {
        event.clipboardData?.setData("text/plain", "plain text");
        event.clipboardData?.setData("application/x-vitrine-cells+json", JSON.stringify(payload));
        event.preventDefault();
        event.stopImmediatePropagation();
        window.removeEventListener("copy", put, true);
      };
      window.addEventListener("copy", put, true);
    },
    { kind, mark: markScript("pasted") },
  );
  await page.keyboard.press("Control+c");
}

before(async () => {
  studio = await startBrowserStudio([{ name: "ada", password: PASSWORD }]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await studio?.close();
});

test("Tab completes from the kernel, Shift-Tab shows its help, Escape closes them and the cell stays in edit mode", async () => {
  const page = await browser.context.newPage();
  await instrumentPage(page);
  const policies = await readPolicies(studio.app, studio.content);
  await signIn(page, studio.app, "ada", PASSWORD);
  const consoleWatch = watchConsole(page, policies, studio.content);
  workspace = await createWorkspace(page, "Assist");
  const url = await upload(
    page,
    "assist.ipynb",
    codeNotebook([
      { id: "define", source: "alpha_value = 1" },
      { id: "work", source: "" },
    ]),
  );
  await openEditor(page, url);

  // No kernel yet: Tab asks nothing and starts none; it indents, as in a cell without the kernel's help.
  const work = cellContent(page, "work");
  await work.click();
  await page.keyboard.type("alpha_");
  await page.keyboard.press("Tab");
  await page.waitForTimeout(300);
  assert.equal(await editorText(work), "    alpha_");
  assert.equal(await completionList(page).count(), 0);
  assert.doesNotMatch(await status(page).innerText(), /kernel/);
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Delete");

  // Run the definition: the page starts the file's kernel.
  await cellContent(page, "define").click();
  await page.keyboard.press("Control+Enter");
  await page.locator('.vt-ed-cell[data-cell-id="define"] .vt-ed-prompt').getByText("[1]:").waitFor({
    timeout: KERNEL_TIMEOUT,
  });

  // One match is inserted at once, after an emoji (two UTF-16 units, one code point).
  await work.click();
  await page.keyboard.type('s = "😀"; alpha_');
  await page.keyboard.press("Tab");
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('.vt-ed-cell[data-cell-id="work"] .vt-ed-cm')].some((h) =>
        h.shadowRoot?.textContent?.includes("alpha_value"),
      ),
    undefined,
    { timeout: 10_000 },
  );
  assert.equal(await editorText(work), 's = "😀"; alpha_value');
  assert.match(await status(page).innerText(), /Edit mode/);

  // Several: a list. Arrows move in it, typing filters it, Tab picks.
  await page.keyboard.type("\nimport os\nos.pa");
  await page.keyboard.press("Tab");
  await completionList(page).waitFor({ timeout: 10_000 });
  const options = await completionList(page).locator("li .cm-completionLabel").allInnerTexts();
  assert.ok(options.includes("path") && options.includes("pardir"), options.join(", "));
  await page.screenshot({ path: `${SHOTS}/vitrine-assist-completion-light.png` });
  await page.waitForTimeout(100);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.type("t");
  assert.equal(await completionList(page).locator("li[aria-selected] .cm-completionLabel").innerText(), "path");
  await page.keyboard.press("Tab");
  await completionList(page).waitFor({ state: "detached" });
  assert.equal(await editorText(work), 's = "😀"; alpha_value\nimport os\nos.path');

  // Escape closes an open list and the cell stays in edit mode, the cursor in it.
  await page.keyboard.type("\nos.pa");
  await page.keyboard.press("Tab");
  await completionList(page).waitFor({ timeout: 10_000 });
  await page.keyboard.press("Escape");
  await completionList(page).waitFor({ state: "detached" });
  assert.match(await status(page).innerText(), /Edit mode/);
  await page.keyboard.type("rdir");
  assert.match(await editorText(work), /\nos\.pardir$/);

  // Shift-Tab: the kernel's help for len, as text, in a tooltip; Escape closes it, still in edit mode.
  await page.keyboard.type("\nlen(");
  await page.keyboard.press("Shift+Tab");
  await inspectTooltip(page).waitFor({ timeout: 10_000 });
  const help = await inspectTooltip(page).innerText();
  assert.match(help, /Return the number of items in a container/);
  assert.ok(!help.includes("\u001b"), "no escape character reaches the page");
  assert.equal(await inspectTooltip(page).locator("*:not(span)").count(), 0, "only spans of text");
  await page.screenshot({ path: `${SHOTS}/vitrine-assist-inspect-light.png` });
  await page.keyboard.press("Escape");
  await inspectTooltip(page).waitFor({ state: "detached" });
  assert.match(await status(page).innerText(), /Edit mode/);
  // Typing closes it too.
  await page.keyboard.press("Shift+Tab");
  await inspectTooltip(page).waitFor({ timeout: 10_000 });
  await page.keyboard.type("'abc')");
  await inspectTooltip(page).waitFor({ state: "detached" });
  assert.match(await editorText(work), /\nlen\('abc'\)$/);
  // And Escape without a list or tooltip leaves the cell, as before.
  await page.keyboard.press("Escape");
  assert.match(await status(page).innerText(), /Command mode/);

  await assertPageClean(page, consoleWatch);
  consoleWatch.stop();
  await page.close();
});

test("the kernel socket passes on the kinds IPython gives its completions, bounded", async () => {
  const page = await browser.context.newPage();
  await signIn(page, studio.app, "ada", PASSWORD);
  workspace = await createWorkspace(page, "Kinds");
  await upload(page, "kinds.ipynb", codeNotebook([{ id: "one", source: "" }]));
  const started = await pageApi(page, "POST", `/api/workspaces/${workspace}/kernels`, { path: "kinds.ipynb" });
  assert.equal(started.status, 201, JSON.stringify(started));
  const kernel = (started.body as { id: string }).id;
  const complete = (source: string) =>
    page.evaluate(
      async ({ ws, kernel, source }) => {
        const { csrfToken } = (await (await fetch("/api/session")).json()) as { csrfToken: string };
        const socket = new WebSocket(`${location.origin.replace("http", "ws")}/api/kernels/socket?ws=${ws}`);
        return new Promise<unknown>((resolve, reject) => {
          setTimeout(() => reject(new Error("no answer")), 20_000);
          socket.onopen = () => socket.send(JSON.stringify({ type: "hello", csrf: csrfToken }));
          socket.onmessage = (event) => {
            const message = JSON.parse(String(event.data)) as { type: string };
            if (message.type === "ready")
              socket.send(JSON.stringify({ type: "complete", id: "c1", kernel, source, cursor: [...source].length }));
            if (message.type === "complete_reply" || message.type === "error") {
              socket.close();
              resolve(message);
            }
          };
        });
      },
      { ws: workspace, kernel, source },
    ) as Promise<{ type: string; matches: string[]; types?: { text: string; type: string }[] }>;
  const answer = await complete("import os\nos.pa");
  assert.equal(answer.type, "complete_reply", JSON.stringify(answer));
  assert.ok(answer.matches.includes("path"));
  assert.ok(answer.types, "the kinds are passed on");
  assert.equal(typeof answer.types.find((t) => t.text === "path")?.type, "string");
  assert.ok(answer.types.length <= answer.matches.length);
  // A name longer than the bound on a kind's text is completed, and its kind left out (never cut), where a short
  // one has its kind.
  const short = await complete("v_short = 1\nv_s");
  assert.ok(
    short.types?.some((t) => t.text === "v_short"),
    JSON.stringify(short),
  );
  const long = `v_${"x".repeat(1100)}`;
  const bounded = await complete(`${long} = 1\nv_x`);
  assert.ok(bounded.matches.includes(long), JSON.stringify(bounded).slice(0, 300));
  assert.ok(!(bounded.types ?? []).some((t) => t.text.startsWith("v_x")));
  await page.close();
});

test("cells copied with Ctrl-C paste into another notebook's page; hostile or oversized clipboards are refused or inert", async () => {
  const page = await browser.context.newPage();
  await instrumentPage(page);
  await signIn(page, studio.app, "ada", PASSWORD);
  workspace = await createWorkspace(page, "Clipboard");
  const first = await upload(
    page,
    "from.ipynb",
    codeNotebook([
      { id: "a", source: "x = 1\nprint(x)" },
      { id: "b", source: "y = 2" },
      { id: "c", source: "z = 3" },
    ]),
  );
  const second = await upload(page, "into.ipynb", codeNotebook([{ id: "only", source: "first = True" }]));
  await openEditor(page, first);
  await cellContent(page, "a").click();
  await page.keyboard.press("Escape");
  await page.keyboard.press("Shift+ArrowDown");
  await page.keyboard.press("Control+c");

  const other = await browser.context.newPage();
  await instrumentPage(other);
  await openEditor(other, second);
  await cellContent(other, "only").click();
  await other.keyboard.press("Escape");
  await other.keyboard.press("Control+v");
  await waitForSources(other, ["first = True", "x = 1\nprint(x)", "y = 2"]);
  const ids = await other.locator(".vt-ed-cell").evaluateAll((n) => n.map((c) => (c as HTMLElement).dataset.cellId));
  assert.ok(!ids.includes("a") && !ids.includes("b"), "pasted cells get new ids");
  assert.match(await other.locator(".vt-ed-status").innerText(), /unsaved changes/);
  // The in-app clipboard is its own: V pastes nothing here (nothing was copied with C in this page).
  await other.keyboard.press("v");
  assert.equal(await other.locator(".vt-ed-cell").count(), 3);
  // Ctrl-Z undoes the paste as one operation (Z in command mode).
  await other.keyboard.press("z");
  await waitForSources(other, ["first = True"]);

  // Plain text from elsewhere becomes one code cell.
  await other.evaluate(() => {
    const put = (event: ClipboardEvent) => {
      event.clipboardData?.setData("text/plain", "from = 'a text editor'\nprint(from)");
      event.preventDefault();
      event.stopImmediatePropagation();
      window.removeEventListener("copy", put, true);
    };
    window.addEventListener("copy", put, true);
  });
  await other.keyboard.press("Control+c");
  await other.keyboard.press("Control+v");
  await waitForSources(other, ["first = True", "from = 'a text editor'\nprint(from)"]);

  // Markup and script in pasted cells stay text; their outputs are dropped.
  await putOnClipboard(other, "hostile");
  await other.keyboard.press("Control+v");
  await other.locator(".vt-ed-cell").nth(3).waitFor();
  const pastedMarkdown = other.locator(".vt-ed-cell").nth(2);
  await pastedMarkdown.locator(".vt-ed-rendered h1").getByText("Pasted").waitFor();
  const pastedCode = other.locator(".vt-ed-cell").nth(3);
  // Editors are made a few a frame as cells come near: wait for this one's.
  await pastedCode.locator(".cm-content .cm-line").first().waitFor();
  assert.equal(await editorText(pastedCode.locator(".cm-content")), `<img src=x onerror=${markScript("pasted")}>`);
  assert.equal(await pastedCode.locator(".vt-ed-outputs > *").count(), 0);
  await other.waitForTimeout(300);

  // 100,000 cells, or a clipboard of the wrong shape: refused, said so, and nothing changes.
  await putOnClipboard(other, "many");
  await other.keyboard.press("Control+v");
  const refusal = other.getByRole("alert").filter({ hasText: "Not pasted" });
  await refusal.getByText(/100000 cells; at most 1000 are pasted at once/).waitFor();
  assert.equal(await other.locator(".vt-ed-cell").count(), 4);
  await putOnClipboard(other, "wrong-shape");
  await other.keyboard.press("Control+v");
  await refusal.getByText(/not an nbformat 4 notebook \(clipboard_bad_shape\)/).waitFor();
  assert.equal(await other.locator(".vt-ed-cell").count(), 4);
  await other.screenshot({ path: `${SHOTS}/vitrine-assist-paste-refused.png` });

  // Ctrl-X cuts: the cell leaves the first notebook and pastes into the second.
  await page.bringToFront();
  await cellContent(page, "c").click();
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+x");
  await waitForSources(page, ["x = 1\nprint(x)", "y = 2"]);
  await other.bringToFront();
  await other.keyboard.press("Control+v");
  await other.locator(".vt-ed-cell").nth(4).locator(".cm-content .cm-line").first().waitFor();
  assert.equal((await cellSources(other)).at(-1), "z = 3");

  const record = await pageRecord(other);
  assert.deepEqual(record.hits, [], "nothing pasted ran in the page");
  const { others } = inertParseRefusals(record.violations, studio.app, `<img src=x onerror=${markScript("pasted")}>`);
  assert.deepEqual(others, [], "only the sanitizer's inert parse refused the pasted markdown's handler");
  assert.deepEqual((await pageRecord(page)).violations, []);
  await other.close();
  await page.close();
});

test("the completion list and the help tooltip in the dark scheme", async () => {
  const dark = await launchBrowser({ colorScheme: "dark" });
  try {
    const page = await dark.context.newPage();
    await instrumentPage(page);
    await signIn(page, studio.app, "ada", PASSWORD);
    workspace = await createWorkspace(page, "Dark");
    const url = await upload(
      page,
      "dark.ipynb",
      codeNotebook([
        { id: "define", source: "alpha_value = 1" },
        { id: "work", source: "" },
      ]),
    );
    await openEditor(page, url);
    await cellContent(page, "define").click();
    await page.keyboard.press("Control+Enter");
    await page
      .locator('.vt-ed-cell[data-cell-id="define"] .vt-ed-prompt')
      .getByText(/\[\d+\]:/)
      .waitFor({
        timeout: KERNEL_TIMEOUT,
      });
    const work = cellContent(page, "work");
    await work.click();
    await page.keyboard.type("import os\nos.pa");
    await page.keyboard.press("Tab");
    await completionList(page).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: `${SHOTS}/vitrine-assist-completion-dark.png` });
    await page.keyboard.press("Escape");
    await page.keyboard.type("\nprint(");
    await page.keyboard.press("Shift+Tab");
    await inspectTooltip(page).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: `${SHOTS}/vitrine-assist-inspect-dark.png` });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(200);
    await page.screenshot({ path: `${SHOTS}/vitrine-assist-inspect-phone.png` });
    const box = await inspectTooltip(page).boundingBox();
    assert.ok(
      box && box.x >= 0 && box.x + box.width <= 390,
      `the tooltip fits a phone's width (${JSON.stringify(box)})`,
    );
    assert.deepEqual((await pageRecord(page)).violations, []);
  } finally {
    await dark.close();
  }
});
