// Work whose cost a hostile input decides (reading, scanning, rendering a notebook) runs on worker threads with a
// budget per job: a job that runs too long has its worker terminated, and a job that outgrows its heap ends its
// worker with V8's out-of-memory error instead of the process. Either way the worker is replaced, the job's caller
// gets a BudgetExceeded, and every other job and request carries on.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { JobReply, WorkerNotice } from "./job-protocol.ts";

export interface JobBudget {
  /** Wall-clock time a job may run once its worker is ready, in milliseconds. */
  timeMs: number;
  /** The worker's V8 old generation, where a parsed notebook and a rendered document live. */
  maxOldGenerationSizeMb: number;
  maxYoungGenerationSizeMb: number;
}

export interface PoolOptions {
  /** Workers at most; they start on demand and stay for the next jobs. */
  size: number;
  budget: JobBudget;
  /** Handed to every worker as workerData. */
  workerData?: unknown;
}

/** Workers for a machine's cores: at least two, so that one slow job leaves a worker free, and at most four. */
export function defaultPoolSize(): number {
  return Math.min(4, Math.max(2, availableParallelism()));
}

/** A job ended for exceeding its budget; phase is the step the worker last announced. */
export class BudgetExceeded extends Error {
  readonly limit: "time" | "memory";
  readonly phase: string | undefined;

  constructor(limit: "time" | "memory", phase: string | undefined, budget: JobBudget) {
    super(
      limit === "time"
        ? `took longer than ${formatSeconds(budget.timeMs)}`
        : `needed more than ${budget.maxOldGenerationSizeMb} MB of memory`,
    );
    this.name = "BudgetExceeded";
    this.limit = limit;
    this.phase = phase;
  }
}

/** A worker that failed for another reason than its budget: a defect, reported with the worker's own message. */
export class WorkerFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkerFailed";
  }
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

interface Pending<Job, Result> {
  job: Job;
  resolve: (result: Result) => void;
  reject: (error: Error) => void;
}

class PoolWorker<Job, Result> {
  readonly worker: Worker;
  ready = false;
  current: (Pending<Job, Result> & { phase: string | undefined; timer: NodeJS.Timeout | undefined }) | undefined;
  /** Set once the worker is terminated or has failed: it takes no more jobs. */
  gone = false;
  /** Settles when the worker can take jobs, or is gone. */
  readonly started: Promise<void>;
  markStarted: () => void = () => {};

  constructor(url: URL, options: PoolOptions) {
    this.worker = new Worker(url, {
      workerData: options.workerData,
      resourceLimits: {
        maxOldGenerationSizeMb: options.budget.maxOldGenerationSizeMb,
        maxYoungGenerationSizeMb: options.budget.maxYoungGenerationSizeMb,
      },
    });
    this.started = new Promise((resolve) => (this.markStarted = resolve));
    // Idle workers do not keep a process alive; one with a job does (it is referenced while it has one).
    this.worker.unref();
  }
}

export class WorkerPool<Job, Result> {
  readonly #url: URL;
  readonly #options: PoolOptions;
  readonly #workers = new Set<PoolWorker<Job, Result>>();
  readonly #queue: Pending<Job, Result>[] = [];
  #closed = false;
  /** Set by start(): a worker that is ended is replaced at once, not on the next job. */
  #keepStarted = false;

  constructor(url: URL, options: PoolOptions) {
    if (!(options.size >= 1)) throw new RangeError("a worker pool needs at least one worker");
    this.#url = url;
    this.#options = options;
  }

  get budget(): JobBudget {
    return this.#options.budget;
  }

  /** Jobs a worker is running now, and jobs waiting for one. */
  get load(): { running: number; queued: number } {
    const running = [...this.#workers].filter((w) => w.current !== undefined && w.current.timer !== undefined).length;
    return { running, queued: this.#queue.length };
  }

  /**
   * Starts every worker and waits until each can take jobs: a server does this before it listens, so that its
   * first requests do not wait for workers to load their modules.
   */
  async start(): Promise<void> {
    this.#keepStarted = true;
    while (!this.#closed && this.#workers.size < this.#options.size) this.#spawn();
    await Promise.all([...this.#workers].map((w) => w.started));
  }

  /** Runs one job on the next free worker; rejects with BudgetExceeded when it outgrows its budget. */
  run(job: Job): Promise<Result> {
    if (this.#closed) return Promise.reject(new Error("the worker pool is closed"));
    return new Promise<Result>((resolve, reject) => {
      this.#queue.push({ job, resolve, reject });
      this.#dispatch();
    });
  }

  /** Ends every worker; jobs still queued or running are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const pending of this.#queue.splice(0)) pending.reject(new Error("the worker pool is closed"));
    await Promise.all(
      [...this.#workers].map((w) => {
        this.#end(w, new Error("the worker pool is closed"));
        return w.worker.terminate();
      }),
    );
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      let free = [...this.#workers].find((w) => !w.gone && w.current === undefined);
      if (!free) {
        if (this.#workers.size >= this.#options.size) return;
        free = this.#spawn();
      }
      const pending = this.#queue.shift() as Pending<Job, Result>;
      free.current = { ...pending, phase: undefined, timer: undefined };
      free.worker.ref();
      if (free.ready) this.#start(free);
    }
  }

  #spawn(): PoolWorker<Job, Result> {
    const w = new PoolWorker<Job, Result>(this.#url, this.#options);
    this.#workers.add(w);
    w.worker.on("message", (message: WorkerNotice<Result>) => this.#onMessage(w, message));
    w.worker.on("error", (error: Error & { code?: string }) => {
      const current = w.current;
      if (error.code === "ERR_WORKER_OUT_OF_MEMORY")
        this.#end(w, new BudgetExceeded("memory", current?.phase, this.#options.budget));
      else this.#end(w, new WorkerFailed(error.message));
    });
    w.worker.on("exit", () => this.#end(w, new WorkerFailed("the worker stopped")));
    return w;
  }

  #start(w: PoolWorker<Job, Result>): void {
    const current = w.current;
    if (!current) return;
    current.timer = setTimeout(() => {
      this.#end(w, new BudgetExceeded("time", current.phase, this.#options.budget));
      void w.worker.terminate();
    }, this.#options.budget.timeMs);
    w.worker.postMessage(current.job);
  }

  #onMessage(w: PoolWorker<Job, Result>, message: WorkerNotice<Result>): void {
    if (message.type === "ready") {
      w.ready = true;
      w.markStarted();
      this.#start(w);
      return;
    }
    const current = w.current;
    if (!current) return;
    if (message.type === "phase") {
      current.phase = message.phase;
      return;
    }
    clearTimeout(current.timer);
    w.current = undefined;
    w.worker.unref();
    const reply: JobReply<Result> = message;
    if (reply.type === "done") current.resolve(reply.result);
    else current.reject(new WorkerFailed(reply.message));
    this.#dispatch();
  }

  /** Takes a worker out of the pool, refusing its job, and lets the queue start a replacement. */
  #end(w: PoolWorker<Job, Result>, error: Error): void {
    if (w.gone) return;
    w.gone = true;
    w.markStarted();
    this.#workers.delete(w);
    const current = w.current;
    w.current = undefined;
    if (current) {
      clearTimeout(current.timer);
      current.reject(error);
    }
    if (this.#closed) return;
    this.#dispatch();
    // Only a worker that had started is replaced at once: one that could not start would fail again, in a loop.
    if (this.#keepStarted && w.ready) while (this.#workers.size < this.#options.size) this.#spawn();
  }
}
