// Review before trust, on the server: what the upload dialog shows before the person acknowledges trust, what a
// file's page lists, and what the audit event of an upload records. One job (file-job.ts, on a worker thread), so
// that the findings recorded with an upload are the findings the person was shown for the same bytes. Reviews are
// kept by content, so an upload reuses the review its dialog asked for a moment before.
import type { Finding, ScanSummary } from "../scan/index.ts";
import type { UrlPolicy } from "../urls/index.ts";
import type { FileJobResult, Refusal } from "./file-job.ts";
import { runFileJob, type FileJobPool } from "./file-jobs.ts";
import { BlobStore } from "./storage/blob-store.ts";
import type { IncomingFile } from "./upload-check.ts";

export interface FileReview {
  path: string;
  summary: ScanSummary;
  findings: Finding[];
  /** Set when an upload would refuse the file: its code and its located message. */
  refused?: { error: string; message: string };
}

/** What reviewing needs of the studio: its URL policy (whose reviews are remembered) and its file jobs. */
export interface Reviewer {
  urlPolicy: UrlPolicy;
  fileJobs: FileJobPool;
}

/** Findings kept in an upload's audit event per file; the summary's counts always cover them all. */
export const MAX_AUDITED_FINDINGS = 200;

/** The review of a file the dialog or a stored file's page asks for: remembered, or made by a file job. */
export async function reviewFile(
  reviewer: Reviewer,
  file: IncomingFile,
  maxBytes: number,
  user: number,
  knownSha256?: string,
): Promise<FileReview> {
  const sha256 = knownSha256 ?? (file.bytes.byteLength <= maxBytes ? BlobStore.hash(file.bytes) : undefined);
  const known = sha256 === undefined ? undefined : recalledReview(reviewer.urlPolicy, sha256, file.path);
  if (known) return known;
  const result = await runFileJob(
    reviewer.fileJobs,
    {
      path: file.path,
      bytes: file.bytes,
      maxBytes,
      scan: true,
    },
    user,
  );
  const review = fileReview(file.path, result);
  // A refusal is remembered too: a file over its budget would otherwise take a worker for the whole budget on
  // every visit of its page. An upload checks the bytes again whatever the dialog was told.
  if (sha256 !== undefined) rememberReview(reviewer.urlPolicy, sha256, file.path, review);
  return review;
}

/** A job's result as a review; a job stopped by its budget has no findings, and says so. */
export function fileReview(path: string, result: FileJobResult): FileReview {
  const review = result.review ?? {
    findings: [],
    summary: { file: path, readable: false, counts: { low: 0, medium: 0, high: 0 }, total: 0, headline: [] },
  };
  return {
    path,
    summary: review.summary,
    findings: review.findings,
    ...(result.refused ? { refused: refusedField(result.refused) } : {}),
  };
}

function refusedField(refusal: Refusal): FileReview["refused"] {
  return { error: refusal.error, message: refusal.message };
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

/** A remembered review, now the most recently used. */
export function recalledReview(urlPolicy: UrlPolicy, sha256: string, path: string): FileReview | undefined {
  const reviews = REVIEWS.get(urlPolicy);
  const key = `${sha256}\0${path}`;
  const found = reviews?.get(key);
  if (!reviews || !found) return undefined;
  // Most recently used last, so the oldest is the first to go.
  reviews.delete(key);
  reviews.set(key, found);
  return found;
}

export function rememberReview(urlPolicy: UrlPolicy, sha256: string, path: string, review: FileReview): void {
  const key = `${sha256}\0${path}`;
  let reviews = REVIEWS.get(urlPolicy);
  if (!reviews) REVIEWS.set(urlPolicy, (reviews = new Map()));
  reviews.delete(key);
  if (reviews.size >= MAX_REMEMBERED_REVIEWS) reviews.delete(reviews.keys().next().value as string);
  reviews.set(key, review);
}

/** The review of a stored version, made once and then served from memory (the file page asks on every visit). */
export async function reviewStored(
  reviewer: Reviewer,
  stored: { path: string; sha256: string },
  read: () => Promise<Buffer>,
  maxBytes: (size: number) => number,
  user: number,
): Promise<FileReview> {
  const known = recalledReview(reviewer.urlPolicy, stored.sha256, stored.path);
  if (known) return known;
  const bytes = await read();
  return reviewFile(reviewer, { path: stored.path, bytes }, maxBytes(bytes.byteLength), user, stored.sha256);
}
