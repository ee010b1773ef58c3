import { readFileSync } from "node:fs";
import { DEFAULT_NOTEBOOK_LIMITS } from "../notebook/index.ts";
import { BlocklistError } from "../urls/blocklist.ts";
import { DEFAULT_DATA_DIR, loadBlocklists } from "../urls/blocklist-store.ts";
import type { UrlPolicy } from "../urls/index.ts";
import {
  atLeast,
  formatJson,
  formatSarif,
  formatText,
  scanFile,
  SEVERITIES,
  type ScanResult,
  type Severity,
} from "../scan/index.ts";
import type { CommandIO } from "./render-command.ts";
import { collectFiles, readBounded } from "./scan-command-files.ts";
import { fileError } from "./file-errors.ts";
import { commandArgs } from "./command-args.ts";
import { UsageError } from "./usage-error.ts";
import { writeFileAtomic } from "../fs/write-atomic.ts";

export const SCAN_USAGE = `Usage: vitrine scan PATH... [--format text|json|sarif] [--fail-on high|medium|low|never] [-o FILE]

Reads notebooks and scripts without running them and reports what they would do and what they carry: shell
commands, downloads that are run, dynamic code, credential access, data sent out, obfuscation, hidden cells,
active content in markdown and outputs, and secrets (shown masked). Folders are searched for .ipynb, .py, .r,
.R, .jl, .sh, .md and .txt files.

Options:
  -f, --format text|json|sarif   text (default): grouped by file; json: the findings as data; sarif: SARIF 2.1.0
                                 for code scanning tools
  --fail-on high|medium|low|never
                                 the lowest severity that makes the exit code 1 (default: high); never: exit 0
                                 whatever is found
  -o, --output FILE              write the report to FILE instead of standard output
  --max-file-bytes N             files larger than N bytes are reported as unreadable (default ${DEFAULT_NOTEBOOK_LIMITS.maxFileBytes})
  --app-origin URL               the studio's own origin, whose API links and images may not use
                                 (default: http://localhost:8080)
  --data-dir DIR                 where the URL check's blocklists are kept, in DIR/blocklists (default: ./data)
  --color / --no-color           colour the text report (default: when standard output is a terminal)
  -h, --help                     this help

Exit codes: 0 no finding at or above --fail-on; 1 at least one; 2 a path could not be read, the report could not
be written, or a bad option.`;

/** What the command may know about where its output goes. */
export interface TerminalInfo {
  stdoutIsTerminal?: boolean;
  stderrIsTerminal?: boolean;
  /** Environment, for NO_COLOR. */
  env?: Record<string, string | undefined>;
}

/** Folders with at least this many files get a progress bar (on a terminal). */
const PROGRESS_MIN_FILES = 20;
const PROGRESS_WIDTH = 30;

export function scanCommand(args: string[], io: CommandIO & TerminalInfo): number {
  const { values, positionals } = commandArgs(args, {
    format: { type: "string", short: "f" },
    "fail-on": { type: "string" },
    output: { type: "string", short: "o" },
    "max-file-bytes": { type: "string" },
    "app-origin": { type: "string" },
    "data-dir": { type: "string" },
    color: { type: "boolean" },
    "no-color": { type: "boolean" },
  });
  if (values.help) {
    io.stdout(`${SCAN_USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError("missing_argument", "scan needs at least one PATH");
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json" && format !== "sarif")
    throw new UsageError("bad_option_value", `--format must be text, json or sarif, not "${format}"`);
  const failOn = readFailOn(values["fail-on"]);
  let maxFileBytes = DEFAULT_NOTEBOOK_LIMITS.maxFileBytes;
  if (values["max-file-bytes"] !== undefined) {
    maxFileBytes = Number(values["max-file-bytes"]);
    if (!Number.isSafeInteger(maxFileBytes) || maxFileBytes <= 0)
      throw new UsageError(
        "bad_option_value",
        `--max-file-bytes must be a positive whole number, not "${values["max-file-bytes"]}"`,
      );
  }
  if (values.color && values["no-color"])
    throw new UsageError("conflicting_options", "use --color or --no-color, not both");
  const appOrigin = values["app-origin"];
  if (appOrigin !== undefined && !/^https?:$/.test(URL.parse(appOrigin)?.protocol ?? ""))
    throw new UsageError("bad_option_value", `--app-origin must be an http(s) URL, not "${appOrigin}"`);
  let urlPolicy: UrlPolicy;
  try {
    urlPolicy = {
      blocklist: loadBlocklists(values["data-dir"] ?? DEFAULT_DATA_DIR),
      ...(appOrigin !== undefined ? { appOrigin } : {}),
    };
  } catch (error) {
    if (!(error instanceof BlocklistError)) throw error;
    io.stderr(`vitrine scan: ${error.message} [${error.code}]\n`);
    return 2;
  }

  const { files, problems } = collectFiles(positionals);
  const progress =
    io.stderrIsTerminal === true && files.length >= PROGRESS_MIN_FILES ? progressBar(io, files.length) : undefined;
  const results: ScanResult[] = [];
  for (const [index, file] of files.entries()) {
    progress?.(index, file);
    let bytes: Buffer;
    try {
      bytes = readBounded(file, maxFileBytes);
    } catch (error) {
      problems.push(fileError("read", file, error));
      continue;
    }
    results.push(
      scanFile({ path: file, bytes }, { limits: { maxFileBytes }, fileLines: format === "sarif", urlPolicy }),
    );
  }
  progress?.(files.length, "");

  for (const problem of problems) io.stderr(`vitrine scan: ${problem.message}\n`);
  const color =
    values.color === true ||
    (values["no-color"] !== true &&
      values.output === undefined &&
      io.stdoutIsTerminal === true &&
      !io.env?.["NO_COLOR"]);
  const report =
    format === "json"
      ? formatJson(results)
      : format === "sarif"
        ? formatSarif(results, { toolVersion: packageVersion() })
        : formatText(results, { color });
  if (values.output !== undefined) {
    try {
      writeFileAtomic(values.output, report);
    } catch (error) {
      io.stderr(`vitrine scan: ${fileError("write", values.output, error).message}\n`);
      return 2;
    }
  } else io.stdout(report);

  if (problems.length > 0) return 2;
  if (failOn === "never") return 0;
  const found = results.some((result) => result.findings.some((finding) => atLeast(finding.severity, failOn)));
  return found ? 1 : 0;
}

/**
 * The lowest severity that fails the scan, or "never". High by default: a medium or low finding (a plot's script
 * output, a `!pip install`) is something to read in the report, while a high one (a secret, `curl | sh`, script in
 * markdown) should stop a pipeline until someone has looked.
 */
export const DEFAULT_FAIL_ON: Severity = "high";

function readFailOn(value: string | undefined): Severity | "never" {
  if (value === undefined) return DEFAULT_FAIL_ON;
  if (value === "never" || SEVERITIES.includes(value as Severity)) return value as Severity | "never";
  throw new UsageError("bad_option_value", `--fail-on must be high, medium, low or never, not "${value}"`);
}

/** A one-line bar on standard error, redrawn in place and erased when done. */
function progressBar(io: CommandIO, total: number): (done: number, file: string) => void {
  let lastDrawn = -1;
  return (done, file) => {
    if (done >= total) {
      io.stderr("\r\u001b[2K");
      return;
    }
    const filled = Math.round((done / total) * PROGRESS_WIDTH);
    if (filled === lastDrawn && done % 50 !== 0) return;
    lastDrawn = filled;
    const name = file.length > 40 ? `…${file.slice(-39)}` : file;
    io.stderr(`\r\u001b[2K[${"#".repeat(filled)}${".".repeat(PROGRESS_WIDTH - filled)}] ${done}/${total} ${name}`);
  };
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}
