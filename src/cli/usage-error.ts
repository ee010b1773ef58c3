/** Stable codes of the ways a command can be called wrongly. */
export type UsageErrorCode =
  /** An option the command does not have. */
  | "unknown_option"
  /** An option that takes a value was given none (or was followed by another option). */
  | "option_needs_value"
  /** An on/off option was given a value (`--help=yes`). */
  | "option_takes_no_value"
  /** An option's value is not one it accepts. */
  | "bad_option_value"
  /** Two options that exclude each other. */
  | "conflicting_options"
  /** A required argument (notebook, path, name, action) is missing. */
  | "missing_argument"
  /** An argument the command does not take. */
  | "unexpected_argument"
  /** An action (`user add|invite|...`, `blocklist import|add|remove|list`) the command does not have. */
  | "unknown_action"
  /** A server setting, from a flag or its environment variable, with a bad value. */
  | "bad_setting";

/** A mistake in how a command was called: printed with its code and the command's usage, exit code 2. */
export class UsageError extends Error {
  readonly code: UsageErrorCode;
  constructor(code: UsageErrorCode, message: string) {
    super(message);
    this.name = "UsageError";
    this.code = code;
  }
}
