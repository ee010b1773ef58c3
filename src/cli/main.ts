// The `vitrine` command line.
import { readFileSync } from "node:fs";
import type { CommandIO } from "./render-command.ts";
import type { TerminalInfo } from "./scan-command.ts";
import { UsageError } from "./usage-error.ts";

const USAGE = `Usage: vitrine <command> [options]

Commands:
  render NOTEBOOK [-o OUT.html]   export a notebook to one safe, self-contained HTML file
  run NOTEBOOK [-o OUT.ipynb]     execute a notebook in the kernel sandbox and write it with its outputs
  serve                           start the studio (app and content origins)
  user add|passwd NAME            manage accounts
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
      io.stderr(`vitrine ${command}: ${error.message}\n\n${entry.usage}\n`);
      return 2;
    }
    throw error;
  }
}

if (import.meta.main) {
  const io: CommandIO & TerminalInfo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdoutIsTerminal: process.stdout.isTTY === true,
    stderrIsTerminal: process.stderr.isTTY === true,
    env: process.env,
  };
  process.exitCode = await main(process.argv.slice(2), io);
}
