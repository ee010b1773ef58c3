// The `vitrine` command line.
import { readFileSync } from "node:fs";
import { BLOCKLIST_USAGE, blocklistCommand } from "./blocklist-command.ts";
import { CHECK_URL_USAGE, checkUrlCommand } from "./check-url-command.ts";
import { renderCommand, RENDER_USAGE, type CommandIO } from "./render-command.ts";
import { scanCommand, SCAN_USAGE, type TerminalInfo } from "./scan-command.ts";
import { UsageError } from "./usage-error.ts";
import { serveCommand, SERVE_USAGE } from "./serve-command.ts";
import { userCommand, USER_USAGE } from "./user-command.ts";
import { auditCommand, AUDIT_USAGE } from "./audit-command.ts";

const USAGE = `Usage: vitrine <command> [options]

Commands:
  render NOTEBOOK [-o OUT.html]   export a notebook to one safe, self-contained HTML file
  serve                           start the studio (app and content origins)
  user add|passwd NAME            manage accounts
  audit                           print the security event log
  scan PATH...                    review notebooks and scripts before trusting them (text, JSON or SARIF)
  check-url URL...                what the studio would do with a URL: allow, prompt or block, and why
  blocklist import|add|remove|list  the reputation lists the URL check consults

Run "vitrine <command> --help" for a command's options.
Options: -h, --help   this help;  -v, --version   the version`;

// Each command lives in its own module; a command that does I/O over time (serve, check-url with a list) returns
// a promise of its exit code.
const COMMANDS: Record<string, { run: (args: string[], io: CommandIO & TerminalInfo) => number | Promise<number>; usage: string }> = {
  render: { run: renderCommand, usage: RENDER_USAGE },
  serve: { run: serveCommand, usage: SERVE_USAGE },
  user: { run: userCommand, usage: USER_USAGE },
  audit: { run: auditCommand, usage: AUDIT_USAGE },
  scan: { run: scanCommand, usage: SCAN_USAGE },
  "check-url": { run: checkUrlCommand, usage: CHECK_URL_USAGE },
  blocklist: { run: blocklistCommand, usage: BLOCKLIST_USAGE },
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
  const entry = COMMANDS[command];
  if (!entry) {
    io.stderr(`vitrine: unknown command "${command}"\n\n${USAGE}\n`);
    return 2;
  }
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
