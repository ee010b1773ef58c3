import { readFileSync } from "node:fs";
import { checkUrl, type UrlContext, type UrlPolicy } from "../urls/index.ts";
import { BlocklistError } from "../urls/blocklist.ts";
import { dataDirFrom, loadBlocklists } from "../urls/blocklist-store.ts";
import type { CommandIO } from "./render-command.ts";
import { commandArgs } from "./command-args.ts";
import { UsageError } from "./usage-error.ts";

export const CHECK_URL_USAGE = `Usage: vitrine check-url [--context link|image] [--base URL] [--app-origin URL] URL...

Checks URLs as the studio does before a notebook may use them, and prints one JSON object per line: input, context,
verdict (allow, prompt or block), reason (a stable code), message, normalized (the only form to use), display (the
host for people), and application or list where they apply. "-" reads URLs from standard input, one a line.

Options:
  -c, --context link|image   how the URL is used (default: link)
  -b, --base URL             the URL relative references resolve against (default: the app origin)
  --app-origin URL           the studio's own origin, whose API is refused (default: http://localhost:8080)
  --data-dir DIR             where blocklists are kept, in DIR/blocklists (default: $VITRINE_DATA_DIR, else ./data)
  --trust-domain HOST        treat HOST and its subdomains as trusted (repeatable)
  --allow-loopback HOST:PORT let this loopback host:port through, for local testing (repeatable)
  -h, --help                 this help

Exit codes: 0 every URL is allowed; 1 any URL is blocked or needs a prompt; 2 a bad option or an unreadable
blocklist.`;

function validOrigin(value: string, option: string): string {
  const url = URL.parse(value);
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:"))
    throw new UsageError("bad_option_value", `${option} must be an http(s) URL, not "${value}"`);
  return value;
}

export function checkUrlCommand(args: string[], io: CommandIO): number {
  const { values, positionals } = commandArgs(args, {
    context: { type: "string", short: "c" },
    base: { type: "string", short: "b" },
    "app-origin": { type: "string" },
    "data-dir": { type: "string" },
    "trust-domain": { type: "string", multiple: true },
    "allow-loopback": { type: "string", multiple: true },
  });
  if (values.help) {
    io.stdout(`${CHECK_URL_USAGE}\n`);
    return 0;
  }
  const context = values.context ?? "link";
  if (context !== "link" && context !== "image")
    throw new UsageError("bad_option_value", `--context must be "link" or "image", not "${context}"`);
  if (positionals.length === 0)
    throw new UsageError(
      "missing_argument",
      "check-url needs at least one URL (or - to read them from standard input)",
    );
  const base = values.base === undefined ? undefined : validOrigin(values.base, "--base");
  const dataDir = dataDirFrom(values["data-dir"]);
  let blocklist;
  try {
    blocklist = loadBlocklists(dataDir);
  } catch (error) {
    if (!(error instanceof BlocklistError)) throw error;
    io.stderr(`vitrine check-url: ${error.message} [${error.code}]\n`);
    return 2;
  }
  const policy: UrlPolicy = {
    appOrigin: values["app-origin"] === undefined ? undefined : validOrigin(values["app-origin"], "--app-origin"),
    blocklist,
    trustedDomains: values["trust-domain"] ?? [],
    allowLoopback: values["allow-loopback"] ?? [],
  };
  const inputs = positionals.flatMap((p) =>
    p === "-"
      ? readFileSync(0, "utf8")
          .split(/\r?\n/)
          .filter((line) => line.trim() !== "")
      : [p],
  );
  if (inputs.length === 0) throw new UsageError("missing_argument", "standard input held no URL");
  let status = 0;
  const lines: string[] = [];
  for (const input of inputs) {
    let verdict;
    try {
      verdict = checkUrl(input, context as UrlContext, { base, policy });
    } catch (error) {
      throw new UsageError("bad_option_value", (error as Error).message);
    }
    if (verdict.verdict !== "allow") status = 1;
    lines.push(JSON.stringify(verdict));
  }
  io.stdout(`${lines.join("\n")}\n`);
  return status;
}
