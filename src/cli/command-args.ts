// The one way commands read their options: strict (an unknown option is an error), positionals allowed, `-h` and
// `--help` everywhere, and a parse error turned into a UsageError (exit 2, with the command's usage).
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { UsageError } from "./usage-error.ts";

const HELP = { help: { type: "boolean", short: "h" } } as const;

export function commandArgs<const T extends ParseArgsOptionsConfig>(args: string[], options: T) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { ...options, ...HELP } as T & typeof HELP,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
