import { test } from "node:test";
import assert from "node:assert/strict";
import Anser from "anser";
import { readableCorpusNotebooks } from "../../test/corpus-notebooks.ts";
import { applyTerminalControls, MAX_ANSI_DECORATIONS, terminalTextToRuns, type TextRun } from "./terminal.ts";

test("carriage return overwrites the line like a terminal", () => {
  assert.equal(applyTerminalControls("progress 10%\rprogress 50%\rprogress 100%\ndone"), "progress 100%\ndone");
  assert.equal(applyTerminalControls("abcdef\rXY"), "XYcdef");
  assert.equal(applyTerminalControls("line\r\nnext"), "line\nnext");
});

test("backspace steps back one character", () => {
  assert.equal(applyTerminalControls("abc\b\bXY"), "aXY");
  assert.equal(applyTerminalControls("\b\bab"), "ab");
});

test("ANSI colours become classes, not styles", () => {
  const runs = terminalTextToRuns("\x1b[31mred\x1b[0m plain \x1b[1;32mok\x1b[0m");
  assert.deepEqual(runs, [
    { text: "red", classes: ["ansi-red-fg"] },
    { text: " plain ", classes: [] },
    { text: "ok", classes: ["ansi-green-fg", "ansi-bold"] },
  ]);
});

test("palette colours above 15 and truecolour drop to plain text; no escape survives", () => {
  const runs = terminalTextToRuns("\x1b[38;5;9mbright\x1b[0m\x1b[38;5;200mpal\x1b[38;2;1;2;3mtc\x1b]0;title\x07end");
  assert.deepEqual(runs[0], { text: "bright", classes: ["ansi-bright-red-fg"] });
  const all = runs.map((r) => r.text).join("");
  assert.equal(all.includes("\x1b"), false);
  assert.ok(all.endsWith("end"));
});

test("colour escapes survive carriage-return processing", () => {
  const runs = terminalTextToRuns("old\r\x1b[34mnew\x1b[0m");
  assert.deepEqual(runs, [{ text: "new", classes: ["ansi-blue-fg"] }]);
});

test("large input stays linear", () => {
  const big = "x".repeat(200_000) + "\r".repeat(1) + "y";
  assert.equal(applyTerminalControls(big).length, 200_000);
});

/** Every stream text and traceback of the corpus notebooks, as the plan hands them to terminalTextToRuns. */
function corpusTerminalTexts(): string[] {
  const texts: string[] = [];
  const join = (v: unknown): string => (Array.isArray(v) ? v.join("") : typeof v === "string" ? v : "");
  for (const { bytes } of readableCorpusNotebooks()) {
    const notebook = JSON.parse(new TextDecoder().decode(bytes)) as { cells?: { outputs?: unknown[] }[] };
    for (const cell of notebook.cells ?? []) {
      for (const output of (cell.outputs ?? []) as Record<string, unknown>[]) {
        if (output.output_type === "stream") texts.push(join(output.text));
        if (output.output_type === "error" && Array.isArray(output.traceback)) texts.push(output.traceback.join("\n"));
      }
    }
  }
  return texts;
}

/** terminalTextToRuns as it was: one anser call over the whole text, `\r\n` line ends found by /\r+\n/. */
function referenceRuns(raw: string): TextRun[] {
  const text = raw.includes("\r") || raw.includes("\b") ? applyTerminalControls(raw.replace(/\r+\n/g, "\n")) : raw;
  if (!text.includes("\x1b")) return text.length ? [{ text, classes: [] }] : [];
  const runs: TextRun[] = [];
  for (const entry of Anser.ansiToJson(text, { use_classes: true, remove_empty: true })) {
    const classes: string[] = [];
    for (const [value, layer] of [
      [entry.fg, "fg"],
      [entry.bg, "bg"],
    ] as const) {
      const name = value?.replace(/^ansi-/, "");
      if (name && /^(bright-)?(black|red|green|yellow|blue|magenta|cyan|white)$/.test(name)) {
        classes.push(`ansi-${name}-${layer}`);
      }
      const palette = name ? /^palette-(\d+)$/.exec(name) : null;
      if (palette && Number(palette[1]) < 16) classes.push(`palette:${palette[1]}`);
    }
    for (const decoration of entry.decorations) if (/^[a-z]+$/.test(decoration)) classes.push(`ansi-${decoration}`);
    const content = entry.content.replaceAll("\x1b", "");
    if (!content) continue;
    const last = runs[runs.length - 1];
    if (last && last.classes.join(" ") === classes.join(" ")) last.text += content;
    else runs.push({ text: content, classes });
  }
  return runs;
}

test("the corpus's streams and tracebacks give the runs they gave before", () => {
  const texts = corpusTerminalTexts();
  assert.ok(texts.length > 50, `${texts.length}`);
  let compared = 0;
  for (const text of texts) {
    const expected = referenceRuns(text);
    // Palette entries 0-15 are named by colourClass; the reference marks them, and such runs are left out here.
    if (expected.some((r) => r.classes.some((c) => c.startsWith("palette:")))) continue;
    assert.deepEqual(terminalTextToRuns(text), expected);
    compared++;
  }
  assert.ok(compared > 50);
});

test("ordinary control sequences give the same runs as one anser call over the text", () => {
  for (const text of [
    "a\r\r\nb\r\n\rc\r",
    "\x1b[1m\x1b[1mbold\x1b[21mstill\x1b[22mplain",
    "\x1b[31;42;1;4mx\x1b[39my\x1b[49mz\x1b[0m",
    "\x1b[Ax\x1b[31my\x1b[Kz",
    "\x1b]8;;http://x\x07link\x1b]8;;\x07 \x1b[91mbright",
    "line\n31m\x1b[junk\n32mtext",
  ]) {
    assert.deepEqual(terminalTextToRuns(text), referenceRuns(text), JSON.stringify(text));
  }
});

test("a long run of carriage returns is read in one pass", () => {
  const n = 1_000_000;
  assert.equal(applyTerminalControls("\r".repeat(n) + "x"), "x");
  assert.equal(applyTerminalControls("a" + "\r".repeat(n)), "a");
  assert.equal(applyTerminalControls("a" + "\r".repeat(n) + "\nb"), "a\nb");
  assert.equal(applyTerminalControls(`${"abc\r".repeat(n / 4)}\n`), "abc\n");
});

test("repeated colour and decoration codes give runs whose size grows with the text, not its square", () => {
  const n = 50_000;
  const colours = terminalTextToRuns("\x1b[31m".repeat(n) + "x");
  assert.deepEqual(colours, [{ text: "x", classes: ["ansi-red-fg"] }]);
  for (const code of ["\x1b[1m", "\x1b[1;4m", "\x1b[31;1m", "\x1b[5m\x1b[1m"]) {
    const runs = terminalTextToRuns(`${code}a\x1b[0mb`.repeat(n / 2) + `${code}x`.repeat(n));
    const classes = runs.reduce((sum, run) => sum + run.classes.length, 0);
    assert.ok(classes <= runs.length * (2 + MAX_ANSI_DECORATIONS), `${code}: ${classes} classes`);
    assert.equal(runs.map((r) => r.text).join(""), "ab".repeat(n / 2) + "x".repeat(n));
  }
  const stacked = terminalTextToRuns("\x1b[1mx".repeat(n));
  assert.equal(stacked.map((r) => r.text).join(""), "x".repeat(n));
  // Merged once past the limit: the escape that crosses it adds one more.
  assert.ok(stacked.every((run) => run.classes.length <= MAX_ANSI_DECORATIONS + 1));
});

test("an SGR escape with more parameters than MAX_SGR_PARAMETER_CHARS is read as an escape that is not a colour", () => {
  const long = `\x1b[${"1;".repeat(500_000)}21m`;
  assert.deepEqual(terminalTextToRuns(`${long}text`), [{ text: "text", classes: [] }]);
  const short = `\x1b[${"1;".repeat(10)}31mtext`;
  assert.equal(terminalTextToRuns(short)[0]!.classes[0], "ansi-red-fg");
});
