import { childrenByParent } from "./process-tree.ts";
import { spawn, type ChildProcess } from "node:child_process";
import { chownSync, closeSync, lstatSync, openSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, normalize, relative } from "node:path";
import { ETC_READ_ONLY, SANDBOX_HOSTNAME, generatedEtcFiles } from "./sandbox-etc.ts";
import { checkSandboxLimits, mebibytes, rlimitsOf, type SandboxLimits } from "./sandbox-limits.ts";
import { KERNEL_PID_IN_SANDBOX, launcherArgv, type LauncherSpec } from "./sandbox-launcher.ts";
import { seccompFilter } from "./sandbox-seccomp.ts";
import { UidPool } from "./sandbox-uids.ts";

export const BWRAP_PATH = "/usr/bin/bwrap";
/** The kernel's home inside the sandbox (a private tmpfs). */
export const SANDBOX_HOME = "/home/kernel";
/** Where the workspace's files appear inside the sandbox, read-only; the kernel's working directory. */
export const SANDBOX_FILES_DIR = "/home/kernel/work";
/** The writable scratch folder inside the sandbox, a tmpfs of limits.scratchMb. */
export const SANDBOX_SCRATCH_DIR = "/home/kernel/scratch";
/** Where the egress proxy's Unix socket is bound inside the sandbox when the network goes through it. */
export const SANDBOX_EGRESS_SOCKET = "/run/vitrine-egress.sock";
/** Where the egress relay's script is written inside the sandbox. */
export const SANDBOX_EGRESS_RELAY = "/run/vitrine/egress-relay.py";
/** The relay's source on the host, beside this module. */
export const EGRESS_RELAY_SOURCE = new URL("./egress-relay.py", import.meta.url).pathname;

export type SandboxNetwork = { kind: "none" } | { kind: "proxy"; socketPath: string; relayPort: number };

export interface SandboxRequest {
  /** The kernelspec's argv, {connection_file} already replaced by a path under runtimeDir. */
  argv: string[];
  /** The kernelspec's env; nothing of the server's own environment passes. */
  env: Record<string, string>;
  /**
   * Host folder (0700) holding the connection file and the ipc:// sockets; mounted read-write at the same path
   * inside, because ZeroMQ ipc endpoints are file paths. When the server is root it is given (with what it holds)
   * to the kernel's uid, which must create its sockets there; the server, as root, still reaches them.
   */
  runtimeDir: string;
  /**
   * Host folder with a copy of the workspace's files, bound read-only at SANDBOX_FILES_DIR. When the server is root
   * the kernel's uid owns none of it, so the folder and its contents must be readable by others (0755/0644).
   */
  filesDir: string;
  /** Optional folder inside filesDir (relative) to start the kernel in, such as the notebook's folder. */
  workingSubdir?: string;
  network: SandboxNetwork;
  limits: SandboxLimits;
}

export interface SandboxedProcess {
  /** The bwrap process. Its stdout and stderr are the kernel's; its exit is the sandbox's end. */
  child: ChildProcess;
  /** The host uid the sandbox runs as (from the kernel uid range when the server is root, else the server's). */
  uid: number;
  /** Resolves when bwrap has exited and the kernel uid (if any) is back in its pool. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The kernel's host pid (pid 2 inside the sandbox), once it runs; undefined before or after. */
  kernelPid(): number | undefined;
  /** Sends a signal to the kernel process itself (SIGINT for interrupt_mode "signal"); false if it is not running. */
  signalKernel(signal: NodeJS.Signals): boolean;
  /** Ends the sandbox and everything in it: SIGKILL to bwrap, whose reaper and every process inside die with it. */
  kill(): void;
}

export class SandboxRequestError extends Error {
  readonly code: string;
  /** The request's field at fault. */
  readonly place: string;
  constructor(code: string, place: string, message: string) {
    super(message);
    this.name = "SandboxRequestError";
    this.code = code;
    this.place = place;
  }
}

/** The process-wide pool of kernel uids (used only when the server is root). */
let kernelUids = new UidPool();

/** Replaces the kernel uid range (the kernelUidRange setting); only while no kernel runs. */
export function setKernelUidPool(pool: UidPool): void {
  if (kernelUids.inUse > 0) throw new Error("the kernel uid range cannot change while kernels run");
  kernelUids = pool;
}

export function kernelUidPool(): UidPool {
  return kernelUids;
}

export interface SpawnOptions {
  /** The bubblewrap program; BWRAP_PATH unless a test needs another. */
  bwrapPath?: string;
}

/** Starts the kernel argv under bubblewrap, with the isolation and limits of docs/kernel-sandbox.md. */
export function spawnSandboxed(request: SandboxRequest, options: SpawnOptions = {}): SandboxedProcess {
  checkRequest(request);
  const asRoot = process.getuid?.() === 0;
  const uid = asRoot ? kernelUids.acquire() : (process.getuid?.() ?? 0);
  const fds: number[] = [];
  try {
    if (asRoot) giveRuntimeDir(request.runtimeDir, uid);
    const plan = planSandbox(request, uid, (path) => {
      // O_PATH: the server names each bound host path by a descriptor, and bwrap binds it after checking that
      // the path still names the same file (no swap between check and mount). libuv opens it close-on-exec;
      // spawn passes it only as the child descriptor chosen below.
      const fd = openSync(path, O_PATH);
      fds.push(fd);
      return fd;
    });
    const child = spawn(options.bwrapPath ?? BWRAP_PATH, plan.args, {
      stdio: ["ignore", "pipe", "pipe", ...plan.stdio],
      env: {},
      cwd: "/",
      ...(asRoot ? { uid, gid: uid } : {}),
    });
    for (const [index, text] of plan.data) {
      const stream = child.stdio[index];
      if (stream && "end" in stream) {
        // A bwrap that fails before reading its data closes the pipe: its exit status tells why, not EPIPE.
        stream.on("error", () => {});
        stream.end(text);
      }
    }
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once("close", (code, signal) => {
        if (asRoot) kernelUids.release(uid);
        resolve({ code, signal });
      });
      child.once("error", () => {
        if (asRoot) kernelUids.release(uid);
        resolve({ code: null, signal: null });
      });
    });
    const kernelPid = (): number | undefined =>
      child.pid === undefined || child.exitCode !== null ? undefined : findKernelPid(child.pid);
    return {
      child,
      uid,
      exited,
      kernelPid,
      signalKernel(signal) {
        const pid = kernelPid();
        if (pid === undefined) return false;
        try {
          process.kill(pid, signal);
          return true;
        } catch {
          return false;
        }
      },
      kill() {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      },
    };
  } catch (error) {
    if (asRoot) kernelUids.release(uid);
    throw error;
  } finally {
    // The child holds its own copies from spawn on; the server's are closed whether or not it started.
    for (const fd of fds) closeSync(fd);
  }
}

/** Linux's O_PATH (not among Node's fs.constants): a descriptor that names a file without opening its content. */
const O_PATH = 0o10000000;

export interface SandboxPlan {
  /** bwrap's arguments, ending with the launcher. */
  args: string[];
  /** Descriptors after stdin/stdout/stderr (child fd 3 on): an open host descriptor, or "pipe" for data. */
  stdio: (number | "pipe")[];
  /** Bytes written to each data pipe, by index in the child's stdio. */
  data: [number, string | Buffer][];
}

/**
 * bwrap's arguments for a request, in the order bwrap applies them (later mounts cover earlier ones). `openPath`
 * returns a descriptor for a host path that bwrap binds by descriptor; `relaySource` gives the egress relay's
 * source, written into the sandbox when the network goes through the proxy.
 */
export function planSandbox(
  request: SandboxRequest,
  uid: number,
  openPath: (path: string) => number,
  relaySource: () => string = () => readFileSync(EGRESS_RELAY_SOURCE, "utf8"),
): SandboxPlan {
  const stdio: (number | "pipe")[] = [];
  const data: [number, string | Buffer][] = [];
  const passFd = (fd: number): string => String(3 + stdio.push(fd) - 1);
  const passData = (text: string | Buffer): string => {
    const index = 3 + stdio.push("pipe") - 1;
    data.push([index, text]);
    return String(index);
  };
  const { limits, network } = request;
  const args: string[] = [
    // Own user, PID, IPC, UTS, network and cgroup namespaces; no further user namespaces inside.
    "--unshare-user",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-net",
    "--unshare-cgroup-try",
    "--disable-userns",
    "--hostname",
    SANDBOX_HOSTNAME,
    // The sandbox ends when its parent (the server) ends, even on SIGKILL (PR_SET_PDEATHSIG).
    "--die-with-parent",
    // setsid(): no controlling terminal, so no TIOCSTI injection into a terminal the server was started from.
    "--new-session",
    "--cap-drop",
    "ALL",
    "--clearenv",
    ...Object.entries(sandboxEnv(request)).flatMap(([name, value]) => ["--setenv", name, value]),
  ];
  // System folders, read-only. A merged-/usr system has /bin, /lib... as symlinks into /usr; others as folders.
  args.push("--ro-bind", "/usr", "/usr");
  for (const top of ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]) {
    const kind = pathKind(top);
    if (kind === "symlink") args.push("--symlink", readlinkSync(top), top);
    else if (kind === "dir") args.push("--ro-bind", top, top);
  }
  for (const path of ETC_READ_ONLY) args.push("--ro-bind-try", path, path);
  for (const file of generatedEtcFiles(uid, SANDBOX_HOME)) args.push("--ro-bind-data", passData(file.text), file.path);
  // Its own /proc (this PID namespace's processes only: never the server's) and a minimal /dev.
  args.push("--proc", "/proc", "--dev", "/dev");
  // Private, capped tmpfs folders. /dev is made read-only below so that only /dev/shm takes writes.
  const tmpBytes = String(mebibytes(limits.tmpMb));
  args.push("--size", tmpBytes, "--tmpfs", "/dev/shm");
  args.push("--size", tmpBytes, "--tmpfs", "/tmp");
  args.push("--size", tmpBytes, "--tmpfs", SANDBOX_HOME);
  args.push("--ro-bind-fd", passFd(openPath(request.filesDir)), SANDBOX_FILES_DIR);
  args.push("--size", String(mebibytes(limits.scratchMb)), "--tmpfs", SANDBOX_SCRATCH_DIR);
  // The runtime folder at its host path, after the tmpfs mounts so that one of them cannot cover it.
  args.push("--bind-fd", passFd(openPath(request.runtimeDir)), request.runtimeDir);
  let relay: LauncherSpec["relay"];
  if (network.kind === "proxy") {
    // The only way out of the empty network namespace: the egress proxy's Unix socket.
    args.push("--ro-bind-fd", passFd(openPath(network.socketPath)), SANDBOX_EGRESS_SOCKET);
    args.push("--ro-bind-data", passData(relaySource()), SANDBOX_EGRESS_RELAY);
    relay = { script: SANDBOX_EGRESS_RELAY, port: network.relayPort, socket: SANDBOX_EGRESS_SOCKET };
  }
  // System calls the kernel has no use for, refused before their code runs (sandbox-seccomp.ts).
  const filter = seccompFilter();
  if (filter) args.push("--seccomp", passData(filter));
  // bwrap's root and /dev are tmpfs folders it made; read-only, so nothing is written outside the capped ones.
  args.push("--remount-ro", "/dev", "--remount-ro", "/");
  args.push("--chdir", request.workingSubdir ? join(SANDBOX_FILES_DIR, request.workingSubdir) : SANDBOX_FILES_DIR);
  const spec: LauncherSpec = { rlimits: rlimitsOf(limits), argv: request.argv, ...(relay ? { relay } : {}) };
  args.push("--", ...launcherArgv(spec));
  return { args, stdio, data };
}

/** The only environment inside: PATH, HOME, LANG, TMPDIR, the kernelspec's env, and the proxy settings. */
export function sandboxEnv(request: SandboxRequest): Record<string, string> {
  const env: Record<string, string> = {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    HOME: SANDBOX_HOME,
    LANG: "C.UTF-8",
    TMPDIR: "/tmp",
    ...request.env,
  };
  if (request.network.kind === "proxy") {
    const proxy = `http://127.0.0.1:${request.network.relayPort}`;
    Object.assign(env, { HTTP_PROXY: proxy, HTTPS_PROXY: proxy, http_proxy: proxy, https_proxy: proxy });
    Object.assign(env, { NO_PROXY: "", no_proxy: "" });
  }
  return env;
}

/** Folders inside the sandbox that the runtime folder may not be at or under: they are the sandbox's own. */
const RESERVED_INSIDE = ["/usr", "/etc", "/proc", "/dev", "/sys", "/run", SANDBOX_HOME, "/bin", "/sbin", "/lib"];

function checkRequest(request: SandboxRequest): void {
  const { argv, env, runtimeDir, filesDir, network } = request;
  if (
    !Array.isArray(argv) ||
    argv.length === 0 ||
    argv.some((part) => typeof part !== "string" || part.includes("\0"))
  ) {
    throw new SandboxRequestError(
      "sandbox_argv_invalid",
      "argv",
      "argv must be a non-empty list of strings without NUL",
    );
  }
  if (argv[0] === "") throw new SandboxRequestError("sandbox_argv_invalid", "argv[0]", "argv[0] must name a program");
  for (const [name, value] of Object.entries(env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || typeof value !== "string" || value.includes("\0")) {
      throw new SandboxRequestError("sandbox_env_invalid", `env.${name}`, `environment variable ${name} is not valid`);
    }
  }
  for (const [place, path] of [
    ["runtimeDir", runtimeDir],
    ["filesDir", filesDir],
  ] as const) {
    if (!isAbsolute(path) || normalize(path) !== path || path === "/") {
      throw new SandboxRequestError("sandbox_path_invalid", place, `${place} must be a normalized absolute path`);
    }
    if (pathKind(path) !== "dir") {
      throw new SandboxRequestError("sandbox_path_invalid", place, `${place} ${path} is not a folder`);
    }
  }
  if (RESERVED_INSIDE.some((reserved) => isAtOrUnder(runtimeDir, reserved)) || runtimeDir === "/tmp") {
    throw new SandboxRequestError("sandbox_path_invalid", "runtimeDir", `runtimeDir ${runtimeDir} is a sandbox folder`);
  }
  if (isAtOrUnder(runtimeDir, filesDir) || isAtOrUnder(filesDir, runtimeDir)) {
    // Either would be writable through the other's mount, or hidden by it.
    throw new SandboxRequestError("sandbox_path_invalid", "runtimeDir", "runtimeDir and filesDir must not overlap");
  }
  if (process.getuid?.() === 0) {
    for (const [place, path] of [
      ["runtimeDir", runtimeDir],
      ["filesDir", filesDir],
      ...(network.kind === "proxy" ? [["network.socketPath", network.socketPath] as const] : []),
    ] as const) {
      checkSearchableByOthers(place, path);
    }
  }
  if (process.getuid?.() === 0 && (statSync(filesDir).mode & 0o005) !== 0o005) {
    throw new SandboxRequestError(
      "sandbox_files_unreadable",
      "filesDir",
      `filesDir ${filesDir} must be readable and searchable by others (mode o+rx): the kernel's uid does not own it`,
    );
  }
  if (request.workingSubdir !== undefined) {
    const sub = request.workingSubdir;
    if (isAbsolute(sub) || normalize(sub).startsWith("..") || pathKind(join(filesDir, sub)) !== "dir") {
      throw new SandboxRequestError(
        "sandbox_path_invalid",
        "workingSubdir",
        "workingSubdir must be a folder in filesDir",
      );
    }
  }
  if (network.kind === "proxy") {
    if (!Number.isSafeInteger(network.relayPort) || network.relayPort < 1 || network.relayPort > 65535) {
      throw new SandboxRequestError(
        "sandbox_network_invalid",
        "network.relayPort",
        "relayPort must be from 1 to 65535",
      );
    }
    if (!isAbsolute(network.socketPath) || pathKind(network.socketPath) !== "socket") {
      throw new SandboxRequestError(
        "sandbox_network_invalid",
        "network.socketPath",
        "socketPath must be a Unix socket",
      );
    }
    if (pathKind(EGRESS_RELAY_SOURCE) !== "file") {
      throw new SandboxRequestError(
        "sandbox_relay_missing",
        "network",
        `the egress relay ${EGRESS_RELAY_SOURCE} is missing`,
      );
    }
  } else if (network.kind !== "none") {
    throw new SandboxRequestError("sandbox_network_invalid", "network.kind", "network.kind must be none or proxy");
  }
  checkSandboxLimits(request.limits);
}

/**
 * bwrap binds a descriptor only after finding the same file again by its path, with the kernel uid's permissions
 * (a mount cannot cross user namespaces), so every folder above a bound path must let others search it (o+x).
 * Search without read does not let the kernel's uid list those folders.
 */
function checkSearchableByOthers(place: string, path: string): void {
  for (let folder = dirname(path); ; folder = dirname(folder)) {
    if ((statSync(folder).mode & 0o001) === 0) {
      throw new SandboxRequestError(
        "sandbox_path_unreachable",
        place,
        `${place} ${path} is under ${folder}, which others cannot search (mode o+x): the kernel's uid must reach it`,
      );
    }
    if (folder === "/") return;
  }
}

function isAtOrUnder(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

function pathKind(path: string): "dir" | "file" | "symlink" | "socket" | "other" | "missing" {
  try {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return "symlink";
    if (stat.isDirectory()) return "dir";
    if (stat.isFile()) return "file";
    if (stat.isSocket()) return "socket";
    return "other";
  } catch {
    return "missing";
  }
}

/**
 * Gives the runtime folder and what it holds (the connection file) to the kernel's uid: the kernel reads its
 * connection file and creates its ipc sockets there. The folder stays 0700, so no other kernel uid can enter it.
 */
function giveRuntimeDir(dir: string, uid: number): void {
  chownSync(dir, uid, uid);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (!lstatSync(path).isSymbolicLink()) chownSync(path, uid, uid);
  }
}

/** The host pid of the process that is pid 2 in the PID namespace below bwrap `bwrapPid`. */
function findKernelPid(bwrapPid: number): number | undefined {
  const children = childrenByParent();
  const queue = [...(children.get(bwrapPid) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    try {
      const nspid = /^NSpid:\s+(.*)$/m
        .exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]
        ?.trim()
        .split(/\s+/);
      if (nspid && nspid.length > 1 && Number(nspid.at(-1)) === KERNEL_PID_IN_SANDBOX) return pid;
    } catch {
      continue;
    }
    queue.push(...(children.get(pid) ?? []));
  }
  return undefined;
}
