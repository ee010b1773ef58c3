// Rules for the paths of stored files. Each refusal has its own code so that a client can tell the user exactly
// what to change. Paths are "/"-separated and relative; they name files inside a workspace, never on the disk
// (blobs are stored by hash), but they also become download names on other people's machines, which is why
// Windows device names, bidi overrides and control characters are refused too.

import { MAX_PATH_BYTES } from "../contract/limits.ts";
import { AppError } from "./errors.ts";

export const MAX_SEGMENT_BYTES = 255;
export const MAX_PATH_DEPTH = 32;

export const NOTEBOOK_EXTENSIONS = [".ipynb"] as const;
export const TEXT_EXTENSIONS = [
  ".py",
  ".r",
  ".R",
  ".jl",
  ".sh",
  ".sql",
  ".md",
  ".txt",
  ".json",
  ".yaml",
  ".yml",
  ".csv",
] as const;

const MEDIA_TYPES: Record<string, string> = {
  ".ipynb": "application/x-ipynb+json",
  ".py": "text/x-python; charset=utf-8",
  ".r": "text/x-r; charset=utf-8",
  ".R": "text/x-r; charset=utf-8",
  ".jl": "text/x-julia; charset=utf-8",
  ".sh": "text/x-shellscript; charset=utf-8",
  ".sql": "application/sql; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".yaml": "application/yaml; charset=utf-8",
  ".yml": "application/yaml; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
};

// C0 controls, DEL and C1 controls, and the line and paragraph separators (Zl, Zp), which break a name across
// lines wherever it is shown.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
// Marks and overrides that reorder how a name is displayed ("invoice\u202Egnp.py" shows as "invoiceyp.png").
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
// Characters that draw nothing, so that "report.py" and "\uFEFFreport.py" or "re\u200Bport.py" look the same in a
// listing and a download dialog while being different files: every format character (Cf: U+FEFF, U+200B, U+2060,
// U+00AD, tags, ...) and the Hangul fillers, which are letters (Lo) that render as blank space. The two joiners
// (U+200C, U+200D) are allowed inside a name, where Persian and Indic spellings and emoji sequences need them, and
// refused at a name's edge, where they join nothing.
const INVISIBLE = /[[\p{Cf}\u115f\u1160\u3164\uffa0]--[\u200c\u200d]]/v;
// Spaces other than U+0020 (Zs: U+00A0, U+2007, U+3000, ...) look like a space, or like nothing, and make two names
// that read alike; a name's only space is the ASCII one.
const UNUSUAL_SPACE = /[\p{Zs}--[ ]]/v;
// A joiner at either end of a name, or a combining mark (M) at its start, where it would draw on the "/" or the
// folder name before it.
const EDGE_MARK = /^[\p{M}\u200c\u200d]|[\u200c\u200d]$/u;
// Windows takes a device for a file name whatever its case and extension, and ignores the spaces before the first
// dot and the dots and spaces at the end: "CON", "con.txt", "Con .tar.gz", "nul." and "com\u00b9.py" all name a
// device there. COM and LPT take 0-9 and the superscript digits Windows counts as digits; CONIN$, CONOUT$ and
// CLOCK$ are devices too.
const RESERVED =
  /^(?:con|prn|aux|nul|conin\$|conout\$|clock\$|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3]) *(?:\..*)?$/i;
const utf8Bytes = (s: string) => Buffer.byteLength(s, "utf8");

export type FileKind = "notebook" | "text";

export interface CheckedPath {
  path: string;
  kind: FileKind;
  mediaType: string;
}

function refuse(code: string, message: string, path: string): never {
  throw new AppError(400, code, message, { path });
}

export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot) : "";
}

/** Returns the path as stored, or throws an AppError naming the rule it breaks. */
export function checkFilePath(path: string): CheckedPath {
  if (path.length === 0) refuse("name_empty", "the file name is empty", path);
  // A multipart filename that was not UTF-8 reaches us already decoded, its bad bytes replaced by U+FFFD, and a JSON
  // body can carry a lone surrogate: either way the name the client meant is lost, so it is refused, never stored
  // as a rewritten name. A true U+FFFD in a name cannot be told from a replaced byte and is refused with it.
  if (path.includes("\ufffd") || !path.isWellFormed())
    refuse("name_not_utf8", "the file name is not valid UTF-8 (or contains U+FFFD, the replacement character)", path);
  if (CONTROL.test(path)) refuse("name_control_character", "the file name contains a control character", path);
  if (BIDI.test(path))
    refuse("name_bidi_character", "the file name contains a bidirectional-text control character", path);
  if (INVISIBLE.test(path))
    refuse(
      "name_invisible_character",
      "the file name contains an invisible character (such as U+FEFF or U+200B)",
      path,
    );
  if (UNUSUAL_SPACE.test(path))
    refuse("name_unusual_space", "the file name contains a space other than the ASCII space (such as U+00A0)", path);
  if (utf8Bytes(path) > MAX_PATH_BYTES)
    refuse("name_too_long", `the path is longer than ${MAX_PATH_BYTES} bytes`, path);
  if (path.startsWith("/") || path.startsWith("\\") || /^[A-Za-z]:/.test(path) || path.startsWith("~")) {
    refuse("name_absolute", "the path must be relative to the workspace", path);
  }
  if (path.includes("\\")) refuse("name_backslash", "use / to separate folders; \\ is not allowed in names", path);
  const segments = path.split("/");
  if (segments.length > MAX_PATH_DEPTH)
    refuse("name_too_deep", `the path has more than ${MAX_PATH_DEPTH} folders`, path);
  for (const segment of segments) {
    if (segment === "." || segment === "..")
      refuse("name_traversal", "the path may not contain . or .. segments", path);
    if (segment === "") refuse("name_empty_segment", "the path has an empty folder name (// or a trailing /)", path);
    if (utf8Bytes(segment) > MAX_SEGMENT_BYTES)
      refuse("name_too_long", `a name in the path is longer than ${MAX_SEGMENT_BYTES} bytes`, path);
    if (RESERVED.test(segment)) refuse("name_reserved", `"${segment}" is a reserved device name on Windows`, path);
    if (/[. ]$/.test(segment) || /^ /.test(segment) || EDGE_MARK.test(segment))
      refuse(
        "name_edge_character",
        "a name may not start with a space or a combining mark, end with a dot or a space, or start or end with a joiner",
        path,
      );
    if (/[<>:"|?*]/.test(segment)) refuse("name_reserved_character", 'a name may not contain < > : " | ? or *', path);
  }
  if (path.normalize("NFC") !== path) refuse("name_not_normalized", "the file name is not in Unicode NFC form", path);
  const extension = extensionOf(path);
  const mediaType = MEDIA_TYPES[extension];
  if (!mediaType) {
    refuse(
      "file_type_not_allowed",
      `only notebooks (.ipynb) and ${TEXT_EXTENSIONS.join(" ")} files can be uploaded`,
      path,
    );
  }
  return { path, kind: extension === ".ipynb" ? "notebook" : "text", mediaType };
}

export function mediaTypeOf(path: string): string {
  return MEDIA_TYPES[extensionOf(path)] ?? "application/octet-stream";
}
