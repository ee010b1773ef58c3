/**
 * The kernel sandbox: every kernel runs under bubblewrap with its own namespaces, a read-only system, private
 * temporary folders, a read-only copy of the workspace's files, a capped scratch folder, no capabilities and
 * resource limits. The policy and its reasons are in docs/kernel-sandbox.md; each part lives in one module:
 * sandbox-spawn.ts (bwrap's arguments and the process), sandbox-launcher.ts (what runs first inside),
 * sandbox-limits.ts (limits and their defaults), sandbox-uids.ts (host uids when the server is root),
 * sandbox-etc.ts (what of /etc is seen), sandbox-probe.ts (whether this host can run sandboxes).
 */
export {
  BWRAP_PATH,
  EGRESS_RELAY_SOURCE,
  SANDBOX_EGRESS_RELAY,
  SANDBOX_EGRESS_SOCKET,
  SANDBOX_FILES_DIR,
  SANDBOX_HOME,
  SANDBOX_SCRATCH_DIR,
  SandboxRequestError,
  kernelUidPool,
  planSandbox,
  sandboxEnv,
  setKernelUidPool,
  spawnSandboxed,
  type SandboxNetwork,
  type SandboxPlan,
  type SandboxRequest,
  type SandboxedProcess,
  type SpawnOptions,
} from "./sandbox-spawn.ts";
export { DEFAULT_SANDBOX_LIMITS, SandboxLimitError, checkSandboxLimits, type SandboxLimits } from "./sandbox-limits.ts";
export { DEFAULT_KERNEL_UID_RANGE, UidPool, UidPoolExhaustedError, type UidRange } from "./sandbox-uids.ts";
export { probeSandbox, type SandboxProbeResult } from "./sandbox-probe.ts";
