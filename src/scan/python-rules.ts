// Rules over Python code, read from its parse tree. Magics are cut out first (magics.ts) and checked as what they
// are; command strings given to subprocess and friends are checked as shell.

import type { SyntaxNode } from "@lezer/common";
import { isDownloaded, noteDownload, type CodeInput } from "./context.ts";
import { credentialIn, encodedBlobKind, isOwnHost, isSecretVariable, urlHost } from "./patterns.ts";
import {
  DECODERS,
  DESERIALIZERS,
  ENV_READERS,
  EXEC_BUILTINS,
  FETCHERS,
  PROCESS_CALLS,
  RESOLVERS,
  SENDERS,
} from "./python-names.ts";
import {
  argumentsOf,
  pythonParser,
  qualifiedName,
  stringContentOffset,
  stringValue,
  type PythonScope,
} from "./python-tree.ts";
import { checkShell } from "./shell-rules.ts";
import { checkIdentifier } from "./text-checks.ts";

/** Fetchers that write to a file (the second argument, when given). */
const FILE_DOWNLOADERS = new Set(["urllib.request.urlretrieve", "urllib.urlretrieve", "wget.download"]);

const KNOWN_SETS = [PROCESS_CALLS, EXEC_BUILTINS, DESERIALIZERS, DECODERS, FETCHERS, SENDERS, RESOLVERS, ENV_READERS];
const isKnown = (name: string): boolean => KNOWN_SETS.some((set) => set.has(name));

/**
 * CPython refuses more than 200 nested parentheses, brackets and braces ("too many nested parentheses"); code
 * nested deeper is not Python a kernel would run, and lezer builds its tree recursively, so it is not parsed.
 */
const MAX_BRACKET_DEPTH = 200;

function bracketDepth(text: string): { depth: number; at: number } {
  let depth = 0;
  let max = 0;
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x28 || c === 0x5b || c === 0x7b) {
      if (++depth > max) {
        max = depth;
        at = i;
      }
    } else if ((c === 0x29 || c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return { depth: max, at };
}

export function checkPython(input: CodeInput, scope: PythonScope): void {
  const text = input.reporter.text;
  const nesting = bracketDepth(text);
  if (nesting.depth > MAX_BRACKET_DEPTH) {
    input.reporter.report(
      "file-unreadable",
      nesting.at,
      `this code could not be reviewed: brackets nested ${nesting.depth} deep, more than Python's limit of ${MAX_BRACKET_DEPTH}`,
      { severity: "medium" },
    );
    return;
  }
  const tree = pythonParser.parse(text);
  const nameOf = (node: SyntaxNode): string | undefined => qualifiedName(node, text, scope, isKnown);
  tree.iterate({
    enter: (ref) => {
      switch (ref.name) {
        case "ImportStatement":
          scope.addImport(ref.node, text);
          for (const name of ref.node.getChildren("VariableName"))
            checkIdentifier(text.slice(name.from, name.to), name.from, input.reporter);
          return false;
        case "CallExpression":
          checkCall(ref.node, input, nameOf);
          return undefined;
        case "AssignStatement":
          noteFetched(ref.node, input, nameOf);
          return undefined;
        case "MemberExpression":
          checkMember(ref.node, input, nameOf);
          return undefined;
        case "String":
        case "FormatString":
          checkString(ref.node, input);
          return undefined;
        case "VariableName":
        case "PropertyName":
          checkIdentifier(text.slice(ref.from, ref.to), ref.from, input.reporter);
          return undefined;
        default:
          return undefined;
      }
    },
  });
}

type NameOf = (node: SyntaxNode) => string | undefined;

function checkCall(node: SyntaxNode, input: CodeInput, nameOf: NameOf): void {
  const callee = node.firstChild;
  const argList = node.lastChild;
  if (callee === null || argList === null || argList.name !== "ArgList") return;
  const text = input.reporter.text;
  const reporter = input.reporter;
  const name = nameOf(callee);
  if (name === undefined || !isKnown(name)) {
    checkMethodPost(callee, argList, input);
    if (name === undefined) return;
  }
  const args = argumentsOf(argList, text);
  const first = args.positional[0];

  if (PROCESS_CALLS.has(name)) {
    reporter.report("shell-exec", node.from, `runs a process with ${name}`);
    if (first !== undefined) checkCommandArgument(first, input);
    return;
  }
  if (
    EXEC_BUILTINS.has(name) ||
    DESERIALIZERS.has(name) ||
    (name === "importlib.import_module" && first !== undefined && stringValue(first, text) === undefined)
  ) {
    const fetchedVariable = refersToFetched(argList, input);
    const [fetches, decodes] = callsIn(argList, [FETCHERS, DECODERS], nameOf);
    if (fetchedVariable || fetches) {
      reporter.report("download-exec", node.from, `runs code downloaded from the network with ${name}`);
    } else if (decodes) {
      reporter.report("dynamic-code", node.from, `runs code decoded from encoded or compressed data with ${name}`, {
        severity: "high",
      });
    } else {
      reporter.report(
        "dynamic-code",
        node.from,
        `${DESERIALIZERS.has(name) ? "deserializes" : "runs"} dynamic code with ${name}`,
      );
    }
    return;
  }
  if (FILE_DOWNLOADERS.has(name))
    noteDownload(input.file, args.positional[1] === undefined ? undefined : stringValue(args.positional[1], text));
  if (name === "os.chmod" && first !== undefined && args.positional[1] !== undefined) {
    const mode = text.slice(args.positional[1].from, args.positional[1].to);
    const path = stringValue(first, text);
    const executable = /S_IX|\b0o?[0-7]?[1357][0-7]{0,2}\b|\b(?:493|511|365|448)\b/.test(mode);
    if (
      executable &&
      (path === undefined
        ? input.file.downloads.files.size > 0 || input.file.downloads.unknown
        : isDownloaded(input.file, path))
    ) {
      reporter.report("download-exec", node.from, "makes a downloaded file executable");
    }
  }
  if (ENV_READERS.has(name) && first !== undefined) {
    const variable = stringValue(first, text);
    if (variable !== undefined && isSecretVariable(variable))
      reporter.report("secret-env", node.from, `reads the secret environment variable ${variable}`);
    return;
  }
  const sendMethod = /^(?:requests|httpx)\.request$/.test(name) ? stringValue(first ?? argList, text) : undefined;
  const urlopenWithData =
    /(?:^|\.)(?:urlopen|Request)$/.test(name) && (args.keywords.has("data") || args.positional.length > 1);
  if (SENDERS.has(name) || urlopenWithData || (sendMethod !== undefined && /^(?:POST|PUT|PATCH)$/i.test(sendMethod))) {
    const urlArg = sendMethod !== undefined ? args.positional[1] : first;
    const url = urlArg === undefined ? undefined : stringValue(urlArg, text);
    const host = url === undefined ? undefined : urlHost(url);
    if (!isOwnHost(host, input.file.linkHosts))
      reporter.report("data-exfiltration", node.from, `sends data with ${name}${host ? ` to ${host}` : ""}`);
    return;
  }
  if (RESOLVERS.has(name) && first !== undefined && builtFromData(first, text)) {
    reporter.report("data-exfiltration", node.from, `looks up a DNS name built from data with ${name}`);
  }
}

/** Remembers `name = <something fetched>` so that a later `exec(name)` is known to run downloaded code. */
function noteFetched(node: SyntaxNode, input: CodeInput, nameOf: NameOf): void {
  const target = node.firstChild;
  const value = node.lastChild;
  if (target?.name !== "VariableName" || value === null || value === target) return;
  const name = input.reporter.text.slice(target.from, target.to);
  if (containsCall(value, FETCHERS, nameOf) || refersToFetched(value, input)) input.file.fetched.add(name);
  else input.file.fetched.delete(name);
}

/** Whether `node` uses a variable that holds something fetched (`r.text` after `r = requests.get(url)`). */
function refersToFetched(node: SyntaxNode, input: CodeInput): boolean {
  if (input.file.fetched.size === 0) return false;
  const text = input.reporter.text;
  const cursor = node.cursor();
  let visited = 0;
  do {
    if (cursor.from >= node.to || ++visited > MAX_ARGUMENT_NODES) break;
    if (cursor.name === "VariableName" && input.file.fetched.has(text.slice(cursor.from, cursor.to))) return true;
  } while (cursor.next() && cursor.from < node.to);
  return false;
}

/** `session.post("https://...")` on an HTTP client object whose type the parser cannot know. */
function checkMethodPost(callee: SyntaxNode, argList: SyntaxNode, input: CodeInput): void {
  if (callee.name !== "MemberExpression") return;
  const text = input.reporter.text;
  const method = callee.lastChild;
  if (method === null || !/^(?:post|put|patch)$/.test(text.slice(method.from, method.to))) return;
  const first = argumentsOf(argList, text).positional[0];
  const url = first === undefined ? undefined : stringValue(first, text);
  const host = url === undefined ? undefined : urlHost(url);
  if (host === undefined || isOwnHost(host, input.file.linkHosts)) return;
  input.reporter.report(
    "data-exfiltration",
    callee.from,
    `sends data with .${text.slice(method.from, method.to)}() to ${host}`,
  );
}

/** A command given to subprocess & co: a string, or a list of strings, read as shell. */
function checkCommandArgument(arg: SyntaxNode, input: CodeInput): void {
  const text = input.reporter.text;
  const single = stringValue(arg, text);
  if (single !== undefined) {
    checkShell({ reporter: input.reporter.nested(single, stringContentOffset(arg, text)), file: input.file });
    return;
  }
  if (arg.name !== "ArrayExpression" && arg.name !== "TupleExpression") return;
  const words: string[] = [];
  for (let child = arg.firstChild; child !== null; child = child.nextSibling) {
    const value = stringValue(child, text);
    if (value !== undefined) words.push(/^[\w./:@=+-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`);
    else if (child.name !== "[" && child.name !== "]" && child.name !== "(" && child.name !== ")" && child.name !== ",")
      words.push("ARG");
  }
  if (words.length > 0) checkShell({ reporter: input.reporter.nested(words.join(" "), arg.from), file: input.file });
}

function checkMember(node: SyntaxNode, input: CodeInput, nameOf: NameOf): void {
  const text = input.reporter.text;
  const object = node.firstChild;
  if (object === null) return;
  // os.environ["AWS_SECRET_ACCESS_KEY"]
  if (node.getChild("[") !== null) {
    if (nameOf(object) !== "os.environ") return;
    const key = node.getChild("String");
    const variable = key === null ? undefined : stringValue(key, text);
    if (variable !== undefined && isSecretVariable(variable))
      input.reporter.report("secret-env", node.from, `reads the secret environment variable ${variable}`);
    return;
  }
  // The whole environment handed to something other than a child process: dict(os.environ), print(os.environ),
  // os.environ.items().
  if (nameOf(node) === "os.environ") {
    const parent = node.parent;
    if (parent?.name === "ArgList" && !inKeywordArgument(node, "env", text)) {
      input.reporter.report("secret-env", node.from, "reads the whole environment, secrets included");
    } else if (
      parent?.name === "MemberExpression" &&
      /^\.\s*(?:items|keys|values)$/.test(text.slice(node.to, parent.to))
    ) {
      input.reporter.report("secret-env", node.from, "reads the whole environment, secrets included");
    }
  }
}

function checkString(node: SyntaxNode, input: CodeInput): void {
  const value = stringValue(node, input.reporter.text);
  if (value === undefined) return;
  const credential = credentialIn(value);
  if (credential !== undefined) input.reporter.report("credential-access", node.from, `refers to ${credential}`);
  const blob = node.name === "String" ? encodedBlobKind(value) : undefined;
  if (blob !== undefined)
    input.reporter.report("encoded-blob", node.from, `${value.length} characters of ${blob}`, { to: node.from + 60 });
}

/** Whether `node` is (inside) the value of keyword argument `keyword` of some call: `env=dict(os.environ)`. */
function inKeywordArgument(node: SyntaxNode, keyword: string, text: string): boolean {
  for (let at: SyntaxNode | null = node; at !== null && at.parent !== null; at = at.parent) {
    if (at.parent.name !== "ArgList") continue;
    const assign = at.prevSibling;
    const name = assign?.prevSibling;
    if (assign?.name === "AssignOp" && name?.name === "VariableName" && text.slice(name.from, name.to) === keyword)
      return true;
  }
  return false;
}

/** Most nodes of an argument looked at for calls inside it: bounds nested `eval(eval(...))` to linear work. */
const MAX_ARGUMENT_NODES = 300;

/** Which of `sets` the calls in `node`'s subtree belong to (one pass over at most MAX_ARGUMENT_NODES nodes). */
function callsIn(node: SyntaxNode, sets: readonly ReadonlySet<string>[], nameOf: NameOf): boolean[] {
  const found = sets.map(() => false);
  const cursor = node.cursor();
  const end = node.to;
  let visited = 0;
  do {
    if (cursor.from >= end || ++visited > MAX_ARGUMENT_NODES) break;
    if (cursor.name === "CallExpression") {
      const callee = cursor.node.firstChild;
      const name = callee === null ? undefined : nameOf(callee);
      if (name !== undefined) sets.forEach((set, index) => (found[index] ||= set.has(name)));
    }
  } while (cursor.next() && cursor.from < end);
  return found;
}

function containsCall(node: SyntaxNode, names: ReadonlySet<string>, nameOf: NameOf): boolean {
  return callsIn(node, [names], nameOf)[0]!;
}

/** An f-string, a concatenation, or a `.format`/`.join` call: a value assembled at run time. */
function builtFromData(node: SyntaxNode, text: string): boolean {
  if (node.name === "FormatString" || node.name === "BinaryExpression") return true;
  if (node.name === "CallExpression")
    return /\.(?:format|join|hex|encode)\s*\($/.test(text.slice(node.from, node.firstChild?.to ?? node.from) + "(");
  return false;
}
