import { mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import type { RemoteImagePolicy } from "../render/export.ts";
import { BudgetExceeded, WorkerFailed, WorkerPool } from "../threads/worker-pool.ts";
import { commandArgs } from "./command-args.ts";
import { fileError } from "./file-errors.ts";
import type { RenderJob, RenderResult } from "./render-worker.ts";
import { UsageError } from "./usage-error.ts";

/**
 * One notebook's budget. The corpus's largest notebooks render in well under a second and 200 MB; these leave room
 * for honest notebooks near the 100 MiB file limit, and stop a hostile one long before it takes the machine.
 */
export const DEFAULT_RENDER_SECONDS = 120;
export const DEFAULT_RENDER_MEMORY_MB = 4096;
/** bin/vitrine's semi-space (2 MB) times three: the worker's young generation stays as small as the main thread's. */
const RENDER_YOUNG_GENERATION_MB = 6;

export const RENDER_USAGE = `Usage: vitrine render NOTEBOOK.ipynb [-o OUT.html] [--remote-images=block|allow]
       vitrine render NOTEBOOK.ipynb... --output-dir DIR

Writes one self-contained HTML file per notebook that opens from disk. Markdown, text and images are readable
with JavaScript off; each active output (HTML, SVG, JavaScript, ...) runs in its own sandboxed frame.

Options:
  -o, --output FILE            where to write one notebook (default: NOTEBOOK.html in the current folder;
                               "-" for standard output)
  -d, --output-dir DIR         where to write, as NOTEBOOK.html each (default: the current folder; created,
                               with its parents, if missing)
  --remote-images block|allow  block (default): remote images are not loaded, their URL is shown instead;
                               allow: loaded, without a referrer
  --max-file-bytes N           refuse notebooks larger than N bytes (default 104857600)
  --max-seconds N              stop rendering a notebook after N seconds (default ${DEFAULT_RENDER_SECONDS})
  --max-memory-mb N            stop rendering a notebook that needs more than N MB of heap (default ${DEFAULT_RENDER_MEMORY_MB})
  -h, --help                   this help

Exit codes: 0 all written; 2 an input is not a readable notebook, is over its time or memory budget, or its page
cannot be written (one line with the path, the reason and a code; the others are still written), or a bad option.`;

export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export async function renderCommand(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = commandArgs(args, {
    output: { type: "string", short: "o" },
    "output-dir": { type: "string", short: "d" },
    "remote-images": { type: "string" },
    "max-file-bytes": { type: "string" },
    "max-seconds": { type: "string" },
    "max-memory-mb": { type: "string" },
  });
  if (values.help) {
    io.stdout(`${RENDER_USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError("missing_argument", "render needs a NOTEBOOK");
  if (positionals.length > 1 && values.output !== undefined)
    throw new UsageError("conflicting_options", "-o names one output file; with several notebooks use --output-dir");
  if (values.output !== undefined && values["output-dir"] !== undefined)
    throw new UsageError("conflicting_options", "use -o or --output-dir, not both");
  const remote = values["remote-images"] ?? "block";
  if (remote !== "block" && remote !== "allow")
    throw new UsageError("bad_option_value", `--remote-images must be "block" or "allow", not "${remote}"`);
  const maxFileBytes = positiveInteger(values["max-file-bytes"], "--max-file-bytes");
  const maxSeconds = positiveInteger(values["max-seconds"], "--max-seconds") ?? DEFAULT_RENDER_SECONDS;
  const maxMemoryMb = positiveInteger(values["max-memory-mb"], "--max-memory-mb") ?? DEFAULT_RENDER_MEMORY_MB;
  const outputDir = values["output-dir"] ?? ".";
  if (values["output-dir"] !== undefined) {
    try {
      mkdirSync(outputDir, { recursive: true });
    } catch (error) {
      io.stderr(`vitrine render: ${fileError("create", outputDir, error).message}\n`);
      return 2;
    }
  }
  // One worker for the whole batch, replaced only when a notebook outgrows its budget: jsdom's start-up is paid
  // once. Each notebook is a job of its own, in a task of its own: jsdom follows documents through WeakRefs, and
  // what a WeakRef hands out stays alive until the current task ends, so rendering every notebook in one task kept
  // every document until the last was written.
  const pool = new WorkerPool<RenderJob, RenderResult>(new URL("./render-worker.ts", import.meta.url), {
    size: 1,
    budget: {
      timeMs: maxSeconds * 1000,
      maxOldGenerationSizeMb: maxMemoryMb,
      maxYoungGenerationSizeMb: RENDER_YOUNG_GENERATION_MB,
    },
  });
  let status = 0;
  try {
    for (const input of positionals) {
      const fileName = basename(input);
      const output = values.output ?? join(outputDir, `${fileName.replace(/\.ipynb$/i, "")}.html`);
      const job: RenderJob = { input, output, maxFileBytes, remoteImages: remote as RemoteImagePolicy };
      const error = await renderOne(pool, job, io);
      if (error !== undefined) {
        io.stderr(`vitrine render: ${error}\n`);
        status = 2;
      }
    }
  } finally {
    await pool.close();
  }
  return status;
}

function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new UsageError("bad_option_value", `${flag} must be a positive whole number, not "${value}"`);
  return n;
}

/** Renders one notebook; the line that says why it was not written, if it was not. */
async function renderOne(
  pool: WorkerPool<RenderJob, RenderResult>,
  job: RenderJob,
  io: CommandIO,
): Promise<string | undefined> {
  let result: RenderResult;
  try {
    result = await pool.run(job);
  } catch (error) {
    if (error instanceof BudgetExceeded) {
      const doing = error.phase === "render" || error.phase === undefined ? "rendering" : "reading";
      const flag = error.limit === "time" ? "--max-seconds" : "--max-memory-mb";
      return `${job.input}: ${doing} it ${error.message} and was stopped (${flag}) [${error.limit === "time" ? "time" : "memory"}_budget_exceeded]`;
    }
    // A defect, not the input's fault: its first line, the stack stays out of the user's terminal.
    if (error instanceof WorkerFailed)
      return `${job.input}: rendering failed: ${error.message.split("\n")[0]} [render_failed]`;
    throw error;
  }
  if (!result.written) return result.error;
  if (result.page !== undefined) io.stdout(result.page);
  return undefined;
}
