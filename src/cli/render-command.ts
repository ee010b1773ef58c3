import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { NotebookError } from "../notebook/errors.ts";
import { parseNotebook } from "../notebook/parse.ts";
import type { ParsedNotebook } from "../notebook/types.ts";
import { exportNotebookParts, type RemoteImagePolicy } from "../render/export.ts";
import { commandArgs } from "./command-args.ts";
import { UsageError } from "./usage-error.ts";
import { writeFileAtomic } from "../fs/write-atomic.ts";

export const RENDER_USAGE = `Usage: vitrine render NOTEBOOK.ipynb [-o OUT.html] [--remote-images=block|allow]
       vitrine render NOTEBOOK.ipynb... --output-dir DIR

Writes one self-contained HTML file per notebook that opens from disk. Markdown, text and images are readable
with JavaScript off; each active output (HTML, SVG, JavaScript, ...) runs in its own sandboxed frame.

Options:
  -o, --output FILE            where to write one notebook (default: NOTEBOOK.html in the current folder;
                               "-" for standard output)
  -d, --output-dir DIR         where to write, as NOTEBOOK.html each (default: the current folder)
  --remote-images block|allow  block (default): remote images are not loaded, their URL is shown instead;
                               allow: loaded, without a referrer
  --max-file-bytes N           refuse notebooks larger than N bytes (default 104857600)
  -h, --help                   this help

Exit codes: 0 all written; 2 an input is not a readable notebook (its located error is printed; the others are
still written) or a bad option.`;

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
  });
  if (values.help) {
    io.stdout(`${RENDER_USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError("render needs a NOTEBOOK");
  if (positionals.length > 1 && values.output !== undefined)
    throw new UsageError("-o names one output file; with several notebooks use --output-dir");
  if (values.output !== undefined && values["output-dir"] !== undefined)
    throw new UsageError("use -o or --output-dir, not both");
  const remote = values["remote-images"] ?? "block";
  if (remote !== "block" && remote !== "allow")
    throw new UsageError(`--remote-images must be "block" or "allow", not "${remote}"`);
  let maxFileBytes: number | undefined;
  if (values["max-file-bytes"] !== undefined) {
    maxFileBytes = Number(values["max-file-bytes"]);
    if (!Number.isSafeInteger(maxFileBytes) || maxFileBytes <= 0)
      throw new UsageError(`--max-file-bytes must be a positive whole number, not "${values["max-file-bytes"]}"`);
  }
  const outputDir = values["output-dir"] ?? ".";
  let status = 0;
  for (const input of positionals) {
    const fileName = basename(input);
    const output = values.output ?? join(outputDir, `${fileName.replace(/\.ipynb$/i, "")}.html`);
    const ok = renderOne(input, output, { maxFileBytes, remoteImages: remote as RemoteImagePolicy }, io);
    if (!ok) status = 2;
    // Each notebook in a task of its own: jsdom follows documents through WeakRefs, and what a WeakRef hands out
    // stays alive until the current task ends, so rendering every notebook in one task kept every document (page
    // and sanitizer documents alike) until the last was written: memory grew by about 40 MB over the corpus.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return status;
}

interface RenderOneOptions {
  maxFileBytes: number | undefined;
  remoteImages: RemoteImagePolicy;
}

function renderOne(input: string, output: string, options: RenderOneOptions, io: CommandIO): boolean {
  const notebook = readNotebookFile(input, options, io);
  if (notebook === undefined) return false;
  const parts = exportNotebookParts(notebook, { fileName: basename(input), remoteImages: options.remoteImages });
  if (output === "-") io.stdout(parts.join(""));
  else writeFileAtomic(output, parts);
  return true;
}

/** The parsed notebook, or undefined after saying why not. The file's bytes are not kept past parsing. */
function readNotebookFile(input: string, options: RenderOneOptions, io: CommandIO): ParsedNotebook | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(input);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.stderr(
      `vitrine render: cannot read ${input}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : (error as Error).message}\n`,
    );
    return undefined;
  }
  try {
    return parseNotebook(bytes, {
      file: input,
      limits: options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes },
    });
  } catch (error) {
    if (error instanceof NotebookError) {
      io.stderr(`vitrine render: ${error.format()}\n`);
      return undefined;
    }
    throw error;
  }
}
