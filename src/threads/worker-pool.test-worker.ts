// The worker of worker-pool.test.ts: jobs that answer, hold their worker a while, fail, never end or never stop
// allocating.
import { threadId } from "node:worker_threads";
import { jobPhase, serveJobs } from "./job-protocol.ts";

/** What a "keep" job holds on to after it answers. */
const kept: Uint8Array[] = [];

export type TestJob =
  | { kind: "echo"; value: string }
  | { kind: "sleep"; value: string; ms: number }
  /** Holds its worker until the test stores 1 in gate[0] and notifies it. */
  | { kind: "hold"; value: string; gate: Int32Array }
  | { kind: "throw" }
  | { kind: "spin" }
  | { kind: "grow" }
  /** Answers with its thread id, keeping `mb` MiB of buffers alive after it. */
  | { kind: "keep"; mb: number };

serveJobs((job: TestJob) => {
  switch (job.kind) {
    case "echo":
      return `${job.value} from ${threadId}`;
    case "keep":
      for (let i = 0; i < job.mb; i++) kept.push(new Uint8Array(1024 * 1024).fill(1));
      return String(threadId);
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
