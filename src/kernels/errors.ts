// Errors of the kernel layer. Each has a stable code (snake_case) that the API and the CLI pass on unchanged,
// and where it applies, the place: the kernel.json file and field, or the kernel's id.

export type KernelErrorCode =
  | "kernelspec_invalid"
  | "kernelspec_unknown"
  | "kernelspec_not_allowed"
  | "kernel_start_failed"
  | "kernel_died"
  | "kernel_not_running"
  | "kernel_timeout"
  | "kernel_limit_user"
  | "kernel_limit_server"
  | "kernel_unknown"
  | "comm_unknown";

export interface KernelErrorDetails {
  /** The file the error is about (a kernel.json). */
  file?: string;
  /** The field of that file, as a JSON pointer ("/argv/2"). */
  field?: string;
  /** The last lines the kernel process wrote to stderr before it failed. */
  stderrTail?: string;
  /** How the process ended, when it did. */
  exitCode?: number | null;
  signal?: string | null;
  kernelId?: string;
}

export class KernelError extends Error {
  readonly code: KernelErrorCode;
  readonly details: KernelErrorDetails;

  constructor(code: KernelErrorCode, message: string, details: KernelErrorDetails = {}) {
    super(message);
    this.name = "KernelError";
    this.code = code;
    this.details = details;
  }

  /** "file: message [code] at /field" */
  override toString(): string {
    const where = this.details.file ? `${this.details.file}: ` : "";
    const field = this.details.field ? ` at ${this.details.field}` : "";
    return `${where}${this.message} [${this.code}]${field}`;
  }

  toJSON(): { error: KernelErrorCode; message: string } & KernelErrorDetails {
    return { error: this.code, message: this.message, ...this.details };
  }
}
