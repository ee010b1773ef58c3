// IPython syntax that is not Python: `!cmd`, `x = !cmd`, `%line` magics and `%%cell` magics. They are cut out
// before parsing (replaced by blanks of the same length, newlines kept, so offsets, lines and columns in the
// remaining Python stay right) and returned as separate pieces to scan in their own language.

export type PieceLanguage = "shell" | "r" | "julia" | "python" | "none";

export interface MagicPiece {
  /** What the magic is, as written (`!`, `%%bash`, `%system`, `%pip`, `%run`, ...). */
  magic: string;
  /** Offset of the magic in the cell. */
  offset: number;
  /** The text it runs, and where that text starts in the cell. */
  body: string;
  bodyOffset: number;
  language: PieceLanguage;
}

export interface SplitCell {
  /** The cell with magics blanked out: what a Python parser should see. */
  python: string;
  pieces: MagicPiece[];
}

const SHELL_CELL_MAGICS = new Set(["bash", "sh", "system", "!", "script"]);
const PYTHON_CELL_MAGICS = new Set([
  "capture",
  "time",
  "timeit",
  "prun",
  "debug",
  "python",
  "python3",
  "py",
  "ipython",
]);
const SHELL_LINE_MAGICS = new Set(["system", "sx", "sc"]);
/** Line magics that take shell-like arguments we read: package installs and environment changes. */
const INSTALL_LINE_MAGICS = new Set(["pip", "conda", "mamba", "uv"]);

export function splitMagics(source: string): SplitCell {
  const pieces: MagicPiece[] = [];
  const firstLineEnd = lineEnd(source, 0);
  const cellMagic = /^\s*%%(!|[A-Za-z_][\w-]*)[ \t]*(.*)$/.exec(source.slice(0, firstLineEnd));
  if (cellMagic) {
    const name = cellMagic[1]!;
    const bodyOffset = Math.min(source.length, firstLineEnd + 1);
    const body = source.slice(bodyOffset);
    let language: PieceLanguage = "none";
    if (SHELL_CELL_MAGICS.has(name)) {
      language = name === "script" && !/^(?:ba|z|da|k)?sh\b/.test(cellMagic[2] ?? "") ? "none" : "shell";
    } else if (name === "R") language = "r";
    else if (name === "julia") language = "julia";
    else if (name === "writefile" || name === "file") language = languageOfFileName(cellMagic[2] ?? "");
    if (PYTHON_CELL_MAGICS.has(name)) {
      pieces.push({ magic: `%%${name}`, offset: source.indexOf("%%"), body: "", bodyOffset, language: "none" });
      return withLineMagics(blank(source, 0, firstLineEnd), pieces);
    }
    pieces.push({ magic: `%%${name}`, offset: source.indexOf("%%"), body, bodyOffset, language });
    return { python: blank(source, 0, source.length), pieces };
  }
  return withLineMagics(source, pieces);
}

function withLineMagics(source: string, pieces: MagicPiece[]): SplitCell {
  let python = source;
  for (let start = 0; start < source.length;) {
    const end = lineEnd(source, start);
    const line = source.slice(start, end);
    const piece = lineMagic(line, start);
    if (piece !== undefined) {
      pieces.push(piece);
      python = blank(python, start, end);
    }
    start = end + 1;
  }
  return { python, pieces };
}

function lineMagic(line: string, start: number): MagicPiece | undefined {
  // `!cmd`, `!!cmd`, and `files = !ls` (IPython reads these at the start of a logical line, indented or not).
  const bang = /^(\s*(?:[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*)?)(!!?)(.*)$/.exec(line);
  if (bang) {
    const offset = start + bang[1]!.length;
    return { magic: "!", offset, body: bang[3]!, bodyOffset: offset + bang[2]!.length, language: "shell" };
  }
  const magic = /^(\s*(?:[A-Za-z_][\w.]*\s*=\s*)?)%([A-Za-z_]\w*)(.*)$/.exec(line);
  if (!magic) return undefined;
  const name = magic[2]!;
  const offset = start + magic[1]!.length;
  const bodyOffset = offset + 1 + name.length;
  const body = magic[3]!;
  if (SHELL_LINE_MAGICS.has(name)) return { magic: `%${name}`, offset, body, bodyOffset, language: "shell" };
  if (INSTALL_LINE_MAGICS.has(name)) {
    // Read as the command it stands for: `%pip install x` is `pip install x`.
    return {
      magic: `%${name}`,
      offset,
      body: `${name}${body}`,
      bodyOffset: bodyOffset - name.length,
      language: "shell",
    };
  }
  return { magic: `%${name}`, offset, body, bodyOffset, language: "none" };
}

function languageOfFileName(args: string): PieceLanguage {
  const name =
    args
      .split(/\s+/)
      .filter((word) => !word.startsWith("-"))
      .pop() ?? "";
  if (/\.(?:sh|bash)$/i.test(name)) return "shell";
  if (/\.py$/i.test(name)) return "python";
  if (/\.r$/i.test(name)) return "r";
  if (/\.jl$/i.test(name)) return "julia";
  return "none";
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf("\n", from);
  return end < 0 ? text.length : end;
}

/** `text` with [from, to) replaced by spaces, newlines kept. */
function blank(text: string, from: number, to: number): string {
  return text.slice(0, from) + text.slice(from, to).replace(/[^\n]/g, " ") + text.slice(to);
}
