// Streams and tracebacks are shown the way a terminal would show them: "\r" returns to the start of the line
// and later characters overwrite earlier ones (progress bars), "\b" steps back one character, and ANSI colours
// become class names. The result is plain data (text runs with classes): the DOM is built from it with text
// nodes only. anser's ansiToHtml is never used, since it builds markup by string concatenation.
import Anser from "anser";

export interface TextRun {
  text: string;
  /** CSS class names, all prefixed `ansi-`. Empty for plain text. */
  classes: string[];
}

// CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), and two-character escapes. Matching control characters
// is the point here.
// eslint-disable-next-line no-control-regex
const ESCAPE_RE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/y;

interface Cell {
  escapes: string;
  ch: string;
}

function renderLine(line: string): string {
  const cells: Cell[] = [];
  let cursor = 0;
  let pending = "";
  for (let i = 0; i < line.length;) {
    const code = line.charCodeAt(i);
    if (code === 0x1b) {
      ESCAPE_RE.lastIndex = i;
      const m = ESCAPE_RE.exec(line);
      const token = m ? m[0] : "\x1b";
      pending += token;
      i += token.length;
      continue;
    }
    if (code === 0x0d) {
      cursor = 0;
      i++;
      continue;
    }
    if (code === 0x08) {
      cursor = Math.max(0, cursor - 1);
      i++;
      continue;
    }
    const cp = line.codePointAt(i) ?? code;
    const ch = String.fromCodePoint(cp);
    i += ch.length;
    const existing = cells[cursor];
    if (existing) {
      existing.escapes += pending;
      existing.ch = ch;
    } else {
      cells.push({ escapes: pending, ch });
    }
    pending = "";
    cursor++;
  }
  let out = "";
  for (const cell of cells) out += cell.escapes + cell.ch;
  return out + pending;
}

/** Applies carriage returns and backspaces like a terminal; escapes are kept, attached to the next character. */
export function applyTerminalControls(text: string): string {
  if (!text.includes("\r") && !text.includes("\b")) return text;
  return text.replace(/\r+\n/g, "\n").split("\n").map(renderLine).join("\n");
}

const NAMED_COLOURS = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"];

function colourClass(value: string | null, layer: "fg" | "bg"): string | undefined {
  if (!value) return undefined;
  let name = value.startsWith("ansi-") ? value.slice(5) : value;
  // 256-colour palette entries 0-15 are the named colours; the rest have no class (no inline styles allowed).
  const palette = /^palette-(\d+)$/.exec(name);
  if (palette) {
    const n = Number(palette[1]);
    if (n >= 16) return undefined;
    name = (n >= 8 ? "bright-" : "") + NAMED_COLOURS[n % 8];
  }
  if (!/^(bright-)?(black|red|green|yellow|blue|magenta|cyan|white)$/.test(name)) return undefined;
  return `ansi-${name}-${layer}`;
}

/** Terminal text to runs of text with ANSI classes; escapes that are not colours are dropped. */
export function terminalTextToRuns(raw: string): TextRun[] {
  const text = applyTerminalControls(raw);
  if (!text.includes("\x1b")) return text.length ? [{ text, classes: [] }] : [];
  const runs: TextRun[] = [];
  for (const entry of Anser.ansiToJson(text, { use_classes: true, remove_empty: true })) {
    const classes: string[] = [];
    const fg = colourClass(entry.fg, "fg");
    const bg = colourClass(entry.bg, "bg");
    if (fg) classes.push(fg);
    if (bg) classes.push(bg);
    for (const decoration of entry.decorations) {
      if (/^[a-z]+$/.test(decoration)) classes.push(`ansi-${decoration}`);
    }
    // Any escape anser did not interpret must not reach the page as a control character.
    const content = entry.content.replaceAll("\x1b", "");
    if (!content) continue;
    const last = runs[runs.length - 1];
    if (last && last.classes.join(" ") === classes.join(" ")) last.text += content;
    else runs.push({ text: content, classes });
  }
  return runs;
}
