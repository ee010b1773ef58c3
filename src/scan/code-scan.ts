// One piece of code, in whichever language it is written, through the detectors for that language.

import type { FileContext } from "./context.ts";
import { splitMagics } from "./magics.ts";
import { checkPython } from "./python-rules.ts";
import { PythonScope } from "./python-tree.ts";
import { checkTokens } from "./r-julia.ts";
import { checkShell } from "./shell-rules.ts";
import type { TextReporter } from "./sink.ts";
import { isSecretVariable } from "./patterns.ts";
import { checkInvisibleCharacters } from "./text-checks.ts";

export type CodeLanguage = "python" | "shell" | "r" | "julia";

/** Magics that run a process (the others only configure the kernel or install packages). */
const PROCESS_MAGICS = new Set(["!", "%%bash", "%%sh", "%%system", "%%!", "%%script", "%system", "%sx", "%sc"]);

export interface CodeScanState {
  file: FileContext;
  /** Python names stay bound from one cell to the next, as in a kernel. */
  scope: PythonScope;
}

export function scanCode(reporter: TextReporter, language: CodeLanguage, state: CodeScanState): void {
  checkInvisibleCharacters(reporter);
  scanWithoutInvisible(reporter, language, state);
}

function scanWithoutInvisible(reporter: TextReporter, language: CodeLanguage, state: CodeScanState): void {
  const input = { reporter, file: state.file };
  if (language === "shell") {
    checkShell(input);
    return;
  }
  if (language === "r" || language === "julia") {
    checkTokens(input, language);
    return;
  }
  const split = splitMagics(reporter.text);
  checkPython({ reporter: reporter.nested(split.python, 0), file: state.file }, state.scope);
  for (const piece of split.pieces) {
    const body = reporter.nested(piece.body, piece.bodyOffset);
    if (piece.language === "shell") {
      const summary = checkShell({ reporter: body, file: state.file });
      const onlyInstalls = summary.commands > 0 && summary.commands === summary.installs;
      if (PROCESS_MAGICS.has(piece.magic) && !onlyInstalls) {
        reporter.report("shell-exec", piece.offset, `runs shell commands with ${piece.magic}`);
      }
    } else if (piece.language === "r" || piece.language === "julia") {
      scanWithoutInvisible(body, piece.language, state);
    } else if (piece.language === "python") {
      scanWithoutInvisible(body, "python", { file: state.file, scope: new PythonScope() });
    } else if (
      (piece.magic === "%run" || piece.magic === "%load" || piece.magic === "%loadpy") &&
      /(?:^|\s)(?:https?|ftp):\/\//i.test(piece.body)
    ) {
      reporter.report("download-exec", piece.offset, `${piece.magic} runs or loads code from a URL`);
    } else if (piece.magic === "%env" || piece.magic === "%set_env") {
      const name = /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(piece.body)?.[1];
      if (name === undefined)
        reporter.report("secret-env", piece.offset, "prints the whole environment, secrets included");
      else if (isSecretVariable(name) && !/[=\s]\s*\S/.test(piece.body.slice(piece.body.indexOf(name) + name.length))) {
        reporter.report("secret-env", piece.offset, `reads the secret environment variable ${name}`);
      }
    }
  }
}

/** The code language of a script file by its extension, or undefined for markdown and text. */
export function languageOfPath(path: string): CodeLanguage | "markdown" | "text" | "notebook" {
  const lower = path.toLowerCase();
  if (lower.endsWith(".ipynb")) return "notebook";
  if (lower.endsWith(".py") || lower.endsWith(".pyw") || lower.endsWith(".ipy")) return "python";
  if (lower.endsWith(".r")) return "r";
  if (lower.endsWith(".jl")) return "julia";
  if (lower.endsWith(".sh") || lower.endsWith(".bash")) return "shell";
  if (lower.endsWith(".md") || lower.endsWith(".markdown")) return "markdown";
  return "text";
}

/** Kernel language of a notebook from its metadata (Python when it does not say). */
export function notebookLanguage(metadata: Record<string, unknown>): CodeLanguage {
  const info = metadata["language_info"] as { name?: unknown } | undefined;
  const kernel = metadata["kernelspec"] as { language?: unknown; name?: unknown } | undefined;
  const name = String(info?.name ?? kernel?.language ?? kernel?.name ?? "python").toLowerCase();
  if (name === "r") return "r";
  if (name.startsWith("julia")) return "julia";
  if (name === "bash" || name === "sh" || name === "shell") return "shell";
  return "python";
}
