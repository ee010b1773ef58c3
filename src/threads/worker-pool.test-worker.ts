// The worker of worker-pool.test.ts: jobs that answer, fail, never end or never stop allocating.
import { jobPhase, serveJobs } from "./job-protocol.ts";

export type TestJob = { kind: "echo"; value: string } | { kind: "throw" } | { kind: "spin" } | { kind: "grow" };

serveJobs((job: TestJob) => {
  switch (job.kind) {
    case "echo":
      return `${job.value} from ${process.pid}`;
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
