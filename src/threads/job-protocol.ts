// What a pool worker and its pool say to each other. A job and its result are plain data (bytes, strings,
// numbers), so that structured cloning between threads stays cheap: a parsed notebook never crosses.
import { getHeapStatistics } from "node:v8";
import { parentPort } from "node:worker_threads";

/** A job's answer, with the memory its worker holds after it (V8's heap and the buffers outside it), in bytes. */
export type JobReply<Result> =
  { type: "done"; result: Result; heldBytes: number } | { type: "failed"; message: string; heldBytes: number };

export type WorkerNotice<Result> =
  | { type: "ready" }
  /** The step a job has reached, so that a job stopped by its budget can be named by what it was doing. */
  | { type: "phase"; phase: string }
  | JobReply<Result>;

/** Announces the step a running job has reached. */
export function jobPhase(phase: string): void {
  parentPort?.postMessage({ type: "phase", phase } satisfies WorkerNotice<never>);
}

/**
 * What the pool posts, instead of a job, to a worker it replaces: the worker closes its port and its thread ends on
 * its own once idle. An ended thread is not interrupted in the middle of anything, as terminate() would.
 */
export const RETIRE = "vitrine-worker-retire";

/** Makes this thread a pool worker: each job message is handled in turn, and its result or failure sent back. */
export function serveJobs<Job, Result>(handle: (job: Job) => Result | Promise<Result>): void {
  const port = parentPort;
  if (!port) throw new Error("a pool worker runs on a worker thread");
  port.on("message", async (job: Job | typeof RETIRE) => {
    if (job === RETIRE) {
      port.close();
      return;
    }
    let reply: JobReply<Result>;
    try {
      reply = { type: "done", result: await handle(job), heldBytes: 0 };
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      reply = { type: "failed", message, heldBytes: 0 };
    }
    const heap = getHeapStatistics();
    reply.heldBytes = heap.total_heap_size + heap.external_memory;
    port.postMessage(reply satisfies WorkerNotice<Result>);
  });
  port.postMessage({ type: "ready" } satisfies WorkerNotice<Result>);
}
