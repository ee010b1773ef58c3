// Which nbformat a parsed file claims to be, before anything else is read from it.

import { describeValue, has, isInteger, isObject, typeOf } from "./schema-keywords.ts";
import { NotebookError } from "./errors.ts";
import type { JsonValue } from "./types.ts";

export interface NotebookVersion {
  major: 2 | 3 | 4;
  /** nbformat_minor as the file has it; null when it is missing or not an integer. */
  minor: number | null;
}

export function detectVersion(root: JsonValue): NotebookVersion {
  if (!isObject(root)) {
    throw new NotebookError(
      "not_a_notebook",
      `the file is JSON but not a notebook: a notebook is an object, this is ${article(typeOf(root))}`,
      { pointer: "" },
    );
  }
  if (!has(root, "nbformat")) {
    throw new NotebookError("not_a_notebook", "the file is JSON but not a notebook: it has no 'nbformat' version", {
      pointer: "",
    });
  }
  const major = root["nbformat"];
  if (!isInteger(major)) {
    throw new NotebookError(
      "unsupported_version",
      `'nbformat' must be an integer major version, found ${describeValue(major)}`,
      { pointer: "/nbformat" },
    );
  }
  if (major !== 2 && major !== 3 && major !== 4) {
    throw new NotebookError(
      "unsupported_version",
      `nbformat ${major} is not supported: Vitrine reads nbformat 2, 3 and 4`,
      { pointer: "/nbformat" },
    );
  }
  const minor = root["nbformat_minor"];
  return { major, minor: isInteger(minor) ? minor : null };
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
