// Rules over shell commands: in `.sh` files, `!cmd` lines and `%%bash` cells, and command strings handed to
// subprocess, os.system, R's system() or Julia's run().

import { isDownloaded, isDownloadedFile, noteDownload, type CodeInput } from "./context.ts";
import { credentialIn, encodedBlobKind, isOwnHost, isSecretVariable, TOKEN_COMMANDS, urlHost } from "./patterns.ts";
import { tokenizeShell, type ShellPipeline, type ShellWord } from "./shell-tokens.ts";

const DOWNLOADERS = new Set([
  "curl",
  "wget",
  "fetch",
  "aria2c",
  "http",
  "https",
  "lwp-download",
  "invoke-webrequest",
  "iwr",
]);
const INTERPRETERS = new Set([
  "sh",
  "bash",
  "zsh",
  "dash",
  "ksh",
  "fish",
  "source",
  ".",
  "python",
  "python2",
  "python3",
  "perl",
  "ruby",
  "node",
  "php",
  "powershell",
  "pwsh",
  "iex",
  "invoke-expression",
  "r",
  "rscript",
  "julia",
  "eval",
]);
const PACKAGE_MANAGERS = new Set([
  "pip",
  "pip3",
  "conda",
  "mamba",
  "micromamba",
  "apt",
  "apt-get",
  "yum",
  "dnf",
  "apk",
  "brew",
  "npm",
  "yarn",
  "pnpm",
  "gem",
  "cargo",
  "uv",
]);
/** Prefixes that run the command after them. */
const WRAPPERS = new Set([
  "sudo",
  "env",
  "time",
  "nohup",
  "exec",
  "nice",
  "command",
  "builtin",
  "xargs",
  "timeout",
  "stdbuf",
]);
const RAW_NETWORK = new Set(["nc", "ncat", "netcat", "socat", "telnet"]);
const REMOTE_COPY = new Set(["scp", "rsync", "sftp", "ftp"]);
const DNS_TOOLS = new Set(["dig", "nslookup", "host", "drill"]);
const CURL_SEND_OPTIONS = new Set([
  "-d",
  "--data",
  "--data-binary",
  "--data-raw",
  "--data-urlencode",
  "--data-ascii",
  "-F",
  "--form",
  "--form-string",
  "-T",
  "--upload-file",
  "--json",
]);
const WGET_SEND_OPTIONS = ["--post-data", "--post-file", "--body-data", "--body-file"];

export interface ShellSummary {
  /** Commands seen (substitutions included). */
  commands: number;
  /** Commands that only install packages by name. */
  installs: number;
}

/** Reads `input.reporter.text` as shell and reports what its commands do. */
export function checkShell(input: CodeInput): ShellSummary {
  const summary: ShellSummary = { commands: 0, installs: 0 };
  visit(tokenizeShell(input.reporter.text), input, summary);
  return summary;
}

function visit(pipelines: ShellPipeline[], input: CodeInput, summary: ShellSummary): void {
  for (const pipeline of pipelines) {
    checkPipeline(pipeline, input);
    for (const command of pipeline) {
      summary.commands++;
      if (checkCommand(command, input)) summary.installs++;
      for (const word of command) {
        checkWord(word, input);
        for (const inner of word.substitutions) visit(inner, input, summary);
      }
    }
  }
}

/** The program a command runs (lower-cased base name) and the index of its word, past wrappers and VAR=value. */
export function programOf(command: readonly ShellWord[]): { name: string; at: number } | undefined {
  for (let i = 0; i < command.length; i++) {
    const text = command[i]!.text;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(text)) continue;
    const name = text.slice(text.lastIndexOf("/") + 1).toLowerCase();
    if (WRAPPERS.has(name) || (i > 0 && text.startsWith("-") && WRAPPERS.has(command[0]!.text))) continue;
    return { name, at: i };
  }
  return undefined;
}

function usesDownloader(pipelines: readonly ShellPipeline[]): boolean {
  return pipelines.some((p) => p.some((command) => DOWNLOADERS.has(programOf(command)?.name ?? "")));
}

function checkPipeline(pipeline: ShellPipeline, input: CodeInput): void {
  let download: ShellWord | undefined;
  for (const command of pipeline) {
    const program = programOf(command);
    if (program === undefined) continue;
    if (DOWNLOADERS.has(program.name)) download ??= command[program.at];
    else if (download !== undefined && INTERPRETERS.has(program.name)) {
      input.reporter.report(
        "download-exec",
        download.from,
        `downloads with ${download.text} and pipes it into ${program.name}`,
      );
      return;
    }
  }
}

/** Checks one command; true when it only installs packages by name. */
function checkCommand(command: ShellWord[], input: CodeInput): boolean {
  const program = programOf(command);
  if (program === undefined) return false;
  const { name, at } = program;
  const first = command[at]!;
  const args = command.slice(at + 1);
  const reporter = input.reporter;

  if (INTERPRETERS.has(name) && args.some((word) => word.substitutions.some(usesDownloader))) {
    reporter.report("download-exec", first.from, `${name} runs the output of a download`);
  }
  if (DOWNLOADERS.has(name)) {
    for (const target of downloadTargets(name, args)) noteDownload(input.file, target);
    checkSend(name, args, first, input);
  }
  if (name === "chmod" && args.some((word) => EXECUTABLE_MODE.test(word.text))) {
    const targets = args.filter((word) => !word.text.startsWith("-") && !EXECUTABLE_MODE.test(word.text));
    if (targets.some((word) => isDownloaded(input.file, word.text)))
      reporter.report("download-exec", first.from, "makes a downloaded file executable");
  }
  // Running what was downloaded: `./tool`, `/tmp/agent`, or `bash install.sh`.
  const script = INTERPRETERS.has(name) ? args.find((word) => !word.text.startsWith("-")) : undefined;
  if (isDownloadedFile(input.file, first.text) || (script !== undefined && isDownloadedFile(input.file, script.text))) {
    reporter.report(
      "download-exec",
      first.from,
      `runs a downloaded file${script !== undefined ? ` with ${name}` : ""}`,
    );
  }
  if (RAW_NETWORK.has(name))
    reporter.report("data-exfiltration", first.from, `opens a raw network connection with ${name}`);
  if (
    REMOTE_COPY.has(name) &&
    args.some((word) => /^[^-/][^/\s]*:/.test(word.text) && !/^[a-z]+:\/\//i.test(word.text))
  ) {
    reporter.report("data-exfiltration", first.from, `copies files to another machine with ${name}`);
  }
  if (DNS_TOOLS.has(name) && args.some((word) => word.substitutions.length > 0 || /\$\{?[A-Za-z_]/.test(word.text))) {
    reporter.report("data-exfiltration", first.from, `looks up a DNS name built from data with ${name}`);
  }
  if ((name === "env" || name === "printenv" || name === "set") && args.length === 0 && command.length === 1) {
    reporter.report("secret-env", first.from, "prints the whole environment, secrets included");
  }
  for (const tokenCommand of TOKEN_COMMANDS) {
    if (tokenCommand.every((part, index) => command[at + index]?.text.toLowerCase() === part)) {
      reporter.report("credential-access", first.from, `asks for an access token: ${tokenCommand.join(" ")}`);
    }
  }
  return checkInstall(name, args, first, input);
}

/** chmod modes that add execute permission: +x, u+x, 755, 0700. */
const EXECUTABLE_MODE = /^(?:[ugoa]*\+[rwX]*x[rwX]*|0?[0-7]?[1357][0-7]{0,2})$/;

/**
 * Where a download writes: `-o FILE`/`-O FILE` and their long forms, the URL's file name for `curl -O` and a plain
 * `wget URL`, and any other bare word (the target of a `>` redirection, which the tokenizer leaves as a word).
 */
function downloadTargets(name: string, args: readonly ShellWord[]): (string | undefined)[] {
  const targets: (string | undefined)[] = [];
  const remoteName = name === "wget" || args.some((word) => word.text === "-O" || word.text === "--remote-name");
  for (let i = 0; i < args.length; i++) {
    const text = args[i]!.text;
    if (
      (name === "curl" && (text === "-o" || text === "--output")) ||
      (name === "wget" && (text === "-O" || text === "--output-document"))
    ) {
      targets.push(args[++i]?.text);
    } else if (name === "wget" && text.startsWith("--output-document=")) {
      targets.push(text.slice("--output-document=".length));
    } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
      if (remoteName) targets.push(URL.parse(text)?.pathname.split("/").pop() || undefined);
    } else if (!text.startsWith("-") && i > 0 && !args[i - 1]!.text.startsWith("-")) {
      targets.push(text);
    }
  }
  return targets;
}

function checkSend(name: string, args: ShellWord[], first: ShellWord, input: CodeInput): void {
  let sends = false;
  for (let i = 0; i < args.length; i++) {
    const text = args[i]!.text;
    if (name === "curl") {
      const option = text.includes("=") && text.startsWith("--") ? text.slice(0, text.indexOf("=")) : text;
      if (CURL_SEND_OPTIONS.has(option) || (/^-[a-zA-Z]*[dFT]/.test(text) && !text.startsWith("--"))) sends = true;
      if ((text === "-X" || text === "--request") && /^(?:POST|PUT|PATCH)$/i.test(args[i + 1]?.text ?? ""))
        sends = true;
      if (/^-X(?:POST|PUT|PATCH)$/i.test(text)) sends = true;
    } else if (WGET_SEND_OPTIONS.some((option) => text === option || text.startsWith(`${option}=`))) {
      sends = true;
    }
  }
  if (!sends) return;
  const hosts = args.map((word) => urlHost(word.text)).filter((host) => host !== undefined);
  if (hosts.length > 0 && hosts.every((host) => isOwnHost(host, input.file.linkHosts))) return;
  input.reporter.report("data-exfiltration", first.from, `sends data with ${name}${hosts[0] ? ` to ${hosts[0]}` : ""}`);
}

/** pip/conda/... install: from the index by name (low) or from a URL, git or another index (download and execute). */
function checkInstall(name: string, args: ShellWord[], first: ShellWord, input: CodeInput): boolean {
  let rest = args;
  if ((name === "python" || name === "python3") && args[0]?.text === "-m") {
    if (args[1]?.text !== "pip") return false;
    rest = args.slice(2);
  } else if (name === "uv" && args[0]?.text === "pip") {
    rest = args.slice(1);
  } else if (!PACKAGE_MANAGERS.has(name)) {
    return false;
  }
  const verb = rest.findIndex((word) => !word.text.startsWith("-"));
  const verbText = rest[verb]?.text;
  if (verbText !== "install" && verbText !== "add" && verbText !== "i") return false;
  const packages = rest.slice(verb + 1);
  const remote = packages.find((word) =>
    /^(?:git\+|hg\+|svn\+|bzr\+|https?:|ftp:|git:|git@)|\.git(?:@|#|$)/i.test(word.text),
  );
  const index = packages.find((word) =>
    /^(?:-i|--index-url|--extra-index-url|--trusted-host|-f|--find-links)(?:=|$)/.test(word.text),
  );
  if (remote !== undefined) {
    input.reporter.report(
      "download-exec",
      remote.from,
      `installs a package from ${remote.text.slice(0, 80)}, not from the package index`,
    );
  } else if (index !== undefined) {
    input.reporter.report("download-exec", index.from, `installs packages from another package index (${index.text})`);
  } else {
    const listIndex = packages.findIndex(
      (word) => word.text === "-r" || word.text === "--requirement" || word.text === "--file",
    );
    const list = listIndex >= 0 ? packages[listIndex + 1]?.text : undefined;
    const names = packages
      .filter((word, index) => !word.text.startsWith("-") && (listIndex < 0 || index !== listIndex + 1))
      .map((word) => word.text);
    const what = [...names.slice(0, 5), ...(list !== undefined ? [`the packages listed in ${list}`] : [])];
    input.reporter.report(
      "package-install",
      first.from,
      `installs ${what.length > 0 ? what.join(", ") : "packages"} with ${name}`,
    );
  }
  return true;
}

function checkWord(word: ShellWord, input: CodeInput): void {
  const credential = credentialIn(word.text);
  if (credential !== undefined) input.reporter.report("credential-access", word.from, `refers to ${credential}`);
  for (const match of word.text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
    if (isSecretVariable(match[1]!)) {
      input.reporter.report("secret-env", word.from, `reads the secret environment variable ${match[1]}`);
      break;
    }
  }
  const blob = encodedBlobKind(word.text);
  if (blob !== undefined) input.reporter.report("encoded-blob", word.from, `${word.text.length} characters of ${blob}`);
}
