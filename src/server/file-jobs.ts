// The studio's file jobs on worker threads: checking, reviewing and making the head of a file never runs on the
// event loop, where one hostile notebook would hold every other request. A job over its budget is refused with a
// stable code naming the step it had reached; the server and every other job carry on.
import type { ServerConfig } from "./config.ts";
import type { FileJob, FileJobPhase, FileJobResult, Refusal } from "./file-job.ts";
import type { FileWorkerData } from "./file-worker.ts";
import { BudgetExceeded, PoolBusy, WorkerPool } from "../threads/worker-pool.ts";
import { AppError } from "./errors.ts";

export type FileJobPool = WorkerPool<FileJob, FileJobResult>;

/** For tests: the file worker's hooks (file-worker.ts), and a smaller bound on one user's waiting jobs. */
export interface FileJobPoolOptions {
  testHooks?: boolean;
  maxQueuedPerUser?: number;
}

/**
 * File jobs one person may have waiting for a worker (an upload checks its files one at a time, so this is several
 * tabs or clients at once), and jobs waiting in all. Beyond them a request is answered 429 or 503 at once, instead of
 * queueing work that would be stale by the time it ran.
 */
export const MAX_QUEUED_FILE_JOBS_PER_USER = 8;
export const MAX_QUEUED_FILE_JOBS = 64;

/**
 * A file worker left holding more than this after a job is replaced: one large notebook would otherwise keep its
 * worker's memory grown to that notebook's size for as long as the server runs (bench:soak measured workers holding
 * 800 MB each after a 45 MB upload).
 */
export const REPLACE_WORKER_ABOVE_MB = 256;

/** A young generation this size keeps a job's short-lived garbage cheap to collect; the old one is the budget. */
const YOUNG_GENERATION_MB = 32;

export function fileJobPool(
  config: Pick<
    ServerConfig,
    "appUrl" | "dataDir" | "imageAllowLoopback" | "fileWorkers" | "fileJobSeconds" | "fileJobMemoryMb"
  >,
  options: FileJobPoolOptions = {},
): FileJobPool {
  const workerData: FileWorkerData = {
    appOrigin: config.appUrl.origin,
    dataDir: config.dataDir,
    allowLoopback: config.imageAllowLoopback,
    ...(options.testHooks ? { testHooks: true } : {}),
  };
  return new WorkerPool(new URL("./file-worker.ts", import.meta.url), {
    size: config.fileWorkers,
    budget: {
      timeMs: config.fileJobSeconds * 1000,
      maxOldGenerationSizeMb: config.fileJobMemoryMb,
      maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
    },
    workerData,
    maxQueued: MAX_QUEUED_FILE_JOBS,
    replaceAboveBytes: REPLACE_WORKER_ABOVE_MB * 1024 * 1024,
    maxQueuedPerOwner: options.maxQueuedPerUser ?? MAX_QUEUED_FILE_JOBS_PER_USER,
  });
}

const STEPS: Record<FileJobPhase, { code: string; doing: string }> = {
  read: { code: "read_budget_exceeded", doing: "reading the file" },
  scan: { code: "scan_budget_exceeded", doing: "reviewing the file" },
  head: { code: "render_budget_exceeded", doing: "rendering the notebook's first cells" },
  search: { code: "search_budget_exceeded", doing: "reading the file's text for search" },
};

/** The refusal of a file whose job outgrew its budget. */
export function budgetRefusal(path: string, exceeded: BudgetExceeded): Refusal {
  const step = STEPS[(exceeded.phase as FileJobPhase | undefined) ?? "read"] ?? STEPS.read;
  return {
    status: 422,
    error: step.code,
    message: `${path}: ${step.doing} ${exceeded.message}, more than the studio spends on one file, and was stopped`,
    details: { path },
  };
}

/**
 * Runs a file's job for a user (users take turns for the workers, see WorkerPool); a job over its budget comes back
 * as a refusal, like any other refused file. A job refused because too many wait is thrown as a 429 or 503 with
 * Retry-After: it says nothing of the file, so no caller may remember it as the file's refusal.
 */
export async function runFileJob(pool: FileJobPool, job: FileJob, user: number): Promise<FileJobResult> {
  try {
    return await pool.run(job, { owner: String(user) });
  } catch (error) {
    if (error instanceof BudgetExceeded) return { kind: null, nbformat: null, refused: budgetRefusal(job.path, error) };
    if (error instanceof PoolBusy) throw busyError(pool, job.path, error);
    throw error;
  }
}

function busyError(pool: FileJobPool, path: string, busy: PoolBusy): AppError {
  // A waiting job ends within one budget of the jobs ahead of it.
  const retryAfter = { "retry-after": String(Math.ceil(pool.budget.timeMs / 1000)) };
  return busy.scope === "owner"
    ? new AppError(
        429,
        "file_jobs_busy",
        `${path}: ${busy.waiting} of your files are already waiting to be checked; try again when they are done`,
        { path },
        retryAfter,
      )
    : new AppError(
        503,
        "studio_busy",
        `${path}: the studio is checking too many files right now; try again shortly`,
        { path },
        retryAfter,
      );
}
