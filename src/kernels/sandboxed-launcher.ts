// How the studio and `vitrine run` launch a kernel: under the bubblewrap sandbox (sandbox.ts), with the limits and
// network of the place it runs for. The one other launcher runs a kernel with no isolation at all; it exists only
// for `--unsafe-kernels-without-sandbox`, which an operator sets on purpose and the server logs loudly.
import { spawn } from "node:child_process";
import { spawnSandboxed, type SandboxLimits, type SandboxNetwork } from "./sandbox.ts";
import type { KernelLauncher } from "./launcher.ts";

export interface SandboxedLauncherOptions {
  limits: SandboxLimits;
  network: SandboxNetwork;
  /** A folder inside the files copy to start in (the notebook's own folder). */
  workingSubdir?: string;
}

/** A launcher that runs each kernel in its own sandbox; signals (interrupt) go to the kernel, not to bwrap. */
export function sandboxedLauncher(options: SandboxedLauncherOptions): KernelLauncher {
  return (request) => {
    const sandbox = spawnSandboxed({
      ...request,
      network: options.network,
      limits: options.limits,
      ...(options.workingSubdir ? { workingSubdir: options.workingSubdir } : {}),
    });
    return {
      child: sandbox.child,
      // bwrap does not forward signals: an interrupt goes to the kernel process itself (pid 2 inside).
      signal: (signal) => void sandbox.signalKernel(signal),
    };
  };
}

/**
 * NO ISOLATION: the kernel runs as the server's own user, sees its files and network. Only the kernelspec's env and
 * a PATH pass, so at least the server's secrets in its environment do not. Never the default.
 */
export function unsandboxedLauncher(): KernelLauncher {
  return (request) => ({
    child: spawn(request.argv[0] as string, request.argv.slice(1), {
      cwd: request.filesDir,
      env: { PATH: "/usr/local/bin:/usr/bin:/bin", ...request.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    }),
  });
}
