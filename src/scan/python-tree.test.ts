import assert from "node:assert/strict";
import { test } from "node:test";
import type { SyntaxNode } from "@lezer/common";
import { PythonScope, pythonParser, qualifiedName, stringValue } from "./python-tree.ts";

function callees(source: string, scope = new PythonScope()): string[] {
  const names: string[] = [];
  pythonParser.parse(source).iterate({
    enter: (ref) => {
      if (ref.name === "ImportStatement") scope.addImport(ref.node, source);
      if (ref.name === "CallExpression") {
        const callee = ref.node.firstChild as SyntaxNode;
        names.push(qualifiedName(callee, source, scope, (name) => name === "os.system") ?? "?");
      }
    },
  });
  return names;
}

test("aliases resolve to the module's own names", () => {
  assert.deepEqual(callees("import subprocess as sp\nsp.run(x)"), ["subprocess.run"]);
  assert.deepEqual(callees("from os import system as s, popen\ns(x)\npopen(y)"), ["os.system", "os.popen"]);
  assert.deepEqual(callees("import os.path, json\nos.path.join(a)\njson.loads(b)"), ["os.path.join", "json.loads"]);
  assert.deepEqual(callees("import urllib.request as ur\nur.urlopen(u)"), ["urllib.request.urlopen"]);
  assert.deepEqual(callees("from os import *\nsystem('id')"), ["os.system"]);
  assert.deepEqual(callees("__import__('os').system('id')"), ["os.system", "__import__"]);
  assert.deepEqual(callees("get_ipython().system('ls')"), ["get_ipython().system", "get_ipython"]);
});

test("the scope carries over from one cell to the next, as in a kernel", () => {
  const scope = new PythonScope();
  callees("import subprocess as sp", scope);
  assert.deepEqual(callees("sp.Popen(cmd)", scope), ["subprocess.Popen"]);
});

test("string literal values: prefixes, quotes and escapes", () => {
  const value = (source: string): string | undefined => {
    let found: string | undefined;
    pythonParser.parse(source).iterate({
      enter: (ref) => {
        found ??= stringValue(ref.node, source);
      },
    });
    return found;
  };
  assert.equal(value("'a\\nb'"), "a\nb");
  assert.equal(value('r"~/.ssh\\n"'), "~/.ssh\\n");
  assert.equal(value('"""doc"""'), "doc");
  assert.equal(value("b'\\x41'"), "A");
});
