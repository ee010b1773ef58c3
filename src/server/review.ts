// Review before trust, on the server: what the upload dialog shows before the person acknowledges trust, what a
// file's page lists, and what the audit event of an upload records. One function, so that the findings recorded
// with an upload are the findings the person was shown for the same bytes. A file is read once per request: the
// upload check's parsed notebook is what the scan reads, and reviews are kept by content, so an upload reuses the
// review its dialog asked for a moment before.
import { NotebookError } from "../notebook/errors.ts";
import { scanFile, type Finding, type ScanSummary } from "../scan/index.ts";
import type { UrlPolicy } from "../urls/index.ts";
import { AppError } from "./errors.ts";
import { checkFile, type CheckedFile, type IncomingFile } from "./upload-check.ts";

export interface FileReview {
  path: string;
  summary: ScanSummary;
  findings: Finding[];
  /** Set when an upload would refuse the file: its code and its located message. */
  refused?: { error: string; message: string };
}

/** Findings kept in an upload's audit event per file; the summary's counts always cover them all. */
export const MAX_AUDITED_FINDINGS = 200;

export function reviewFile(file: IncomingFile, maxBytes: number, urlPolicy: UrlPolicy): FileReview {
  let checked: CheckedFile;
  try {
    checked = checkFile(file, maxBytes);
  } catch (error) {
    let refused: FileReview["refused"];
    if (error instanceof AppError) refused = { error: error.code, message: error.message };
    else if (error instanceof NotebookError) refused = { error: error.code, message: error.format() };
    else throw error;
    // A file too large to upload is not read at all: the refusal says why, and nothing more is needed.
    if (refused.error === "file_too_large") {
      return {
        path: file.path,
        refused,
        findings: [],
        summary: { file: file.path, readable: false, counts: { low: 0, medium: 0, high: 0 }, total: 0, headline: [] },
      };
    }
    const { findings, summary } = scanFile({ path: file.path, bytes: file.bytes }, { urlPolicy });
    return { path: file.path, summary, findings, refused };
  }
  return reviewChecked(checked, urlPolicy);
}

/** The review of a file the upload check accepted: scanned from its parsed notebook, or known already. */
export function reviewChecked(file: CheckedFile, urlPolicy: UrlPolicy): FileReview {
  return remembered(urlPolicy, file.sha256, file.path, () => {
    const { findings, summary } = scanFile(
      { path: file.path, bytes: file.bytes, ...(file.parsed ? { parsed: file.parsed } : {}) },
      { urlPolicy },
    );
    return { path: file.path, summary, findings };
  });
}

/** What an upload's audit event keeps of each file's review. */
export function auditedReview(review: Pick<FileReview, "summary" | "findings">) {
  return {
    counts: review.summary.counts,
    findings: review.findings
      .slice(0, MAX_AUDITED_FINDINGS)
      .map((f) => ({ rule: f.rule, severity: f.severity, place: f.place, message: f.message })),
  };
}

/**
 * Reviews of accepted bytes, per URL policy (a studio's), by content and name: bytes never change under their
 * sha256, so neither does their review under the same policy. The upload dialog's review, the upload's audit event
 * and a stored file's page all read from here.
 */
const REVIEWS = new WeakMap<UrlPolicy, Map<string, FileReview>>();
const MAX_REMEMBERED_REVIEWS = 64;

function remembered(urlPolicy: UrlPolicy, sha256: string, path: string, review: () => FileReview): FileReview {
  const key = `${sha256}\0${path}`;
  let reviews = REVIEWS.get(urlPolicy);
  if (!reviews) REVIEWS.set(urlPolicy, (reviews = new Map()));
  let found = reviews.get(key);
  if (found) {
    // Most recently used last, so the oldest is the first to go.
    reviews.delete(key);
  } else {
    found = review();
    if (reviews.size >= MAX_REMEMBERED_REVIEWS) reviews.delete(reviews.keys().next().value as string);
  }
  reviews.set(key, found);
  return found;
}

/** The review of a stored version, computed once and then served from memory (the file page asks on every visit). */
export async function reviewStored(
  stored: { path: string; sha256: string },
  read: () => Promise<Buffer>,
  maxBytes: (size: number) => number,
  urlPolicy: UrlPolicy,
): Promise<FileReview> {
  const known = REVIEWS.get(urlPolicy)?.get(`${stored.sha256}\0${stored.path}`);
  if (known) return remembered(urlPolicy, stored.sha256, stored.path, () => known);
  const bytes = await read();
  return remembered(urlPolicy, stored.sha256, stored.path, () =>
    reviewFile({ path: stored.path, bytes }, maxBytes(bytes.byteLength), urlPolicy),
  );
}
