// The export's corpus check (export-corpus-check.ts): every corpus notebook written by `vitrine render` and opened
// from disk, offline, in Chromium: no script error or CSP violation of the page itself, no request outside the file,
// and no blank or erroring output frame beyond the known ones below, each with its reason, so a new one fails.
// Runs in about a minute (three pages at once; the plotly gallery's 46 frames take half of it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { checkExportCorpus, formatExportCheck } from "./export-corpus-check.ts";

const CORPUS = fileURLToPath(new URL("../../../shared/corpus/notebooks/", import.meta.url));

/** A library setting a style attribute at run time, which the page's policy (inherited by srcdoc frames) refuses. */
const STYLE_ATTRIBUTE_REFUSAL = /^Applying inline style violates the following Content Security Policy directive/;

/**
 * Outputs the check finds blank or erroring: as they are in JupyterLab too, refused by design, or an export defect
 * named as such. Errors of frames that draw are listed with `error` only.
 */
const KNOWN: { notebook: string; blank?: RegExp; error?: RegExp; reason: string }[] = [
  ...["bokeh-notebooks__lorenz.ipynb", "plotly_express__gallery.ipynb"].map((notebook) => ({
    notebook,
    error: STYLE_ATTRIBUTE_REFUSAL,
    reason:
      "BokehJS and plotly.js set a style attribute with setAttribute('style'), which the page's policy allows only by " +
      "the hashes of those in the file; what they drew is complete without it (export-libraries.test.ts)",
  })),
  {
    notebook: "ipython__Custom_Display_Logic.ipynb",
    blank: /^Output 1[01] /,
    error: /require is not defined/,
    reason:
      "an empty div that the next output's script fills with flot, through the classic notebook's RequireJS, which " +
      "JupyterLab has not got either (nor the CDN flot is on)",
  },
  {
    notebook: "ipython__Plotting_in_the_Notebook.ipynb",
    blank: /^Output 1 \(application\/javascript\)/,
    error: /IPython is not defined|^Applying inline style violates/,
    reason:
      "the script calls the classic notebook's IPython global, which JupyterLab has not got either; on the way, " +
      "depending on timing, it sets a style attribute the export's policy does not allow (only hashed ones)",
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
    error: /^(Loading the image 'http|Loading media from {1,2}'http|Framing 'https)/,
    reason: "images, audio and iframes on remote hosts, which an export refuses by design (it opens offline)",
  },
  {
    notebook: "jupyterlab__windowed_notebook.ipynb",
    error: /^Framing 'https:\/\/jupyterlab\.readthedocs\.org\/'/,
    reason: "an iframe of a remote site, refused by the frames' policy by design",
  },
  {
    notebook: "ipython__Third_Party_Rich_Output.ipynb",
    blank: /^Output (5|6) /,
    error: /d3js\.org/,
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

test("every corpus notebook's export: no page error, CSP violation or request, no blank or erroring frame but the known ones", async (t) => {
  const { checks, refused } = await checkExportCorpus({ corpus: CORPUS, parallel: 3 });
  const problems: string[] = [];
  for (const check of checks) {
    for (const error of check.pageErrors) problems.push(`${check.name}: page error: ${error}`);
    for (const violation of check.pageViolations) problems.push(`${check.name}: page CSP violation: ${violation}`);
    for (const url of check.outside) problems.push(`${check.name}: request outside the file: ${url}`);
    for (const title of check.blank)
      if (!known(check.name, "blank", title)) problems.push(`${check.name}: blank frame ${title}`);
    for (const error of check.frameErrors)
      if (!known(check.name, "error", error)) problems.push(`${check.name}: frame error ${error}`);
    if (check.outputs + check.staticCopies > 0) t.diagnostic(formatExportCheck(check));
  }
  // The notebooks nbformat itself refuses are the only ones not written.
  assert.deepEqual(
    [...refused.keys()].filter(
      (name) => !/^nbformat__(invalid|no_min|test3_no_w|test3_worksheet_with_no|v4_5_invalid_m)/.test(name),
    ),
    [],
  );
  assert.ok(checks.length >= 45, `only ${checks.length} exports read`);
  const byName = new Map(checks.map((c) => [c.name, c]));
  assert.ok((byName.get("plotly_express__gallery.ipynb")?.drawn ?? 0) >= 40, "the plotly gallery's figures are drawn");
  assert.equal(byName.get("bokeh-notebooks__lorenz.ipynb")?.blank.length, 0, "the Bokeh figure is drawn offline");
  const widgets = byName.get("nbconvert__Widget_List.ipynb");
  assert.ok(
    (widgets?.drawn ?? 0) >= 41 && widgets?.staticCopies === 0,
    "widget views are drawn in their frames from the saved state (export-widgets.test.ts looks closer)",
  );
  assert.deepEqual(problems, []);
});
