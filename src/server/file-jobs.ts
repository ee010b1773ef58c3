// The studio's file jobs on worker threads: checking, reviewing and making the head of a file never runs on the
// event loop, where one hostile notebook would hold every other request. A job over its budget is refused with a
// stable code naming the step it had reached; the server and every other job carry on.
import type { ServerConfig } from "./config.ts";
import type { FileJob, FileJobPhase, FileJobResult, Refusal } from "./file-job.ts";
import type { FileWorkerData } from "./file-worker.ts";
import { BudgetExceeded, WorkerPool } from "../threads/worker-pool.ts";

export type FileJobPool = WorkerPool<FileJob, FileJobResult>;

/** A young generation this size keeps a job's short-lived garbage cheap to collect; the old one is the budget. */
const YOUNG_GENERATION_MB = 32;

export function fileJobPool(
  config: Pick<
    ServerConfig,
    "appUrl" | "dataDir" | "imageAllowLoopback" | "fileWorkers" | "fileJobSeconds" | "fileJobMemoryMb"
  >,
  options: { testHooks?: boolean } = {},
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
  });
}

const STEPS: Record<FileJobPhase, { code: string; doing: string }> = {
  read: { code: "read_budget_exceeded", doing: "reading the file" },
  scan: { code: "scan_budget_exceeded", doing: "reviewing the file" },
  head: { code: "render_budget_exceeded", doing: "rendering the notebook's first cells" },
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

/** Runs a file's job; a job over its budget comes back as a refusal, like any other refused file. */
export async function runFileJob(pool: FileJobPool, job: FileJob): Promise<FileJobResult> {
  try {
    return await pool.run(job);
  } catch (error) {
    if (error instanceof BudgetExceeded) return { kind: null, nbformat: null, refused: budgetRefusal(job.path, error) };
    throw error;
  }
}
