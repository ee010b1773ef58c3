// Vitrine's own validator for nbformat 4.0 to 4.5, written as code from the official JSON schemas
// (../shared/corpus/schema/nbformat.v4.<minor>.schema.json). The tests hold it against those schemas with Ajv
// as the oracle (test/schema-oracle.test.ts).
//
// What changes between minors, as the schema files have it:
//   4.0  the base rules; raw and markdown cells may have attachments
//   4.1  nbformat_minor >= 1
//   4.2  notebook metadata `title` (string) and `authors` (array)
//   4.3  cell metadata `jupyter` (object) on every cell type
//   4.4  code cell metadata `execution` (object of strings)
//   4.5  cell `id` required (^[a-zA-Z0-9-_]+$, 1 to 64 characters); before 4.5 an `id` is an unknown property
//
// Decisions where the schema alone does not settle it:
// - Minors newer than 4.5 (a notebook "from the future", e.g. 4.99) are checked against the 4.5 rules relaxed as
//   nbformat relaxes them (validator.py `get_validator`, when the file's minor is newer than the one it knows):
//   no `additionalProperties: false` applies, and a cell or output of a type 4.5 does not know is accepted as
//   the schema's `unrecognized_cell` (a `cell_type` and an object `metadata`, whose name and tags are checked) or
//   `unrecognized_output` (an `output_type`). One relaxation of nbformat's is not made: it sets every
//   `additionalProperties` to true, the mime bundle's too, which lets `"text/html": 5` through; here a mime
//   bundle's values stay strings or lists of strings (JSON types aside), since every reader of a bundle takes
//   them as text. `newerMinor: "strict"` checks such a notebook against the 4.5 rules as they are.
// - Duplicate cell ids are reported (`duplicate_cell_id`). The schema cannot express uniqueness; nbformat
//   itself calls them invalid in `isvalid()`. Its `validate()` repairs them, as the reader does before it
//   validates (cell-ids.ts), so only a caller of this function alone sees them.
// - A missing or non-integer nbformat_minor is reported, and the rest is checked against the 4.0 rules.

import {
  ViolationList,
  checkArrayOfStrings,
  checkBoolean,
  checkCellName,
  checkInteger,
  checkMultiline,
  checkNoUnknownKeys,
  checkRequired,
  checkString,
  checkTags,
  describeValue,
  expectArray,
  expectObject,
  has,
  isInteger,
  isMultiline,
  isObject,
} from "./schema-keywords.ts";
import type { Violation } from "./schema-keywords.ts";
import { joinPointer } from "./pointer.ts";
import type { JsonObject, JsonValue } from "./types.ts";

export type { Violation, ViolationCode } from "./schema-keywords.ts";

/** The newest minor with a schema; newer minors are checked against it. */
export const NEWEST_SCHEMA_MINOR = 5;

export interface ValidateOptions {
  /** Stop collecting after this many violations (default 100). */
  maxViolations?: number;
  /** A minor newer than NEWEST_SCHEMA_MINOR: its rules relaxed as nbformat relaxes them (default), or as they are. */
  newerMinor?: "relax" | "strict";
}

/** Whether an nbformat_minor is newer than the newest schema (nbformat relaxes the rules for such notebooks). */
export function isNewerMinor(nbformatMinor: JsonValue | undefined): boolean {
  return isInteger(nbformatMinor) && nbformatMinor > NEWEST_SCHEMA_MINOR;
}

/** Which v4.x schema applies to a notebook's nbformat_minor (missing or odd values get 4.0). */
export function schemaMinorFor(nbformatMinor: JsonValue | undefined): number {
  if (!isInteger(nbformatMinor) || nbformatMinor < 0) return 0;
  return Math.min(nbformatMinor, NEWEST_SCHEMA_MINOR);
}

// Keys matching this hold any JSON value in a mime bundle; every other key holds a (multi-line) string.
export const JSON_MIME_TYPE = /^application\/(.*\+)?json$/u;
const CELL_ID = /^[a-zA-Z0-9-_]+$/u;
const ANY_SINGLE_LINE_KEY = /^.*$/u;

const NOTEBOOK_KEYS: ReadonlySet<string> = new Set(["metadata", "nbformat_minor", "nbformat", "cells"]);
const OUTPUT_KEYS: Readonly<Record<string, readonly string[]>> = {
  execute_result: ["output_type", "data", "metadata", "execution_count"],
  display_data: ["output_type", "data", "metadata"],
  stream: ["output_type", "name", "text"],
  error: ["output_type", "ename", "evalue", "traceback"],
};
const OUTPUT_KNOWN_KEYS: Readonly<Record<string, ReadonlySet<string>>> = Object.fromEntries(
  Object.entries(OUTPUT_KEYS).map(([type, keys]) => [type, new Set(keys)]),
);

/** Required and allowed keys per cell type, with ("+id") and without cell ids. */
const CELL_KEYS: Readonly<Record<string, { required: readonly string[]; known: ReadonlySet<string> }>> =
  Object.fromEntries(
    ["code", "markdown", "raw"].flatMap((type) =>
      [false, true].map((withId) => {
        const required = [
          ...(withId ? ["id"] : []),
          "cell_type",
          "metadata",
          "source",
          ...(type === "code" ? ["outputs", "execution_count"] : []),
        ];
        const known = new Set(type === "code" ? required : [...required, "attachments"]);
        return [`${type}${withId ? "+id" : ""}`, { required, known }];
      }),
    ),
  );

/** Checks a parsed v4 notebook; returns its violations, outermost first and cells in order (empty when valid). */
export function validateNotebookV4(document: JsonValue, options: ValidateOptions = {}): Violation[] {
  const out = new ViolationList(options.maxViolations ?? 100);
  const notebook = expectObject(out, document, "", "a notebook");
  if (!notebook) return out.items;
  const minor = schemaMinorFor(notebook["nbformat_minor"]);
  const relax = options.newerMinor !== "strict" && isNewerMinor(notebook["nbformat_minor"]);

  checkRequired(out, notebook, "", "the notebook", ["metadata", "nbformat_minor", "nbformat", "cells"]);
  if (!relax) checkNoUnknownKeys(out, notebook, "", `an nbformat 4.${minor} notebook`, NOTEBOOK_KEYS);
  if (has(notebook, "nbformat")) checkInteger(out, notebook["nbformat"], "/nbformat", "'nbformat'", { min: 4, max: 4 });
  if (has(notebook, "nbformat_minor"))
    checkInteger(out, notebook["nbformat_minor"], "/nbformat_minor", "'nbformat_minor'", { min: minor });
  if (has(notebook, "metadata")) checkNotebookMetadata(out, notebook["metadata"], minor);
  if (has(notebook, "cells")) {
    const cells = expectArray(out, notebook["cells"], "/cells", "'cells'");
    const idOwners = new Map<string, number>();
    cells?.forEach((cell, index) => {
      out.cell = index;
      const pointer = `/cells/${index}`;
      checkCell(out, cell, pointer, minor, relax);
      if (minor >= 5 && isObject(cell) && typeof cell["id"] === "string") {
        const id = cell["id"];
        const owner = idOwners.get(id);
        if (owner === undefined) idOwners.set(id, index);
        else
          out.add(
            `${pointer}/id`,
            `cell id ${describeValue(id)} is already the id of cell ${owner + 1}; cell ids must be unique`,
            "duplicate_cell_id",
          );
      }
    });
    out.cell = undefined;
  }
  return out.items;
}

function checkNotebookMetadata(out: ViolationList, value: JsonValue | undefined, minor: number): void {
  const metadata = expectObject(out, value, "/metadata", "notebook 'metadata'");
  if (!metadata) return;
  if (has(metadata, "kernelspec")) {
    const kernelspec = expectObject(out, metadata["kernelspec"], "/metadata/kernelspec", "metadata 'kernelspec'");
    if (kernelspec) {
      checkRequired(out, kernelspec, "/metadata/kernelspec", "metadata 'kernelspec'", ["name", "display_name"]);
      for (const key of ["name", "display_name"]) {
        if (has(kernelspec, key))
          checkString(out, kernelspec[key], `/metadata/kernelspec/${key}`, `kernelspec '${key}'`);
      }
    }
  }
  if (has(metadata, "language_info")) {
    const info = expectObject(out, metadata["language_info"], "/metadata/language_info", "metadata 'language_info'");
    if (info) {
      checkRequired(out, info, "/metadata/language_info", "metadata 'language_info'", ["name"]);
      for (const key of ["name", "file_extension", "mimetype", "pygments_lexer"]) {
        if (has(info, key)) checkString(out, info[key], `/metadata/language_info/${key}`, `language_info '${key}'`);
      }
      const mode = info["codemirror_mode"];
      if (has(info, "codemirror_mode") && typeof mode !== "string" && !isObject(mode)) {
        out.add(
          "/metadata/language_info/codemirror_mode",
          `language_info 'codemirror_mode' must be a string or an object, found ${describeValue(mode)}`,
        );
      }
    }
  }
  if (has(metadata, "orig_nbformat"))
    checkInteger(out, metadata["orig_nbformat"], "/metadata/orig_nbformat", "metadata 'orig_nbformat'", { min: 1 });
  if (minor >= 2) {
    if (has(metadata, "title")) checkString(out, metadata["title"], "/metadata/title", "metadata 'title'");
    // The schema describes the authors' items under a misspelt keyword ("item"), so only the array is checked.
    if (has(metadata, "authors")) expectArray(out, metadata["authors"], "/metadata/authors", "metadata 'authors'");
  }
}

function checkCell(out: ViolationList, value: JsonValue, pointer: string, minor: number, relax: boolean): void {
  const cell = expectObject(out, value, pointer, "a cell");
  if (!cell) return;
  if (!has(cell, "cell_type")) {
    out.add(pointer, "the cell is missing the required property 'cell_type' ('code', 'markdown' or 'raw')");
    return;
  }
  const type = cell["cell_type"];
  if (type !== "code" && type !== "markdown" && type !== "raw") {
    if (relax) return checkUnrecognizedCell(out, cell, pointer);
    out.add(
      `${pointer}/cell_type`,
      `unknown cell_type ${describeValue(type)}: nbformat 4.${minor} knows 'code', 'markdown' and 'raw'`,
      "schema_violation",
      "unknown_type",
    );
    return;
  }
  const withId = minor >= 5;
  const keys = CELL_KEYS[`${type}${withId ? "+id" : ""}`] as {
    required: readonly string[];
    known: ReadonlySet<string>;
  };
  const what = `a ${type} cell`;
  checkRequired(out, cell, pointer, what, keys.required);
  if (!relax) {
    checkNoUnknownKeys(out, cell, pointer, what, keys.known, [], (key) =>
      key === "id" ? `cell ids arrived in nbformat 4.5; this notebook says 4.${minor}` : undefined,
    );
  }
  if (withId && has(cell, "id")) checkCellId(out, cell["id"], `${pointer}/id`);
  if (has(cell, "metadata")) checkCellMetadata(out, cell["metadata"], `${pointer}/metadata`, type, minor);
  if (has(cell, "source")) checkMultiline(out, cell["source"], `${pointer}/source`, "the cell 'source'");
  if (type !== "code" && has(cell, "attachments")) checkAttachments(out, cell["attachments"], `${pointer}/attachments`);
  if (type === "code") {
    if (has(cell, "outputs")) {
      const outputs = expectArray(out, cell["outputs"], `${pointer}/outputs`, "'outputs'");
      outputs?.forEach((output, index) => checkOutput(out, output, `${pointer}/outputs/${index}`, relax));
    }
    if (has(cell, "execution_count")) {
      checkInteger(out, cell["execution_count"], `${pointer}/execution_count`, "'execution_count'", {
        min: 0,
        nullable: true,
      });
    }
  }
}

function checkCellId(out: ViolationList, value: JsonValue | undefined, pointer: string): void {
  if (typeof value !== "string") return checkString(out, value, pointer, "the cell 'id'");
  // The pattern allows ASCII only, so UTF-16 length and Ajv's code-point length agree.
  if (value.length < 1 || value.length > 64 || !CELL_ID.test(value)) {
    out.add(pointer, `the cell id ${describeValue(value)} must be 1 to 64 characters of letters, digits, '-' and '_'`);
  }
}

function checkCellMetadata(
  out: ViolationList,
  value: JsonValue | undefined,
  pointer: string,
  type: string,
  minor: number,
): void {
  const metadata = expectObject(out, value, pointer, "cell 'metadata'");
  if (!metadata) return;
  if (has(metadata, "name")) checkCellName(out, metadata["name"], `${pointer}/name`);
  if (has(metadata, "tags")) checkTags(out, metadata["tags"], `${pointer}/tags`);
  // The schemas put `source_hidden` / `outputs_hidden` beside `jupyter`'s properties, not in them, so they
  // constrain nothing: `jupyter` only has to be an object.
  if (minor >= 3 && has(metadata, "jupyter"))
    expectObject(out, metadata["jupyter"], `${pointer}/jupyter`, "metadata 'jupyter'");
  if (type === "raw" && has(metadata, "format"))
    checkString(out, metadata["format"], `${pointer}/format`, "raw cell metadata 'format'");
  if (type !== "code") return;
  if (has(metadata, "collapsed"))
    checkBoolean(out, metadata["collapsed"], `${pointer}/collapsed`, "metadata 'collapsed'");
  if (has(metadata, "scrolled")) {
    const scrolled = metadata["scrolled"];
    if (scrolled !== true && scrolled !== false && scrolled !== "auto") {
      out.add(
        `${pointer}/scrolled`,
        `metadata 'scrolled' must be true, false or "auto", found ${describeValue(scrolled)}`,
      );
    }
  }
  if (minor >= 4 && has(metadata, "execution")) {
    const execution = expectObject(out, metadata["execution"], `${pointer}/execution`, "metadata 'execution'");
    if (execution) {
      for (const key of Object.keys(execution)) {
        if (typeof execution[key] === "string" || !ANY_SINGLE_LINE_KEY.test(key)) continue;
        checkString(
          out,
          execution[key],
          joinPointer(`${pointer}/execution`, key),
          `execution timing ${JSON.stringify(key)}`,
        );
      }
    }
  }
}

/** The schema's unrecognized_cell: a cell of a type newer than 4.5, in a notebook newer than 4.5. */
function checkUnrecognizedCell(out: ViolationList, cell: JsonObject, pointer: string): void {
  checkRequired(out, cell, pointer, "a cell", ["metadata"]);
  if (!has(cell, "metadata")) return;
  const metadata = expectObject(out, cell["metadata"], `${pointer}/metadata`, "cell 'metadata'");
  if (!metadata) return;
  if (has(metadata, "name")) checkCellName(out, metadata["name"], `${pointer}/metadata/name`);
  if (has(metadata, "tags")) checkTags(out, metadata["tags"], `${pointer}/metadata/tags`);
}

function checkOutput(out: ViolationList, value: JsonValue, pointer: string, relax: boolean): void {
  const output = expectObject(out, value, pointer, "an output");
  if (!output) return;
  if (!has(output, "output_type")) {
    out.add(pointer, "the output is missing the required property 'output_type'");
    return;
  }
  const type = output["output_type"];
  const keys = typeof type === "string" && Object.hasOwn(OUTPUT_KEYS, type) ? OUTPUT_KEYS[type] : undefined;
  if (keys === undefined) {
    // The schema's unrecognized_output asks for nothing more than an output_type that is not one of the four.
    if (relax) return;
    out.add(
      `${pointer}/output_type`,
      `unknown output_type ${describeValue(type)}: expected 'execute_result', 'display_data', 'stream' or 'error'`,
      "schema_violation",
      "unknown_type",
    );
    return;
  }
  const what = `a ${String(type)} output`;
  checkRequired(out, output, pointer, what, keys);
  if (!relax) checkNoUnknownKeys(out, output, pointer, what, OUTPUT_KNOWN_KEYS[String(type)] ?? new Set());
  // Each output type's own properties; another type's, which a relaxed notebook may carry, are not checked.
  const withData = type === "execute_result" || type === "display_data";
  if (withData && has(output, "data")) checkMimeBundle(out, output["data"], `${pointer}/data`, "output 'data'");
  if (withData && has(output, "metadata"))
    expectObject(out, output["metadata"], `${pointer}/metadata`, "output 'metadata'");
  if (type === "execute_result" && has(output, "execution_count")) {
    checkInteger(out, output["execution_count"], `${pointer}/execution_count`, "'execution_count'", {
      min: 0,
      nullable: true,
    });
  }
  if (type === "stream") {
    if (has(output, "name")) checkString(out, output["name"], `${pointer}/name`, "the stream 'name'");
    if (has(output, "text")) checkMultiline(out, output["text"], `${pointer}/text`, "the stream 'text'");
  }
  if (type === "error") {
    if (has(output, "ename")) checkString(out, output["ename"], `${pointer}/ename`, "'ename'");
    if (has(output, "evalue")) checkString(out, output["evalue"], `${pointer}/evalue`, "'evalue'");
    if (has(output, "traceback")) checkArrayOfStrings(out, output["traceback"], `${pointer}/traceback`, "'traceback'");
  }
}

/** misc/mimebundle: JSON mime types hold any value; every other one a string or list of strings. */
function checkMimeBundle(out: ViolationList, value: JsonValue | undefined, pointer: string, what: string): void {
  const bundle = expectObject(out, value, pointer, what);
  if (!bundle) return;
  for (const mime of Object.keys(bundle)) {
    if (isMultiline(bundle[mime]) || JSON_MIME_TYPE.test(mime)) continue;
    checkMultiline(out, bundle[mime], joinPointer(pointer, mime), `the ${JSON.stringify(mime)} data`);
  }
}

function checkAttachments(out: ViolationList, value: JsonValue | undefined, pointer: string): void {
  const attachments: JsonObject | undefined = expectObject(out, value, pointer, "'attachments'");
  if (!attachments) return;
  for (const name of Object.keys(attachments)) {
    checkMimeBundle(out, attachments[name], joinPointer(pointer, name), `the attachment ${JSON.stringify(name)}`);
  }
}
