// Work whose cost a hostile input decides (reading, scanning, rendering a notebook) runs on worker threads with a
// budget per job: a job that runs too long has its worker terminated, and a job that outgrows its heap ends its
// worker with V8's out-of-memory error instead of the process. Either way the worker is replaced, the job's caller
// gets a BudgetExceeded, and every other job and request carries on. Jobs belong to owners (users), who take turns
// for free workers; waiting jobs are bounded per owner and in all, so that no one owner's burst queues the others out.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { RETIRE, type JobReply, type WorkerNotice } from "./job-protocol.ts";

/** How long a retired worker may take to end on its own before it is terminated. */
const RETIRE_GRACE_MS = 5000;

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
  /** Jobs waiting at most, across owners; one more is refused with PoolBusy (scope "pool"). Default: unbounded. */
  maxQueued?: number;
  /** Jobs one owner may have waiting; one more is refused with PoolBusy (scope "owner"). Default: unbounded. */
  maxQueuedPerOwner?: number;
  /**
   * A worker left holding more than this many bytes after a job (its heap grown by a large input, and the buffers
   * outside it) is replaced by a fresh one: V8 and the allocator keep what a job grew for as long as the worker
   * lives, so without this every worker would come to hold the most any job ever needed. Default: never.
   */
  replaceAboveBytes?: number;
}

/**
 * Who a job is for (a user, say): owners take turns for free workers, and while the pool has two workers or more one
 * owner's jobs run on all but one of them, so that one person's slow jobs always leave a worker for everybody else.
 */
export interface RunOptions {
  owner?: string;
}

/** The owner of jobs run without one. */
const NO_OWNER = "";

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

/** A job refused before it ran because too many are waiting: the owner's own, or the pool's. */
export class PoolBusy extends Error {
  readonly scope: "owner" | "pool";
  /** Jobs waiting (the owner's, or the pool's) when this one was refused. */
  readonly waiting: number;

  constructor(scope: "owner" | "pool", waiting: number) {
    super(
      scope === "owner"
        ? `${waiting} jobs of the same owner are already waiting`
        : `${waiting} jobs are already waiting for a worker`,
    );
    this.name = "PoolBusy";
    this.scope = scope;
    this.waiting = waiting;
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
  owner: string;
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
  /** Waiting jobs by owner. */
  readonly #queues = new Map<string, Pending<Job, Result>[]>();
  #queued = 0;
  /** Jobs running per owner. */
  readonly #running = new Map<string, number>();
  /**
   * When each owner with jobs running or waiting last had one started (a count of starts): the next free worker goes
   * to the waiting owner whose last start is oldest, and an owner new to the pool goes first.
   */
  readonly #lastStart = new Map<string, number>();
  #starts = 0;
  #closed = false;
  /** Workers replaced because a job left them holding more than replaceAboveBytes. */
  replaced = 0;
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
    return { running, queued: this.#queued };
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

  /**
   * Runs one job on the next free worker that its owner's turn and share allow; rejects with BudgetExceeded when it
   * outgrows its budget, and with PoolBusy at once when the owner's or the pool's waiting jobs are at their bound.
   */
  run(job: Job, options: RunOptions = {}): Promise<Result> {
    if (this.#closed) return Promise.reject(new Error("the worker pool is closed"));
    const owner = options.owner ?? NO_OWNER;
    const queue = this.#queues.get(owner) ?? [];
    const { maxQueued, maxQueuedPerOwner } = this.#options;
    // A job that can start now does not wait, so it counts against no bound.
    if (queue.length > 0 || !this.#canStartNow(owner)) {
      if (maxQueuedPerOwner !== undefined && queue.length >= maxQueuedPerOwner)
        return Promise.reject(new PoolBusy("owner", queue.length));
      if (maxQueued !== undefined && this.#queued >= maxQueued)
        return Promise.reject(new PoolBusy("pool", this.#queued));
    }
    return new Promise<Result>((resolve, reject) => {
      queue.push({ job, owner, resolve, reject });
      if (!this.#queues.has(owner)) this.#queues.set(owner, queue);
      this.#queued++;
      this.#dispatch();
    });
  }

  /** Ends every worker; jobs still queued or running are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    const waiting = [...this.#queues.values()].flat();
    this.#queues.clear();
    this.#queued = 0;
    for (const pending of waiting) pending.reject(new Error("the worker pool is closed"));
    await Promise.all(
      [...this.#workers].map((w) => {
        this.#end(w, new Error("the worker pool is closed"));
        return w.worker.terminate();
      }),
    );
  }

  /** Workers one owner's jobs may hold at once: all but one, when there are two or more. */
  get #ownerShare(): number {
    return Math.max(1, this.#options.size - 1);
  }

  #hasFreeWorker(): boolean {
    return (
      this.#workers.size < this.#options.size || [...this.#workers].some((w) => !w.gone && w.current === undefined)
    );
  }

  #canStartNow(owner: string): boolean {
    return this.#hasFreeWorker() && (this.#running.get(owner) ?? 0) < this.#ownerShare;
  }

  /** The next job of the waiting owner, with room in its share, whose last start is oldest. */
  #nextPending(): Pending<Job, Result> | undefined {
    let next: string | undefined;
    let oldest = Infinity;
    for (const owner of this.#queues.keys()) {
      if ((this.#running.get(owner) ?? 0) >= this.#ownerShare) continue;
      const last = this.#lastStart.get(owner) ?? -1;
      if (last < oldest) [next, oldest] = [owner, last];
    }
    if (next === undefined) return undefined;
    const queue = this.#queues.get(next) as Pending<Job, Result>[];
    const pending = queue.shift() as Pending<Job, Result>;
    if (queue.length === 0) this.#queues.delete(next);
    this.#queued--;
    return pending;
  }

  #dispatch(): void {
    while (this.#queued > 0 && this.#hasFreeWorker()) {
      const pending = this.#nextPending();
      if (!pending) return;
      const free = [...this.#workers].find((w) => !w.gone && w.current === undefined) ?? this.#spawn();
      this.#running.set(pending.owner, (this.#running.get(pending.owner) ?? 0) + 1);
      this.#lastStart.set(pending.owner, ++this.#starts);
      free.current = { ...pending, phase: undefined, timer: undefined };
      free.worker.ref();
      if (free.ready) this.#start(free);
    }
  }

  /** A job has left its worker (answered, failed or ended): its owner's share has room again. */
  #finished(owner: string): void {
    const running = (this.#running.get(owner) ?? 1) - 1;
    if (running > 0) this.#running.set(owner, running);
    else {
      this.#running.delete(owner);
      if (!this.#queues.has(owner)) this.#lastStart.delete(owner);
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
    this.#finished(current.owner);
    w.worker.unref();
    const reply: JobReply<Result> = message;
    if (reply.type === "done") current.resolve(reply.result);
    else current.reject(new WorkerFailed(reply.message));
    const limit = this.#options.replaceAboveBytes;
    if (limit !== undefined && reply.heldBytes > limit) {
      this.replaced++;
      this.#end(w, new Error("the worker was replaced"));
      // Idle now: it is asked to end on its own, and terminated only if it has not within the grace.
      w.worker.postMessage(RETIRE);
      const grace = setTimeout(() => void w.worker.terminate(), RETIRE_GRACE_MS);
      grace.unref();
      w.worker.once("exit", () => clearTimeout(grace));
      return;
    }
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
      this.#finished(current.owner);
      current.reject(error);
    }
    if (this.#closed) return;
    this.#dispatch();
    // Only a worker that had started is replaced at once: one that could not start would fail again, in a loop.
    if (this.#keepStarted && w.ready) while (this.#workers.size < this.#options.size) this.#spawn();
  }
}
