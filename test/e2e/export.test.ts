// The static export in a real browser: no script from a notebook runs in the page, output frames cannot reach
// the page, its storage or the network, and the page looks right (screenshots land in test-results/).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { EXPORT_FRAME_MESSAGES } from "../../src/contract/frame-protocol.ts";
import { parseNotebook } from "../../src/notebook/parse.ts";
import { NotebookError } from "../../src/notebook/errors.ts";
import { exportNotebookHtml } from "../../src/render/export.ts";
import { assertFramesContained } from "./frame-escapes.ts";
import { launchBrowser, type Browser } from "./browser.ts";
import { frameAttackNotebook, pageAttackNotebook } from "./hostile-notebooks.ts";
import { pwnedMark } from "./hostile-marker.ts";

const corpus = new URL("../../../shared/corpus/", import.meta.url);
const screenshots = new URL("../../test-results/screenshots/", import.meta.url);
mkdirSync(screenshots, { recursive: true });

let browser: Browser;
let beacon: Server;
let beaconUrl = "";
const beaconHits: string[] = [];
const workDir = mkdtempSync(join(tmpdir(), "vitrine-e2e-"));

function exportToFile(name: string, notebookJson: string, remoteImages: "block" | "allow" = "block"): string {
  const parsed = parseNotebook(new TextEncoder().encode(notebookJson), { file: name });
  const html = exportNotebookHtml(parsed, { fileName: name, remoteImages });
  const path = join(workDir, `${name}.html`);
  writeFileSync(path, html);
  return pathToFileURL(path).href;
}

interface PageWatch {
  dialogs: string[];
  pageErrors: string[];
}

function watch(page: Page): PageWatch {
  const w: PageWatch = { dialogs: [], pageErrors: [] };
  page.on("dialog", (d) => {
    w.dialogs.push(d.message());
    void d.dismiss();
  });
  // Errors inside output frames (a plot library that is absent, say) are the output's own business; only
  // errors of the page itself count.
  page.on("pageerror", (e) => {
    if (!(e.stack ?? "").includes("about:srcdoc")) w.pageErrors.push(e.message);
  });
  return w;
}

before(async () => {
  beacon = createServer((req, res) => {
    beaconHits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { "content-type": "text/plain", "access-control-allow-origin": "*" });
    res.end("beacon");
  });
  await new Promise<void>((resolve) => beacon.listen(0, "127.0.0.1", resolve));
  const address = beacon.address();
  if (address === null || typeof address === "string") throw new Error("no beacon address");
  beaconUrl = `http://127.0.0.1:${address.port}/`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => beacon?.close(resolve));
});

describe("hostile markdown and notebook strings", () => {
  test("no script runs in the page, and nothing reaches the network", async () => {
    const url = exportToFile("page-attacks", JSON.stringify(pageAttackNotebook(beaconUrl)));
    const page = await browser.context.newPage();
    const w = watch(page);
    await page.goto(url, { waitUntil: "load" });
    await page.waitForTimeout(300);
    assert.equal(await pwnedMark(page), null);

    // Links that were javascript: or data: are inert: clicking them changes nothing.
    for (const id of ["#user-content-js-link", "#user-content-data-link"]) {
      const link = page.locator(id);
      assert.equal(await link.count(), 1, `${id} is kept as text`);
      assert.equal(await link.getAttribute("href"), null);
      await link.click();
    }
    await page.waitForTimeout(200);
    assert.equal(page.url(), url);
    assert.equal(await pwnedMark(page), null);

    // The overlay lost its style and stays inside its cell; the page's own header is still on top.
    const cell = await page.locator(".vt-cell", { has: page.locator("#user-content-overlay") }).boundingBox();
    const overlay = await page.locator("#user-content-overlay").boundingBox();
    assert.ok(cell && overlay);
    assert.ok(
      overlay.y >= cell.y && overlay.y + overlay.height <= cell.y + cell.height + 1,
      "overlay stays within its cell",
    );
    const headerOnTop = await page.evaluate(() => {
      const header = document.querySelector(".vt-header")!.getBoundingClientRect();
      const hit = document.elementFromPoint(header.left + header.width / 2, header.top + header.height / 2);
      return hit?.closest(".vt-header") !== null;
    });
    assert.ok(headerOnTop, "nothing from the notebook covers the page header");

    // Title, tags, kernel name and raw cells are text, not markup.
    assert.match(await page.title(), /<\/title><script>/);
    assert.equal(await page.locator("script").count(), 1, "only Vitrine's own sizer script is in the page");
    assert.equal(
      await page.locator("form, iframe:not(.vt-frame), object, embed, base, link, style:not(head > style)").count(),
      0,
      "only Vitrine's stylesheets",
    );
    // The page's stylesheet, and (the notebook has math) KaTeX's and the math box rules.
    assert.equal(await page.locator("head > style").count(), 3);
    assert.match(await page.locator(".vt-tag").first().innerText(), /<script>/);
    assert.match(await page.locator(".vt-raw").innerText(), /<script>/);
    // The clobbering names are prefixed, so document methods are intact.
    assert.equal(await page.evaluate(() => typeof document.getElementById), "function");

    assert.deepEqual(w.dialogs, []);
    assert.deepEqual(w.pageErrors, []);
    assert.deepEqual(beaconHits, [], "nothing was fetched from the beacon");
    await page.screenshot({ path: new URL("page-attacks.png", screenshots).pathname, fullPage: true });
    await page.close();
  });

  test("remote images load only when allowed, and then without a referrer", async () => {
    beaconHits.length = 0;
    const nb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [{ cell_type: "markdown", id: "a", metadata: {}, source: `![remote](${beaconUrl}allowed.png)` }],
    };
    const blocked = await browser.context.newPage();
    await blocked.goto(exportToFile("remote-block", JSON.stringify(nb)), { waitUntil: "load" });
    assert.match(await blocked.locator(".vt-image-blocked").innerText(), /allowed\.png/);
    await blocked.close();
    assert.deepEqual(beaconHits, []);

    const allowed = await browser.context.newPage();
    const seen: Record<string, string>[] = [];
    allowed.on("request", (r) => {
      if (r.url().startsWith(beaconUrl)) seen.push(r.headers());
    });
    await allowed.goto(exportToFile("remote-allow", JSON.stringify(nb), "allow"), { waitUntil: "load" });
    await allowed.waitForTimeout(200);
    await allowed.close();
    assert.deepEqual(beaconHits, ["GET /allowed.png"]);
    assert.equal(seen.length, 1);
    assert.ok(!seen[0]?.referer, "no referrer is sent");
    beaconHits.length = 0;
  });
});

describe("output frames", () => {
  test("scripts in outputs run only inside their sandbox and cannot escape it", async () => {
    beaconHits.length = 0;
    const page = await browser.context.newPage();
    const w = watch(page);
    await page.goto(exportToFile("frame-attacks", JSON.stringify(frameAttackNotebook(beaconUrl))), {
      waitUntil: "load",
    });
    const frames = page.locator("iframe.vt-frame");
    assert.equal(await frames.count(), 4);
    for (const frame of await frames.all()) {
      assert.equal(await frame.getAttribute("sandbox"), "allow-scripts");
    }
    // Every frame except the markdown one (whose script the sanitizer removed) reports what it tried.
    await assertFramesContained(page);
    assert.equal(await pwnedMark(page), null);
    assert.deepEqual(w.dialogs, [], "sandboxed frames cannot open dialogs");
    assert.deepEqual(beaconHits, [], "no frame reached the network");
    // Frames are sized by their height messages.
    const heights = await frames.evaluateAll((els) =>
      els.map((e) => (e as HTMLElement).getBoundingClientRect().height),
    );
    assert.ok(heights.every((h) => h >= 16 && h <= 4000));
    await page.screenshot({ path: new URL("frame-attacks.png", screenshots).pathname, fullPage: true });
    await page.close();
  });

  test("a frame's forged height message cannot size another frame or exceed the cap", async () => {
    const script = `parent.postMessage({ type: ${JSON.stringify(EXPORT_FRAME_MESSAGES.height)}, height: 1e9 }, "*");`;
    const nb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [0, 1].map((i) => ({
        cell_type: "code",
        id: `c${i}`,
        execution_count: i,
        metadata: {},
        source: "",
        outputs: [
          {
            output_type: "display_data",
            metadata: {},
            data: i === 0 ? { "application/javascript": script } : { "text/html": "<p>small</p>" },
          },
        ],
      })),
    };
    const page = await browser.context.newPage();
    await page.goto(exportToFile("forged-height", JSON.stringify(nb)), { waitUntil: "load" });
    await page.waitForTimeout(300);
    const heights = await page
      .locator("iframe.vt-frame")
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).getBoundingClientRect().height));
    assert.ok(heights[0]! <= 4000, `capped, got ${heights[0]}`);
    assert.ok(heights[1]! < 200, `the other frame keeps its own height, got ${heights[1]}`);
    await page.close();
  });
});

describe("the corpus", () => {
  test("every readable corpus notebook and the malicious ones open with no script in the page", async () => {
    const dirs = [new URL("notebooks/", corpus), new URL("malicious/", corpus)];
    let opened = 0;
    for (const dir of dirs) {
      for (const name of readdirSync(dir)
        .filter((n) => n.endsWith(".ipynb"))
        .sort()) {
        const bytes = readFileSync(new URL(name, dir));
        let html: string;
        try {
          html = exportNotebookHtml(parseNotebook(bytes, { file: name }), { fileName: name });
        } catch (error) {
          if (error instanceof NotebookError) continue;
          throw error;
        }
        const path = join(workDir, `${name}.html`);
        writeFileSync(path, html);
        const page = await browser.context.newPage();
        const w = watch(page);
        // "load" waits for every frame: the plotly gallery's 46 frames each parse plotly.js, seconds on two cores.
        await page.goto(pathToFileURL(path).href, { waitUntil: "load", timeout: 120_000 });
        assert.equal(await pwnedMark(page), null, name);
        assert.deepEqual(w.dialogs, [], `${name}: no dialog`);
        assert.deepEqual(w.pageErrors, [], `${name}: no error in the page`);
        // The sizer, and the library handover where outputs draw with libraries; the libraries themselves are
        // inert blocks (application/octet-stream), which a browser never runs.
        const libraries = await page.locator('script[type="application/octet-stream"][data-vt-library]').count();
        assert.equal(
          await page.locator('script:not([type="application/octet-stream"])').count(),
          libraries > 0 ? 2 : 1,
          `${name}: only the sizer script${libraries > 0 ? " and the library handover" : ""}`,
        );
        assert.equal(
          await page.locator(".vt-cell").count(),
          parseNotebook(bytes).notebook.cells.length,
          `${name}: every cell drawn`,
        );
        await page.screenshot({ path: new URL(`corpus-${name}.png`, screenshots).pathname });
        await page.close();
        opened++;
      }
    }
    assert.ok(opened >= 45, `opened ${opened} notebooks`);
  });

  test("with JavaScript off, markdown, text and images are still readable", async () => {
    const noJs = await launchBrowser({ javaScriptEnabled: false });
    try {
      const tour = new URL("../../examples/tour.ipynb", import.meta.url);
      const page = await noJs.context.newPage();
      await page.goto(exportToFile("tour", readFileSync(tour, "utf8")), { waitUntil: "load" });
      assert.match(await page.locator("h1#user-content-A-tour-of-Vitrine").innerText(), /A tour of Vitrine/);
      assert.match(await page.locator(".vt-stream-stdout").first().innerText(), /progress 100%/);
      assert.equal(await page.locator("img.vt-image").count(), 1);
      assert.ok((await page.locator("math").count()) >= 2, "math is drawn as MathML");
      assert.ok(await page.locator("img.vt-image").evaluate((img) => (img as HTMLImageElement).naturalWidth > 0));
      await page.screenshot({ path: new URL("tour-no-js.png", screenshots).pathname, fullPage: true });
      await page.close();
    } finally {
      await noJs.close();
    }
  });

  test("the tour looks right in light and dark mode", async () => {
    const tour = exportToFile("tour-js", readFileSync(new URL("../../examples/tour.ipynb", import.meta.url), "utf8"));
    for (const scheme of ["light", "dark"] as const) {
      const b = await launchBrowser({ colorScheme: scheme });
      try {
        const page = await b.context.newPage();
        await page.goto(tour, { waitUntil: "load" });
        const frames = page.frames().filter((f) => f !== page.mainFrame());
        assert.equal(frames.length, 2);
        const written = await Promise.all(
          frames.map((f) => f.evaluate(() => document.getElementById("output")?.textContent ?? null)),
        );
        assert.ok(
          written.includes("Written by a script inside a sandboxed frame."),
          "the JavaScript output ran in its frame",
        );
        // Offscreen frames are sized when they come into view (the browser throttles them until then).
        for (const frame of await page.locator("iframe.vt-frame").all()) await frame.scrollIntoViewIfNeeded();
        await page.waitForTimeout(200);
        await page.screenshot({ path: new URL(`tour-${scheme}.png`, screenshots).pathname, fullPage: true });
        await page.close();
      } finally {
        await b.close();
      }
    }
  });
});
