// Readers for the formats public feeds publish: URLhaus CSV, one URL (or host) per line, and hosts files.
// Each line that cannot be read is reported with its number and skipped; nothing else is lost.
import { BlocklistError, decodeUnreserved, normalizeHost, parsePattern, type BlocklistEntry } from "./blocklist.ts";

export const FEED_FORMATS = ["urlhaus", "urls", "hosts"] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];

export interface FeedProblem {
  line: number;
  code: string;
  message: string;
}

export interface FeedResult {
  format: FeedFormat;
  entries: number;
  problems: FeedProblem[];
  /** Problems beyond the ones kept in `problems`. */
  moreProblems: number;
}

const MAX_REPORTED_PROBLEMS = 50;
const SINK_HOSTS = new Set([
  "localhost",
  "localhost.localdomain",
  "local",
  "broadcasthost",
  "ip6-localhost",
  "ip6-loopback",
  "0.0.0.0",
]);

/** Guesses the format from the first lines that are not comments. */
export function detectFormat(text: string): FeedFormat {
  for (const raw of text
    .slice(0, 64 * 1024)
    .split("\n")
    .slice(0, 200)) {
    const line = raw.trim();
    if (line === "") continue;
    if (line.startsWith("#")) {
      if (/^#\s*id,dateadded,url/i.test(line)) return "urlhaus";
      continue;
    }
    if (/^"\d+","\d{4}-/.test(line)) return "urlhaus";
    if (/^(0\.0\.0\.0|127\.0\.0\.1|::1?|::)\s+\S/.test(line)) return "hosts";
    return "urls";
  }
  return "urls";
}

/** Splits one CSV record (RFC 4180 quoting, one line: URLhaus has no line breaks inside fields). */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote < 0) throw new BlocklistError("bad_csv", "a quoted field is not closed");
        value += line.slice(i, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      fields.push(value);
      if (i < line.length && line[i] !== ",") throw new BlocklistError("bad_csv", "text after a closing quote");
      i++;
    } else {
      const comma = line.indexOf(",", i);
      const end = comma < 0 ? line.length : comma;
      fields.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return fields;
}

function urlEntry(text: string): BlocklistEntry {
  const entry = parsePattern(text);
  return entry.kind === "url" ? { kind: "url", value: decodeUnreserved(entry.value) } : entry;
}

/**
 * Reads a feed and hands each entry to `add`. URLhaus: the url column of each record, as an exact URL.
 * urls: a line with a scheme is an exact URL (a prefix if it ends in "*"), a bare name is a host suffix.
 * hosts: every name after the address, as a host suffix (the sink names localhost and friends are skipped).
 */
export function readFeed(text: string, format: FeedFormat | "auto", add: (entry: BlocklistEntry) => void): FeedResult {
  const actual = format === "auto" ? detectFormat(text) : format;
  const result: FeedResult = { format: actual, entries: 0, problems: [], moreProblems: 0 };
  const problem = (line: number, code: string, message: string) => {
    if (result.problems.length < MAX_REPORTED_PROBLEMS) result.problems.push({ line, code, message });
    else result.moreProblems++;
  };
  let urlColumn = 2;
  let lineNumber = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    lineNumber++;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === "") continue;
    try {
      if (actual === "urlhaus") {
        if (line.startsWith("#")) {
          const header = /^#\s*(id,dateadded,url.*)$/i.exec(line);
          if (header?.[1]) urlColumn = header[1].split(",").indexOf("url");
          continue;
        }
        const url = splitCsvLine(line)[urlColumn];
        if (!url) throw new BlocklistError("missing_url", "the record has no url field");
        add(urlEntry(url));
        result.entries++;
      } else if (actual === "hosts") {
        const body = line.split("#", 1)[0]?.trim() ?? "";
        if (body === "") continue;
        const [address, ...names] = body.split(/\s+/);
        if (!address || names.length === 0)
          throw new BlocklistError("bad_hosts_line", "expected an address and at least one name");
        for (const name of names) {
          if (SINK_HOSTS.has(name.toLowerCase())) continue;
          const host = normalizeHost(name);
          if (host === null) throw new BlocklistError("bad_host", `"${name}" is not a host name`);
          add({ kind: "host", value: host });
          result.entries++;
        }
      } else {
        if (line.startsWith("#") || line.startsWith("!") || line.startsWith(";")) continue;
        add(urlEntry(line));
        result.entries++;
      }
    } catch (error) {
      if (!(error instanceof BlocklistError)) throw error;
      problem(lineNumber, error.code, error.message);
    }
  }
  return result;
}
