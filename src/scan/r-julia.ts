// R and Julia, read by a small tokenizer (strings, comments, command literals, names, punctuation) and checked as
// token patterns: `system("...")` is a call only when `system` is a name token followed by `(`, never inside a
// comment or a string.

import { isDownloaded, noteDownload, type CodeInput } from "./context.ts";
import { credentialIn, encodedBlobKind, isOwnHost, isSecretVariable, urlHost } from "./patterns.ts";
import { checkShell } from "./shell-rules.ts";
import { checkIdentifier } from "./text-checks.ts";

export type TokenLanguage = "r" | "julia";

export interface Token {
  kind: "name" | "string" | "command" | "number" | "punct";
  /** Source text (for strings and commands: the contents, quotes removed, escapes kept). */
  text: string;
  from: number;
  to: number;
  /** Offset of a string's or command's contents. */
  contentFrom: number;
}

export function tokenize(text: string, language: TokenLanguage): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: Token["kind"], from: number, to: number, contentFrom = from, contentTo = to): void => {
    tokens.push({ kind, text: text.slice(contentFrom, contentTo), from, to, contentFrom });
    i = to;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "#") {
      if (language === "julia" && text[i + 1] === "=") i = skipJuliaBlockComment(text, i);
      else i = lineEnd(text, i);
    } else if (
      language === "r" &&
      (c === "r" || c === "R") &&
      (text[i + 1] === '"' || text[i + 1] === "'") &&
      /[-([{]/.test(text[i + 2] ?? "")
    ) {
      // R 4 raw strings: r"(...)", r"[...]", r"{...}", with optional dashes.
      const quote = text[i + 1]!;
      const dashes = /^-*/.exec(text.slice(i + 2))![0];
      const open = text[i + 2 + dashes.length]!;
      const close = ({ "(": ")", "[": "]", "{": "}" } as Record<string, string>)[open] ?? ")";
      const end = text.indexOf(`${close}${dashes}${quote}`, i + 3 + dashes.length);
      const stop = end < 0 ? text.length : end;
      push("string", i, Math.min(text.length, stop + dashes.length + 2), i + 3 + dashes.length, stop);
    } else if (c === '"' || (c === "'" && (language === "r" || !isTransposeContext(tokens)))) {
      const triple = language === "julia" && text.startsWith('"""', i);
      const quote = triple ? '"""' : c;
      const end = findClosingQuote(text, i + quote.length, quote);
      push("string", i, Math.min(text.length, end + quote.length), i + quote.length, end);
    } else if (c === "`") {
      const end = findClosingQuote(text, i + 1, "`");
      // Julia: a command literal; R: a quoted name.
      push(language === "julia" ? "command" : "name", i, Math.min(text.length, end + 1), i + 1, end);
    } else if (/[\p{L}_.]/u.test(c) && !(c === "." && /[0-9]/.test(text[i + 1] ?? ""))) {
      let end = i + 1;
      const part = language === "r" ? /[\p{L}\p{N}_.]/u : /[\p{L}\p{N}_!]/u;
      while (end < text.length && part.test(text[end]!)) end++;
      if (language === "julia" && c === ".") push("punct", i, i + 1);
      else push("name", i, end);
    } else if (/[0-9]/.test(c)) {
      let end = i + 1;
      while (end < text.length && /[0-9a-zA-Z_.]/.test(text[end]!)) end++;
      push("number", i, end);
    } else {
      const two = text.slice(i, i + 3) === ":::" ? ":::" : text.slice(i, i + 2) === "::" ? "::" : c;
      push("punct", i, i + two.length);
    }
  }
  return tokens;
}

function isTransposeContext(tokens: readonly Token[]): boolean {
  const last = tokens[tokens.length - 1];
  return (
    last !== undefined &&
    (last.kind === "name" || last.kind === "number" || last.text === ")" || last.text === "]" || last.text === "'")
  );
}

function findClosingQuote(text: string, from: number, quote: string): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text.startsWith(quote, i)) return i;
  }
  return text.length;
}

function skipJuliaBlockComment(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    if (text.startsWith("#=", i)) {
      depth++;
      i++;
    } else if (text.startsWith("=#", i)) {
      depth--;
      i++;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf("\n", from);
  return end < 0 ? text.length : end;
}

interface Call {
  /** Qualified name: `httr::POST`, `HTTP.post`, `system`. */
  name: string;
  at: number;
  /** Token index range of the arguments (exclusive of the parentheses). */
  argsFrom: number;
  argsTo: number;
}

const MAX_ARGUMENT_TOKENS = 2_000;

/** Calls: a name (optionally `pkg::name` or `Module.name`) followed by `(`. */
function findCalls(tokens: readonly Token[], language: TokenLanguage): Call[] {
  const calls: Call[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.kind !== "name" || tokens[i + 1]?.text !== "(") continue;
    let name = tokens[i]!.text;
    let start = i;
    const joiner = language === "r" ? ["::", ":::"] : ["."];
    while (start >= 2 && joiner.includes(tokens[start - 1]!.text) && tokens[start - 2]!.kind === "name") {
      name = `${tokens[start - 2]!.text}${language === "r" ? "::" : "."}${name}`;
      start -= 2;
    }
    let depth = 0;
    let end = i + 1;
    // Arguments longer than this are cut: the patterns look at the first ones, and nested calls stay linear.
    const last = Math.min(tokens.length, i + 1 + MAX_ARGUMENT_TOKENS);
    for (; end < last; end++) {
      const text = tokens[end]!.text;
      if (tokens[end]!.kind !== "punct") continue;
      if (text === "(" || text === "[" || text === "{") depth++;
      else if ((text === ")" || text === "]" || text === "}") && --depth === 0) break;
    }
    calls.push({ name, at: tokens[start]!.from, argsFrom: i + 2, argsTo: end });
  }
  return calls;
}

/** The base name of a call: `httr::POST` -> `POST` in R (where dots belong to names), `HTTP.post` -> `post` in Julia. */
function baseName(name: string, language: TokenLanguage): string {
  return name.slice(language === "r" ? name.lastIndexOf(":") + 1 : name.lastIndexOf(".") + 1);
}

const R_PROCESS = new Set([
  "system",
  "system2",
  "shell",
  "shell.exec",
  "pipe",
  "processx::run",
  "processx::process",
  "sys::exec_wait",
  "sys::exec_internal",
  "callr::run",
]);
// Only what runs or revives code: parse() and str2lang() build it, and eval() of what they build is reported.
const R_DYNAMIC = new Set(["eval", "evalq", "unserialize", "readRDS", "load"]);
const R_REMOTE_INSTALL = /(?:^|::)install_(?:github|gitlab|bitbucket|url|git|svn)$/;
const R_SEND = new Set([
  "POST",
  "PUT",
  "PATCH",
  "postForm",
  "socketConnection",
  "make.socket",
  "curl_upload",
  "req_perform",
]);
const JULIA_PROCESS = new Set(["run", "pipeline", "success", "readchomp"]);
const JULIA_DYNAMIC = new Set(["eval", "Core.eval", "include_string", "deserialize", "Serialization.deserialize"]);
const JULIA_SEND = new Set([
  "HTTP.post",
  "HTTP.put",
  "HTTP.patch",
  "Sockets.connect",
  "connect",
  "send",
  "WebSockets.open",
]);
const DECODE_NAMES = /base64decode|base64_dec|base64enc|rawToChar|hex2raw|hex2bytes|transcode/;
const FETCH_NAMES = /download|url\(|HTTP\.get|GET\(|readLines\(|url_fetch|curl_fetch|getURL|request\(/;

export function checkTokens(input: CodeInput, language: TokenLanguage): void {
  const reporter = input.reporter;
  const text = reporter.text;
  const tokens = tokenize(text, language);
  for (const token of tokens) {
    if (token.kind === "string") {
      const credential = credentialIn(token.text);
      if (credential !== undefined) reporter.report("credential-access", token.from, `refers to ${credential}`);
      const blob = encodedBlobKind(token.text);
      if (blob !== undefined)
        reporter.report("encoded-blob", token.from, `${token.text.length} characters of ${blob}`, {
          to: token.from + 60,
        });
    } else if (token.kind === "name") {
      checkIdentifier(token.text, token.from, reporter);
    } else if (token.kind === "command") {
      reporter.report("shell-exec", token.from, "runs a command literal");
      checkShell({ reporter: reporter.nested(token.text, token.contentFrom), file: input.file });
    }
  }
  // ENV["GITHUB_TOKEN"] in Julia
  for (let i = 0; i + 2 < tokens.length; i++) {
    if (
      language === "julia" &&
      tokens[i]!.text === "ENV" &&
      tokens[i + 1]!.text === "[" &&
      tokens[i + 2]!.kind === "string" &&
      isSecretVariable(tokens[i + 2]!.text)
    ) {
      reporter.report("secret-env", tokens[i]!.from, `reads the secret environment variable ${tokens[i + 2]!.text}`);
    }
  }
  for (const call of findCalls(tokens, language)) {
    const args = tokens.slice(call.argsFrom, call.argsTo);
    const argText = args.length > 0 ? text.slice(args[0]!.from, args[args.length - 1]!.to) : "";
    const firstString = args[0]?.kind === "string" ? args[0] : undefined;
    const base = baseName(call.name, language);
    if (language === "r") checkRCall(call, base, args, argText, firstString, input);
    else checkJuliaCall(call, base, args, argText, input);
  }
}

function checkRCall(
  call: Call,
  base: string,
  args: Token[],
  argText: string,
  firstString: Token | undefined,
  input: CodeInput,
): void {
  const reporter = input.reporter;
  const { name, at } = call;
  if (R_PROCESS.has(name) || R_PROCESS.has(base)) {
    reporter.report("shell-exec", at, `runs a process with ${name}()`);
    if (firstString !== undefined) {
      const command =
        name === "system2" || base === "run"
          ? args
              .filter((token) => token.kind === "string")
              .map((token) => token.text)
              .join(" ")
          : firstString.text;
      checkShell({ reporter: reporter.nested(command, firstString.contentFrom), file: input.file });
    }
  } else if (
    (base === "source" || base === "sys.source") &&
    (firstString === undefined ? FETCH_NAMES.test(argText) : urlHost(firstString.text) !== undefined)
  ) {
    reporter.report("download-exec", at, `runs R code from the network with ${name}()`);
  } else if (
    R_REMOTE_INSTALL.test(name) ||
    (base === "install.packages" && /repos\s*=\s*["']https?:\/\/(?!cloud\.r-project\.org|cran\.)/.test(argText))
  ) {
    reporter.report("download-exec", at, `installs a package from outside the package index with ${name}()`);
  } else if (base === "install.packages" || name === "BiocManager::install" || base === "p_load") {
    reporter.report("package-install", at, `installs packages with ${name}()`);
  } else if (R_DYNAMIC.has(base) && !(base === "load" && firstString !== undefined)) {
    if (FETCH_NAMES.test(argText) && base === "eval")
      reporter.report("download-exec", at, `runs R code downloaded from the network with ${name}()`);
    else if (DECODE_NAMES.test(argText))
      reporter.report("dynamic-code", at, `runs code decoded from encoded or compressed data with ${name}()`, {
        severity: "high",
      });
    else if (base !== "load" && base !== "readRDS")
      reporter.report("dynamic-code", at, `runs dynamic code with ${name}()`);
  } else if (base === "download.file") {
    const destination = args.filter((token) => token.kind === "string")[1];
    noteDownload(input.file, destination?.text);
  } else if (
    base === "Sys.chmod" &&
    /7[0-7]{2}|5[0-7]{2}/.test(argText) &&
    (firstString === undefined
      ? input.file.downloads.unknown || input.file.downloads.files.size > 0
      : isDownloaded(input.file, firstString.text))
  ) {
    reporter.report("download-exec", at, "makes a downloaded file executable");
  } else if (base === "Sys.getenv") {
    if (args.length === 0) reporter.report("secret-env", at, "reads the whole environment, secrets included");
    else if (firstString !== undefined && isSecretVariable(firstString.text))
      reporter.report("secret-env", at, `reads the secret environment variable ${firstString.text}`);
  } else if (R_SEND.has(base)) {
    const host = firstString === undefined ? undefined : urlHost(firstString.text);
    if (!isOwnHost(host, input.file.linkHosts))
      reporter.report("data-exfiltration", at, `sends data with ${name}()${host ? ` to ${host}` : ""}`);
  }
}

function checkJuliaCall(call: Call, base: string, args: Token[], argText: string, input: CodeInput): void {
  const reporter = input.reporter;
  const { name, at } = call;
  const firstString = args[0]?.kind === "string" ? args[0] : undefined;
  if (JULIA_PROCESS.has(name) && args.some((token) => token.kind === "command")) {
    // The command literal itself is reported where it is written.
    return;
  }
  if ((name === "include" || name === "evalfile") && /download\s*\(/.test(argText)) {
    reporter.report("download-exec", at, `runs Julia code downloaded from the network with ${name}()`);
  } else if (JULIA_DYNAMIC.has(name) || (name === "eval" && base === "eval")) {
    if (FETCH_NAMES.test(argText))
      reporter.report("download-exec", at, `runs Julia code downloaded from the network with ${name}()`);
    else if (DECODE_NAMES.test(argText))
      reporter.report("dynamic-code", at, `runs code decoded from encoded or compressed data with ${name}()`, {
        severity: "high",
      });
    else reporter.report("dynamic-code", at, `runs dynamic code with ${name}()`);
  } else if (name === "Pkg.add" || name === "Pkg.develop") {
    if (/url\s*=|https?:|\.git\b/.test(argText))
      reporter.report("download-exec", at, `installs a package from a URL with ${name}()`);
    else reporter.report("package-install", at, `installs packages with ${name}()`);
  } else if (name === "download" || name === "Downloads.download") {
    noteDownload(input.file, args.filter((token) => token.kind === "string")[1]?.text);
  } else if (
    name === "chmod" &&
    /0o7[0-7]{2}|0o5[0-7]{2}/.test(argText) &&
    (firstString === undefined
      ? input.file.downloads.unknown || input.file.downloads.files.size > 0
      : isDownloaded(input.file, firstString.text))
  ) {
    reporter.report("download-exec", at, "makes a downloaded file executable");
  } else if (JULIA_SEND.has(name) || (name === "HTTP.request" && /^"(?:POST|PUT|PATCH)"/.test(argText))) {
    const urlToken =
      name === "HTTP.request" ? args.find((token, index) => index > 0 && token.kind === "string") : firstString;
    const host = urlToken === undefined ? undefined : urlHost(urlToken.text);
    if (!isOwnHost(host, input.file.linkHosts))
      reporter.report("data-exfiltration", at, `sends data with ${name}()${host ? ` to ${host}` : ""}`);
  }
}
