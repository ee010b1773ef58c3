// Reading Python with @lezer/python: the parse tree gives calls, names, strings and imports exactly, so a word in
// a comment or a string is never mistaken for a call. Lezer's parser is error-tolerant: a cell with a syntax
// error still yields a tree for everything around the error.

import type { SyntaxNode } from "@lezer/common";
import { parser } from "@lezer/python";

export { parser as pythonParser };

/** Names visible in a notebook's kernel: `sp` -> `subprocess`, `system` -> `os.system`. Shared across cells. */
export class PythonScope {
  readonly aliases = new Map<string, string>();
  /** Modules imported with `from M import *`. */
  readonly starModules: string[] = [];

  resolve(name: string, known: (qualified: string) => boolean): string {
    const alias = this.aliases.get(name);
    if (alias !== undefined) return alias;
    for (const module of this.starModules) {
      const qualified = `${module}.${name}`;
      if (known(qualified)) return qualified;
    }
    return name;
  }

  /** Records the names an ImportStatement binds. */
  addImport(node: SyntaxNode, text: string): void {
    const children = childrenOf(node);
    const source = (n: SyntaxNode): string => text.slice(n.from, n.to);
    if (children[0]?.name === "from") {
      let module = "";
      let i = 1;
      for (; i < children.length && children[i]!.name !== "import"; i++) module += source(children[i]!);
      for (i++; i < children.length; i++) {
        const child = children[i]!;
        if (child.name === "*") this.starModules.push(module);
        if (child.name !== "VariableName") continue;
        const name = source(child);
        if (children[i + 1]?.name === "as" && children[i + 2]?.name === "VariableName") {
          this.aliases.set(source(children[i + 2]!), `${module}.${name}`);
          i += 2;
        } else {
          this.aliases.set(name, `${module}.${name}`);
        }
      }
      return;
    }
    // import a.b.c [as x], d
    let dotted: string[] = [];
    for (let i = 1; i < children.length; i++) {
      const child = children[i]!;
      if (child.name === "VariableName") {
        dotted.push(source(child));
      } else if (child.name === "as" && children[i + 1]?.name === "VariableName") {
        this.aliases.set(source(children[i + 1]!), dotted.join("."));
        dotted = [];
        i++;
      } else if (child.name === ",") {
        if (dotted.length > 0) this.aliases.set(dotted[0]!, dotted[0]!);
        dotted = [];
      }
    }
    if (dotted.length > 0) this.aliases.set(dotted[0]!, dotted[0]!);
  }
}

export function childrenOf(node: SyntaxNode): SyntaxNode[] {
  const list: SyntaxNode[] = [];
  for (let child = node.firstChild; child !== null; child = child.nextSibling) list.push(child);
  return list;
}

const MAX_NAME_PARTS = 32;

/**
 * The dotted name a callee or attribute chain stands for, aliases resolved: `sp.run` -> `subprocess.run`,
 * `get_ipython().system` -> `get_ipython().system`. Undefined for anything else (subscripts, calls on values).
 */
export function qualifiedName(
  node: SyntaxNode,
  text: string,
  scope: PythonScope,
  known: (name: string) => boolean,
  depth = 0,
): string | undefined {
  // Dotted names the rules know have a few parts; a chain of thousands is generated code, and recursion is bounded.
  if (depth > MAX_NAME_PARTS) return undefined;
  if (node.name === "VariableName") return scope.resolve(text.slice(node.from, node.to), known);
  if (node.name === "MemberExpression") {
    const object = node.firstChild;
    const property = node.lastChild;
    if (object === null || property === null || property.name !== "PropertyName") return undefined;
    const base = qualifiedName(object, text, scope, () => false, depth + 1);
    return base === undefined ? undefined : `${base}.${text.slice(property.from, property.to)}`;
  }
  if (node.name === "CallExpression") {
    const callee = node.firstChild;
    if (callee?.name === "VariableName" && text.slice(callee.from, callee.to) === "get_ipython") return "get_ipython()";
    // __import__("os").system(...) and importlib.import_module("os").system(...) name the module directly.
    const calleeName = callee === null ? undefined : qualifiedName(callee, text, scope, () => false, depth + 1);
    if (
      calleeName === "__import__" ||
      calleeName === "importlib.import_module" ||
      calleeName === "builtins.__import__"
    ) {
      const argument = node.lastChild?.getChild("String");
      return argument ? stringValue(argument, text) : undefined;
    }
  }
  return undefined;
}

/** The value of a string literal node (prefix and quotes removed, common escapes read), or undefined. */
export function stringValue(node: SyntaxNode, text: string): string | undefined {
  if (node.name !== "String" && node.name !== "FormatString") return undefined;
  const raw = text.slice(node.from, node.to);
  const match = /^([A-Za-z]*)("""|'''|"|')/.exec(raw);
  if (!match) return undefined;
  const prefix = match[1]!.toLowerCase();
  const quote = match[2]!;
  const body = raw.slice(
    match[0].length,
    raw.endsWith(quote) && raw.length >= match[0].length + quote.length ? raw.length - quote.length : raw.length,
  );
  if (prefix.includes("r")) return body;
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[nrt'"\\\n])/g, (all, escape: string) => {
    if (escape[0] === "x" || escape[0] === "u") return String.fromCharCode(parseInt(escape.slice(1), 16));
    return ({ n: "\n", r: "\r", t: "\t", "\n": "" } as Record<string, string>)[escape] ?? escape;
  });
}

/** Offset where a string literal's contents start. */
export function stringContentOffset(node: SyntaxNode, text: string): number {
  const match = /^[A-Za-z]*("""|'''|"|')/.exec(text.slice(node.from, Math.min(node.to, node.from + 8)));
  return node.from + (match ? match[0].length : 0);
}

export interface CallArguments {
  positional: SyntaxNode[];
  keywords: Map<string, SyntaxNode>;
}

/** The positional and keyword arguments of an ArgList (`*args` and `**kwargs` count as positional). */
export function argumentsOf(argList: SyntaxNode, text: string): CallArguments {
  const positional: SyntaxNode[] = [];
  const keywords = new Map<string, SyntaxNode>();
  const children = childrenOf(argList).filter(
    (child) => child.name !== "(" && child.name !== ")" && child.name !== ",",
  );
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!;
    if (child.name === "VariableName" && children[i + 1]?.name === "AssignOp" && children[i + 2] !== undefined) {
      keywords.set(text.slice(child.from, child.to), children[i + 2]!);
      i += 2;
    } else {
      positional.push(child);
    }
  }
  return { positional, keywords };
}
