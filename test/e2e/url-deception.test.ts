// URLs written to deceive, in a real studio in Debian's Chromium: markdown links and images, and a link in an
// HTML output's frame, each written so that it reads as one destination while the browser would go to another.
// A click on each is refused with no way through, naming the form and showing where the link really goes, as
// text; a refused image is never requested and its placeholder says where it would have gone. Nothing here is
// ever fetched: every destination is refused before anything connects.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import type { Page } from "playwright-core";
import { WRITTEN_FORM_NAMES } from "../../src/urls/reasons.ts";
import { launchBrowser, type Browser } from "./browser.ts";
import { startBrowserStudio, type BrowserStudio } from "./running-studio.ts";
import { createWorkspace, signIn, uploadTrusted } from "./studio-session.ts";

const PASSWORD = "url deception test password";
const SHOTS = new URL("../../test-results/screenshots/", import.meta.url).pathname;
const FILE = "deceptive-links.ipynb";

/** Link text, what the notebook writes, the form it is refused for, and where it really goes. */
const LINKS = [
  ["bank login", "https://bank.example@evil.example/login", "userinfo", "https://evil.example/login"],
  ["bank slash", "https://bank.example\u2044login.evil.example/", "host_lookalike", null],
  ["backslashes", "//good.example\\\\@evil.example/", "userinfo", "http://evil.example/"],
  ["short address", "https://134744072/", "ip_address_form", "https://8.8.8.8/"],
  ["percent host", "https://exam%70le.org/", "host_percent_encoded", "https://example.org/"],
] as const;

let studio: BrowserStudio;
let browser: Browser;
let page: Page;
let workspace = "";
/** Every request the page or its frames made, to show none went to a refused destination. */
const requests: string[] = [];

function notebook(): unknown {
  const markdown = [
    "Links that read as one place and go to another:",
    "",
    ...LINKS.map(([text, href]) => `- [${text}](${href})`),
    "",
    "![chart](https://charts.example@evil.example/chart.png)",
  ].join("\n");
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: "markdown", id: "links", metadata: {}, source: markdown },
      {
        cell_type: "code",
        id: "output",
        metadata: {},
        execution_count: 1,
        source: "HTML(...)",
        outputs: [
          {
            output_type: "display_data",
            metadata: {},
            data: { "text/html": '<a href="https:&#92;&#92;evil.example/frame">frame link</a>', "text/plain": "link" },
          },
        ],
      },
    ],
  };
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  studio = await startBrowserStudio([{ name: "ada", password: PASSWORD }]);
  browser = await launchBrowser();
  page = await browser.context.newPage();
  browser.context.on("request", (request) => requests.push(request.url()));
  await signIn(page, studio.app, "ada", PASSWORD);
  workspace = await createWorkspace(page, "Deception");
  await uploadTrusted(page, workspace, [
    { name: FILE, base64: Buffer.from(JSON.stringify(notebook())).toString("base64") },
  ]);
  await page.goto(`${studio.app}/w/${workspace}/f/${FILE}`);
  await page.locator("article.vt-notebook[aria-busy=false]").waitFor();
  await page.waitForFunction(() => document.querySelectorAll("img[data-vt-src]").length === 0);
});

after(async () => {
  await browser?.close();
  await studio?.close();
});

test("a link written to deceive is refused: the form named, where it really goes shown as text, no way through", async () => {
  const dialog = page.getByRole("dialog");
  for (const [text, , form, goesTo] of LINKS) {
    await page.locator(".vt-markdown").getByRole("link", { name: text }).click();
    await dialog.getByRole("heading", { name: "This link is blocked" }).waitFor();
    const said = await dialog.innerText();
    assert.ok(said.includes(WRITTEN_FORM_NAMES[form]), `${text}: the form is named: ${said}`);
    const destination = await dialog.locator(".vt-link-destination").innerText();
    if (goesTo !== null) assert.equal(destination, goesTo, text);
    else assert.match(destination, /^https:\/\/bank\.xn--[a-z0-9-]+\.evil\.example\/$/, text);
    // What it reads as is shown too, as written (the page has it as marked encoded it).
    assert.ok(said.includes("As written:"), said);
    assert.equal(await dialog.getByRole("button", { name: "Open" }).count(), 0, `${text}: no way through`);
    assert.equal(await dialog.getByRole("link").count(), 0, `${text}: nothing in the dialog can be followed`);
    if (text === "bank login") await page.screenshot({ path: `${SHOTS}url-deception-dialog.png` });
    await dialog.getByRole("button", { name: "Close" }).click();
    await dialog.waitFor({ state: "hidden" });
  }
});

test("a link in an output's frame is refused the same way, and the page stays where it was", async () => {
  const before = page.url();
  const dialog = page.getByRole("dialog");
  await page.frameLocator("iframe.vt-frame").getByRole("link", { name: "frame link" }).click();
  await dialog.getByRole("heading", { name: "This link is blocked" }).waitFor();
  assert.ok((await dialog.innerText()).includes(WRITTEN_FORM_NAMES.backslash_slash));
  assert.equal(await dialog.locator(".vt-link-destination").innerText(), "https://evil.example/frame");
  assert.equal(await dialog.getByRole("button", { name: "Open" }).count(), 0);
  await dialog.getByRole("button", { name: "Close" }).click();
  assert.equal(page.url(), before);
});

test("an image written with userinfo is never requested; its placeholder says where it would have gone", async () => {
  const placeholder = page.locator(".vt-image-blocked");
  assert.equal(await placeholder.count(), 1);
  assert.match(await placeholder.innerText(), /name before an @ sign.*it goes to https:\/\/evil\.example\/chart\.png/s);
  const offLoopback = requests.filter((url) => !/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(url));
  assert.deepEqual(
    offLoopback.filter((url) => !url.startsWith("data:") && !url.startsWith("about:")),
    [],
    "nothing was requested from a refused destination",
  );
});

test("the refusal reads well on a phone in dark mode", async () => {
  const dark = await launchBrowser({ colorScheme: "dark" });
  try {
    const phone = await dark.context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await signIn(phone, studio.app, "ada", PASSWORD);
    await phone.goto(`${studio.app}/w/${workspace}/f/${FILE}`);
    await phone.locator("article.vt-notebook[aria-busy=false]").waitFor();
    await phone.locator(".vt-markdown").getByRole("link", { name: "bank slash" }).click();
    const dialog = phone.getByRole("dialog");
    await dialog.getByRole("heading", { name: "This link is blocked" }).waitFor();
    await phone.screenshot({ path: `${SHOTS}url-deception-dialog-phone-dark.png` });
    const box = await dialog.boundingBox();
    assert.ok(box !== null && box.width <= 390, `the dialog fits the phone's width: ${JSON.stringify(box)}`);
    const overflow = await dialog.evaluate((element) => element.scrollWidth - element.clientWidth);
    assert.ok(overflow <= 0, `nothing in the dialog runs off its side: ${overflow} px`);
  } finally {
    await dark.close();
  }
});
