// What a pool worker and its pool say to each other. A job and its result are plain data (bytes, strings,
// numbers), so that structured cloning between threads stays cheap: a parsed notebook never crosses.
import { parentPort } from "node:worker_threads";

export type JobReply<Result> = { type: "done"; result: Result } | { type: "failed"; message: string };

export type WorkerNotice<Result> =
  | { type: "ready" }
  /** The step a job has reached, so that a job stopped by its budget can be named by what it was doing. */
  | { type: "phase"; phase: string }
  | JobReply<Result>;

/** Announces the step a running job has reached. */
export function jobPhase(phase: string): void {
  parentPort?.postMessage({ type: "phase", phase } satisfies WorkerNotice<never>);
}

/** Makes this thread a pool worker: each job message is handled in turn, and its result or failure sent back. */
export function serveJobs<Job, Result>(handle: (job: Job) => Result | Promise<Result>): void {
  const port = parentPort;
  if (!port) throw new Error("a pool worker runs on a worker thread");
  port.on("message", async (job: Job) => {
    let reply: JobReply<Result>;
    try {
      reply = { type: "done", result: await handle(job) };
    } catch (error) {
      reply = { type: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    port.postMessage(reply satisfies WorkerNotice<Result>);
  });
  port.postMessage({ type: "ready" } satisfies WorkerNotice<Result>);
}
