// Notebooks newer than nbformat 4.5, the newest version Vitrine knows ("from the future", e.g. 4.99): nbformat
// reads them with the 4.5 rules relaxed (validate.ts says how), and so does Vitrine. This says what the relaxation
// let through, for the reading's notes: properties 4.5 does not know, which the typed model leaves out. Cells and
// outputs of unknown types are noted where they are read (build.ts).

import type { ReadingNoteList } from "./reading-notes.ts";
import type { JsonObject } from "./types.ts";
import { isNewerMinor, NEWEST_SCHEMA_MINOR, validateNotebookV4 } from "./validate.ts";

/** Unknown properties counted at most, so that a hostile file cannot make the count cost much. */
const MAX_COUNTED = 10_000;

/** A newer_minor_relaxed note when a valid (relaxed) v4 document has properties the 4.5 rules do not know. */
export function noteNewerMinor(document: JsonObject, notes: ReadingNoteList): void {
  const minor = document["nbformat_minor"];
  if (!isNewerMinor(minor)) return;
  // The same document against the 4.5 rules as they are: each unknown property is one violation there.
  const strict = validateNotebookV4(document, { newerMinor: "strict", maxViolations: MAX_COUNTED });
  const unknown = strict.filter((violation) => violation.relaxable === "unknown_property");
  const first = unknown[0];
  if (first === undefined) return;
  const count = strict.length >= MAX_COUNTED ? `at least ${unknown.length}` : String(unknown.length);
  const properties = unknown.length === 1 ? "1 property" : `${count} properties`;
  notes.add("newer_minor_relaxed", () => ({
    message:
      `This notebook is nbformat 4.${String(minor)}, newer than the 4.${NEWEST_SCHEMA_MINOR} Vitrine knows: ` +
      `Vitrine leaves out ${properties} that 4.${NEWEST_SCHEMA_MINOR} does not have (nbformat accepts them too).`,
    pointer: first.pointer,
    ...(first.cell !== undefined ? { cell: first.cell } : {}),
  }));
}
