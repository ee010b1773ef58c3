// The corpus check (corpus-check.ts) over every notebook of the shared corpus, in the studio at desktop width:
// no script error in the page, a Cumulative Layout Shift under 0.1 (Core Web Vitals' "good") for every notebook,
// and no blank or erroring output frame beyond the known ones below, each with its reason, so a new one fails.
// The same at phone width (CLS and page errors). Then an address with a #fragment in a notebook of figures lands
// on its heading and stays there while they draw. Runs in about five minutes (three pages at once).
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { launchBrowser } from "./browser.ts";
import { checkCorpus, formatCheck } from "./corpus-check.ts";
import { startBrowserStudio } from "./running-studio.ts";
import { createWorkspace, pageApi, pagePostFiles, signIn } from "./studio-session.ts";

const CORPUS = fileURLToPath(new URL("../../../shared/corpus/notebooks/", import.meta.url));

/** Outputs the check finds blank or erroring that the same output is in JupyterLab too, or for a stated reason. */
const KNOWN: { notebook: string; blank?: RegExp; error?: RegExp; reason: string }[] = [
  {
    notebook: "ipython__Custom_Display_Logic.ipynb",
    blank: /^Output 10 /,
    reason: "an empty div that the next output's script fills with flot, required from a CDN the frames refuse",
  },
  {
    notebook: "ipython__Plotting_in_the_Notebook.ipynb",
    blank: /^Output 1 \(application\/javascript\)/,
    error: /IPython is not defined/,
    reason: "the script calls the classic notebook's IPython global, which JupyterLab has not got either",
  },
  {
    notebook: "ipython__Rich_Output.ipynb",
    blank: /^Output (6|7) \(application\/javascript\)/,
    error: /allow-modals/,
    reason: "alert('hi') draws nothing; the sandbox refuses the dialog",
  },
  {
    notebook: "ipython__Rich_Output.ipynb",
    blank: /^Output (8|9|10) /,
    error: /\$ is not defined|element\.get is not a function/,
    reason:
      "the d3 example needs the classic notebook's jQuery ($, element as a jQuery object), as in JupyterLab; output 9 is its style sheet only",
  },
  {
    notebook: "ipython__Rich_Output.ipynb",
    error: /violates the following Content Security Policy directive: "(img-src|media-src|default-src)/,
    reason: "images, audio and iframes on remote hosts, which output frames refuse by design (DESIGN.md, Two origins)",
  },
  {
    notebook: "jupyterlab__windowed_notebook.ipynb",
    error: /Framing 'https:\/\/jupyterlab\.readthedocs\.org\/'/,
    reason: "an iframe of a remote site, refused by the frames' policy by design",
  },
  {
    notebook: "ipython__Third_Party_Rich_Output.ipynb",
    blank: /^Output (5|6) /,
    error: /d3js\.org|vincent|d3 is not defined/,
    reason: "vincent's chart loads d3 from a CDN, which output frames refuse",
  },
  ...["nbformat__test3", "nbformat__test4.5", "nbformat__test4", "nbformat__test4docinfo", "nbformat__test4plus"].map(
    (name) => ({
      notebook: `${name}.ipynb`,
      blank: /^Output 2 \(application\/javascript\)/,
      reason: "console.log('hi') draws nothing, in JupyterLab too",
    }),
  ),
];

const known = (notebook: string, kind: "blank" | "error", what: string) =>
  KNOWN.some((k) => k.notebook === notebook && k[kind]?.test(what) === true);

test("every corpus notebook: no page error, CLS under 0.1, no blank or erroring frame but the known ones", async (t) => {
  const { checks } = await checkCorpus({ corpus: CORPUS, parallel: 3 });
  const problems: string[] = [];
  for (const check of checks) {
    for (const error of check.pageErrors) problems.push(`${check.name}: page error: ${error}`);
    if (check.cls >= 0.1)
      problems.push(
        `${check.name}: CLS ${check.cls.toFixed(3)} (${formatCheck(check)}; ${check.largestShifts.join(" | ")})`,
      );
    for (const title of check.blank)
      if (!known(check.name, "blank", title)) problems.push(`${check.name}: blank frame ${title}`);
    for (const error of check.frameErrors)
      if (!known(check.name, "error", error)) problems.push(`${check.name}: frame error ${error}`);
  }
  for (const check of [...checks].sort((a, b) => b.cls - a.cls).slice(0, 3))
    t.diagnostic(`largest CLS: ${check.name} ${check.cls.toFixed(3)}`);
  assert.ok(checks.length >= 40, `only ${checks.length} notebooks read`);
  assert.ok(
    checks.some((c) => c.name === "plotly_express__gallery.ipynb" && c.drawn >= 40),
    "the plotly gallery's figures are drawn",
  );
  assert.deepEqual(problems, []);
});

test("at phone width too, every corpus notebook keeps its CLS under 0.1 and its page free of script errors", async (t) => {
  const { checks } = await checkCorpus({ corpus: CORPUS, parallel: 3, viewport: { width: 390, height: 844 } });
  const problems: string[] = [];
  for (const check of checks) {
    for (const error of check.pageErrors) problems.push(`${check.name}: page error: ${error}`);
    if (check.cls >= 0.1)
      problems.push(
        `${check.name}: CLS ${check.cls.toFixed(3)} (${formatCheck(check)}; ${check.largestShifts.join(" | ")})`,
      );
  }
  for (const check of [...checks].sort((a, b) => b.cls - a.cls).slice(0, 3))
    t.diagnostic(`largest CLS at 390 px: ${check.name} ${check.cls.toFixed(3)}`);
  assert.ok(checks.length >= 40, `only ${checks.length} notebooks read`);
  assert.deepEqual(problems, []);
});

/** Sections of a heading and a plotly figure each: every figure above a section draws while the reader is there. */
function figuresNotebook(sections: number): string {
  const cells = [];
  for (let i = 1; i <= sections; i++) {
    cells.push({ cell_type: "markdown", metadata: {}, source: `## Section ${i}` });
    cells.push({
      cell_type: "code",
      execution_count: i,
      metadata: {},
      source: `fig${i}`,
      outputs: [
        {
          output_type: "display_data",
          metadata: {},
          data: {
            "application/vnd.plotly.v1+json": {
              data: [{ type: "bar", x: ["a", "b", "c"], y: [i, i + 1, i + 2] }],
              layout: { height: 500 },
            },
            "text/plain": "Figure",
          },
        },
      ],
    });
  }
  return JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });
}

test("an address with a #fragment lands on its heading and stays there while the figures above it draw", async () => {
  const studio = await startBrowserStudio([{ name: "reader", password: "anchor test password" }]);
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await signIn(page, studio.app, "reader", "anchor test password");
    const workspace = await createWorkspace(page, "Anchors");
    const config = await pageApi(page, "GET", "/api/config");
    const statement = (config.body as { trustStatements: { id: string }[] }).trustStatements.at(-1)?.id ?? "";
    const file = { name: "figures.ipynb", base64: Buffer.from(figuresNotebook(30)).toString("base64") };
    const upload = await pagePostFiles(page, `/api/workspaces/${workspace}/files`, [file], statement);
    assert.equal(upload.status, 201, JSON.stringify(upload.body));
    await page.goto(`${studio.app}/w/${workspace}/f/figures.ipynb#user-content-Section-25`);
    const heading = page.getByRole("heading", { name: "Section 25", exact: true });
    await heading.waitFor();
    // Frames above the heading are made, report 16 px, then draw their 500 px figures; the heading stays put.
    const tops: number[] = [];
    for (let i = 0; i < 20; i++) {
      await page.waitForTimeout(250);
      tops.push((await heading.boundingBox())?.y ?? Number.NaN);
    }
    assert.ok(
      tops.slice(4).every((top) => top >= 0 && top < 2),
      `the heading stays at the top: ${tops.map((t) => t.toFixed(0)).join(" ")}`,
    );
    const drawn = await page.evaluate(
      () =>
        [...document.querySelectorAll<HTMLIFrameElement>("iframe.vt-frame")].filter(
          (f) => f.getBoundingClientRect().bottom < 0 && f.style.height === "508px",
        ).length,
    );
    assert.ok(drawn >= 2, `figures above the heading have drawn (${drawn})`);
  } finally {
    await browser.close();
    await studio.close();
  }
});
