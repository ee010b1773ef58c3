// One job per file, run on a worker thread (file-worker.ts): the bytes are read once there by the strict reader,
// checked as an upload checks them, scanned, and the notebook's head made, and only plain data comes back (the
// nbformat, the review, the head's JSON, or the located refusal). The parsed notebook never leaves the worker.
import { NotebookError } from "../notebook/errors.ts";
import { scanFile, type Finding, type ScanSummary } from "../scan/index.ts";
import type { UrlPolicy } from "../urls/index.ts";
import type { ErrorPlace } from "../contract/api-answers.ts";
import { AppError } from "./errors.ts";
import type { FileKind } from "./file-names.ts";
import { renderMarkdown } from "../render/markdown.ts";
import { notebookHead } from "../render/notebook-head.ts";
import type { ParsedNotebook } from "../notebook/index.ts";
import { checkFile, checkSizeAndContent, type CheckedFile } from "./upload-check.ts";
import { searchEntries, type SearchEntry } from "./search/search-text.ts";

export interface FileJob {
  path: string;
  bytes: Uint8Array;
  maxBytes: number;
  /** Whether to review the file (a review already remembered for these bytes is not made again). */
  scan: boolean;
  /**
   * The SHA-256 of the bytes, when a notebook's head is to be made (the head names its blob): the caller has hashed
   * them already to look up what is remembered of them, so the worker does not hash them again.
   */
  headOf?: string;
  /** A stored file's kind: its name was accepted when it was uploaded, under the rules of the day. */
  storedKind?: FileKind;
  /** Whether to send back the notebook as the model reads it (v2 and v3 upgraded), as the JSON the API sends. */
  model?: boolean;
  /** Whether to send back what search finds in the file (search-text.ts), for the index written with its version. */
  searchEntries?: boolean;
}

/** Why a file is refused, as the API answers it. */
export interface Refusal {
  status: number;
  error: string;
  message: string;
  details?: ErrorPlace;
}

export interface FileJobResult {
  kind: FileKind | null;
  nbformat: string | null;
  refused?: Refusal;
  review?: { summary: ScanSummary; findings: Finding[] };
  head?: string;
  /** The JSON object {original, upgraded, notes, noteCounts, notebook}, when the job asked for the model. */
  model?: string;
  /** What search finds in the file, when the job asked for it. */
  searchEntries?: SearchEntry[];
}

/** The steps of a job, announced as it reaches them; a job stopped by its budget is named by its step. */
export type FileJobPhase = "read" | "scan" | "head" | "search";

/** A notebook's head as the API sends it and head-cache.ts keeps it. */
export function serializedHead(sha256: string, parsed: ParsedNotebook): string {
  return JSON.stringify(notebookHead(parsed, sha256, (source) => renderMarkdown(source)));
}

function refusalOf(error: unknown): Refusal {
  if (error instanceof AppError)
    return {
      status: error.status,
      error: error.code,
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
    };
  if (error instanceof NotebookError)
    return {
      status: 400,
      error: error.code,
      message: error.format(),
      details: { file: error.file, ...error.location },
    };
  throw error;
}

export function runFileJob(job: FileJob, urlPolicy: UrlPolicy, phase: (step: FileJobPhase) => void): FileJobResult {
  const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
  phase("read");
  let checked: CheckedFile;
  try {
    const file = { path: job.path, bytes };
    checked = job.storedKind ? checkSizeAndContent(file, job.storedKind, job.maxBytes) : checkFile(file, job.maxBytes);
  } catch (error) {
    const refused = refusalOf(error);
    if (!job.scan) return { kind: null, nbformat: null, refused };
    // A file too large to upload is not read at all: the refusal says why, and nothing more is needed.
    if (refused.error === "file_too_large") {
      const summary: ScanSummary = {
        file: job.path,
        readable: false,
        counts: { low: 0, medium: 0, high: 0 },
        total: 0,
        headline: [],
      };
      return { kind: null, nbformat: null, refused, review: { summary, findings: [] } };
    }
    phase("scan");
    const { findings, summary } = scanFile({ path: job.path, bytes }, { urlPolicy });
    return { kind: null, nbformat: null, refused, review: { summary, findings } };
  }
  const result: FileJobResult = { kind: checked.kind, nbformat: checked.nbformat };
  if (job.scan) {
    phase("scan");
    const { findings, summary } = scanFile(
      { path: job.path, bytes, ...(checked.parsed ? { parsed: checked.parsed } : {}) },
      { urlPolicy },
    );
    result.review = { summary, findings };
  }
  if (job.headOf !== undefined && checked.parsed) {
    phase("head");
    result.head = serializedHead(job.headOf, checked.parsed);
  }
  if (job.searchEntries) {
    // Read here, on the worker, from the reading just made: a hostile notebook's megabytes never hold the main
    // thread, where the index is written in the version's transaction.
    phase("search");
    const kind = checked.kind === "notebook" ? "notebook" : "text";
    result.searchEntries = searchEntries({
      path: job.path,
      kind,
      bytes,
      ...(checked.parsed ? { parsed: checked.parsed } : {}),
    });
  }
  if (job.model && checked.parsed) {
    const { original, upgraded, notes, noteCounts, notebook } = checked.parsed;
    // Notes only when the reading repaired or relaxed something: a clean notebook's model is as it always was.
    const noted = notes && notes.length > 0 ? { notes, noteCounts } : {};
    result.model = JSON.stringify({ original, upgraded, ...noted, notebook });
  }
  return result;
}
