// Reads every notebook of the shared corpus (or of a folder given as the first argument) in a real studio, in
// Debian's Chromium, and prints per notebook: output frames drawn, blank and erroring, the page's own script
// errors, and its Cumulative Layout Shift (test/e2e/corpus-check.ts says how each is measured).
//   node_modules/.bin/node scripts/corpus-check.ts [FOLDER] [--width=390] [--parallel=2] [--only=NAME,...]
// Needs the web bundles (npm run build:web). Exits 1 when a page has a script error or a CLS of 0.1 or more.
import { fileURLToPath } from "node:url";
import { checkCorpus } from "../test/e2e/corpus-check.ts";

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

const started = Date.now();
const { checks, refused } = await checkCorpus({
  corpus,
  names: only,
  parallel: Number(flag("parallel") ?? 2),
  viewport: { width, height: width < 600 ? 844 : 900 },
  log: (line) => console.log(line),
});
for (const [name, code] of refused) console.log(`${name.padEnd(52)} refused by the server: ${code}`);
for (const check of checks) {
  for (const title of check.blank) console.log(`  ${check.name}: blank frame ${title}`);
  for (const error of check.frameErrors) console.log(`  ${check.name}: frame error ${error}`);
  for (const error of check.pageErrors) console.log(`  ${check.name}: PAGE ERROR ${error}`);
  if (check.cls >= 0.05) for (const shift of check.largestShifts) console.log(`  ${check.name}: shift ${shift}`);
}
const worst = checks.reduce((a, c) => (c.cls > a.cls ? c : a), checks[0]!);
console.log(
  `${checks.length} notebooks read in ${((Date.now() - started) / 1000).toFixed(0)} s at ${width} px; ` +
    `${checks.reduce((n, c) => n + c.drawn, 0)} frames drawn, ${checks.reduce((n, c) => n + c.blank.length, 0)} blank; ` +
    `largest CLS ${worst.cls.toFixed(3)} (${worst.name})`,
);
process.exitCode = checks.some((c) => c.pageErrors.length > 0 || c.cls >= 0.1) ? 1 : 0;
