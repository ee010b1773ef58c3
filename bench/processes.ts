// What the benchmarks read about processes from Linux's /proc, and the median they report.
import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function statusField(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0; // the process has exited since it was listed
  }
}

/** Resident memory now, in MB. */
export function residentMb(pid: number): number {
  return statusField(pid, "VmRSS");
}

/**
 * Proportional set size now, in MB: resident memory with each page shared among N processes counted 1/N, so that
 * a sum over processes that share Chromium's code and snapshot counts those once.
 */
export function proportionalMb(pid: number): number {
  try {
    return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Peak resident memory (high-water mark), in MB. */
export function peakResidentMb(pid: number): number {
  return statusField(pid, "VmHWM");
}

function parentOf(pid: number): number {
  try {
    // The command name (field 2) may hold spaces and parentheses; the fields after its last ")" are fixed.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return 0;
  }
}

/**
 * Chromium renderer processes of web pages descended from `ancestor` (this benchmark's own browser, not another's
 * that happens to run on the machine at the same time). The browser window's own interface (`--top-chrome-webui`)
 * is left out.
 */
export function rendererProcesses(ancestor: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue;
    }
    if (!cmdline.includes("--type=renderer") || cmdline.includes("--top-chrome-webui")) continue;
    for (let p = parentOf(pid); p > 1; p = parentOf(p)) {
      if (p === ancestor) {
        found.push(pid);
        break;
      }
    }
  }
  return found;
}

/** The first match of `pattern` in what a child process prints: how a server says where it listens. */
export function waitForLine(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk) => {
      out += chunk;
      const m = pattern.exec(out);
      if (m) resolve(m);
    });
    child.on("exit", (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
}
