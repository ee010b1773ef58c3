// What the kernel layer asks of whoever starts a kernel process. In production that is the bubblewrap sandbox
// (`spawnSandboxed` in sandbox.ts, which takes these fields and more); the kernel layer itself never spawns a
// process, so there is no way to run a kernel outside the sandbox through it.

import type { ChildProcess } from "node:child_process";

export interface KernelLaunchRequest {
  /** The kernelspec's argv with {connection_file} filled in. */
  argv: string[];
  /** The kernel's whole environment: the kernelspec's env and what the studio adds, nothing of the server's. */
  env: Record<string, string>;
  /** The private folder of the connection file and the ipc sockets; the kernel must see it at this same path. */
  runtimeDir: string;
  /** The workspace files the kernel works on (its working directory). */
  filesDir: string;
}

export interface LaunchedKernel {
  /** The process. Its stderr, when piped, is kept (its tail) to explain a kernel that fails to start. */
  child: ChildProcess;
  /**
   * Delivers a signal to the kernel itself, for launchers whose child is a wrapper (a sandbox) that does not
   * forward signals. Without it, signals go to the child's process group, then to the child.
   */
  signal?: (signal: NodeJS.Signals) => void;
}

export type KernelLauncher = (request: KernelLaunchRequest) => LaunchedKernel | Promise<LaunchedKernel>;
