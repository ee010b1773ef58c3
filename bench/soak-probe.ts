// Loaded into the server process by the soak benchmark (NODE_OPTIONS=--import), never by the product: on SIGUSR2 it
// appends one JSON line of the process's memory to the file named by VITRINE_SOAK_PROBE, so that the heap figures
// come out without an endpoint. On SIGWINCH it measures, runs a full garbage collection of the main thread, and
// measures again: what the heap holds live, against what it merely has not collected yet. On SIGURG it ends the file
// workers (the pool starts new ones, as after a job over its budget) and measures once they run: the memory the
// workers held.
import { subscribe } from "node:diagnostics_channel";
import { appendFileSync } from "node:fs";
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { isMainThread, type Worker } from "node:worker_threads";

const out = process.env.VITRINE_SOAK_PROBE;
if (!out) throw new Error("soak-probe: VITRINE_SOAK_PROBE names the file to write to");
// Preloaded modules run in worker threads too; the probe belongs to the main thread, which gets the signals.
if (isMainThread) install(out);

function install(out: string): void {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;

  const workers = new Set<Worker>();
  let started = 0;
  subscribe("worker_threads", (message) => {
    const { worker } = message as { worker: Worker };
    started++;
    workers.add(worker);
    worker.once("exit", () => workers.delete(worker));
  });

  const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

  async function measure() {
    const usage = process.memoryUsage();
    const heap = getHeapStatistics();
    let workerHeapTotal = 0;
    let workerHeapUsed = 0;
    for (const worker of workers) {
      try {
        const stats = await worker.getHeapStatistics();
        workerHeapTotal += stats.total_heap_size;
        workerHeapUsed += stats.used_heap_size;
      } catch {
        // The worker ended while it was asked.
      }
    }
    return {
      rss: mb(usage.rss),
      heapTotal: mb(usage.heapTotal),
      heapUsed: mb(usage.heapUsed),
      external: mb(usage.external),
      arrayBuffers: mb(usage.arrayBuffers),
      mallocedMemory: mb(heap.malloced_memory),
      workers: workers.size,
      workersStarted: started,
      workerHeapTotal: mb(workerHeapTotal),
      workerHeapUsed: mb(workerHeapUsed),
    };
  }

  process.on("SIGUSR2", () => {
    void measure().then((m) => appendFileSync(out, `${JSON.stringify({ kind: "sample", ...m })}\n`));
  });

  process.on("SIGWINCH", () => {
    void (async () => {
      const before = await measure();
      // Array buffers' memory is freed by a sweep after the collection, so a second collection a moment later
      // measures what is live.
      gc();
      await new Promise((resolve) => setTimeout(resolve, 500));
      gc();
      const after = await measure();
      appendFileSync(out, `${JSON.stringify({ kind: "gc", before, after })}\n`);
    })();
  });

  process.on("SIGURG", () => {
    void (async () => {
      const before = await measure();
      const ended = [...workers];
      await Promise.all(ended.map((worker) => worker.terminate()));
      // The pool replaces an ended worker at once. An ended worker's memory goes back to the system up to about 10 s
      // after it ends (longer when its heap was large); its replacement has loaded its modules well within that.
      await new Promise((resolve) => setTimeout(resolve, 15_000));
      gc();
      await new Promise((resolve) => setTimeout(resolve, 500));
      gc();
      const after = await measure();
      appendFileSync(out, `${JSON.stringify({ kind: "workers-replaced", ended: ended.length, before, after })}\n`);
    })();
  });
}
