/**
 * Resource limits of a sandboxed kernel. Each field is a server setting of the same meaning (named in the comment)
 * and is applied as an rlimit by the sandbox's launcher inside the sandbox, just before the kernel is exec'd
 * (see sandbox-launcher.ts and docs/kernel-sandbox.md for what each one does and does not bound).
 */
export interface SandboxLimits {
  /** kernelMemoryMb: address space of each process (RLIMIT_AS), in MiB. Allocations past it fail (MemoryError). */
  memoryMb: number;
  /** kernelCpuSeconds: CPU time of each process (RLIMIT_CPU, soft = hard), in seconds; past it the process is killed. */
  cpuSeconds: number;
  /** kernelProcesses: processes and threads of the sandbox's user in its user namespace (RLIMIT_NPROC). */
  processes: number;
  /** kernelOpenFiles: open file descriptors of each process (RLIMIT_NOFILE). */
  openFiles: number;
  /** kernelScratchMb: size of the writable scratch folder (a tmpfs), in MiB. Writes past it fail with ENOSPC. */
  scratchMb: number;
  /** kernelTmpMb: size of each of the private /tmp, home and /dev/shm (tmpfs), in MiB. */
  tmpMb: number;
}

export const DEFAULT_SANDBOX_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  memoryMb: 4096,
  cpuSeconds: 3600,
  processes: 256,
  openFiles: 1024,
  scratchMb: 1024,
  tmpMb: 256,
});

/** Bounds of each limit: below the minimum a Python kernel cannot start; above the maximum the limit means little. */
const LIMIT_BOUNDS: Readonly<Record<keyof SandboxLimits, readonly [number, number]>> = {
  memoryMb: [64, 1024 * 1024],
  cpuSeconds: [1, 365 * 24 * 3600],
  processes: [4, 65536],
  openFiles: [16, 1048576],
  scratchMb: [1, 1024 * 1024],
  tmpMb: [1, 1024 * 1024],
};

export class SandboxLimitError extends Error {
  readonly code = "sandbox_limit_invalid";
  /** The limit's field name, as in SandboxLimits. */
  readonly place: keyof SandboxLimits;
  constructor(place: keyof SandboxLimits, message: string) {
    super(message);
    this.name = "SandboxLimitError";
    this.place = place;
  }
}

/** Throws SandboxLimitError for the first limit that is not an integer within its bounds. */
export function checkSandboxLimits(limits: SandboxLimits): void {
  for (const [name, [min, max]] of Object.entries(LIMIT_BOUNDS) as [keyof SandboxLimits, readonly [number, number]][]) {
    const value = limits[name];
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new SandboxLimitError(name, `sandbox limit ${name} must be an integer from ${min} to ${max}, not ${value}`);
    }
  }
}

const MIB = 1024 * 1024;

/** The rlimits the launcher sets, as [resource name of Python's `resource` module, soft, hard]. */
export function rlimitsOf(limits: SandboxLimits): [string, number, number][] {
  return [
    ["RLIMIT_AS", limits.memoryMb * MIB, limits.memoryMb * MIB],
    // Soft equal to hard: the kernel sends SIGKILL at the hard limit, so a process that ignores SIGXCPU still ends.
    ["RLIMIT_CPU", limits.cpuSeconds, limits.cpuSeconds],
    ["RLIMIT_NPROC", limits.processes, limits.processes],
    ["RLIMIT_NOFILE", limits.openFiles, limits.openFiles],
    // No core dumps: a crash must not hand a memory image to the host's core handler or fill a tmpfs.
    ["RLIMIT_CORE", 0, 0],
  ];
}

export function mebibytes(value: number): number {
  return value * MIB;
}
