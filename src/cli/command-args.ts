// The one way commands read their options: strict (an unknown option is an error), positionals allowed, `-h` and
// `--help` everywhere, and every mistake turned into a UsageError with its code (exit 2, with the command's usage).
// The options are checked here, token by token, rather than by node:util's strict mode, so that each mistake has a
// code and a message of ours (the library's unknown-option message names the option inside unbalanced quotes).
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { UsageError } from "./usage-error.ts";

const HELP = { help: { type: "boolean", short: "h" } } as const;

export function commandArgs<const T extends ParseArgsOptionsConfig>(args: string[], options: T) {
  const all = { ...options, ...HELP } as T & typeof HELP;
  checkOptions(args, all);
  try {
    return parseArgs({ args, allowPositionals: true, strict: true, options: all });
  } catch (error) {
    // Every mistake strict parsing finds is found by checkOptions first; should one slip through, it is still a
    // usage error of one line.
    throw new UsageError("bad_option_value", (error as Error).message.replace(/'/g, ""));
  }
}

/** Throws the UsageError for the first option in `args` that `options` does not accept as written. */
function checkOptions(args: string[], options: ParseArgsOptionsConfig): void {
  const { tokens } = parseArgs({ args, allowPositionals: true, strict: false, tokens: true, options });
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    const written = token.rawName;
    const option = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (option === undefined) throw new UsageError("unknown_option", `unknown option ${written}`);
    const shown = optionName(token.name, option.short);
    if (option.type === "string" && token.value === undefined)
      throw new UsageError("option_needs_value", `${shown} needs a value`);
    // `-o --foo`: the next argument looks like an option, so it was most likely meant as one. A value that starts
    // with "-" is written attached (`--output=-x`); "-" alone (standard output) is a value.
    if (option.type === "string" && !token.inlineValue && token.value !== "-" && token.value?.startsWith("-"))
      throw new UsageError(
        "option_needs_value",
        `${shown} needs a value, and "${token.value}" looks like an option (to give a value that starts with "-", write --${token.name}=${token.value})`,
      );
    if (option.type === "boolean" && token.value !== undefined)
      throw new UsageError("option_takes_no_value", `${shown} takes no value, but was given "${token.value}"`);
  }
}

function optionName(name: string, short: string | undefined): string {
  return short === undefined ? `--${name}` : `-${short}, --${name}`;
}
