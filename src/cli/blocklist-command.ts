import { BlocklistError } from "../urls/blocklist.ts";
import { FEED_FORMATS, type FeedFormat } from "../urls/blocklist-formats.ts";
import {
  ADMIN_LIST,
  addToBlocklist,
  blocklistDir,
  dataDirFrom,
  importBlocklist,
  removeFromBlocklist,
  summarizeBlocklists,
} from "../urls/blocklist-store.ts";
import type { CommandIO } from "./render-command.ts";
import { commandArgs } from "./command-args.ts";
import { fileError, isSystemError } from "./file-errors.ts";
import { UsageError } from "./usage-error.ts";

export const BLOCKLIST_USAGE = `Usage: vitrine blocklist import FILE [--name NAME] [--format auto|urlhaus|urls|hosts]
       vitrine blocklist add PATTERN [--name NAME]
       vitrine blocklist remove PATTERN [--name NAME]
       vitrine blocklist list

Keeps the reputation lists the URL check consults, in DATA_DIR/blocklists/NAME.list. A URL that a list names is
blocked, and the refusal names the list; nobody can click through it.

  import   reads a feed: URLhaus CSV, one URL or host per line, or a hosts file (the format is guessed unless
           given) and stores it as list NAME (default: the file's name), replacing an older list of that name.
           Lines that cannot be read are reported with their number and skipped.
  add      adds one pattern to list NAME (default: admin): a host (evil.example, *.evil.example: the host and its
           subdomains), a URL prefix ending in * (https://evil.example/downloads/*), or an exact URL.
  remove   takes one pattern out of list NAME (default: admin).
  list     prints each list with its counts, one JSON object per line.

Options:
  -n, --name NAME     the list (lower-case letters, digits, ".", "_", "-")
  -f, --format FMT    import format: auto (default), urlhaus, urls, hosts
  --data-dir DIR      where data is kept (default: $VITRINE_DATA_DIR, else ./data)
  -h, --help          this help

Exit codes: 0 done; 1 a pattern or file could not be read, or remove found nothing to remove; 2 a bad option.`;

export function blocklistCommand(args: string[], io: CommandIO): number {
  const { values, positionals } = commandArgs(args, {
    name: { type: "string", short: "n" },
    format: { type: "string", short: "f" },
    "data-dir": { type: "string" },
  });
  if (values.help) {
    io.stdout(`${BLOCKLIST_USAGE}\n`);
    return 0;
  }
  const [action, ...operands] = positionals;
  const dataDir = dataDirFrom(values["data-dir"]);
  const format = values.format ?? "auto";
  if (format !== "auto" && !(FEED_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError("bad_option_value", `--format must be auto, ${FEED_FORMATS.join(", ")}, not "${format}"`);
  }
  try {
    switch (action) {
      case "import": {
        if (operands.length !== 1) throw new UsageError("missing_argument", "blocklist import needs one FILE");
        const file = operands[0] as string;
        const name =
          values.name ??
          (file.split(/[\\/]/).pop() ?? "")
            .replace(/\.[^.]*$/, "")
            .toLowerCase()
            .replace(/[^a-z0-9._-]+/g, "-");
        let result;
        try {
          result = importBlocklist(dataDir, name, file, format as FeedFormat | "auto");
        } catch (error) {
          // The feed is read first and whole: a system error naming it is the feed's, any other the data folder's.
          if (isSystemError(error) && (error.path === undefined || error.path === file)) {
            io.stderr(`vitrine blocklist: ${fileError("read", file, error).message}\n`);
            return 1;
          }
          throw error;
        }
        for (const p of result.problems) io.stderr(`${file}:${p.line}: ${p.message} [${p.code}]\n`);
        if (result.moreProblems > 0) io.stderr(`${file}: ${result.moreProblems} more lines skipped\n`);
        io.stdout(
          `${JSON.stringify({ list: name, format: result.format, entries: result.entries, skipped: result.problems.length + result.moreProblems })}\n`,
        );
        return 0;
      }
      case "add": {
        if (operands.length !== 1) throw new UsageError("missing_argument", "blocklist add needs one PATTERN");
        const { entry, added } = addToBlocklist(dataDir, operands[0] as string, values.name ?? ADMIN_LIST);
        io.stdout(
          `${JSON.stringify({ list: values.name ?? ADMIN_LIST, kind: entry.kind, value: entry.value, added })}\n`,
        );
        return 0;
      }
      case "remove": {
        if (operands.length !== 1) throw new UsageError("missing_argument", "blocklist remove needs one PATTERN");
        const { entry, removed } = removeFromBlocklist(dataDir, operands[0] as string, values.name ?? ADMIN_LIST);
        io.stdout(
          `${JSON.stringify({ list: values.name ?? ADMIN_LIST, kind: entry.kind, value: entry.value, removed })}\n`,
        );
        return removed ? 0 : 1;
      }
      case "list": {
        if (operands.length !== 0) throw new UsageError("unexpected_argument", "blocklist list takes no operands");
        for (const summary of summarizeBlocklists(dataDir)) io.stdout(`${JSON.stringify(summary)}\n`);
        return 0;
      }
      default:
        throw new UsageError(
          action === undefined ? "missing_argument" : "unknown_action",
          action === undefined
            ? "blocklist needs an action: import, add, remove or list"
            : `unknown action "${action}"`,
        );
    }
  } catch (error) {
    if (error instanceof BlocklistError) {
      if (error.code === "bad_list_name") throw new UsageError("bad_option_value", error.message);
      io.stderr(`vitrine blocklist: ${error.message} [${error.code}]\n`);
      return 1;
    }
    if (isSystemError(error)) {
      // Lists are written through a temporary file in their folder: the folder is the path a person can act on.
      const lists = blocklistDir(dataDir);
      const path = typeof error.path === "string" && !error.path.startsWith(lists) ? error.path : lists;
      io.stderr(`vitrine blocklist: ${fileError("write", path, error).message}\n`);
      return 1;
    }
    throw error;
  }
}
