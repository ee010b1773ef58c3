// The notebook model's public API: read a notebook file into a typed, validated nbformat 4 notebook, or find
// out exactly where and why it was refused.

export { parseNotebook } from "./parse.ts";
export type { ParseNotebookOptions } from "./parse.ts";
export { NotebookError } from "./errors.ts";
export type { NotebookErrorCode, SourceLocation } from "./errors.ts";
export { DEFAULT_NOTEBOOK_LIMITS, resolveLimits } from "./limits.ts";
export type { NotebookLimits } from "./limits.ts";
export type * from "./types.ts";
export { parseJson } from "./json.ts";
export { locatePointer, pointerAtOffset } from "./json-locate.ts";
export type { JsonLimits } from "./json.ts";
export type { TextPosition } from "./position.ts";
export { validateNotebookV4, schemaMinorFor, isNewerMinor, JSON_MIME_TYPE, NEWEST_SCHEMA_MINOR } from "./validate.ts";
export type { Violation, ViolationCode, ValidateOptions } from "./validate.ts";
export { validateNotebookV3 } from "./validate-v3.ts";
export { upgradeV2ToV3, upgradeV3ToV4, rejoinV2Lines, rejoinV3Lines, UPGRADED_NBFORMAT_MINOR } from "./upgrade.ts";
export type { UpgradeResult } from "./upgrade.ts";
export { escapePointerSegment, joinPointer, parsePointer } from "./pointer.ts";
export { summarizeReadingNotes, MAX_NOTES_PER_CODE, ReadingNoteList } from "./reading-notes.ts";
export type { ReadingNote, ReadingNoteCode, ReadingNoteCounts } from "./reading-notes.ts";
export { repairCellIds } from "./cell-ids.ts";
