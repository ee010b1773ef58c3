import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_SANDBOX_LIMITS } from "./sandbox-limits.ts";
import { seccompFilter } from "./sandbox-seccomp.ts";
import { spawnSandboxed, type SpawnOptions } from "./sandbox-spawn.ts";

export type SandboxProbeResult =
  { ok: true; uid: number; limitsBy: "rlimit"; seccomp: boolean } | { ok: false; code: string; message: string };

/** What the host needs, said once for every failure that comes from namespaces. */
const HOST_NEEDS =
  "Kernels run under bubblewrap, which needs unprivileged user namespaces: check `sysctl user.max_user_namespaces` " +
  "(must be above 0), on Debian kernels before 6.x `sysctl kernel.unprivileged_userns_clone` (must be 1), on " +
  "Ubuntu 24.04 and later `sysctl kernel.apparmor_restrict_unprivileged_userns` (0, or an AppArmor profile that " +
  "allows userns for /usr/bin/bwrap). In a container, its seccomp and AppArmor profiles must allow clone with " +
  "CLONE_NEWUSER and mount (Docker's default profile forbids them; Podman's allows them), and it must not be " +
  "nested in a user namespace that forbids more. Try: `bwrap --unshare-all --ro-bind /usr /usr true`. " +
  "The server refuses to start kernels until this works.";

/**
 * Starts a sandbox exactly as a kernel's (same flags, same uid choice, default limits) running /usr/bin/true, and
 * says whether it worked and, if not, what the host needs. `bwrapPath` exists so that a test can run the real
 * bwrap where namespaces are refused.
 */
export async function probeSandbox(options: SpawnOptions = {}): Promise<SandboxProbeResult> {
  const scratch = mkdtempSync(join(tmpdir(), "vitrine-sandbox-probe-"));
  try {
    const runtimeDir = join(scratch, "runtime");
    const filesDir = join(scratch, "files");
    mkdirSync(runtimeDir, { mode: 0o700 });
    mkdirSync(filesDir);
    chmodSync(scratch, 0o711);
    chmodSync(filesDir, 0o755);
    let sandbox;
    try {
      sandbox = spawnSandboxed(
        {
          argv: ["/usr/bin/true"],
          env: {},
          runtimeDir,
          filesDir,
          network: { kind: "none" },
          limits: { ...DEFAULT_SANDBOX_LIMITS },
        },
        options,
      );
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return { ok: false, code: typeof code === "string" ? code : "sandbox_unavailable", message: String(error) };
    }
    let stderr = "";
    sandbox.child.stderr?.setEncoding("utf8").on("data", (text: string) => {
      if (stderr.length < 4096) stderr += text;
    });
    sandbox.child.stdout?.resume();
    let spawnError: NodeJS.ErrnoException | undefined;
    sandbox.child.once("error", (error) => (spawnError = error));
    const { code, signal } = await sandbox.exited;
    if (spawnError?.code === "ENOENT" || spawnError?.code === "EACCES") {
      return {
        ok: false,
        code: "sandbox_bwrap_missing",
        message: `bubblewrap (${options.bwrapPath ?? "/usr/bin/bwrap"}) cannot be run: ${spawnError.message}. Install Debian's bubblewrap package.`,
      };
    }
    if (code === 0) return { ok: true, uid: sandbox.uid, limitsBy: "rlimit", seccomp: seccompFilter() !== undefined };
    const said = stderr.trim().split("\n").slice(-3).join(" ");
    if (/python3/.test(said) && /No such file|not found/i.test(said)) {
      return { ok: false, code: "sandbox_python_missing", message: `the sandbox needs /usr/bin/python3: ${said}` };
    }
    return {
      ok: false,
      code: "sandbox_namespaces_refused",
      message: `bubblewrap could not create the kernel sandbox (exit ${code ?? signal}: ${said || "no message"}). ${HOST_NEEDS}`,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
