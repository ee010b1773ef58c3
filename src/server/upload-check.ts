// What an uploaded file must be before anything of it is stored or reviewed: a path the studio accepts, within the
// size limit, and content that is what its name says (a notebook the strict reader accepts, a script in UTF-8).
import { parseNotebook, type ParsedNotebook } from "../notebook/index.ts";
import { decodeUtf8 } from "../notebook/utf8.ts";
import { positionAt } from "../notebook/position.ts";
import { AppError } from "./errors.ts";
import { checkFilePath, type FileKind } from "./file-names.ts";

export interface IncomingFile {
  path: string;
  bytes: Buffer;
}

export interface CheckedFile extends IncomingFile {
  kind: FileKind;
  nbformat: string | null;
  /** A notebook as the model read it. */
  parsed: ParsedNotebook | null;
}

/** Refuses a file whose content is not what its name says; the error places the problem. */
function checkContent(file: IncomingFile, kind: FileKind, maxBytes: number): ParsedNotebook | null {
  if (kind === "notebook") return parseNotebook(file.bytes, { file: file.path, limits: { maxFileBytes: maxBytes } });
  const decoded = decodeUtf8(file.bytes);
  if ("invalid" in decoded) {
    const { line, column } = positionAt(decoded.textBefore, decoded.textBefore.length);
    throw new AppError(
      400,
      "invalid_utf8",
      `${file.path}:${line}:${column}: the file is not valid UTF-8 at byte ${decoded.invalid.offset}: ${decoded.invalid.reason}`,
      {
        path: file.path,
        offset: decoded.invalid.offset,
        line,
        column,
      },
    );
  }
  return null;
}

/** One file's size and content, its path already accepted as a file of this kind. */
export function checkSizeAndContent(file: IncomingFile, kind: FileKind, maxBytes: number): CheckedFile {
  if (file.bytes.byteLength > maxBytes)
    throw new AppError(413, "file_too_large", `${file.path} is larger than ${maxBytes} bytes`, { path: file.path });
  const parsed = checkContent(file, kind, maxBytes);
  const nbformat = parsed ? `${parsed.original.major}.${parsed.original.minor ?? 0}` : null;
  return { ...file, kind, nbformat, parsed };
}

/** One file as an upload would take it, read once: the caller keeps the parsed notebook for what follows. */
export function checkFile(file: IncomingFile, maxBytes: number): CheckedFile {
  return checkSizeAndContent(file, checkFilePath(file.path).kind, maxBytes);
}

/**
 * Every file of an upload, or the first refusal: nothing is stored unless every file passes. Names are checked
 * here; each file's content by checkContent (a job on a worker thread), one file at a time, so that one upload
 * holds at most one worker.
 */
export async function checkUpload<Checked>(
  files: readonly IncomingFile[],
  checkContent: (file: IncomingFile, kind: FileKind) => Promise<Checked>,
): Promise<Checked[]> {
  const seen = new Set<string>();
  const checked: Checked[] = [];
  for (const file of files) {
    const { kind } = checkFilePath(file.path);
    if (seen.has(file.path))
      throw new AppError(400, "duplicate_path", `${file.path} appears twice in this upload`, { path: file.path });
    seen.add(file.path);
    checked.push(await checkContent(file, kind));
  }
  return checked;
}
