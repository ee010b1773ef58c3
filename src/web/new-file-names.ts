// The names the "New notebook" and "New script" dialogs suggest: Untitled.ipynb or untitled.py, then the next one
// free in the folder (Untitled1.ipynb, Untitled2.ipynb, ...), as Jupyter names them. Whether a name is allowed is
// the server's decision (src/server/file-names.ts); these only suggest.

export type NewFileKind = "notebook" | "script";

/** The script languages the studio reads, by the extension the server accepts for each (TEXT_EXTENSIONS). */
export const SCRIPT_LANGUAGES = [
  { extension: ".py", label: "Python" },
  { extension: ".r", label: "R" },
  { extension: ".jl", label: "Julia" },
  { extension: ".sql", label: "SQL" },
  { extension: ".sh", label: "Shell" },
] as const;

export type ScriptExtension = (typeof SCRIPT_LANGUAGES)[number]["extension"];

/** A path in a folder ("" is the workspace's top). */
export function joinPath(folder: string, name: string): string {
  return folder ? `${folder}/${name}` : name;
}

/** The first of stem.ext, stem1.ext, stem2.ext, ... that no path in `taken` has in the folder. */
export function nextFreeName(taken: Iterable<string>, folder: string, stem: string, extension: string): string {
  const used = new Set(taken);
  for (let n = 0; ; n++) {
    const name = `${stem}${n === 0 ? "" : n}${extension}`;
    if (!used.has(joinPath(folder, name))) return name;
  }
}

/** The name a new file of this kind starts with in the dialog. */
export function suggestedName(
  taken: Iterable<string>,
  folder: string,
  kind: NewFileKind,
  extension: ScriptExtension = ".py",
): string {
  return kind === "notebook"
    ? nextFreeName(taken, folder, "Untitled", ".ipynb")
    : nextFreeName(taken, folder, "untitled", extension);
}

/**
 * The name with its script extension changed to another language's: the dialog's language choice and its name
 * stay in step. A name without one of the languages' extensions gets the new one added.
 */
export function withScriptExtension(name: string, extension: ScriptExtension): string {
  const current = SCRIPT_LANGUAGES.find((language) => name.endsWith(language.extension));
  return current ? name.slice(0, -current.extension.length) + extension : name + extension;
}

/** The language a name's extension says, if it is one of the script languages. */
export function scriptExtensionOf(name: string): ScriptExtension | undefined {
  return SCRIPT_LANGUAGES.find((language) => name.endsWith(language.extension))?.extension;
}

/**
 * Whether the server's refusal is about the name the person typed (shown next to the name field) rather than about
 * the request or the studio: its file-name codes (name_…), a type it does not store, a name of the other kind, a
 * path that is taken.
 */
export function isNameRefusal(code: string): boolean {
  return (
    code.startsWith("name_") ||
    code === "file_type_not_allowed" ||
    code === "kind_mismatch" ||
    code === "kind_change_not_allowed" ||
    code === "path_taken" ||
    code === "invalid_body"
  );
}
