// Blocklists on disk: <dataDir>/blocklists/<name>.list, one normalized entry a line ("host", "prefix" or "url",
// a space, the value). Imports and additions replace a file atomically, so a crash never leaves half a list and a
// running server reloading at that moment reads the old list or the new one.
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../fs/write-atomic.ts";
import type { Blocklist } from "./blocklist.ts";
import {
  BlocklistBuilder,
  BlocklistError,
  LIST_NAME_RE,
  parsePattern,
  type BlocklistEntry,
  type EntryKind,
} from "./blocklist.ts";
import { readFeed, type FeedFormat, type FeedResult } from "./blocklist-formats.ts";

/** The list `vitrine blocklist add` writes to. */
export const ADMIN_LIST = "admin";
export const DEFAULT_DATA_DIR = "./data";

/** The data dir as the studio server finds it: an explicit choice, else VITRINE_DATA_DIR, else ./data. */
export function dataDirFrom(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return option ?? (env.VITRINE_DATA_DIR || DEFAULT_DATA_DIR);
}
const HEADER = "# vitrine blocklist v1";
const KINDS: ReadonlySet<string> = new Set<EntryKind>(["host", "prefix", "url"]);

export function blocklistDir(dataDir: string): string {
  return join(dataDir, "blocklists");
}

function listPath(dataDir: string, name: string): string {
  if (!LIST_NAME_RE.test(name)) {
    throw new BlocklistError(
      "bad_list_name",
      `list names are lower-case letters, digits, ".", "_" and "-" (at most 64), not "${name}"`,
    );
  }
  return join(blocklistDir(dataDir), `${name}.list`);
}

function listNames(dataDir: string): string[] {
  let files: string[];
  try {
    files = readdirSync(blocklistDir(dataDir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return files
    .filter((f) => f.endsWith(".list") && LIST_NAME_RE.test(f.slice(0, -5)))
    .map((f) => f.slice(0, -5))
    .sort();
}

function serialize(name: string, lines: Iterable<string>): string {
  const parts = [`${HEADER} name=${name}`];
  for (const line of lines) parts.push(line);
  return `${parts.join("\n")}\n`;
}

function readEntries(
  dataDir: string,
  name: string,
  each: (kind: EntryKind, value: string, line: number) => void,
): void {
  const path = listPath(dataDir, name);
  const text = readFileSync(path, "latin1");
  let lineNumber = 0;
  for (const line of text.split("\n")) {
    lineNumber++;
    if (line === "" || line.startsWith("#")) continue;
    const space = line.indexOf(" ");
    const kind = line.slice(0, space);
    if (space < 0 || !KINDS.has(kind))
      throw new BlocklistError("corrupt_list", `${path}:${lineNumber}: not a blocklist entry`);
    each(kind as EntryKind, line.slice(space + 1), lineNumber);
  }
}

/** Reads a feed file and stores it as list `name`, replacing a list of that name. */
export function importBlocklist(
  dataDir: string,
  name: string,
  source: string,
  format: FeedFormat | "auto",
): FeedResult {
  const path = listPath(dataDir, name);
  const lines = new Set<string>();
  const result = readFeed(readFileSync(source, "utf8"), format, (entry) => lines.add(`${entry.kind} ${entry.value}`));
  mkdirSync(blocklistDir(dataDir), { recursive: true });
  writeFileAtomic(path, serialize(name, lines));
  return result;
}

/** Adds one pattern to a list (the admin list by default). Returns the entry and whether it was new. */
export function addToBlocklist(
  dataDir: string,
  pattern: string,
  name = ADMIN_LIST,
): { entry: BlocklistEntry; added: boolean } {
  const entry = parsePattern(pattern);
  const path = listPath(dataDir, name);
  const lines: string[] = [];
  if (listNames(dataDir).includes(name)) readEntries(dataDir, name, (kind, value) => lines.push(`${kind} ${value}`));
  const line = `${entry.kind} ${entry.value}`;
  const added = !lines.includes(line);
  if (added) lines.push(line);
  mkdirSync(blocklistDir(dataDir), { recursive: true });
  writeFileAtomic(path, serialize(name, lines));
  return { entry, added };
}

/** Removes one pattern from a list (the admin list by default). Returns whether it was there. */
export function removeFromBlocklist(
  dataDir: string,
  pattern: string,
  name = ADMIN_LIST,
): { entry: BlocklistEntry; removed: boolean } {
  const entry = parsePattern(pattern);
  if (!listNames(dataDir).includes(name)) return { entry, removed: false };
  const line = `${entry.kind} ${entry.value}`;
  const lines: string[] = [];
  readEntries(dataDir, name, (kind, value) => lines.push(`${kind} ${value}`));
  const kept = lines.filter((l) => l !== line);
  if (kept.length === lines.length) return { entry, removed: false };
  writeFileAtomic(listPath(dataDir, name), serialize(name, kept));
  return { entry, removed: true };
}

export interface ListSummary {
  name: string;
  hosts: number;
  prefixes: number;
  urls: number;
}

export function summarizeBlocklists(dataDir: string): ListSummary[] {
  return listNames(dataDir).map((name) => {
    const summary: ListSummary = { name, hosts: 0, prefixes: 0, urls: 0 };
    readEntries(dataDir, name, (kind) => {
      if (kind === "host") summary.hosts++;
      else if (kind === "prefix") summary.prefixes++;
      else summary.urls++;
    });
    return summary;
  });
}

/** Loads every list under the data dir into one lookup structure (an empty one when there are none). */
export function loadBlocklists(dataDir: string): Blocklist {
  const builder = new BlocklistBuilder();
  for (const name of listNames(dataDir)) {
    const tag = builder.list(name);
    readEntries(dataDir, name, (kind, value) => builder.add({ kind, value }, tag));
  }
  return builder.build();
}
