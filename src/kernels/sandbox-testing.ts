/**
 * Test fixtures for the sandbox tests: host folders laid out as the server lays them out, with secrets beside them
 * that the sandbox must not reach, and a way to run a Python snippet in a real sandbox and collect what it says.
 * Only tests import this module.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { childrenByParent } from "./process-tree.ts";
import { join } from "node:path";
import { DEFAULT_SANDBOX_LIMITS, type SandboxLimits } from "./sandbox-limits.ts";
import { spawnSandboxed, type SandboxNetwork, type SandboxedProcess } from "./sandbox-spawn.ts";

export interface SandboxFixture {
  base: string;
  /** The kernel's runtime folder (0700). */
  runtimeDir: string;
  /** The kernel's copy of its workspace's files (0755), holding notebook.txt. */
  filesDir: string;
  /** Stands for the data directory: a world-readable secret, so only the sandbox's mounts keep it out. */
  dataDir: string;
  dataSecret: string;
  /** Another workspace's copy, world-readable. */
  otherFilesDir: string;
  otherSecret: string;
  /** Another kernel's runtime folder holding a connection file. */
  otherRuntimeDir: string;
  cleanup(): void;
}

export function makeFixture(): SandboxFixture {
  const base = mkdtempSync(join(tmpdir(), "vitrine-sandbox-test-"));
  // Others may search the base (bwrap finds bound folders by path as the kernel's uid) but not list it.
  chmodSync(base, 0o711);
  const folder = (name: string, mode: number): string => {
    const path = join(base, name);
    mkdirSync(path);
    chmodSync(path, mode);
    return path;
  };
  const runtimeDir = folder("runtime", 0o700);
  const filesDir = folder("files", 0o755);
  writeFileSync(join(filesDir, "notebook.txt"), "the workspace's own file\n", { mode: 0o644 });
  const dataDir = folder("data", 0o755);
  const dataSecret = `data-secret-${Math.random().toString(36).slice(2)}`;
  writeFileSync(join(dataDir, "secret.txt"), dataSecret, { mode: 0o644 });
  const otherFilesDir = folder("other-files", 0o755);
  const otherSecret = `other-workspace-${Math.random().toString(36).slice(2)}`;
  writeFileSync(join(otherFilesDir, "notebook.txt"), otherSecret, { mode: 0o644 });
  const otherRuntimeDir = folder("other-runtime", 0o755);
  writeFileSync(join(otherRuntimeDir, "kernel.json"), `{"key": "${otherSecret}"}`, { mode: 0o644 });
  return {
    base,
    runtimeDir,
    filesDir,
    dataDir,
    dataSecret,
    otherFilesDir,
    otherSecret,
    otherRuntimeDir,
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

export interface SandboxRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  limits?: Partial<SandboxLimits>;
  env?: Record<string, string>;
  network?: SandboxNetwork;
  workingSubdir?: string;
  /** Called once the sandbox is started, for tests that act on it while it runs. */
  onStart?: (sandbox: SandboxedProcess) => void;
}

/** Runs `/usr/bin/python3 -c code` in a real sandbox and waits for it to end (killed after two minutes at most). */
export async function runPython(fixture: SandboxFixture, code: string, options: RunOptions = {}): Promise<SandboxRun> {
  const sandbox = spawnSandboxed({
    argv: ["/usr/bin/python3", "-c", code],
    env: options.env ?? {},
    runtimeDir: fixture.runtimeDir,
    filesDir: fixture.filesDir,
    network: options.network ?? { kind: "none" },
    ...(options.workingSubdir ? { workingSubdir: options.workingSubdir } : {}),
    limits: { ...DEFAULT_SANDBOX_LIMITS, ...options.limits },
  });
  let stdout = "";
  let stderr = "";
  sandbox.child.stdout?.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  sandbox.child.stderr?.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  const guard = setTimeout(() => sandbox.kill(), 120_000);
  options.onStart?.(sandbox);
  const { code: exitCode, signal } = await sandbox.exited;
  clearTimeout(guard);
  return { code: exitCode, signal, stdout, stderr };
}

/** The last line of a run's stdout parsed as JSON (snippets print their findings that way). */
export function findings<T = Record<string, unknown>>(run: SandboxRun): T {
  const line = run.stdout.trim().split("\n").at(-1);
  if (!line) throw new Error(`the sandboxed snippet printed nothing; exit ${run.code}, stderr: ${run.stderr}`);
  return JSON.parse(line) as T;
}

/** Host pids whose parent chain leads to `root` (not including it). */
export function descendantsOf(root: number): number[] {
  const children = childrenByParent();
  const found: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** Whether a host process still runs (a zombie has ended: it only waits to be reaped). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Host pids of running (not zombie) processes whose real uid is `uid`. */
export function processesOfUid(uid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = readFileSync(`/proc/${name}/status`, "utf8");
      const real = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
      if (real === uid && isRunning(Number(name))) pids.push(Number(name));
    } catch {
      // Ended meanwhile.
    }
  }
  return pids;
}

/** Polls `condition` every 50 ms until it holds; throws with `what` after `ms` (a liveness bound, not a measure). */
export async function waitFor(what: string, condition: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
