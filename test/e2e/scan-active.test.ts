// The scanner's verdict on HTML against what a real browser does with it. Each snippet is loaded as a live page in
// Debian's Chromium with a trap function; what the scanner calls active must run there, and what it passes must
// not. This is the behaviour the `active-output` and `active-markdown` findings claim.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { reviewHtml } from "../../src/scan/html.ts";
import { launchBrowser, type Browser } from "./browser.ts";

/** Each calls trap() (or parent.trap()) by itself once loaded: no click or other input is needed. */
const RUNS: readonly string[] = [
  "<script>trap()</script>",
  "<img src=x onerror=trap()>",
  "<svg onload=trap()></svg>",
  "<svg><script>trap()</script></svg>",
  '<iframe srcdoc="<script>parent.trap()</script>"></iframe>',
  '<iframe src="javascript:parent.trap()"></iframe>',
  // Parsed with scripting on (a live page), noscript is raw text: the image escapes the attribute.
  '<noscript><p title="</noscript><img src=x onerror=trap()>"></noscript>',
  "<details open ontoggle=trap()>x</details>",
  "<input autofocus onfocus=trap()>",
  "<video><source onerror=trap()></video>",
  "<IMG SRC=x OnErRoR=trap()>",
  "<<script>trap()//<</script>",
  '<form><button formaction="javascript:trap()" id=b>go</button></form><script>b.click()</script>',
];

/** Markup that looks dangerous to a pattern but does nothing in a browser. */
const INERT: readonly string[] = [
  "<p>text &lt;script&gt;trap()&lt;/script&gt;</p>",
  '<p title="onerror=trap()">x</p>',
  "<pre><code>&lt;img onerror=trap()&gt;</code></pre>",
  '<div><style scoped>.dataframe td { padding: 2px }</style><table class="dataframe"><tr><td>1</td></tr></table></div>',
  '<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0L1 1"/></svg>',
  '<a href="https://example.org/?q=javascript:trap()">link</a>',
  "<textarea><img src=x onerror=trap()></textarea>",
  "<!-- <img src=x onerror=trap()> -->",
  "<xmp><script>trap()</script></xmp>",
  "<scr<script>ipt>trap()</script>",
  '<img src="data:image/png;base64,iVBORw0KGgo=" alt="broken but harmless">',
];

let browser: Browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser.close();
});

/** How many times the snippet called the trap, loaded as the body of a live page. */
async function timesRun(snippet: string): Promise<number> {
  const page = await browser.context.newPage();
  try {
    // Nothing leaves the page: every request other than the page itself fails at once.
    await page.route("**/*", (route) => route.abort());
    await page.setContent(
      `<!DOCTYPE html><html><head><script>window.ran = 0; window.trap = () => { window.ran++; };</script></head><body>${snippet}</body></html>`,
    );
    await page.waitForTimeout(300);
    return await page.evaluate(() => (window as unknown as { ran: number }).ran);
  } finally {
    await page.close();
  }
}

test("what the scanner calls active runs in Chromium", async () => {
  for (const snippet of RUNS) {
    assert.ok(reviewHtml(snippet, false).active.length > 0, `output: scanner passed ${snippet}`);
    assert.ok(reviewHtml(snippet, true).active.length > 0, `markdown: scanner passed ${snippet}`);
    assert.ok((await timesRun(snippet)) > 0, `did not run in the browser: ${snippet}`);
  }
});

test("what the scanner passes does not run in Chromium", async () => {
  for (const snippet of INERT) {
    assert.deepEqual(reviewHtml(snippet, false).active, [], `output: scanner reported ${snippet}`);
    assert.deepEqual(reviewHtml(snippet, true).active, [], `markdown: scanner reported ${snippet}`);
    assert.equal(await timesRun(snippet), 0, `ran in the browser: ${snippet}`);
  }
});
