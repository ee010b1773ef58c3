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
  const lines = text.split("\n");
  // Carriage returns just before a newline are dropped (a "\r\n" line end). Trimmed line by line rather than by a
  // regular expression: /\r+\n/ tries again at each "\r" of a long run that no newline ends, a quadratic search.
  for (let i = 0; i < lines.length - 1; i++) {
    const line = lines[i]!;
    let end = line.length;
    while (end > 0 && line.charCodeAt(end - 1) === 0x0d) end--;
    lines[i] = renderLine(end === line.length ? line : line.slice(0, end));
  }
  lines[lines.length - 1] = renderLine(lines[lines.length - 1]!);
  return lines.join("\n");
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

/**
 * Most decorations (bold, underline, ...) a terminal state keeps before repeats are merged. anser appends one per
 * SGR code, repeats included, and each run carries them all as classes: a stream of "\x1b[1m" codes would give
 * every run as many classes as codes before it. Past this count, repeats are merged (there are eight kinds), which
 * no ordinary output reaches.
 */
export const MAX_ANSI_DECORATIONS = 32;
/**
 * Longest parameter list of one SGR escape read as colours. anser reads a list code by code and removes a
 * decoration by searching all of them, so one escape of a million codes takes quadratic time; a longer list is
 * treated as an escape that is not a colour.
 */
export const MAX_SGR_PARAMETER_CHARS = 256;

// What anser reads at the start of the text after "ESC [": private marker, parameters, intermediate and final byte.
const CSI_HEAD = /^[!\x3c-\x3f]*([\d;]*)[\x20-\x2c]*[\x40-\x7e]/;

/** Terminal text to runs of text with ANSI classes; escapes that are not colours are dropped. */
export function terminalTextToRuns(raw: string): TextRun[] {
  const text = applyTerminalControls(raw);
  if (!text.includes("\x1b")) return text.length ? [{ text, classes: [] }] : [];
  const runs: TextRun[] = [];
  let lastKey = "";
  const add = (content: string, classes: string[]): void => {
    // Any escape anser did not interpret must not reach the page as a control character.
    const clean = content.replaceAll("\x1b", "");
    if (!clean) return;
    const key = classes.join(" ");
    const last = runs[runs.length - 1];
    if (last && lastKey === key) last.text += clean;
    else {
      runs.push({ text: clean, classes });
      lastKey = key;
    }
  };
  // One anser, fed escape by escape, keeps the colour state between them, as one call over the whole text does,
  // and lets its decorations be merged when they pile up.
  const anser = new Anser() as Anser & { decorations: string[] };
  let start = text.indexOf("\x1b[");
  add(start < 0 ? text : text.slice(0, start), []);
  while (start >= 0) {
    const next = text.indexOf("\x1b[", start + 2);
    let chunk = text.slice(start + 2, next < 0 ? text.length : next);
    const head = CSI_HEAD.exec(chunk);
    if (head && head[1]!.length > MAX_SGR_PARAMETER_CHARS) chunk = "A" + chunk.slice(head[0].length);
    for (const entry of anser.ansiToJson("\x1b[" + chunk, { use_classes: true, remove_empty: true })) {
      add(entry.content, entryClasses(entry));
    }
    if (anser.decorations.length > MAX_ANSI_DECORATIONS) anser.decorations = [...new Set(anser.decorations)];
    start = next;
  }
  return runs;
}

function entryClasses(entry: Anser.AnserJsonEntry): string[] {
  const classes: string[] = [];
  const fg = colourClass(entry.fg, "fg");
  const bg = colourClass(entry.bg, "bg");
  if (fg) classes.push(fg);
  if (bg) classes.push(bg);
  for (const decoration of entry.decorations) {
    if (/^[a-z]+$/.test(decoration)) classes.push(`ansi-${decoration}`);
  }
  return classes;
}
