// The server settings as command-line options, shared by `serve`, `user` and `audit` so that all three find the
// same data directory and database.

import type { ParseArgsConfig } from "node:util";
import { ConfigError, loadConfig, SETTINGS, type ServerConfig } from "../server/config.ts";
import { commandArgs } from "./command-args.ts";
import { UsageError } from "./usage-error.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

export function settingOptions(only?: readonly string[]): Options {
  const options: Options = {};
  for (const s of SETTINGS) {
    const name = s.flag.slice(2);
    if (!only || only.includes(name)) options[name] = { type: "string" };
  }
  return options;
}

export function parseCommand(
  args: string[],
  extra: Options,
  only?: readonly string[],
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  return commandArgs(args, { ...settingOptions(only), ...extra }) as {
    values: Record<string, string | boolean | undefined>;
    positionals: string[];
  };
}

export function configFrom(values: Record<string, unknown>): ServerConfig {
  const flags: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) if (typeof value === "string") flags[key] = value;
  try {
    return loadConfig(flags);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError("bad_setting", error.message);
    throw error;
  }
}

/**
 * Opens what the settings name (the database, the key files), turning a setting found bad only then (a database
 * URL of an unsupported kind, a key file readable by others) into a usage error like any other bad setting.
 */
export async function withSettingsChecked<T>(open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError("bad_setting", error.message);
    throw error;
  }
}

/** Standard input as text, for --password-stdin (one line; the trailing newline is not part of the password). */
export async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}
