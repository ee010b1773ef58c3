// A small shell tokenizer: words (quotes removed, where they start in the text), operators, comments skipped, and
// `$(...)`, backticks and `<(...)` read as nested command lists. Enough to see which programs run with which
// arguments and how they are piped, without mistaking a comment or a quoted string for a command.

export interface ShellWord {
  /** The word with quotes and escapes removed. */
  text: string;
  /** Offset of the word's first character in the text. */
  from: number;
  /** Command lists inside `$(...)`, backticks or `<(...)` in this word. */
  substitutions: ShellPipeline[][];
}

/** Programs connected by `|`. */
export type ShellPipeline = ShellWord[][];

const OPERATOR_CHARS = new Set(["|", "&", ";", "\n", "(", ")"]);

/** Deepest `$(...)` nesting read as commands; deeper substitutions stay plain words (bounds recursion). */
const MAX_SUBSTITUTION_DEPTH = 8;

/** The command lists of a script: each entry is a pipeline of commands, each command a list of words. */
export function tokenizeShell(text: string, base = 0, depth = 0): ShellPipeline[] {
  const pipelines: ShellPipeline[] = [];
  let pipeline: ShellPipeline = [];
  let command: ShellWord[] = [];
  let i = 0;
  const endCommand = (): void => {
    if (command.length > 0) pipeline.push(command);
    command = [];
  };
  const endPipeline = (): void => {
    endCommand();
    if (pipeline.length > 0) pipelines.push(pipeline);
    pipeline = [];
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (c === "\\" && text[i + 1] === "\n") {
      i += 2;
      continue;
    }
    if (c === "#") {
      const end = text.indexOf("\n", i);
      i = end < 0 ? text.length : end;
      continue;
    }
    if (c === "|" && text[i + 1] !== "|") {
      endCommand();
      i += text[i + 1] === "&" ? 2 : 1;
      continue;
    }
    if (OPERATOR_CHARS.has(c)) {
      endPipeline();
      i += (c === "|" || c === "&") && text[i + 1] === c ? 2 : 1;
      continue;
    }
    if ((c === ">" || c === "<") && text[i + 1] !== "(") {
      // A redirection: the operator is not a word, its target is, except a file descriptor (`2>&1`).
      const duplicate = text[i + 1] === "&";
      i += text[i + 1] === c || duplicate ? 2 : 1;
      if (duplicate) while (i < text.length && /[0-9-]/.test(text[i]!)) i++;
      continue;
    }
    const word = readWord(text, i, base, depth);
    i = word.end;
    // `2>file`: the number is the redirected descriptor, not an argument.
    if (
      /^[0-9]+$/.test(word.word.text) &&
      (text[i] === ">" || text[i] === "<") &&
      word.end - (word.word.from - base) === word.word.text.length
    )
      continue;
    command.push(word.word);
  }
  endPipeline();
  return pipelines;
}

function readWord(text: string, start: number, base: number, depth: number): { word: ShellWord; end: number } {
  let value = "";
  const substitutions: ShellPipeline[][] = [];
  /** Reads the `$(...)`, `<(...)`, `>(...)` or backtick substitution at `at` into the word; returns where it ends. */
  const substitution = (at: number): number => {
    const backtick = text[at] === "`";
    const from = at + (backtick ? 1 : 2);
    const close = backtick ? text.indexOf("`", from) : closingParen(text, from);
    const to = close < 0 ? text.length : close;
    if (depth < MAX_SUBSTITUTION_DEPTH) substitutions.push(tokenizeShell(text.slice(from, to), base + from, depth + 1));
    value += text.slice(at, to + 1);
    return to + 1;
  };
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === ";" || c === "|" || c === "&" || c === ")") break;
    if ((c === ">" || c === "<") && text[i + 1] !== "(") break;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      const stop = end < 0 ? text.length : end;
      value += text.slice(i + 1, stop);
      i = stop + 1;
    } else if (c === "$" && text[i + 1] === "'") {
      const end = text.indexOf("'", i + 2);
      const stop = end < 0 ? text.length : end;
      value += text.slice(i + 2, stop);
      i = stop + 1;
    } else if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\" && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
        } else if ((text[i] === "$" && text[i + 1] === "(") || text[i] === "`") {
          i = substitution(i);
        } else {
          value += text[i];
          i++;
        }
      }
      i++;
    } else if (c === "\\") {
      value += text[i + 1] ?? "";
      i += 2;
    } else if (((c === "$" || c === "<" || c === ">") && text[i + 1] === "(") || c === "`") {
      i = substitution(i);
    } else {
      value += c;
      i++;
    }
  }
  return { word: { text: value, from: base + start, substitutions }, end: Math.max(i, start + 1) };
}

/** Offset of the `)` closing a `(` whose contents start at `from` (quotes respected), or the end of the text. */
function closingParen(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) return text.length;
      i = end;
    } else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  return text.length;
}
