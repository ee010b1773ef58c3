// Attacks on the studio page in Debian's Chromium against a real server, each judged by what happens: the page
// is instrumented before any of its scripts (alert, print, confirm, prompt, fetch beyond the studio's API, a
// global flag, CSP and Trusted Types violations), and what a payload tries to change is read back through the API.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import type { Page } from "playwright-core";
import { MAX_FRAME_HEIGHT } from "../../src/contract/frame-protocol.ts";
import { launchBrowser, type Browser } from "./browser.ts";
import { pageAttackNotebook } from "./hostile-notebooks.ts";
import { startBrowserStudio, type BrowserStudio } from "./running-studio.ts";
import {
  apiTargetsNotebook,
  dompurifyVectorsNotebook,
  floodNotebook,
  forgedLinksNotebook,
  HOSTILE_FILE_NAMES,
  MARK,
  overlayNotebook,
  ownVectorsNotebook,
} from "./studio-attack-notebooks.ts";
import {
  inertParseRefusals,
  instrumentPage,
  pageRecord,
  readPolicies,
  watchConsole,
  type ConsoleWatch,
  type Policies,
} from "./studio-page-watch.ts";
import { createWorkspace, pageApi, signIn, uploadTrusted } from "./studio-session.ts";

const PASSWORD = "attack test password";
const SHOTS = new URL("../../test-results/screenshots/", import.meta.url).pathname;
const FLOOD_SECONDS = 8;

let studio: BrowserStudio;
let browser: Browser;
let page: Page;
let policies: Policies;
let workspace = "";
const dompurify = dompurifyVectorsNotebook();
/** Every notebook's text, to tell a <base> the notebook names from anything else. */
let notebookText = "";

const encode = (value: unknown) =>
  Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64");
const fileUrl = (name: string) => `${studio.app}/w/${workspace}/f/${name.split("/").map(encodeURIComponent).join("/")}`;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  studio = await startBrowserStudio([
    { name: "ada", password: PASSWORD },
    { name: "bob", password: PASSWORD },
  ]);
  policies = await readPolicies(studio.app, studio.content);
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await instrumentPage(page);
  await signIn(page, studio.app, "ada", PASSWORD);
  workspace = await createWorkspace(page, "Attacks");
  assert.equal(
    (await pageApi(page, "POST", `/api/workspaces/${workspace}/members`, { username: "bob", role: "viewer" })).status,
    201,
  );
  const small = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [{ cell_type: "markdown", id: "a", metadata: {}, source: "A plain notebook." }],
  };
  const files = [
    { name: "target.ipynb", base64: encode(small) },
    { name: "dompurify.ipynb", base64: encode(dompurify.notebook) },
    { name: "own-vectors.ipynb", base64: encode(ownVectorsNotebook()) },
    { name: "page-attack.ipynb", base64: encode(pageAttackNotebook("http://127.0.0.1:9/")) },
    { name: "api-targets.ipynb", base64: encode(apiTargetsNotebook(studio.app, workspace, "target.ipynb", "bob")) },
    { name: "overlay.ipynb", base64: encode(overlayNotebook()) },
    { name: "flood.ipynb", base64: encode(floodNotebook(FLOOD_SECONDS)) },
    { name: "forged-links.ipynb", base64: encode(forgedLinksNotebook()) },
    ...HOSTILE_FILE_NAMES.map((name) => ({ name, base64: encode(small) })),
  ];
  notebookText = files.map((f) => Buffer.from(f.base64, "base64").toString()).join("\n");
  await uploadTrusted(page, workspace, files);
});

after(async () => {
  await browser?.close();
  await studio?.close();
});

/** Opens a notebook and waits until it is drawn and its images are checked. */
async function openNotebook(name: string): Promise<void> {
  await page.goto(fileUrl(name));
  await page.locator("article.vt-notebook[aria-busy=false]").waitFor();
  await page.waitForFunction(() => document.querySelectorAll("img[data-vt-src]").length === 0);
}

/**
 * Nothing ran in the app's page, and the app logged no error. The only policy violations in the app's document
 * are the inert parse refusing the hostile markup's inline handlers, styles and <base> (see inertParseRefusals):
 * no script element, no load, no Trusted Types sink was ever tried there.
 */
async function assertClean(watch: ConsoleWatch, what: string): Promise<void> {
  const record = await pageRecord(page);
  assert.deepEqual(record.hits, [], `${what}: notebook content ran in the app's page`);
  assert.deepEqual(
    inertParseRefusals(record.violations, studio.app, notebookText).others,
    [],
    `${what}: CSP or Trusted Types violations in the app's document`,
  );
  assert.deepEqual(watch.errors, [], `${what}: console errors`);
}

/**
 * Everything the notebook's markdown and outputs became gets the events a person would cause (pointer over, focus,
 * click: an inline handler left behind would fire on these as on real ones); every link gets a real click, and
 * its prompt is closed.
 */
async function touchEverything(): Promise<void> {
  await page.evaluate(() => {
    for (const element of document.querySelectorAll<HTMLElement>(".vt-cells *")) {
      for (const type of [
        "mouseover",
        "mouseenter",
        "mousemove",
        "mousedown",
        "mouseup",
        "pointerover",
        "pointerdown",
        "pointerup",
      ])
        element.dispatchEvent(new MouseEvent(type, { bubbles: true }));
      element.dispatchEvent(new FocusEvent("focus"));
      element.dispatchEvent(new Event("toggle"));
      element.dispatchEvent(new Event("load"));
      element.dispatchEvent(new Event("error"));
      if (!element.closest("a")) element.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true }));
    }
  });
  // Links with a scheme: each is checked and prompted. (A relative link would be followed within the studio.)
  const links = await page.locator(".vt-cells a[href*=':']").elementHandles();
  const dialog = page.getByRole("dialog");
  for (const link of links) {
    if (!(await link.isVisible())) continue;
    await link.click({ timeout: 2000 });
    await dialog.waitFor({ timeout: 5000 });
    await dialog
      .getByRole("button", { name: /Cancel|Close/ })
      .first()
      .click();
  }
}

test("every DOMPurify fixture vector, one per markdown cell, never runs in the app's page", async () => {
  const watch = watchConsole(page, policies, studio.content, { hostileMarkup: true });
  await openNotebook("dompurify.ipynb");
  assert.equal(await page.locator(".vt-cell-markdown").count(), dompurify.count);
  await touchEverything();
  // What is left of the vectors after sanitizing: no handler attribute, no script-capable element, no script URL.
  const leftovers = await page.evaluate(() => {
    const found: string[] = [];
    for (const element of document.querySelectorAll(".vt-markdown *")) {
      for (const attr of element.attributes) {
        const url = /^(href|src|action|formaction|xlink:href|data|srcset|poster|background|cite|ping)$/i.test(
          attr.name,
        );
        if (/^on/i.test(attr.name) || (url && /^\s*(javascript|vbscript|data:text)/i.test(attr.value)))
          found.push(`${element.tagName} ${attr.name}=${attr.value.slice(0, 60)}`);
      }
      if (/^(script|iframe|object|embed|form|style|link|meta|base|svg|frame|frameset)$/i.test(element.tagName))
        found.push(element.tagName);
    }
    return found;
  });
  assert.deepEqual(leftovers, []);
  await page.screenshot({ path: `${SHOTS}attack-dompurify.png` });
  watch.stop();
  await assertClean(watch, "DOMPurify vectors");
});

test("our own vectors in markdown, attachments, metadata, tags, outputs' mime types and file names never run", async () => {
  const watch = watchConsole(page, policies, studio.content, { hostileMarkup: true });
  for (const name of ["own-vectors.ipynb", "page-attack.ipynb"]) {
    await openNotebook(name);
    await touchEverything();
    await page
      .locator(".vt-tags, .vt-output, .vt-raw")
      .evaluateAll((elements) =>
        elements.forEach((e) => e.dispatchEvent(new MouseEvent("mouseover", { bubbles: true }))),
      );
  }
  // Tags and mime type names are shown as the text they are.
  await openNotebook("own-vectors.ipynb");
  const tags = await page.locator(".vt-tag").allTextContents();
  assert.ok(tags.includes(`<img src=x onerror=${MARK}>`), JSON.stringify(tags));
  assert.ok(
    (await page.locator(".vt-cell-code").innerText()).includes("text/<img src=x onerror="),
    "the odd mime type is named as text",
  );
  // The one good attachment is shown; the SVG and HTML ones are not images the page will load.
  await page.waitForFunction(
    () => (document.querySelector('img[alt="png attachment"]') as HTMLImageElement | null)?.naturalWidth === 8,
  );
  assert.equal(await page.locator('.vt-markdown img[alt="svg attachment"][src]').count(), 0);
  await page.screenshot({ path: `${SHOTS}attack-own-vectors.png` });

  // File names: in the workspace's list (hovered, and each opened), in the page title, in the upload dialog.
  await page.goto(`${studio.app}/w/${workspace}`);
  await page.getByRole("heading", { name: "Attacks" }).waitFor();
  for (const name of HOSTILE_FILE_NAMES) {
    // A name with a folder is listed as its folder first.
    const shown = name.includes("/") ? `${name.slice(0, name.indexOf("/"))}/` : name;
    await page.getByRole("link", { name: shown, exact: true }).hover();
  }
  await page.screenshot({ path: `${SHOTS}attack-file-names.png` });
  for (const name of HOSTILE_FILE_NAMES) {
    await openNotebook(name);
    // The breadcrumb shows the name as folders (links) and the file itself, as text.
    const crumbs = page.locator(".vt-crumbs");
    const folders = (await crumbs.getByRole("link").allInnerTexts()).slice(1);
    assert.equal([...folders, await crumbs.locator("[aria-current=page]").innerText()].join("/"), name);
    assert.equal(await page.title(), `${name} · Vitrine`);
  }
  await page.goto(`${studio.app}/w/${workspace}`);
  await page.getByLabel("Upload files…").setInputFiles([
    { name: `<img src=x onerror=${MARK}>.ipynb`, mimeType: "application/json", buffer: Buffer.from("{}") },
    { name: `"><svg onload=${MARK}>.py`, mimeType: "text/x-python", buffer: Buffer.from("print(1)\n") },
  ]);
  const dialog = page.getByRole("dialog", { name: /Upload 2 files/ });
  await dialog.getByText("Will be refused").first().waitFor();
  assert.ok((await dialog.innerText()).includes(`<img src=x onerror=${MARK}>.ipynb`));
  await page.screenshot({ path: `${SHOTS}attack-upload-names.png` });
  await dialog.getByRole("button", { name: "Cancel" }).click();
  watch.stop();
  await assertClean(watch, "own vectors");
});

test("images and links aimed at the studio's API change nothing, even when viewed and clicked", async () => {
  const watch = watchConsole(page, policies, studio.content, { hostileMarkup: true });
  await openNotebook("api-targets.ipynb");
  await page.locator("iframe.vt-frame").waitFor();
  await page.waitForTimeout(500);
  const dialog = page.getByRole("dialog");
  const links = page.locator(".vt-markdown a");
  const count = await links.count();
  assert.ok(count >= 6, `only ${count} links drawn`);
  for (let i = 0; i < count; i++) {
    await links.nth(i).click();
    await dialog.getByRole("heading", { name: /This link is blocked|This link leaves the studio/ }).waitFor();
    assert.equal(
      await dialog.getByRole("button", { name: "Open" }).count(),
      0,
      `link ${i}: no way through to the studio's API`,
    );
    await dialog
      .getByRole("button", { name: /Close|Cancel/ })
      .first()
      .click();
  }
  await page.frameLocator("iframe.vt-frame").getByRole("link", { name: "frame api link" }).click();
  await dialog.getByRole("heading", { name: /This link is blocked/ }).waitFor();
  await dialog
    .getByRole("button", { name: /Close|Cancel/ })
    .first()
    .click();
  // No image of the page was ever loaded from the API: each was refused before it became a src.
  const apiImages = await page.evaluate(() =>
    [...document.images].filter((img) => img.src.includes("/api/")).map((img) => img.src),
  );
  assert.deepEqual(apiImages, []);
  assert.equal(await page.locator(".vt-image-blocked").count(), 12);

  // Read back through the API: the session is live, the file is where it was, the member has the same role.
  assert.equal((await pageApi(page, "GET", "/api/session")).status, 200);
  const files = (await pageApi(page, "GET", `/api/workspaces/${workspace}/files`)).body as {
    files: { path: string }[];
  };
  assert.ok(
    files.files.some((f) => f.path === "target.ipynb"),
    "target.ipynb is still there",
  );
  assert.deepEqual(
    ((await pageApi(page, "GET", `/api/workspaces/${workspace}/trash`)).body as { files: unknown[] }).files,
    [],
  );
  const members = (await pageApi(page, "GET", `/api/workspaces/${workspace}/members`)).body as {
    members: { username: string; role: string }[];
  };
  assert.equal(members.members.find((m) => m.username === "bob")?.role, "viewer");
  // And the page is still signed in: its own controls work.
  await page
    .getByRole("navigation", { name: "Breadcrumb" })
    .getByRole("link", { name: "Attacks", exact: true })
    .click();
  await page.getByRole("heading", { name: "Attacks" }).waitFor();
  watch.stop();
  await assertClean(watch, "API targets");
});

/** The element at the centre of a control is that control (or inside it). */
async function hitsItself(selector: string): Promise<boolean> {
  return page.locator(selector).evaluate((control) => {
    const r = control.getBoundingClientRect();
    const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    return hit !== null && (hit === control || control.contains(hit));
  });
}

test("markdown cannot cover, move or restyle the studio's controls, and clicks land on them", async () => {
  const watch = watchConsole(page, policies, studio.content, { hostileMarkup: true });
  await openNotebook("overlay.ipynb");
  const signOut = 'header.vt-app-header button:text-is("Sign out")';
  assert.equal(await hitsItself(signOut), true, "Sign out is not covered");
  assert.equal(await page.locator(signOut).evaluate((b) => getComputedStyle(b).visibility), "visible");
  // Down the whole page: wherever a markdown box paints, the point is inside that box. Nothing escapes its cell.
  const escapes = await page.evaluate(async () => {
    const found: string[] = [];
    const height = document.documentElement.scrollHeight;
    for (let y = 0; y < height; y += innerHeight / 2) {
      scrollTo(0, y);
      await new Promise(requestAnimationFrame);
      for (let px = 5; px < innerWidth; px += 60) {
        for (let py = 5; py < innerHeight; py += 40) {
          const box = document.elementFromPoint(px, py)?.closest(".vt-markdown");
          if (!box) continue;
          const r = box.getBoundingClientRect();
          // Within a pixel: hit testing snaps to whole pixels, so a probe on a box's fractional edge (605 against a
          // top at 605.47) counts as inside it.
          if (px < r.left - 1 || px > r.right + 1 || py < r.top - 1 || py > r.bottom + 1)
            found.push(`${box.closest(".vt-cell")?.id} paints at ${px},${py + scrollY}`);
        }
      }
    }
    scrollTo(0, 0);
    return found;
  });
  assert.deepEqual(escapes, []);
  // Each cell's box keeps to the page's width: nothing widens the page so the controls move off screen.
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), true);
  // The page's own ids and classes still mean the page's elements.
  assert.equal(await page.evaluate(() => document.getElementById("vt-main")?.tagName), "MAIN");
  assert.equal(await page.locator(".vt-app-header").count(), 1);
  await page.screenshot({ path: `${SHOTS}attack-overlay.png` });

  watch.stop();
  await assertClean(watch, "overlays");

  // A real click on Sign out signs out (the page then asks for its session and is told 401, as it should be).
  await page.locator(signOut).click();
  await page.getByLabel("User name").waitFor();
  assert.equal((await pageApi(page, "GET", "/api/session")).status, 401);
  await signIn(page, studio.app, "ada", PASSWORD);
  const afterSignIn = watchConsole(page, policies, studio.content);
  // On the workspace page, where hostile file names are listed, Upload is where it seems and opens the chooser.
  await page.goto(`${studio.app}/w/${workspace}`);
  await page.getByRole("heading", { name: "Attacks" }).waitFor();
  // Both pickers (files, and a folder) are where they seem.
  assert.equal(await hitsItself(".vt-pickers label.vt-button:first-of-type"), true, "Upload is not covered");
  assert.equal(await hitsItself(".vt-pickers label.vt-button:last-of-type"), true, "Upload of a folder is not covered");
  const chooser = page.waitForEvent("filechooser", { timeout: 5000 });
  await page.locator(".vt-pickers label.vt-button:first-of-type").click();
  assert.equal((await chooser).isMultiple(), true);
  assert.equal(await hitsItself(signOut), true);
  afterSignIn.stop();
  await assertClean(afterSignIn, "upload button");
});

test("an output's script cannot take the frame's port to the page, nor turn a person's click into its own link", async () => {
  await openNotebook("forged-links.ipynb");
  const frame = page.frameLocator("iframe.vt-frame");
  await frame.locator("body[data-port]").waitFor();
  const dialog = page.getByRole("dialog");
  // A person's click on plain text in the output: the page has their activation and its focus is in the frame,
  // which is all a request needs on the page's side. The script's requests and its own clicks still raise nothing.
  await frame.getByText("Plain text to click on.").click();
  await page.waitForTimeout(800);
  assert.equal(await dialog.isVisible(), false, "no prompt from the output's own requests or clicks");
  assert.equal(
    await frame.locator("body").getAttribute("data-port"),
    "not stolen",
    "the shell never handed the script its port",
  );
  // A person's click on a link is still asked about, with the link the person clicked (the script's closest() is not used).
  await frame.getByText("a real link").click();
  await dialog.getByText("example.org/real").waitFor();
  assert.equal(await dialog.getByText("forged.example").count(), 0);
  await dialog.getByRole("button", { name: "Cancel" }).click();
});

test("a frame that floods the page with messages and claims a huge height cannot freeze or break it", async () => {
  const watch = watchConsole(page, policies, studio.content, { hostileMarkup: true });
  await openNotebook("flood.ipynb");
  const grower = page.frameLocator('[data-mime="text/html"] >> nth=1 >> iframe.vt-frame');
  await grower.getByText("flood link").waitFor();
  const dialog = page.getByRole("dialog");
  // While they flood: a real click on a link is handled (its prompt shows) quickly, again and again.
  const delays: number[] = [];
  let lastClickHandled = 0;
  for (let round = 0; round < 3; round++) {
    const start = Date.now();
    await page.getByRole("link", { name: "the example link" }).click({ timeout: 5000 });
    await dialog.getByText("example.org/page").waitFor({ timeout: 5000 });
    lastClickHandled = Date.now();
    delays.push(lastClickHandled - start);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    // The prompt gives the focus back to the link that opened it.
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "the example link");
  }
  // The bound is loose for a shared 2-core machine where the flooding frames' process takes a core of its own.
  assert.ok(
    delays.every((d) => d < 2500),
    `clicks took ${delays.join(", ")} ms`,
  );
  // The frame that flooded the page's window was closed, and says so.
  await page.getByText("This output flooded the page with messages, so it was closed.").waitFor();
  // The other one's height is capped, whatever it claims.
  const height = await page.locator("iframe.vt-frame").evaluate((f) => f.getBoundingClientRect().height);
  assert.ok(height <= MAX_FRAME_HEIGHT && height > 1000, `frame is ${height}px tall`);
  const done = grower.locator("body[data-flood-done]");
  await done.waitFor({ timeout: (FLOOD_SECONDS + 10) * 1000 });
  assert.ok(
    lastClickHandled < Number(await done.getAttribute("data-flood-done")),
    "the clicks were measured while the frame was still at it",
  );
  // Its own thousands of clicks on its link raised no prompt: only a person's click in the frame may.
  await page.waitForTimeout(300);
  assert.equal(await dialog.isVisible(), false, "the frame's own clicks must not raise prompts");
  // And a person's click on that link does, once.
  await grower.getByText("flood link").click();
  await dialog.getByText("example.org/flood").waitFor();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  // So does a person with the keyboard alone: the prompt gave the focus back next to the frame; Tab, then Enter.
  assert.equal(await page.evaluate(() => document.activeElement?.className), "vt-frame-slot");
  await page.keyboard.press("Tab");
  // The focus reaches the frame (another process) after the key is handled; Enter goes where the focus is then.
  await page
    .waitForFunction(() => document.activeElement?.classList.contains("vt-frame") === true, undefined, {
      timeout: 5000,
    })
    .catch(async (e: unknown) => {
      throw new Error(
        `focus is on ${await page.evaluate(() => `${document.activeElement?.tagName} "${document.activeElement?.textContent?.slice(0, 60)}"`)}: ${String(e)}`,
      );
    });
  await page.keyboard.press("Enter");
  await dialog.getByText("example.org/flood").waitFor();
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  // The page still works: the text after the frames is there and the breadcrumb navigates.
  await page.getByText("Text after the flood.").waitFor();
  await page.screenshot({ path: `${SHOTS}attack-flood.png` });
  await page
    .getByRole("navigation", { name: "Breadcrumb" })
    .getByRole("link", { name: "Attacks", exact: true })
    .click();
  await page.getByRole("heading", { name: "Attacks" }).waitFor();
  watch.stop();
  await assertClean(watch, "flood");
});
