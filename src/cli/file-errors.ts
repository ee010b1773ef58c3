// What the commands say when a file cannot be read or written: one line naming the path, the reason in words and a
// stable code, from the system error's code. Every command that touches files reports through here, so the same
// failure reads the same everywhere and no system error reaches the terminal as a stack trace.
import { getSystemErrorMessage } from "node:util";

export type FileErrorCode =
  /** Reading: nothing at that path. */
  | "not_found"
  /** Writing: the folder the file would go in does not exist. */
  | "folder_missing"
  | "is_a_folder"
  /** Neither a file nor a folder (a device, a socket, a pipe). */
  | "not_a_file"
  /** A part of the path before its last is a file. */
  | "not_a_folder"
  | "permission_denied"
  | "disk_full"
  | "read_only_filesystem"
  | "name_too_long"
  /** Any other system error; the message carries the system's own words and code. */
  | "file_error";

/** "use" when it is not known whether the file was being read or written. */
export type FileAction = "read" | "write" | "create" | "use";

export class FileError extends Error {
  readonly code: FileErrorCode;
  readonly path: string;
  constructor(action: FileAction, path: string, code: FileErrorCode, reason: string) {
    super(`cannot ${action} ${path}: ${reason} [${code}]`);
    this.name = "FileError";
    this.code = code;
    this.path = path;
  }
}

/** A system error met while reading, writing or creating `path`. */
export function fileError(action: FileAction, path: string, error: unknown): FileError {
  const [code, reason] = classify(action, error);
  return new FileError(action, path, code, reason);
}

/** Whether `error` came from the system (it has an errno code such as ENOENT). */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string" && "syscall" in error;
}

function classify(action: FileAction, error: unknown): [FileErrorCode, string] {
  const errno = error as NodeJS.ErrnoException;
  switch (errno.code) {
    case "ENOENT":
      return action === "read" || action === "use"
        ? ["not_found", "no such file or folder"]
        : ["folder_missing", "its folder does not exist"];
    case "EISDIR":
      return ["is_a_folder", "it is a folder"];
    case "EEXIST":
      // mkdir, with its parents, of a path that is a file.
      if (errno.syscall === "mkdir") return ["not_a_folder", "it is a file, not a folder"];
      return ["file_error", "it already exists"];
    case "ENOTDIR":
      return ["not_a_folder", "a part of the path is a file, not a folder"];
    case "EACCES":
    case "EPERM":
      return ["permission_denied", "permission denied"];
    case "ENOSPC":
    case "EDQUOT":
      return ["disk_full", "no space left on the device"];
    case "EROFS":
      return ["read_only_filesystem", "the file system is read-only"];
    case "ENAMETOOLONG":
      return ["name_too_long", "the name is too long"];
    default: {
      const words = typeof errno.errno === "number" ? getSystemErrorMessage(errno.errno) : errno.message;
      return ["file_error", `${words}${errno.code ? ` (${errno.code})` : ""}`];
    }
  }
}
