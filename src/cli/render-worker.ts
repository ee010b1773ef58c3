// The worker thread of `vitrine render` (render-command.ts): reads one notebook, exports it and writes the page, so
// that a notebook over its time or memory budget ends this worker and not the command. Each notebook is a job
// message of its own, a task of its own: jsdom's documents of one notebook are freed before the next.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { writeFileAtomic } from "../fs/write-atomic.ts";
import { NotebookError } from "../notebook/errors.ts";
import { parseNotebook } from "../notebook/parse.ts";
import type { ParsedNotebook } from "../notebook/types.ts";
import { exportNotebookParts, type RemoteImagePolicy } from "../render/export.ts";
import { jobPhase, serveJobs } from "../threads/job-protocol.ts";
import { fileError } from "./file-errors.ts";

export interface RenderJob {
  input: string;
  /** "-" for standard output: the page comes back as the result. */
  output: string;
  maxFileBytes: number | undefined;
  remoteImages: RemoteImagePolicy;
}

/** Written (with the page when it goes to standard output), or the one line that says why not. */
export type RenderResult = { written: true; page?: string } | { written: false; error: string };

function render(job: RenderJob): RenderResult {
  jobPhase("read");
  const notebook = readNotebookFile(job);
  if ("error" in notebook) return { written: false, error: notebook.error };
  jobPhase("render");
  const parts = exportNotebookParts(notebook.parsed, { fileName: basename(job.input), remoteImages: job.remoteImages });
  if (job.output === "-") return { written: true, page: parts.join("") };
  try {
    // A temporary file beside the page, renamed over it once whole: a failure leaves nothing half-written.
    writeFileAtomic(job.output, parts);
  } catch (error) {
    return { written: false, error: fileError("write", job.output, error).message };
  }
  return { written: true };
}

/** The parsed notebook, or the located error. The file's bytes are not kept past parsing. */
function readNotebookFile(job: RenderJob): { parsed: ParsedNotebook } | { error: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(job.input);
  } catch (error) {
    return { error: fileError("read", job.input, error).message };
  }
  try {
    const limits = job.maxFileBytes === undefined ? {} : { maxFileBytes: job.maxFileBytes };
    return { parsed: parseNotebook(bytes, { file: job.input, limits }) };
  } catch (error) {
    if (error instanceof NotebookError) return { error: error.format() };
    throw error;
  }
}

serveJobs(render);
