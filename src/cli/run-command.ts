// `vitrine run`: executes a notebook headlessly in the kernel sandbox (the studio's), like `jupyter nbconvert
// --execute` or papermill, and writes the executed copy atomically. The engine is src/kernels/notebook-run.ts;
// this module reads the options, the notebook and the kernelspec, makes the kernel's files copy, starts the kernel
// (and the egress proxy when the network is allowed), shows progress and says how it went.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { writeFileAtomic } from "../fs/write-atomic.ts";
import { KernelError } from "../kernels/errors.ts";
import { Kernel } from "../kernels/kernel.ts";
import { findKernelSpecs, kernelSpecByName, type KernelSpec } from "../kernels/kernelspecs.ts";
import {
  injectParameters,
  ParameterError,
  parseParameterValue,
  runNotebook,
  serializeNotebook,
  type CellFailure,
  type NotebookParameter,
  type NotebookRunResult,
  type RunProgress,
} from "../kernels/notebook-run.ts";
import { DEFAULT_OUTPUT_LIMITS } from "../kernels/outputs.ts";
import {
  checkSandboxLimits,
  DEFAULT_SANDBOX_LIMITS,
  probeSandbox,
  SandboxLimitError,
  SandboxRequestError,
  type SandboxLimits,
  type SandboxNetwork,
} from "../kernels/sandbox.ts";
import { sandboxedLauncher } from "../kernels/sandboxed-launcher.ts";
import { NotebookError } from "../notebook/errors.ts";
import { parseNotebook } from "../notebook/parse.ts";
import type { Notebook, ParsedNotebook } from "../notebook/types.ts";
import { commandArgs } from "./command-args.ts";
import { fileError, isSystemError } from "./file-errors.ts";
import type { CommandIO } from "./render-command.ts";
import type { TerminalInfo } from "./scan-command.ts";
import { UsageError } from "./usage-error.ts";

/** The kernel's working directory is a copy of the notebook's folder; larger folders are refused. */
export const MAX_WORKDIR_FILES = 10_000;
export const MAX_WORKDIR_BYTES = 1024 * 1024 * 1024;
/** The port the egress relay listens on inside the sandbox's own network namespace (HTTP_PROXY points at it). */
const RELAY_PORT = 3128;
const DEFAULT_KERNEL = "python3";

export const EXIT_OK = 0;
export const EXIT_CELL_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_NO_SANDBOX = 3;
export const EXIT_INTERRUPTED = 130;

const LIMIT_FLAGS: Record<string, keyof SandboxLimits> = {
  "kernel-memory-mb": "memoryMb",
  "kernel-cpu-seconds": "cpuSeconds",
  "kernel-processes": "processes",
  "kernel-open-files": "openFiles",
  "kernel-scratch-mb": "scratchMb",
  "kernel-tmp-mb": "tmpMb",
};

export const RUN_USAGE = `Usage: vitrine run NOTEBOOK.ipynb [-o OUT.ipynb] [-p NAME VALUE]... [--kernel NAME] [--timeout S]
                   [--allow-errors] [--allow-network] [--kernel-memory-mb N] [...]

Executes the notebook's code cells in order in the kernel sandbox and writes the notebook with their outputs.

Options:
  -o, --output FILE        where to write (default: NOTEBOOK.out.ipynb beside the notebook; the notebook itself
                           is overwritten only when -o names it)
  -p, --parameter NAME VALUE
                           set a parameter, in a cell injected after the cell tagged "parameters" (Python kernels
                           only). VALUE is read as papermill reads it: True, False, None, an int, a float, else a
                           string. Repeatable
  --kernel NAME            the kernelspec (default: the notebook's own if installed, else ${DEFAULT_KERNEL})
  --timeout S              stop a cell that runs longer than S seconds (interrupt, then end the kernel)
  --allow-errors           a cell that raises does not stop the run; exit 0
  --allow-network          let the kernel reach public hosts through the egress proxy (HTTP and HTTPS, ports 80
                           and 443)
  --kernel-memory-mb N     address space of each kernel process (default ${DEFAULT_SANDBOX_LIMITS.memoryMb})
  --kernel-cpu-seconds N   CPU time of each kernel process (default ${DEFAULT_SANDBOX_LIMITS.cpuSeconds})
  --kernel-processes N     processes and threads in the sandbox (default ${DEFAULT_SANDBOX_LIMITS.processes})
  --kernel-open-files N    open files of each kernel process (default ${DEFAULT_SANDBOX_LIMITS.openFiles})
  --kernel-scratch-mb N    size of the writable scratch folder (default ${DEFAULT_SANDBOX_LIMITS.scratchMb})
  --kernel-tmp-mb N        size of each of /tmp, home and /dev/shm (default ${DEFAULT_SANDBOX_LIMITS.tmpMb})
  -h, --help               this help

The kernel works in a read-only copy of the notebook's folder (at most ${MAX_WORKDIR_FILES} files and 1 GiB;
folders whose name starts with "." are left out), with a writable scratch folder at /home/kernel/scratch.

Exit codes: 0 every cell ran; 1 a cell failed (the notebook is written with the error in place, later cells not
run); 2 bad input or option, unknown kernel, a kernel that does not start, or the output cannot be written;
3 the sandbox cannot run on this host; 130 interrupted (Ctrl-C; nothing is written).`;

interface RunOptions {
  input: string;
  output: string;
  parameters: NotebookParameter[];
  kernel: string | undefined;
  timeoutMs: number | undefined;
  allowErrors: boolean;
  allowNetwork: boolean;
  limits: SandboxLimits;
}

/** A refusal before anything ran: one line, exit 2 (or 3). */
class RunRefusal extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = EXIT_BAD_INPUT) {
    super(message);
    this.exitCode = exitCode;
  }
}

export async function runCommand(args: string[], io: CommandIO & TerminalInfo): Promise<number> {
  const options = readOptions(args, io);
  if (options === undefined) return EXIT_OK;
  try {
    return await run(options, io);
  } catch (error) {
    if (error instanceof RunRefusal) {
      io.stderr(`vitrine run: ${error.message}\n`);
      return error.exitCode;
    }
    // A file of the notebook's folder that cannot be copied, a full temporary folder: the path and its code.
    if (isSystemError(error) && typeof error.path === "string") {
      io.stderr(`vitrine run: ${options.input}: ${fileError("use", error.path, error).message}\n`);
      return EXIT_BAD_INPUT;
    }
    // A defect or a host failure, not the notebook's fault: one line, never a stack trace.
    io.stderr(`vitrine run: ${options.input}: ${(error as Error).message?.split("\n")[0] ?? String(error)}\n`);
    return EXIT_BAD_INPUT;
  }
}

/** Takes the `-p NAME VALUE` triples out first: node:util's parseArgs has no option with two values. */
function splitParameters(args: string[]): { rest: string[]; parameters: [string, string][] } {
  const rest: string[] = [];
  const parameters: [string, string][] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") {
      rest.push(...args.slice(i));
      break;
    }
    if (arg === "-p" || arg === "--parameter") {
      const name = args[i + 1];
      const value = args[i + 2];
      if (name === undefined || value === undefined)
        throw new UsageError("option_needs_value", `${arg} needs a NAME and a VALUE`);
      parameters.push([name, value]);
      i += 2;
      continue;
    }
    rest.push(arg);
  }
  return { rest, parameters };
}

function readOptions(args: string[], io: CommandIO): RunOptions | undefined {
  const { rest, parameters } = splitParameters(args);
  const { values, positionals } = commandArgs(rest, {
    output: { type: "string", short: "o" },
    kernel: { type: "string" },
    timeout: { type: "string" },
    "allow-errors": { type: "boolean" },
    "allow-network": { type: "boolean" },
    ...Object.fromEntries(Object.keys(LIMIT_FLAGS).map((flag) => [flag, { type: "string" as const }])),
  });
  if (values.help) {
    io.stdout(`${RUN_USAGE}\n`);
    return undefined;
  }
  if (positionals.length === 0) throw new UsageError("missing_argument", "run needs a NOTEBOOK");
  if (positionals.length > 1)
    throw new UsageError("unexpected_argument", `run takes one NOTEBOOK, not ${positionals.length}`);
  const input = positionals[0] as string;
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    const seconds = Number(values.timeout);
    if (!Number.isFinite(seconds) || seconds <= 0 || values.timeout.trim() === "")
      throw new UsageError(
        "bad_option_value",
        `--timeout must be a positive number of seconds, not "${values.timeout}"`,
      );
    timeoutMs = Math.ceil(seconds * 1000);
  }
  const limits: SandboxLimits = { ...DEFAULT_SANDBOX_LIMITS };
  for (const [flag, key] of Object.entries(LIMIT_FLAGS)) {
    const text = (values as Record<string, unknown>)[flag];
    if (typeof text !== "string") continue;
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n <= 0)
      throw new UsageError("bad_option_value", `--${flag} must be a positive whole number, not "${text}"`);
    limits[key] = n;
  }
  try {
    checkSandboxLimits(limits);
  } catch (error) {
    if (error instanceof SandboxLimitError) throw new UsageError("bad_option_value", error.message);
    throw error;
  }
  const output = values.output ?? join(dirname(input), `${basename(input).replace(/\.ipynb$/i, "")}.out.ipynb`);
  return {
    input,
    output,
    parameters: parameters.map(([name, value]) => ({ name, value: parseParameterValue(value) })),
    kernel: values.kernel,
    timeoutMs,
    allowErrors: values["allow-errors"] === true,
    allowNetwork: values["allow-network"] === true,
    limits,
  };
}

async function run(options: RunOptions, io: CommandIO & TerminalInfo): Promise<number> {
  const { input } = options;
  let notebook = readNotebook(input);
  const spec = await chooseKernel(options.kernel, notebook);
  if (options.parameters.length > 0) {
    try {
      notebook = injectParameters(notebook, options.parameters, spec.language);
    } catch (error) {
      if (!(error instanceof ParameterError)) throw error;
      const where = error.place ? `-p ${error.place}: ` : `kernel ${spec.name}: `;
      throw new RunRefusal(`${input}: ${where}${error.message} [${error.code}]`);
    }
  }
  const probe = await probeSandbox();
  if (!probe.ok) throw new RunRefusal(`the kernel sandbox cannot run here: ${probe.message} [${probe.code}]`, 3);

  const scratch = mkdtempSync(join(tmpdir(), "vitrine-run-"));
  // Others may search it: bwrap finds the files copy and the egress socket by path as the kernel's uid.
  chmodSync(scratch, 0o711);
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(scratch, { recursive: true, force: true })];
  const interrupted = new AbortController();
  const onSigint = (): void => interrupted.abort();
  process.on("SIGINT", onSigint);
  const progress = io.stderrIsTerminal ? new ProgressLine(io) : undefined;
  try {
    const filesDir = join(scratch, "files");
    copyFolder(dirname(resolve(input)), filesDir);
    const network = options.allowNetwork ? await openEgress(scratch, cleanups) : ({ kind: "none" } as const);
    const kernel = new Kernel({
      spec,
      launch: sandboxedLauncher({ limits: options.limits, network }),
      filesDir,
      outputLimits: DEFAULT_OUTPUT_LIMITS,
    });
    cleanups.push(() => kernel.shutdown().catch(() => undefined));
    progress?.show(`starting kernel ${spec.name}`);
    try {
      await kernel.start();
    } catch (error) {
      if (!(error instanceof KernelError)) throw error;
      if (interrupted.signal.aborted) return interruptedExit(io, input, progress);
      const said = error.details.stderrTail?.trim().split("\n").at(-1);
      throw new RunRefusal(`${input}: kernel ${spec.name}: ${error.message}${said ? `: ${said}` : ""} [${error.code}]`);
    }
    if (interrupted.signal.aborted) return interruptedExit(io, input, progress);
    const started = Date.now();
    const result = await runNotebook(notebook, {
      kernel,
      ...(options.timeoutMs !== undefined ? { cellTimeoutMs: options.timeoutMs } : {}),
      allowErrors: options.allowErrors,
      signal: interrupted.signal,
      onProgress: (event) => progress?.cell(event, started),
    });
    progress?.clear();
    // Ctrl-C on a terminal also reaches the sandbox (it is in the terminal's process group), so the kernel may be
    // found dead before the engine hears of the interrupt: either way the run was interrupted.
    if (result.status === "aborted" || interrupted.signal.aborted) return interruptedExit(io, input, progress);
    try {
      writeFileAtomic(options.output, serializeNotebook(result.notebook));
    } catch (error) {
      throw new RunRefusal(fileError("write", options.output, error).message);
    }
    io.stdout(`${summary(options.output, result, (Date.now() - started) / 1000)}\n`);
    for (const failure of result.failures) io.stderr(`vitrine run: ${input}: ${describeFailure(failure)}\n`);
    return result.status === "ok" ? EXIT_OK : EXIT_CELL_FAILED;
  } catch (error) {
    if (error instanceof SandboxRequestError) throw new RunRefusal(`${input}: ${error.message} [${error.code}]`);
    throw error;
  } finally {
    progress?.clear();
    process.off("SIGINT", onSigint);
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

/** Ctrl-C: nothing is written, so a half-run notebook is never taken for a finished one. */
function interruptedExit(io: CommandIO, input: string, progress: ProgressLine | undefined): number {
  progress?.clear();
  io.stderr(`vitrine run: ${input}: interrupted; nothing was written\n`);
  return EXIT_INTERRUPTED;
}

function readNotebook(input: string): Notebook {
  let bytes: Buffer;
  try {
    bytes = readFileSync(input);
  } catch (error) {
    throw new RunRefusal(fileError("read", input, error).message);
  }
  let parsed: ParsedNotebook;
  try {
    parsed = parseNotebook(bytes, { file: input });
  } catch (error) {
    if (error instanceof NotebookError) throw new RunRefusal(error.format());
    throw error;
  }
  // A cell or output of a type newer than Vitrine knows is read as a stand-in that says so; the run writes the
  // notebook it read, so it would put the stand-in in the file where the content was. Refused instead.
  const standIn = parsed.notes?.find(
    (note) => note.code === "unknown_cell_type" || note.code === "unknown_output_type",
  );
  if (standIn) {
    throw new RunRefusal(
      `${input}: ${standIn.message}, and running it would write the notebook without it [${standIn.code}] at ${standIn.pointer}`,
    );
  }
  return parsed.notebook;
}

/**
 * The kernelspec: --kernel, else the notebook's metadata.kernelspec.name when installed, else python3. Every
 * valid installed kernelspec may be chosen: whoever runs the command chose the notebook and installed the kernels,
 * and each runs in the sandbox all the same.
 */
async function chooseKernel(requested: string | undefined, notebook: Notebook): Promise<KernelSpec> {
  const discovery = await findKernelSpecs({ allowlist: "all" });
  const kernelspec = notebook.metadata.kernelspec;
  const named =
    typeof kernelspec === "object" && kernelspec !== null && !Array.isArray(kernelspec) ? kernelspec.name : undefined;
  const fromNotebook =
    typeof named === "string" && discovery.specs.some((spec) => spec.name === named.toLowerCase()) ? named : undefined;
  const name = requested ?? fromNotebook ?? DEFAULT_KERNEL;
  try {
    return kernelSpecByName(discovery, name);
  } catch (error) {
    if (!(error instanceof KernelError)) throw error;
    const installed = discovery.specs.map((spec) => spec.name).join(", ") || "none";
    throw new RunRefusal(`${error.toString()}; installed kernels: ${installed}`);
  }
}

/** Copies the folder's regular files (not links, not dot-folders) into `target`, 0755 folders and 0644 files. */
function copyFolder(source: string, target: string): void {
  const files: [string, string][] = [];
  const folders: string[] = [];
  let bytes = 0;
  const walk = (from: string, to: string): void => {
    folders.push(to);
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      const path = join(from, entry.name);
      if (entry.isDirectory()) {
        // .git, .venv, .ipynb_checkpoints...: tools' state, not the notebook's data, and often the largest part.
        if (!entry.name.startsWith(".")) walk(path, join(to, entry.name));
      } else if (entry.isFile()) {
        files.push([path, join(to, entry.name)]);
        bytes += statSync(path).size;
        if (files.length > MAX_WORKDIR_FILES || bytes > MAX_WORKDIR_BYTES) {
          throw new RunRefusal(
            `${source}: the notebook's folder holds more than ${MAX_WORKDIR_FILES} files or 1 GiB, the most the ` +
              `kernel's working copy takes; move the notebook to a folder of its own [workdir_too_large]`,
          );
        }
      }
    }
  };
  walk(source, target);
  for (const folder of folders) {
    mkdirSync(folder, { recursive: true });
    // The kernel's uid owns none of the copy (when run as root), so it must be readable by others.
    chmodSync(folder, 0o755);
  }
  for (const [from, to] of files) {
    copyFileSync(from, to);
    chmodSync(to, 0o644);
  }
}

/** The egress proxy in this process, with its default rules, and a socket for the one kernel. */
async function openEgress(scratch: string, cleanups: (() => Promise<void> | void)[]): Promise<SandboxNetwork> {
  const { EgressProxy } = await import("../server/egress-proxy.ts");
  const proxy = new EgressProxy({ studioOrigins: [] });
  cleanups.push(() => proxy.close());
  const folder = join(scratch, "egress");
  mkdirSync(folder);
  // Searchable by others: bwrap, running as the kernel's uid, finds the socket by its path.
  chmodSync(folder, 0o711);
  const socketPath = join(folder, "egress.sock");
  await proxy.openKernel({ kernelId: "vitrine-run", workspaceId: "vitrine-run", socketPath });
  return { kind: "proxy", socketPath, relayPort: RELAY_PORT };
}

function describeFailure(failure: CellFailure): string {
  const id = failure.cellId ? ` (id ${failure.cellId})` : "";
  const what = failure.evalue ? `${failure.ename}: ${failure.evalue}` : failure.ename;
  return `cell ${failure.cellIndex + 1}${id}: ${oneLine(what)}`;
}

function summary(output: string, result: NotebookRunResult, seconds: number): string {
  const failed = result.failures.length;
  return (
    `${output}: ${result.executed} of ${result.codeCells} code cells ran` +
    (failed ? `, ${failed} failed` : "") +
    ` in ${seconds.toFixed(1)} s`
  );
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

/** One line on the terminal's stderr, redrawn in place: cell i/n, elapsed time, the running cell's first line. */
class ProgressLine {
  readonly #io: CommandIO;
  #shown = false;
  #timer: NodeJS.Timeout | undefined;
  constructor(io: CommandIO) {
    this.#io = io;
  }

  show(text: string): void {
    const width = Math.max(20, (process.stderr.columns || 80) - 1);
    // Control characters from the notebook's source never reach the terminal.
    const clean = Array.from(text.replace(/\p{Cc}/gu, " "))
      .slice(0, width)
      .join("");
    this.#io.stderr(`\r\x1b[2K${clean}`);
    this.#shown = true;
  }

  cell(event: RunProgress, started: number): void {
    if (event.type !== "cell_start") return;
    const first = event.source.split("\n").find((line) => line.trim() !== "") ?? "";
    const done = Math.round((event.codeIndex / event.codeCells) * 20);
    const bar = `[${"#".repeat(done)}${"-".repeat(20 - done)}]`;
    const draw = (): void => {
      const elapsed = Math.floor((Date.now() - started) / 1000);
      const clock = `${Math.floor(elapsed / 60)}:${String(elapsed % 60).padStart(2, "0")}`;
      this.show(`${bar} cell ${event.codeIndex + 1}/${event.codeCells} ${clock}  ${first.trim()}`);
    };
    draw();
    clearInterval(this.#timer);
    // The clock moves while a long cell runs.
    this.#timer = setInterval(draw, 1000);
    this.#timer.unref();
  }

  clear(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#shown) this.#io.stderr("\r\x1b[2K");
    this.#shown = false;
  }
}
