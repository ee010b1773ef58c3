// Review before trust, on the server: what the upload dialog shows before the person acknowledges trust, what a
// file's page lists, and what the audit event of an upload records. One function, so that the findings recorded
// with an upload are the findings the person was shown for the same bytes.
import { NotebookError } from "../notebook/errors.ts";
import { scanFile, type Finding, type ScanSummary } from "../scan/index.ts";
import type { UrlPolicy } from "../urls/index.ts";
import { AppError } from "./errors.ts";
import { checkUpload, type IncomingFile } from "./upload-check.ts";

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
  let refused: FileReview["refused"];
  try {
    checkUpload([file], maxBytes);
  } catch (error) {
    if (error instanceof AppError) refused = { error: error.code, message: error.message };
    else if (error instanceof NotebookError) refused = { error: error.code, message: error.format() };
    else throw error;
  }
  // A file too large to upload is not read at all: the refusal says why, and nothing more is needed.
  if (refused?.error === "file_too_large") {
    return {
      path: file.path,
      refused,
      findings: [],
      summary: { file: file.path, readable: false, counts: { low: 0, medium: 0, high: 0 }, total: 0, headline: [] },
    };
  }
  const { findings, summary } = scanFile({ path: file.path, bytes: file.bytes }, { urlPolicy });
  return refused ? { path: file.path, summary, findings, refused } : { path: file.path, summary, findings };
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
 * Reviews of stored versions, per URL policy (a studio's), by content and name: stored bytes never change, so
 * neither does their review under the same policy.
 */
const STORED_REVIEWS = new WeakMap<UrlPolicy, Map<string, FileReview>>();
const MAX_STORED_REVIEWS = 64;

/** The review of a stored version, computed once and then served from memory (the file page asks on every visit). */
export async function reviewStored(
  stored: { path: string; sha256: string },
  read: () => Promise<Buffer>,
  maxBytes: (size: number) => number,
  urlPolicy: UrlPolicy,
): Promise<FileReview> {
  const key = `${stored.sha256}\0${stored.path}`;
  let reviews = STORED_REVIEWS.get(urlPolicy);
  if (!reviews) STORED_REVIEWS.set(urlPolicy, (reviews = new Map()));
  let review = reviews.get(key);
  if (review) {
    // Most recently used last, so the oldest is the first to go.
    reviews.delete(key);
  } else {
    const bytes = await read();
    review = reviewFile({ path: stored.path, bytes }, maxBytes(bytes.byteLength), urlPolicy);
    if (reviews.size >= MAX_STORED_REVIEWS) reviews.delete(reviews.keys().next().value as string);
  }
  reviews.set(key, review);
  return review;
}
