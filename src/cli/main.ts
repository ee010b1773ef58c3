// The `vitrine` command line.
import { readFileSync } from "node:fs";
import type { CommandIO } from "./render-command.ts";
import type { TerminalInfo } from "./scan-command.ts";
import { fileError, isSystemError } from "./file-errors.ts";
import { UsageError } from "./usage-error.ts";

/** A defect of Vitrine's, not of the input or the options (sysexits' EX_SOFTWARE). */
export const EXIT_INTERNAL_ERROR = 70;

const USAGE = `Usage: vitrine <command> [options]

Commands:
  render NOTEBOOK [-o OUT.html]   export a notebook to one safe, self-contained HTML file
  run NOTEBOOK [-o OUT.ipynb]     execute a notebook in the kernel sandbox and write it with its outputs
  serve                           start the studio (app and content origins)
  user ACTION [NAME]              manage accounts: add, invite, passwd, reset, disable, enable, list, ...
  audit                           print the security event log
  scan PATH...                    review notebooks and scripts before trusting them (text, JSON or SARIF)
  check-url URL...                what the studio would do with a URL: allow, prompt or block, and why
  blocklist import|add|remove|list  the reputation lists the URL check consults

Run "vitrine <command> --help" for a command's options.
Options: -h, --help   this help;  -v, --version   the version`;

interface Command {
  run: (args: string[], io: CommandIO & TerminalInfo) => number | Promise<number>;
  usage: string;
}

// Each command lives in its own module, loaded only when that command runs: `vitrine render` never loads the
// server (Fastify, the database, the URL lists), which took a fifth of its start-up time and memory. A command that
// does I/O over time (serve, check-url with a list) returns a promise of its exit code.
const COMMANDS: Record<string, () => Promise<Command>> = {
  render: () => import("./render-command.ts").then((m) => ({ run: m.renderCommand, usage: m.RENDER_USAGE })),
  run: () => import("./run-command.ts").then((m) => ({ run: m.runCommand, usage: m.RUN_USAGE })),
  serve: () => import("./serve-command.ts").then((m) => ({ run: m.serveCommand, usage: m.SERVE_USAGE })),
  user: () => import("./user-command.ts").then((m) => ({ run: m.userCommand, usage: m.USER_USAGE })),
  audit: () => import("./audit-command.ts").then((m) => ({ run: m.auditCommand, usage: m.AUDIT_USAGE })),
  scan: () => import("./scan-command.ts").then((m) => ({ run: m.scanCommand, usage: m.SCAN_USAGE })),
  "check-url": () =>
    import("./check-url-command.ts").then((m) => ({ run: m.checkUrlCommand, usage: m.CHECK_URL_USAGE })),
  blocklist: () =>
    import("./blocklist-command.ts").then((m) => ({ run: m.blocklistCommand, usage: m.BLOCKLIST_USAGE })),
};

export async function main(argv: string[], io: CommandIO & TerminalInfo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "-h" || command === "--help" || command === "help") {
    io.stdout(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === "-v" || command === "--version") {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    io.stdout(`vitrine ${pkg.version}\n`);
    return 0;
  }
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!load) {
    io.stderr(`vitrine: unknown command "${command}"\n\n${USAGE}\n`);
    return 2;
  }
  const entry = await load();
  try {
    return await entry.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`vitrine ${command}: ${error.message} [${error.code}]\n\n${entry.usage}\n`);
      return 2;
    }
    io.stderr(`vitrine ${command}: ${unexpectedErrorLine(error)}\n${stackFor(error, io.env)}`);
    return isSystemError(error) || isDatabaseError(error) ? 2 : EXIT_INTERNAL_ERROR;
  }
}

/**
 * A defect's stack trace, only when VITRINE_STACK_TRACES=1 asks for it (to report or debug the defect); never for
 * an error the command or the line above explains.
 */
function stackFor(error: unknown, env: Record<string, string | undefined> | undefined): string {
  if (env?.["VITRINE_STACK_TRACES"] !== "1" || isSystemError(error) || isDatabaseError(error)) return "";
  return error instanceof Error && error.stack ? `${error.stack}\n` : "";
}

/** node:sqlite's errors: a database file that cannot be opened, is not a database, or is locked. */
function isDatabaseError(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === "ERR_SQLITE_ERROR";
}

/** A server address that cannot be listened on: taken, not this host's, or a privileged port. */
function listenErrorLine(error: NodeJS.ErrnoException): string {
  const where = `${(error as { address?: string }).address ?? "?"}:${(error as { port?: number }).port ?? "?"}`;
  if (error.code === "EADDRINUSE") return `cannot listen on ${where}: the address is in use [address_in_use]`;
  if (error.code === "EADDRNOTAVAIL")
    return `cannot listen on ${where}: the address is not one of this host's [address_not_available]`;
  if (error.code === "EACCES") return `cannot listen on ${where}: permission denied [permission_denied]`;
  return `cannot listen on ${where}: ${error.message.split("\n")[0]} [system_error]`;
}

/**
 * One line for an error no command turned into its own message: a file the command could not use (its path, the
 * reason and a code, exit 2), else a defect (its first line; the stack trace stays out of the terminal).
 */
export function unexpectedErrorLine(error: unknown): string {
  if (isSystemError(error)) {
    if (typeof error.path === "string") return fileError("use", error.path, error).message;
    if (error.syscall === "listen") return listenErrorLine(error);
    return `${error.message.split("\n")[0]} [system_error]`;
  }
  const first = error instanceof Error ? error.message.split("\n")[0] : String(error).split("\n")[0];
  if (isDatabaseError(error))
    return `the database cannot be used (see --database-url and --data-dir): ${first} [database_error]`;
  return `internal error: ${first} [internal_error]`;
}

if (import.meta.main) {
  const io: CommandIO & TerminalInfo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdoutIsTerminal: process.stdout.isTTY === true,
    stderrIsTerminal: process.stderr.isTTY === true,
    env: process.env,
  };
  // Whatever fails outside a command's own handling (an event emitter's error, a rejected promise nobody awaited)
  // is still one line, never a stack trace.
  const last = (error: unknown): void => {
    process.stderr.write(`vitrine: ${unexpectedErrorLine(error)}\n${stackFor(error, process.env)}`);
    process.exit(isSystemError(error) ? 2 : EXIT_INTERNAL_ERROR);
  };
  process.on("uncaughtException", last);
  process.on("unhandledRejection", last);
  // A reader that stops reading (`vitrine render NB -o - | head`) closes the pipe: that is its choice, not a
  // failure, and the command stops quietly as other Unix tools do.
  for (const stream of [process.stdout, process.stderr])
    stream.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" ? process.exit(0) : last(error)));
  process.exitCode = await main(process.argv.slice(2), io);
}
