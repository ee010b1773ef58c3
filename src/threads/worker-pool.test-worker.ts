// The worker of worker-pool.test.ts: jobs that answer, hold their worker a while, fail, never end or never stop
// allocating.
import { jobPhase, serveJobs } from "./job-protocol.ts";

export type TestJob =
  | { kind: "echo"; value: string }
  | { kind: "sleep"; value: string; ms: number }
  /** Holds its worker until the test stores 1 in gate[0] and notifies it. */
  | { kind: "hold"; value: string; gate: Int32Array }
  | { kind: "throw" }
  | { kind: "spin" }
  | { kind: "grow" };

serveJobs((job: TestJob) => {
  switch (job.kind) {
    case "echo":
      return `${job.value} from ${process.pid}`;
    case "sleep":
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, job.ms);
      return job.value;
    case "hold":
      Atomics.wait(job.gate, 0, 0);
      return job.value;
    case "throw":
      throw new Error("a defect");
    case "spin":
      jobPhase("spinning");
      for (;;);
    case "grow": {
      jobPhase("growing");
      const kept: number[][] = [];
      for (;;) kept.push(new Array<number>(1 << 16).fill(kept.length));
    }
  }
});
