// A notebook as a script: its code cells in order, each under an `In[n]:` line, its markdown as comment lines, its
// raw cells with no other declared format as they are. The layout is nbconvert's script export (for Python, byte for
// byte when no cell uses IPython syntax: nbconvert turns magics into get_ipython() calls and dedents cells, this keeps
// each cell's source as written).
import type { Notebook } from "../notebook/types.ts";

/** The line-comment marker of each kernel language the studio knows; "#" for any other. */
const COMMENT_MARKERS: Record<string, string> = {
  python: "#",
  r: "#",
  julia: "#",
  bash: "#",
  sh: "#",
  ruby: "#",
  perl: "#",
  javascript: "//",
  typescript: "//",
  c: "//",
  "c++": "//",
  cpp: "//",
  java: "//",
  scala: "//",
  rust: "//",
  go: "//",
  kotlin: "//",
  "c#": "//",
  sql: "--",
  haskell: "--",
  lua: "--",
  matlab: "%",
  octave: "%",
};

/** Script file extensions by kernel language; ".txt" for one the studio does not know. */
const EXTENSIONS: Record<string, string> = {
  python: ".py",
  r: ".r",
  julia: ".jl",
  bash: ".sh",
  sh: ".sh",
  ruby: ".rb",
  perl: ".pl",
  javascript: ".js",
  typescript: ".ts",
  c: ".c",
  "c++": ".cpp",
  cpp: ".cpp",
  java: ".java",
  scala: ".scala",
  rust: ".rs",
  go: ".go",
  kotlin: ".kt",
  "c#": ".cs",
  sql: ".sql",
  haskell: ".hs",
  lua: ".lua",
  matlab: ".m",
  octave: ".m",
};

/** The notebook's kernel language, lower case: language_info's name, else the kernelspec's language. */
export function notebookLanguage(notebook: Notebook): string {
  const metadata = notebook.metadata as Record<string, unknown>;
  const info = metadata.language_info as { name?: unknown } | undefined;
  const spec = metadata.kernelspec as { language?: unknown } | undefined;
  const name = typeof info?.name === "string" ? info.name : typeof spec?.language === "string" ? spec.language : "";
  return name.trim().toLowerCase() || "python";
}

/** The file extension a script of this notebook gets, with its dot. */
export function scriptExtension(notebook: Notebook): string {
  return EXTENSIONS[notebookLanguage(notebook)] ?? ".txt";
}

/**
 * Whether a raw cell goes into the script: one with no declared format does, one meant for another format (LaTeX,
 * HTML, reStructuredText...) does not, as in nbconvert.
 */
function rawForScript(metadata: Record<string, unknown>): boolean {
  const declared = metadata.raw_mimetype ?? metadata.format;
  return typeof declared !== "string" || declared === "" || /python/i.test(declared);
}

/** The notebook as one script text. */
export function notebookScript(notebook: Notebook): string {
  const language = notebookLanguage(notebook);
  const mark = COMMENT_MARKERS[language] ?? "#";
  const parts: string[] = language === "python" ? ["#!/usr/bin/env python\n# coding: utf-8\n"] : [];
  for (const cell of notebook.cells) {
    if (cell.cell_type === "markdown") {
      parts.push(
        `\n${cell.source
          .split("\n")
          .map((line) => `${mark} ${line}`)
          .join("\n")}\n`,
      );
    } else if (cell.cell_type === "code") {
      const count = cell.execution_count ?? " ";
      const source = cell.source.endsWith("\n") ? cell.source : `${cell.source}\n`;
      parts.push(`\n${mark} In[${count}]:\n\n\n${source}\n`);
    } else if (rawForScript(cell.metadata)) {
      parts.push(cell.source);
    }
  }
  return parts.join("");
}
