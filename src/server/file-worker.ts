// The worker thread of the studio's file jobs (file-job.ts). Its URL policy is the studio's, rebuilt here from the
// same settings and blocklists, since a policy's blocklist does not survive being cloned to a thread.
import { workerData } from "node:worker_threads";
import { jobPhase, serveJobs } from "../threads/job-protocol.ts";
import { loadBlocklists } from "../urls/blocklist-store.ts";
import type { UrlPolicy } from "../urls/index.ts";
import { runFileJob, type FileJob, type FileJobPhase } from "./file-job.ts";

export interface FileWorkerData {
  appOrigin: string;
  dataDir: string;
  allowLoopback: string[];
  /**
   * Tests only: a file named *.stall-in-scan.* never ends its scan, one named *.grow-in-scan.* never stops
   * allocating, one named *.stall-in-head.* never ends a head made on its own (a stored notebook's), and one named
   * *.stall-in-read.* never ends a read of its model.
   */
  testHooks?: boolean;
}

const data = workerData as FileWorkerData;
const urlPolicy: UrlPolicy = {
  appOrigin: data.appOrigin,
  blocklist: loadBlocklists(data.dataDir),
  allowLoopback: data.allowLoopback,
};

function testHook({ path, scan, headOf, model }: FileJob): void {
  if (path.includes(".stall-in-read.") && model) {
    jobPhase("read");
    for (;;);
  }
  if (path.includes(".stall-in-head.") && headOf !== undefined && !scan) {
    jobPhase("head");
    for (;;);
  }
  if (path.includes(".stall-in-scan.")) {
    jobPhase("scan");
    for (;;);
  }
  if (path.includes(".grow-in-scan.")) {
    jobPhase("scan");
    const kept: number[][] = [];
    for (;;) kept.push(new Array<number>(1 << 16).fill(kept.length));
  }
}

serveJobs((job: FileJob) => {
  if (data.testHooks) testHook(job);
  return runFileJob(job, urlPolicy, (phase: FileJobPhase) => jobPhase(phase));
});
