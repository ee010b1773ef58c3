import { test } from "node:test";
import assert from "node:assert/strict";
import { highlightCode, MAX_HIGHLIGHT_CLASSES, MAX_HIGHLIGHT_DEPTH, resolveLanguage } from "./highlight.ts";

test("python is highlighted into class runs that reproduce the source exactly", () => {
  const source = "def f(x):\n    return x < 1 and '<script>' # c & d\n";
  const runs = highlightCode(source, "ipython3");
  assert.equal(runs.map((r) => r.text).join(""), source);
  assert.ok(runs.some((r) => r.classes.includes("hljs-keyword") && r.text === "def"));
  assert.ok(runs.some((r) => r.classes.includes("hljs-string") && r.text.includes("<script>")));
  for (const r of runs) for (const c of r.classes) assert.match(c, /^hljs-[a-z0-9_-]+$/);
});

test("unknown languages and oversized sources are plain text", () => {
  assert.equal(resolveLanguage("brainfuck"), undefined);
  assert.deepEqual(highlightCode("x = 1", "brainfuck"), [{ text: "x = 1", classes: [] }]);
  const big = "x = 1\n".repeat(50_000);
  assert.deepEqual(highlightCode(big, "python"), [{ text: big, classes: [] }]);
  assert.deepEqual(highlightCode("", "python"), []);
});

test("R, Julia, bash and SQL are known", () => {
  for (const lang of ["R", "julia", "bash", "sql", "shell"]) assert.ok(resolveLanguage(lang), lang);
});

test("languages registered as notebooks name them still highlight what they embed", () => {
  // Markdown embeds HTML, HTML embeds script: each is highlighted with the others' rules as well.
  const runs = highlightCode("Some <b>html</b>\n", "md");
  assert.ok(
    runs.some((r) => r.classes.includes("hljs-tag")),
    JSON.stringify(runs),
  );
  const script = highlightCode("<script>const x = 1;</script>", "html");
  assert.ok(
    script.some((r) => r.classes.includes("hljs-keyword") && r.text === "const"),
    JSON.stringify(script),
  );
  assert.equal(resolveLanguage("cobol"), undefined);
  assert.equal(resolveLanguage("toString"), undefined, "only the languages the studio carries");
});

/** Python f-strings, each inside a replacement field of the next: highlight.js nests two spans per level. */
function nestedFStrings(depth: number): string {
  let source = "x";
  for (let i = 0; i < depth; i++) source = `f"{${source}}"`;
  return source;
}

test("nesting up to MAX_HIGHLIGHT_DEPTH is highlighted; deeper, the source is plain text", () => {
  const shallow = nestedFStrings(8);
  const runs = highlightCode(shallow, "python");
  assert.equal(runs.map((r) => r.text).join(""), shallow);
  // Classes repeat level by level up to MAX_HIGHLIGHT_CLASSES, as highlight.js nests them; past it, they do not.
  assert.ok(runs.some((r) => r.classes.filter((c) => c === "hljs-subst").length === MAX_HIGHLIGHT_CLASSES / 2));
  for (const run of runs) assert.ok(run.classes.length <= MAX_HIGHLIGHT_CLASSES);
  const deep = nestedFStrings(MAX_HIGHLIGHT_DEPTH);
  assert.deepEqual(highlightCode(deep, "python"), [{ text: deep, classes: [] }]);
});

test("highlighting output grows with the source, not its square, however deep the nesting", () => {
  for (const depth of [20, 30, 10_000, 40_000]) {
    const source = `${nestedFStrings(depth)}\n`.repeat(Math.max(1, Math.floor(40_000 / depth)));
    const runs = highlightCode(source, "python");
    assert.equal(runs.map((r) => r.text).join(""), source);
    const classes = runs.reduce((sum, run) => sum + run.classes.length, 0);
    assert.ok(classes <= runs.length * MAX_HIGHLIGHT_CLASSES, `${depth}: ${classes} classes`);
    assert.ok(runs.length <= source.length);
  }
});
