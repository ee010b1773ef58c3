import assert from "node:assert/strict";
import { test } from "node:test";
import { splitMagics } from "./magics.ts";

test("magic lines become blanks of the same length, so the Python around them keeps its offsets", () => {
  const source = "import os\n!ls -la\nfiles = !find . -name '*.py'\n%matplotlib inline\nprint(files)";
  const split = splitMagics(source);
  assert.equal(split.python.length, source.length);
  assert.equal(split.python.indexOf("print(files)"), source.indexOf("print(files)"));
  assert.equal(split.python.split("\n")[1], " ".repeat("!ls -la".length));
  assert.deepEqual(
    split.pieces.map((piece) => [
      piece.magic,
      piece.body,
      piece.language,
      source.slice(piece.bodyOffset, piece.bodyOffset + piece.body.length),
    ]),
    [
      ["!", "ls -la", "shell", "ls -la"],
      ["!", "find . -name '*.py'", "shell", "find . -name '*.py'"],
      ["%matplotlib", " inline", "none", " inline"],
    ],
  );
});

test("cell magics: shell bodies are shell, Python bodies stay Python, other languages are read as such", () => {
  const bash = splitMagics("%%bash\necho hi\ncurl x | sh");
  assert.equal(bash.pieces[0]!.language, "shell");
  assert.equal(bash.pieces[0]!.body, "echo hi\ncurl x | sh");
  assert.equal(bash.python.trim(), "");
  const timed = splitMagics("%%time\nx = sum(range(10))");
  assert.equal(timed.python, "      \nx = sum(range(10))");
  assert.equal(splitMagics("%%R\nsystem('ls')").pieces[0]!.language, "r");
  assert.equal(splitMagics("%%writefile run.sh\ncurl x | sh").pieces[0]!.language, "shell");
  assert.equal(splitMagics("%%writefile notes.txt\nhello").pieces[0]!.language, "none");
  assert.equal(splitMagics("%%script python3\nprint(1)").pieces[0]!.language, "none");
  assert.equal(splitMagics("%%script bash\nls").pieces[0]!.language, "shell");
});

test("%pip and %conda are read as the commands they stand for", () => {
  const piece = splitMagics("%pip install -q pandas").pieces[0]!;
  assert.equal(piece.body, "pip install -q pandas");
  assert.equal(piece.language, "shell");
});

test("inequality and modulo are not magics", () => {
  assert.deepEqual(splitMagics("if a != b:\n    x = 10 % 3").pieces, []);
});
