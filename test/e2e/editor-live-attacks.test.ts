// Live outputs of running code stay sandboxed: in Debian's Chromium against a real studio, cells run on a real
// Python kernel and display HTML, JavaScript, SVG, Markdown and LaTeX built from DOMPurify's fixture vectors,
// update displays and clear outputs with hostile payloads, try to read the editor's text, to make a cell run and
// to move the page, and flood the page with updates. Judged by what happens: the app page is instrumented before
// any of its scripts (hostile-marker.ts's marker, alert and the other dialogs, CSP and Trusted Types violations),
// its navigations, cookies and storage are compared, and what reached the server is read from the server itself
// (every upgrade request it got, and its audit log of executions). Screenshots go to /tmp.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Frame, Page } from "playwright-core";
import { KERNEL_SOCKET_PATH } from "../../src/contract/kernel-socket.ts";
import { launchBrowser, type Browser } from "./browser.ts";
import {
  codeNotebook,
  editorCell,
  focusEditor,
  openEditor,
  promptOf,
  runCell,
  uploadNotebook,
  waitInOutputFrame,
} from "./editor-session.ts";
import { markScript, pwnedMark } from "./hostile-marker.ts";
import {
  editorEscapeScript,
  floodCell,
  LATEX_VECTORS,
  svgDocument,
  vectorsCell,
  xssVectors,
} from "./live-attack-cells.ts";
import { startBrowserStudio, type BrowserStudio } from "./running-studio.ts";
import {
  inertParseRefusals,
  instrumentPage,
  pageRecord,
  readPolicies,
  watchConsole,
  type ConsoleWatch,
  type Policies,
} from "./studio-page-watch.ts";
import { createWorkspace, pageApi, signIn } from "./studio-session.ts";

const PASSWORD = "live attack test password";
const SHOTS = "/tmp";
/** Long enough to outlast the checks on a loaded machine: the test interrupts it once they are done. */
const FLOOD_SECONDS = 60;
const SECRET = `vt-secret-${randomBytes(8).toString("hex")}`;
const FILE = "live-attacks.ipynb";

let studio: BrowserStudio;
let browser: Browser;
let page: Page;
let policies: Policies;
let watch: ConsoleWatch;
let workspace = "";
let notebookText = "";
const vectors = xssVectors();
/** Every kernel socket upgrade the server was asked for, with its Origin. */
const upgrades: { url: string; origin: string | undefined }[] = [];
/** Every request the app origin got that a document of another site sent (an output frame's is such a one). */
const crossSite: string[] = [];
/** Dialogs, popups and navigations of the app page that no step of the tests made. */
const pageEvents: string[] = [];
let expectNavigation = true;
let before_: { cookies: string; storage: string };

function notebook() {
  return codeNotebook([
    { id: "secret", source: `SECRET = "${SECRET}"` },
    { id: "vectors", source: vectorsCell(vectors) },
    { id: "html", source: "for chunk in chunks(V, 8):\n    display(HTML(html_of(chunk)))" },
    {
      id: "js",
      source:
        "for chunk in chunks(V, 28):\n" +
        "    display(Javascript('document.body.insertAdjacentHTML(\"beforeend\", ' + json.dumps(html_of(chunk)) + ')'))",
    },
    {
      id: "svg",
      source:
        "SVG_DOC = " +
        JSON.stringify(svgDocument("INNER")) +
        "\nfor v in [v for v in V if '<svg' in v] + ['<img src=x>']:\n" +
        "    display({'image/svg+xml': SVG_DOC.replace('INNER', v), 'text/plain': 'svg'}, raw=True)",
    },
    { id: "markdown", source: "for chunk in chunks(V, 28):\n    display(Markdown('\\n\\n'.join(chunk)))" },
    {
      id: "latex",
      source: `for v in ${JSON.stringify(LATEX_VECTORS)} + V[:20]:\n    display(Latex(v))`,
    },
    {
      id: "update",
      source:
        "shown = display(HTML('<p>harmless</p>'), display_id=True)\n" +
        "text = display('harmless text', display_id=True)\n" +
        "for chunk in chunks(V, 56):\n" +
        "    shown.update(HTML(html_of(chunk)))\n" +
        "    text.update({'text/plain': html_of(chunk), 'text/html': html_of(chunk)}, raw=True)",
    },
    {
      id: "clear",
      source:
        "import time\n" +
        "for chunk in chunks(V, 56):\n" +
        "    clear_output(wait=True)\n" +
        "    display(HTML(html_of(chunk)))\n" +
        "    print(html_of(chunk[:3]))\n" +
        "    time.sleep(0.05)\n" +
        "clear_output(wait=True)\n" +
        `display(HTML('<p id="last">last</p><img src=x onerror=${markScript()}>'))`,
    },
    {
      id: "escape",
      source: `from IPython.display import HTML\nHTML(${JSON.stringify(`<p>escape</p><script>${editorEscapeScript({ app: studio.app, workspace, file: FILE, secret: SECRET })}</script>`)})`,
    },
    { id: "flood", source: floodCell(FLOOD_SECONDS) },
  ]);
}

before(async () => {
  studio = await startBrowserStudio([{ name: "ada", password: PASSWORD }]);
  studio.running.app.server.on("upgrade", (request: IncomingMessage) => {
    if ((request.url ?? "").startsWith(KERNEL_SOCKET_PATH))
      upgrades.push({ url: request.url ?? "", origin: request.headers.origin });
  });
  studio.running.app.server.on("request", (request: IncomingMessage) => {
    const site = request.headers["sec-fetch-site"];
    const origin = request.headers.origin;
    if (
      (site !== undefined && site !== "same-origin" && site !== "none") ||
      (origin !== undefined && origin !== studio.app)
    )
      crossSite.push(`${request.method} ${request.url} from ${origin} (${site})`);
  });
  policies = await readPolicies(studio.app, studio.content);
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await instrumentPage(page);
  // Uncaught errors of the app's own window (never a frame's: those are the outputs' business).
  await page.addInitScript(() => {
    if (window.top !== window) return;
    const errors: string[] = [];
    Object.defineProperty(window, "__vtErrors", { value: errors });
    addEventListener("error", (event) => event instanceof ErrorEvent && errors.push(String(event.message)));
    addEventListener("unhandledrejection", (event) => errors.push(String(event.reason)));
  });
  page.on("dialog", (dialog) => {
    pageEvents.push(`dialog ${dialog.type()}: ${dialog.message().slice(0, 100)}`);
    void dialog.dismiss();
  });
  page.on("popup", (popup) => pageEvents.push(`popup: ${popup.url()}`));
  browser.context.on("page", (other) => other !== page && pageEvents.push(`new page: ${other.url()}`));
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame() && !expectNavigation) pageEvents.push(`navigation: ${frame.url()}`);
  });
  await signIn(page, studio.app, "ada", PASSWORD);
  watch = watchConsole(page, policies, studio.content, { hostileMarkup: true });
  workspace = await createWorkspace(page, "Live attacks");
  const nb = notebook();
  notebookText = JSON.stringify(nb);
  const url = await uploadNotebook(page, studio.app, workspace, FILE, nb);
  expectNavigation = true;
  await openEditor(page, url);
  expectNavigation = false;
  // A value of the app's own storage, to see that no output changed or read it away.
  await page.evaluate(() => localStorage.setItem("vt-test-canary", "kept"));
  before_ = {
    cookies: JSON.stringify(await browser.context.cookies()),
    storage: await page.evaluate(() => JSON.stringify(Object.entries(localStorage).sort())),
  };
});

after(async () => {
  await browser?.close();
  await studio?.close();
});

/** Executions the server recorded for this file, from its audit log. */
async function executions(): Promise<{ cellId: string }[]> {
  const rows = await studio.running.studio.db
    .selectFrom("audit_events")
    .select(["details"])
    .where("event", "=", "cell_executed")
    .execute();
  return rows.map((r) => JSON.parse(r.details) as { cellId: string });
}

/** The frames of a cell's outputs, each brought near the viewport (frames are made only there) and loaded. */
async function outputFrames(cellId: string): Promise<{ mime: string; frame: Frame }[]> {
  const slots = editorCell(page, cellId).locator(".vt-output[data-mime]");
  const found: { mime: string; frame: Frame }[] = [];
  for (let i = 0; i < (await slots.count()); i++) {
    const slot = slots.nth(i);
    await slot.scrollIntoViewIfNeeded();
    const iframe = slot.locator("iframe.vt-frame");
    await iframe.waitFor({ timeout: 10_000 });
    const frame = await (await iframe.elementHandle())?.contentFrame();
    assert.ok(frame, `output ${i} of ${cellId} has a frame`);
    // The shell replaced its own document with the output's (or drew into it) once it had the request. Read with
    // locators, which run in Playwright's own isolated world: a vector can clobber the frame's globals.
    await frame.locator("script[type=module][src*='assets/']").waitFor({ state: "detached", timeout: 10_000 });
    found.push({ mime: (await slot.getAttribute("data-mime")) ?? "", frame });
  }
  return found;
}

/** How many of the frames ran a vector's script in their own document (set by FRAME_MARK). */
async function framesThatRan(frames: { frame: Frame }[], wait = 400): Promise<number> {
  let ran = 0;
  for (const { frame } of frames) {
    const marked = await frame
      .locator("html[data-ran='1']")
      .waitFor({ state: "attached", timeout: wait })
      .then(() => true)
      .catch(() => false);
    if (marked) ran += 1;
  }
  return ran;
}

/**
 * Errors of the app's own document: those its top window caught (see recordAppErrors), and console errors located
 * in the app origin's scripts. The rest of what the console watch reports comes from the output frames (their
 * documents are the content origin's, and so are the locations Chromium gives their messages): the vectors' own
 * exceptions and the frames' refusals of them, which are the defences at work.
 */
function appErrors(): string[] {
  return watch.errors.filter((e) => !e.startsWith("pageerror:") && e.includes(`(at ${studio.app}/`));
}

async function topWindowErrors(): Promise<string[]> {
  return page.evaluate(() => [...((window as unknown as { __vtErrors?: string[] }).__vtErrors ?? [])]);
}

/**
 * Output frame slots alive in the page's heap after a garbage collection, in the page and out of it (found through
 * the DevTools protocol's queryObjects, which sees every live object whatever holds it).
 */
async function frameSlotsAlive(page: Page): Promise<{ connected: number; detached: number }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send("HeapProfiler.collectGarbage");
    const proto = await cdp.send("Runtime.evaluate", { expression: "HTMLElement.prototype" });
    const found = await cdp.send("Runtime.queryObjects", { prototypeObjectId: proto.result.objectId! });
    const counted = await cdp.send("Runtime.callFunctionOn", {
      objectId: found.objects.objectId!,
      functionDeclaration:
        // The prototypes of HTMLElement's subclasses are found too: their getters throw, and they are no slot.
        "function () { const s = this.filter((e) => { try { return e.classList.contains('vt-frame-slot'); } catch { return false; } }); return { connected: s.filter((e) => e.isConnected).length, detached: s.filter((e) => !e.isConnected).length }; }",
      returnByValue: true,
    });
    return counted.result.value as { connected: number; detached: number };
  } finally {
    await cdp.detach();
  }
}

/** Nothing ran in the app page, and the page kept its place, its cookies and its storage. */
async function assertAppUntouched(what: string): Promise<void> {
  const record = await pageRecord(page);
  assert.deepEqual(record.hits, [], `${what}: an output's script ran in the app's page`);
  assert.equal(await pwnedMark(page), null, what);
  assert.deepEqual(
    inertParseRefusals(record.violations, studio.app, notebookText).others,
    [],
    `${what}: CSP or Trusted Types violations in the app's document`,
  );
  assert.deepEqual(pageEvents, [], `${what}: dialogs, popups or navigations`);
  assert.equal(new URL(page.url()).pathname, `/w/${workspace}/f/${FILE}`, what);
  assert.equal(JSON.stringify(await browser.context.cookies()), before_.cookies, `${what}: cookies changed`);
  assert.equal(
    await page.evaluate(() => JSON.stringify(Object.entries(localStorage).sort())),
    before_.storage,
    `${what}: storage changed`,
  );
  assert.deepEqual(appErrors(), [], `${what}: errors of the app's document`);
  assert.deepEqual(await topWindowErrors(), [], `${what}: uncaught errors in the app's window`);
}

test("HTML, JavaScript and SVG outputs of DOMPurify's vectors run in their frames only", async () => {
  assert.match(await editorCell(page, "vectors").locator(".cm-content").innerText(), /json\.loads/);
  await runCell(page, "vectors");
  await editorCell(page, "vectors").getByText(`${vectors.length} vectors`).waitFor({ timeout: 60_000 });
  for (const id of ["html", "js", "svg"]) await runCell(page, id);
  // Each output is its own frame on the content origin, never a part of the page.
  await editorCell(page, "svg").locator(".vt-output[data-mime]").last().waitFor({ timeout: 30_000 });
  const expected = { html: Math.ceil(vectors.length / 8), js: Math.ceil(vectors.length / 28) };
  for (const [id, count] of Object.entries(expected))
    await page.waitForFunction(
      ({ id, count }) =>
        document.querySelectorAll(`.vt-ed-cell[data-cell-id="${id}"] .vt-output[data-mime]`).length === count,
      { id, count },
      { timeout: 30_000 },
    );
  const ran: Record<string, number> = {};
  for (const id of ["html", "js", "svg"]) {
    const frames = await outputFrames(id);
    for (const { frame } of frames) assert.equal(new URL(frame.url()).origin, studio.content);
    ran[id] = await framesThatRan(frames);
  }
  // The vectors are live in their frames (so the test means something), and none of them reached the page.
  assert.ok(ran.html! >= 2, `html frames where a vector ran: ${ran.html}`);
  assert.ok(ran.js! >= 1 && ran.svg! >= 1, JSON.stringify(ran));
  await page.screenshot({ path: `${SHOTS}/vitrine-live-attacks-html.png` });
  await assertAppUntouched("html, js, svg");
});

test("Markdown and LaTeX outputs are sanitized in their frames: nothing of the vectors runs anywhere", async () => {
  await runCell(page, "markdown");
  await runCell(page, "latex");
  await page.waitForFunction(
    (count) => document.querySelectorAll('.vt-ed-cell[data-cell-id="latex"] .vt-output[data-mime]').length === count,
    LATEX_VECTORS.length + 20,
    { timeout: 30_000 },
  );
  for (const id of ["markdown", "latex"]) {
    const frames = await outputFrames(id);
    assert.ok(frames.length > 0);
    assert.equal(await framesThatRan(frames, 300), 0, `${id}: a vector ran in a sanitized output`);
    // What is left of the vectors in the frames: no handler attribute, no script, no script URL.
    for (const { frame } of frames) {
      const leftovers = await frame.evaluate(() => {
        const found: string[] = [];
        for (const element of document.querySelectorAll("body *")) {
          for (const attr of element.attributes)
            if (
              /^on/i.test(attr.name) ||
              (/^(href|src|action|formaction|xlink:href|data|srcdoc)$/i.test(attr.name) &&
                /^\s*(javascript|vbscript|data:text)/i.test(attr.value))
            )
              found.push(`${element.tagName} ${attr.name}=${attr.value.slice(0, 60)}`);
          if (/^(script|iframe|object|embed|form|base|meta)$/i.test(element.tagName)) found.push(element.tagName);
        }
        return found;
      });
      assert.deepEqual(leftovers, [], `${id}: ${frame.url()}`);
    }
  }
  await assertAppUntouched("markdown, latex");
});

test("update_display carrying hostile payloads keeps each display one output, in its frame", async () => {
  await runCell(page, "update");
  const update = editorCell(page, "update");
  // The text display's last update: its text/html is the richer representation, so it is a frame too.
  await page.waitForFunction(
    () =>
      document.querySelectorAll('.vt-ed-cell[data-cell-id="update"] .vt-output[data-mime="text/html"]').length === 2,
    undefined,
    { timeout: 30_000 },
  );
  assert.equal(await update.locator(".vt-output").count(), 2, "each display is still one output");
  const frames = await outputFrames("update");
  assert.ok((await framesThatRan(frames)) >= 1, "the updated payloads are live in their frames");
  await assertAppUntouched("update");
});

test("clear_output(wait=True) between hostile outputs keeps only the last, in its frame", async () => {
  await runCell(page, "clear");
  const clear = editorCell(page, "clear");
  // The run replaces its output several times: the last one's frame is made once it is near the viewport.
  await waitInOutputFrame(page, "clear", "#last");
  // Everything before the last clear is gone: one output, the last.
  assert.equal(await clear.locator(".vt-output").count(), 1);
  await page.waitForTimeout(500);
  await assertAppUntouched("clear");
});

test("an output frame cannot read the editor, make a cell run, or move the page", async () => {
  const ranBefore = await executions();
  const upgradesBefore = upgrades.length;
  const cell = editorCell(page, "escape");
  await runCell(page, "escape");
  // Attached, not visible: what matters is that the script wrote its results, whatever size the frame has now.
  const body = await waitInOutputFrame(page, "escape", "body[data-escape-results]").catch(async (error: unknown) => {
    // What the cell holds instead: its output slots, frames and notices, and where it is against the viewport.
    const state = await cell.evaluate((element) => ({
      box: element.getBoundingClientRect().toJSON() as unknown,
      viewport: window.innerHeight,
      scrollY: window.scrollY,
      // Each output's tags, classes and frame heights, and its text: what it is drawn as.
      outputs: [...element.querySelectorAll(".vt-output")].map((output) => ({
        tree: [output, ...output.querySelectorAll("*")]
          .map(
            (node) =>
              `${node.tagName.toLowerCase()}.${node.getAttribute("class") ?? ""}[${node.getAttribute("style") ?? ""}]`,
          )
          .join(" "),
        text: (output.textContent ?? "").slice(0, 200),
      })),
    }));
    const documents: string[] = [];
    for (const handle of await cell.locator("iframe.vt-frame").elementHandles()) {
      const inner = await handle.contentFrame();
      documents.push(
        inner
          ? await inner
              .evaluate(
                () =>
                  `${location.href} body[${document.body?.getAttributeNames().join(",")}] ${document.body?.innerText.slice(0, 300)}`,
              )
              .catch((e: unknown) => `unreadable: ${String(e)}`)
          : "no document",
      );
    }
    await page.screenshot({ path: `${SHOTS}/vitrine-escape-failed.png` });
    throw new Error(`the escape output never wrote its results: ${JSON.stringify({ ...state, documents })}`, {
      cause: error,
    });
  });
  const results = JSON.parse((await body.getAttribute("data-escape-results")) ?? "{}") as Record<string, string>;
  for (const [name, result] of Object.entries(results)) {
    assert.ok(!result.includes(SECRET), `${name} read the secret: ${result}`);
    // A window message may be posted (the page never acts on one), and a beacon may be queued: the frame's
    // connect-src refuses it when it is sent, and the server's record below shows that nothing arrived.
    // A form's submit() returns as usual in a frame without allow-forms, and the browser drops the submission:
    // the page's place and the server's record below show that nothing was sent.
    if (name === "pageMessage" || (name === "beacon" && result === "allowed:queued") || name === "formToTop") continue;
    assert.match(result, /^blocked:/, `${name} must be blocked, got ${result}`);
  }
  // The window messages reached the page, which never acts on one; give them the time to be delivered.
  await page.waitForTimeout(1000);
  // The server: no socket was asked for by anything but the page (the frame's was refused before it left the
  // browser), and it ran exactly the one cell the test ran.
  assert.deepEqual(
    upgrades.slice(upgradesBefore).filter((u) => u.origin !== studio.app),
    [],
    "a kernel socket request from another origin",
  );
  assert.deepEqual(crossSite, [], "requests from another site reached the app origin");
  assert.deepEqual(
    (await executions()).slice(ranBefore.length).map((e) => e.cellId),
    ["escape"],
  );
  assert.equal(await promptOf(page, "secret"), "[ ]:", "the secret's cell never ran");
  assert.equal(await editorCell(page, "secret").locator(".vt-output").count(), 0);
  await assertAppUntouched("escapes");
});

test("a flood of display updates and returns leaves the page responsive, and what it keeps bounded", async () => {
  const flood = editorCell(page, "flood");
  await flood.scrollIntoViewIfNeeded();
  // A counter of animation frames: it advances only while the page's main thread gets to draw.
  await page.evaluate(() => {
    const w = window as unknown as { vtFrames: number };
    w.vtFrames = 0;
    const tick = () => {
      w.vtFrames += 1;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const frames = () => page.evaluate(() => (window as unknown as { vtFrames: number }).vtFrames);
  await runCell(page, "flood", 60_000, "running");
  const status = page.locator(".vt-ed-status");
  // While it floods: the page keeps drawing, and text typed into another cell shows there.
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    samples.push(await frames());
    await page.waitForTimeout(400);
  }
  samples.push(await frames());
  const typed = `flood_${randomBytes(3).toString("hex")} = 1`;
  const target = await focusEditor(page, "secret");
  await page.keyboard.press("End");
  await page.keyboard.type(`\n${typed}`, { delay: 0 });
  await target.getByText(typed).waitFor({ timeout: 5000 });
  const stillFlooding = /kernel busy/.test(await status.innerText());
  assert.ok(stillFlooding, "the typing was seen while the flood ran");
  for (let i = 1; i < samples.length; i++)
    assert.ok(samples[i]! > samples[i - 1]!, `the page kept drawing during the flood: ${samples.join(", ")}`);

  // The page's Interrupt reaches the kernel through the flood, and ends it.
  await page.getByRole("button", { name: "Interrupt" }).click();
  await status.getByText(/kernel idle/).waitFor({ timeout: 30_000 });
  // The counter display's last value is how many updates the loop made.
  const counter = flood.locator(".vt-output").first();
  await page.waitForTimeout(300);
  const turns = Number(/'(\d+)'/.exec(await counter.innerText())?.[1]);
  // Each display and the counter stayed one output: the page kept the last of each, not the flood.
  const texts = await flood.locator(".vt-output").allInnerTexts();
  assert.ok(texts.length <= 4, `outputs kept: ${texts.length}`);
  // The flood itself was hundreds of thousands of characters. The interrupt's traceback is among what is kept, its
  // length depending on how deep in the display machinery the interrupt landed; the rest is a few lines.
  const shown = (await flood.locator(".vt-output:not(.vt-output-error)").allInnerTexts()).join("");
  assert.ok(shown.length < 5000, `characters kept beside the traceback: ${shown.length}`);
  assert.ok(texts.join("").length < 20_000, `characters kept: ${texts.join("").length}`);
  // The printed counter redrew in place: one line, at most ten turns behind the display.
  const printed = Math.max(
    ...texts
      .join("\n")
      .split("\n")
      .filter((line) => /^\d+$/.test(line.trim()))
      .map(Number),
  );
  assert.ok(turns - printed >= 0 && turns - printed <= 10, JSON.stringify(texts));
  await page.screenshot({ path: `${SHOTS}/vitrine-live-attacks-flood.png` });
  // The HTML display was replaced by every update (a new frame each time): the slots that left the page are
  // released (no observer keeps them), so after a garbage collection none, or next to none, is still alive.
  const slots = await frameSlotsAlive(page);
  assert.ok(slots.connected >= 1, JSON.stringify(slots));
  assert.ok(slots.detached <= 2, `frame slots removed from the page but still alive: ${JSON.stringify(slots)}`);
  // The typed change is the page's to save or not: it is kept unsaved, and the page's answer is read back.
  assert.equal((await pageApi(page, "GET", "/api/session")).status, 200);
  await assertAppUntouched("flood");
});

/** Sources that would run script if the editor ever parsed one as markup: a closing script, a handler, a policy. */
const HOSTILE_SOURCES = [
  `</script><script>${markScript("source-script")}</script>`,
  `x = "<img src=x onerror=${markScript("source-img")}>"`,
  `trustedTypes.createPolicy('vitrine-sanitizer', {createHTML: s => s}); document.body.innerHTML = '<img src=x onerror=${markScript("source-tt")}>'`,
];

test("cell sources with </script>, handlers and a Trusted Types bypass stay text in editors and highlighted views, before and after a save and reload", async () => {
  const source = HOSTILE_SOURCES.join("\n");
  const filler = Array.from({ length: 40 }, (_, i) => ({
    id: `f${i}`,
    source: Array.from({ length: 12 }, (_, j) => `v${i}_${j} = ${j}`).join("\n"),
  }));
  // The first cell is near the viewport (a CodeMirror editor), the last far below it (highlighted text).
  const nb = codeNotebook([{ id: "top", source }, ...filler, { id: "bottom", source }]);
  notebookText += JSON.stringify(nb);
  const url = await uploadNotebook(page, studio.app, workspace, "hostile-source.ipynb", nb);
  const typed = `\ny = "<svg onload=${markScript("typed")}>"`;
  const check = async (when: string, top: string) => {
    await editorCell(page, "top").locator(".cm-content").waitFor();
    const editorText = await editorCell(page, "top")
      .locator(".cm-line")
      .evaluateAll((lines) => lines.map((l) => l.textContent ?? "").join("\n"));
    assert.equal(editorText, top, `${when}: the editor shows the source as text`);
    assert.equal(await editorCell(page, "bottom").locator(".cm-editor").count(), 0, `${when}: far cell has no editor`);
    assert.equal(
      await editorCell(page, "bottom").locator("pre.vt-ed-static").innerText(),
      source,
      `${when}: the highlighted view shows the source as text`,
    );
    const record = await pageRecord(page);
    assert.deepEqual(record.hits, [], `${when}: a source ran in the page`);
    assert.deepEqual(inertParseRefusals(record.violations, studio.app, notebookText).others, [], when);
    assert.equal(await pwnedMark(page), null, when);
  };
  // A page of its own: the flood's page has unsaved changes, and would ask before being left.
  page = await browser.context.newPage();
  await instrumentPage(page);
  await openEditor(page, url);
  await check("opened", source);
  // Typed at the end of the first cell (the keyboard, as a person types), then saved with Ctrl-S.
  const top = await focusEditor(page, "top");
  await page.keyboard.press("Control+End");
  await page.keyboard.type(typed);
  await top.getByText(typed.trim()).waitFor();
  await page.keyboard.press("Control+s");
  await page.getByText(/^Saved as version 2 at /).waitFor();
  await page.reload();
  await page.locator(".vt-ed-cell .cm-content").first().waitFor();
  await check("saved and reloaded", source + typed);
  const saved = await pageApi(page, "GET", `/api/workspaces/${workspace}/notebook/hostile-source.ipynb`);
  const cells = (saved.body as { notebook: { cells: { id: string; source: string | string[] }[] } }).notebook.cells;
  assert.equal([cells[0]?.source ?? ""].flat().join(""), source + typed);
});
