// Reads every notebook of the shared corpus (or of a folder given as the first argument) in a real studio, in
// Debian's Chromium, and prints per notebook: output frames drawn, blank and erroring, the page's own script
// errors, and its Cumulative Layout Shift (test/e2e/corpus-check.ts says how each is measured). With --export,
// writes each notebook with `vitrine render` and reads the files from disk instead: frames drawn, blank and
// erroring, static copies, the page's own script errors and CSP violations (test/e2e/export-corpus-check.ts).
//   node_modules/.bin/node scripts/corpus-check.ts [FOLDER] [--export] [--width=390] [--parallel=2] [--only=NAME,...]
// Needs the web bundles (npm run build:web) for the studio. Exits 1 when a page has a script error, or (studio) a
// CLS of 0.1 or more, or (export) a CSP violation or a request outside the file.
import { fileURLToPath } from "node:url";
import { checkCorpus } from "../test/e2e/corpus-check.ts";
import { checkExportCorpus } from "../test/e2e/export-corpus-check.ts";

const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const folder = args.find((a) => !a.startsWith("--"));
const corpus = folder
  ? folder.endsWith("/")
    ? folder
    : `${folder}/`
  : fileURLToPath(new URL("../../shared/corpus/notebooks/", import.meta.url));
const width = Number(flag("width") ?? 1200);
const only = flag("only")?.split(",");
const options = {
  corpus,
  names: only,
  parallel: Number(flag("parallel") ?? 2),
  viewport: { width, height: width < 600 ? 844 : 900 },
  log: (line: string) => console.log(line),
};

const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(0);
if (args.includes("--export")) {
  const { checks, refused } = await checkExportCorpus(options);
  for (const [name, line] of refused) console.log(`${name.padEnd(52)} not written by vitrine render: ${line}`);
  for (const check of checks) {
    for (const title of check.blank) console.log(`  ${check.name}: blank frame ${title}`);
    for (const error of check.frameErrors) console.log(`  ${check.name}: frame error ${error}`);
    for (const error of check.pageErrors) console.log(`  ${check.name}: PAGE ERROR ${error}`);
    for (const violation of check.pageViolations) console.log(`  ${check.name}: PAGE CSP ${violation}`);
    for (const url of check.outside) console.log(`  ${check.name}: REQUEST ${url}`);
  }
  console.log(
    `${checks.length} exports read in ${seconds()} s at ${width} px; ` +
      `${checks.reduce((n, c) => n + c.drawn, 0)} frames drawn, ${checks.reduce((n, c) => n + c.blank.length, 0)} blank, ` +
      `${checks.reduce((n, c) => n + c.staticCopies, 0)} static copies`,
  );
  process.exitCode = checks.some((c) => c.pageErrors.length + c.pageViolations.length + c.outside.length > 0) ? 1 : 0;
} else {
  const { checks, refused } = await checkCorpus(options);
  for (const [name, code] of refused) console.log(`${name.padEnd(52)} refused by the server: ${code}`);
  for (const check of checks) {
    for (const title of check.blank) console.log(`  ${check.name}: blank frame ${title}`);
    for (const error of check.frameErrors) console.log(`  ${check.name}: frame error ${error}`);
    for (const error of check.pageErrors) console.log(`  ${check.name}: PAGE ERROR ${error}`);
    if (check.cls >= 0.05) for (const shift of check.largestShifts) console.log(`  ${check.name}: shift ${shift}`);
  }
  const worst = checks.reduce((a, c) => (c.cls > a.cls ? c : a), checks[0]!);
  console.log(
    `${checks.length} notebooks read in ${seconds()} s at ${width} px; ` +
      `${checks.reduce((n, c) => n + c.drawn, 0)} frames drawn, ${checks.reduce((n, c) => n + c.blank.length, 0)} blank; ` +
      `largest CLS ${worst.cls.toFixed(3)} (${worst.name})`,
  );
  process.exitCode = checks.some((c) => c.pageErrors.length > 0 || c.cls >= 0.1) ? 1 : 0;
}
