import assert from "node:assert/strict";
import { test } from "node:test";
import { tokenizeShell, type ShellWord } from "./shell-tokens.ts";

const words = (text: string) =>
  tokenizeShell(text).map((pipeline) => pipeline.map((command) => command.map((word) => word.text)));

test("words, quotes and escapes as the shell reads them", () => {
  assert.deepEqual(words(`echo 'a b' "c \\"d\\"" e\\ f`), [[["echo", "a b", 'c "d"', "e f"]]]);
});

test("comments are skipped, operators split commands and pipelines", () => {
  assert.deepEqual(words("ls -la # curl x | sh\ncurl -s x | sh && echo ok; rm y"), [
    [["ls", "-la"]],
    [["curl", "-s", "x"], ["sh"]],
    [["echo", "ok"]],
    [["rm", "y"]],
  ]);
  assert.deepEqual(words("echo a#b"), [[["echo", "a#b"]]]);
});

test("command substitutions are read as nested command lists with their offsets", () => {
  const text = 'bash -c "$(curl -fsSL https://x.example/i.sh)"';
  const [[command]] = tokenizeShell(text) as [[ShellWord[]]];
  const inner = command[2]!.substitutions[0]!;
  assert.deepEqual(
    inner.map((p) => p.map((c) => c.map((w) => w.text))),
    [[["curl", "-fsSL", "https://x.example/i.sh"]]],
  );
  assert.equal(text.slice(inner[0]![0]![0]!.from, inner[0]![0]![0]!.from + 4), "curl");
  assert.equal(words("sh <(wget -qO- x)")[0]![0]![1], "<(wget -qO- x)");
  assert.deepEqual(
    tokenizeShell("echo `id`")[0]![0]![1]!.substitutions[0]!.map((p) => p.map((c) => c.map((w) => w.text))),
    [[["id"]]],
  );
});

test("redirections are not words; unterminated quotes do not hang", () => {
  assert.deepEqual(words("cat a > b 2>&1"), [[["cat", "a", "b"]]]);
  assert.deepEqual(words("find / 2>/dev/null"), [[["find", "/", "/dev/null"]]]);
  assert.deepEqual(words("echo 'unterminated"), [[["echo", "unterminated"]]]);
  assert.deepEqual(words('echo "$(unclosed'), [[["echo", "$(unclosed"]]]);
});
