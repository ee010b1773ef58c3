// The worker thread of the studio's downloads as a page or a script (export-downloads.ts): it parses a stored
// notebook and exports it as `vitrine render` does (the same function, options and file name, so the same bytes),
// or as a script. A notebook over its time or memory budget ends this worker, never the server's event loop.
import { basename } from "node:path";
import { NotebookError } from "../notebook/errors.ts";
import { parseNotebook } from "../notebook/parse.ts";
import { exportNotebookParts } from "../render/export.ts";
import { notebookScript, scriptExtension } from "../render/notebook-script.ts";
import { jobPhase, serveJobs } from "../threads/job-protocol.ts";

export type ExportForm = "html" | "script";

export interface ExportJob {
  path: string;
  bytes: Uint8Array;
  maxBytes: number;
  form: ExportForm;
}

/** The page or script with its file extension, or the located reason the notebook could not be read. */
export type ExportResult = { text: string; extension: string } | { refused: { code: string; message: string } };

function exportJob(job: ExportJob): ExportResult {
  jobPhase("read");
  const name = basename(job.path);
  let parsed;
  try {
    parsed = parseNotebook(job.bytes, { file: name, limits: { maxFileBytes: job.maxBytes } });
  } catch (error) {
    if (error instanceof NotebookError) return { refused: { code: error.code, message: error.format() } };
    throw error;
  }
  jobPhase("render");
  // The CLI's defaults: remote images blocked, the file's name as the title when the notebook has none.
  if (job.form === "html")
    return {
      text: exportNotebookParts(parsed, { fileName: name, remoteImages: "block" }).join(""),
      extension: ".html",
    };
  return { text: notebookScript(parsed.notebook), extension: scriptExtension(parsed.notebook) };
}

serveJobs(exportJob);
