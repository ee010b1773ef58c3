// Vitrine's validator for nbformat 3, written as code from the official schema
// (../shared/corpus/schema/nbformat.v3.schema.json). v3 notebooks are checked before they are upgraded, so
// that errors point into the file as it is; v2 notebooks are checked by these rules after their (shape-keeping)
// step to v3.
//
// One place where it is stricter than the schema: the schema's `worksheet` has no `"type": "object"`, so a
// worksheet that is a number or a string passes it. Nothing can be upgraded from that (nbformat crashes on
// it), so we report it.

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
  isMultiline,
} from "./schema-keywords.ts";
import type { Violation } from "./schema-keywords.ts";
import { joinPointer } from "./pointer.ts";
import type { JsonValue } from "./types.ts";
import type { ValidateOptions } from "./validate.ts";

/** The v3 output keys that name a format instead of a mime type. */
export const V3_FORMAT_KEYS: readonly string[] = [
  "text",
  "latex",
  "png",
  "jpeg",
  "svg",
  "html",
  "javascript",
  "json",
  "pdf",
];

const NOTEBOOK_KEYS: ReadonlySet<string> = new Set([
  "metadata",
  "nbformat_minor",
  "nbformat",
  "orig_nbformat",
  "orig_nbformat_minor",
  "worksheets",
]);
const WORKSHEET_KEYS: ReadonlySet<string> = new Set(["cells", "metadata"]);
const TEXT_CELL_KEYS: ReadonlySet<string> = new Set(["cell_type", "metadata", "source"]);
const HEADING_CELL_KEYS: ReadonlySet<string> = new Set(["cell_type", "metadata", "source", "level"]);
const CODE_CELL_KEYS: ReadonlySet<string> = new Set([
  "cell_type",
  "language",
  "collapsed",
  "metadata",
  "input",
  "outputs",
  "prompt_number",
]);
const PYOUT_KEYS: ReadonlySet<string> = new Set(["output_type", "prompt_number", "metadata", ...V3_FORMAT_KEYS]);
const DISPLAY_DATA_KEYS: ReadonlySet<string> = new Set(["output_type", "metadata", ...V3_FORMAT_KEYS]);
const STREAM_KEYS: ReadonlySet<string> = new Set(["output_type", "stream", "text"]);
const PYERR_KEYS: ReadonlySet<string> = new Set(["output_type", "ename", "evalue", "traceback"]);
// The schema's patternProperties for extra mime-type keys, verbatim; display_data's lacks the "^".
const PYOUT_MIME_KEY = new RegExp(String.raw`^[a-zA-Z0-9]+/[a-zA-Z0-9\-\+\.]+$`, "u");
const DISPLAY_DATA_MIME_KEY = new RegExp(String.raw`[a-zA-Z0-9]+/[a-zA-Z0-9\-\+\.]+$`, "u");

/** Checks a parsed v3 notebook; returns its violations (empty when valid). */
export function validateNotebookV3(document: JsonValue, options: ValidateOptions = {}): Violation[] {
  const out = new ViolationList(options.maxViolations ?? 100);
  const notebook = expectObject(out, document, "", "a notebook");
  if (!notebook) return out.items;
  checkRequired(out, notebook, "", "the notebook", ["metadata", "nbformat_minor", "nbformat", "worksheets"]);
  checkNoUnknownKeys(out, notebook, "", "an nbformat 3 notebook", NOTEBOOK_KEYS);
  if (has(notebook, "nbformat")) checkInteger(out, notebook["nbformat"], "/nbformat", "'nbformat'", { min: 3, max: 3 });
  if (has(notebook, "nbformat_minor"))
    checkInteger(out, notebook["nbformat_minor"], "/nbformat_minor", "'nbformat_minor'", { min: 0 });
  if (has(notebook, "orig_nbformat"))
    checkInteger(out, notebook["orig_nbformat"], "/orig_nbformat", "'orig_nbformat'", { min: 1 });
  if (has(notebook, "orig_nbformat_minor"))
    checkInteger(out, notebook["orig_nbformat_minor"], "/orig_nbformat_minor", "'orig_nbformat_minor'", { min: 0 });
  if (has(notebook, "metadata")) checkNotebookMetadata(out, notebook["metadata"]);
  if (!has(notebook, "worksheets")) return out.items;
  const worksheets = expectArray(out, notebook["worksheets"], "/worksheets", "'worksheets'");
  let cellIndex = 0;
  worksheets?.forEach((value, w) => {
    const pointer = `/worksheets/${w}`;
    const worksheet = expectObject(out, value, pointer, "a worksheet");
    if (!worksheet) return;
    checkRequired(out, worksheet, pointer, "the worksheet", ["cells"]);
    checkNoUnknownKeys(out, worksheet, pointer, "a worksheet", WORKSHEET_KEYS);
    if (has(worksheet, "metadata"))
      expectObject(out, worksheet["metadata"], `${pointer}/metadata`, "worksheet 'metadata'");
    if (!has(worksheet, "cells")) return;
    const cells = expectArray(out, worksheet["cells"], `${pointer}/cells`, "'cells'");
    cells?.forEach((cell, c) => {
      out.cell = cellIndex++;
      checkCell(out, cell, `${pointer}/cells/${c}`);
    });
    out.cell = undefined;
  });
  return out.items;
}

function checkNotebookMetadata(out: ViolationList, value: JsonValue | undefined): void {
  const metadata = expectObject(out, value, "/metadata", "notebook 'metadata'");
  if (!metadata) return;
  if (has(metadata, "kernel_info")) {
    const info = expectObject(out, metadata["kernel_info"], "/metadata/kernel_info", "metadata 'kernel_info'");
    if (info) {
      checkRequired(out, info, "/metadata/kernel_info", "metadata 'kernel_info'", ["name", "language"]);
      for (const key of ["name", "language", "codemirror_mode"]) {
        if (has(info, key)) checkString(out, info[key], `/metadata/kernel_info/${key}`, `kernel_info '${key}'`);
      }
    }
  }
  if (has(metadata, "signature"))
    checkString(out, metadata["signature"], "/metadata/signature", "metadata 'signature'");
}

function checkCell(out: ViolationList, value: JsonValue, pointer: string): void {
  const cell = expectObject(out, value, pointer, "a cell");
  if (!cell) return;
  if (!has(cell, "cell_type")) {
    out.add(pointer, "the cell is missing the required property 'cell_type'");
    return;
  }
  const type = cell["cell_type"];
  const what = `a ${String(type)} cell`;
  if (type === "raw" || type === "markdown" || type === "html") {
    checkRequired(out, cell, pointer, what, ["cell_type", "source"]);
    checkNoUnknownKeys(out, cell, pointer, what, TEXT_CELL_KEYS);
  } else if (type === "heading") {
    checkRequired(out, cell, pointer, what, ["cell_type", "source", "level"]);
    checkNoUnknownKeys(out, cell, pointer, what, HEADING_CELL_KEYS);
    if (has(cell, "level")) checkInteger(out, cell["level"], `${pointer}/level`, "the heading 'level'", { min: 1 });
  } else if (type === "code") {
    checkRequired(out, cell, pointer, what, ["cell_type", "input", "outputs", "language"]);
    checkNoUnknownKeys(out, cell, pointer, what, CODE_CELL_KEYS);
    if (has(cell, "language")) checkString(out, cell["language"], `${pointer}/language`, "the cell 'language'");
    if (has(cell, "collapsed")) checkBoolean(out, cell["collapsed"], `${pointer}/collapsed`, "'collapsed'");
    if (has(cell, "input")) checkMultiline(out, cell["input"], `${pointer}/input`, "the cell 'input'");
    if (has(cell, "prompt_number"))
      checkInteger(out, cell["prompt_number"], `${pointer}/prompt_number`, "'prompt_number'", {
        min: 0,
        nullable: true,
      });
    if (has(cell, "outputs")) {
      const outputs = expectArray(out, cell["outputs"], `${pointer}/outputs`, "'outputs'");
      outputs?.forEach((output, index) => checkOutput(out, output, `${pointer}/outputs/${index}`));
    }
  } else {
    out.add(
      `${pointer}/cell_type`,
      `unknown cell_type ${describeValue(type)}: nbformat 3 knows 'code', 'markdown', 'html', 'heading' and 'raw'`,
    );
    return;
  }
  if (type !== "code" && has(cell, "source"))
    checkMultiline(out, cell["source"], `${pointer}/source`, "the cell 'source'");
  if (has(cell, "metadata")) {
    const metadata = expectObject(out, cell["metadata"], `${pointer}/metadata`, "cell 'metadata'");
    // Only raw and markdown cells constrain their metadata in v3.
    if (metadata && (type === "raw" || type === "markdown" || type === "html")) {
      if (has(metadata, "name")) checkCellName(out, metadata["name"], `${pointer}/metadata/name`);
      if (has(metadata, "tags")) checkTags(out, metadata["tags"], `${pointer}/metadata/tags`);
      if (type === "raw" && has(metadata, "format"))
        checkString(out, metadata["format"], `${pointer}/metadata/format`, "raw cell metadata 'format'");
    }
  }
}

function checkOutput(out: ViolationList, value: JsonValue, pointer: string): void {
  const output = expectObject(out, value, pointer, "an output");
  if (!output) return;
  if (!has(output, "output_type")) {
    out.add(pointer, "the output is missing the required property 'output_type'");
    return;
  }
  const type = output["output_type"];
  const what = `a ${String(type)} output`;
  if (type === "pyout" || type === "display_data") {
    const pattern = type === "pyout" ? PYOUT_MIME_KEY : DISPLAY_DATA_MIME_KEY;
    if (type === "pyout") {
      checkRequired(out, output, pointer, what, ["output_type", "prompt_number"]);
      // Unlike a code cell's, a pyout's prompt_number may not be null.
      if (has(output, "prompt_number"))
        checkInteger(out, output["prompt_number"], `${pointer}/prompt_number`, "'prompt_number'", { min: 0 });
    }
    checkNoUnknownKeys(out, output, pointer, what, type === "pyout" ? PYOUT_KEYS : DISPLAY_DATA_KEYS, [pattern]);
    if (has(output, "metadata")) expectObject(out, output["metadata"], `${pointer}/metadata`, "output 'metadata'");
    for (const key of Object.keys(output)) {
      if (isMultiline(output[key]) || !(V3_FORMAT_KEYS.includes(key) || pattern.test(key))) continue;
      checkMultiline(out, output[key], joinPointer(pointer, key), `the ${JSON.stringify(key)} data`);
    }
  } else if (type === "stream") {
    checkRequired(out, output, pointer, what, ["output_type", "stream", "text"]);
    checkNoUnknownKeys(out, output, pointer, what, STREAM_KEYS);
    if (has(output, "stream")) checkString(out, output["stream"], `${pointer}/stream`, "the stream name 'stream'");
    if (has(output, "text")) checkMultiline(out, output["text"], `${pointer}/text`, "the stream 'text'");
  } else if (type === "pyerr") {
    checkRequired(out, output, pointer, what, ["output_type", "ename", "evalue", "traceback"]);
    checkNoUnknownKeys(out, output, pointer, what, PYERR_KEYS);
    if (has(output, "ename")) checkString(out, output["ename"], `${pointer}/ename`, "'ename'");
    if (has(output, "evalue")) checkString(out, output["evalue"], `${pointer}/evalue`, "'evalue'");
    if (has(output, "traceback")) checkArrayOfStrings(out, output["traceback"], `${pointer}/traceback`, "'traceback'");
  } else {
    out.add(
      `${pointer}/output_type`,
      `unknown output_type ${describeValue(type)}: nbformat 3 knows 'pyout', 'display_data', 'stream' and 'pyerr'`,
    );
  }
}
