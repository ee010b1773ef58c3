// What only a notebook has: metadata that hides cells, code kept in raw cells or in metadata.

import type { Cell, JsonObject, JsonValue } from "../notebook/types.ts";
import { pythonParser } from "./python-tree.ts";
import type { FindingSink } from "./sink.ts";
import type { Place } from "./types.ts";

const HIDING_TAGS = new Set(["hide-input", "remove-input", "hide-cell", "remove-cell", "hide_input", "remove_input"]);

/** Reports a cell whose code or outputs Jupyter (or Jupyter Book) hides from the reader. */
export function checkHiddenCell(cell: Cell, place: Place, sink: FindingSink): void {
  if (cell.cell_type === "markdown") return;
  const metadata = cell.metadata;
  const jupyter = isObject(metadata["jupyter"]) ? metadata["jupyter"] : {};
  const tags = Array.isArray(metadata["tags"]) ? metadata["tags"].filter((tag) => typeof tag === "string") : [];
  const hiddenTags = tags.filter((tag) => HIDING_TAGS.has(tag));
  const hidesSource = jupyter["source_hidden"] === true || jupyter["hide"] === true || metadata["hide_input"] === true || hiddenTags.length > 0;
  const hidesOutputs = jupyter["outputs_hidden"] === true || metadata["hide_output"] === true;
  if (!hidesSource && !hidesOutputs) return;
  const how = [
    jupyter["source_hidden"] === true ? "jupyter.source_hidden" : "",
    jupyter["hide"] === true ? "jupyter.hide" : "",
    metadata["hide_input"] === true ? "hide_input" : "",
    jupyter["outputs_hidden"] === true ? "jupyter.outputs_hidden" : "",
    metadata["hide_output"] === true ? "hide_output" : "",
    ...hiddenTags.map((tag) => `tag ${tag}`),
  ].filter((part) => part !== "");
  const what = hidesSource ? "its code" : "its outputs";
  sink.report("hidden-cell", { ...place, part: "metadata" }, `the ${cell.cell_type} cell hides ${what} (${how.join(", ")})`, {
    severity: hidesSource && cell.cell_type === "code" ? "medium" : "low",
    excerpt: cell.source.split("\n", 1)[0] ?? "",
  });
}

/**
 * Whether `text` is Python code rather than prose, LaTeX or a setting: it parses without error and does something
 * (an import, or a call that is not just a word followed by a parenthesised remark).
 */
export function looksLikePython(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed.length < 8 || !/[(\n]/.test(trimmed)) return false;
  const tree = pythonParser.parse(trimmed);
  let errors = false;
  let acts = false;
  tree.iterate({
    enter: (ref) => {
      if (ref.type.isError) errors = true;
      if (ref.name === "ImportStatement" || ref.name === "CallExpression" || ref.name === "FunctionDefinition") acts = true;
      return !errors;
    },
  });
  return !errors && acts && !/^[A-Z][a-z]+(?: [a-z]+)* \(/.test(trimmed);
}

/** Reports code in a raw cell. */
export function checkRawCell(cell: Cell, place: Place, sink: FindingSink): void {
  if (cell.cell_type !== "raw" || !looksLikePython(cell.source)) return;
  sink.report("hidden-code", place, "a raw cell holds Python code: it does not run, but a reader may copy it or an extension may run it", {
    excerpt: cell.source.trim().split("\n", 1)[0] ?? "",
  });
}

/** Metadata keys whose values are large machine-written state, never code a person wrote. */
const SKIPPED_METADATA = new Set(["widgets", "application/vnd.jupyter.widget-state+json", "application/vnd.jupyter.widget-view+json"]);

/** Calls `visit` with every string in `metadata` and its JSON path (skipping widget state). */
export function metadataStrings(metadata: JsonObject, visit: (value: string, path: string) => void): void {
  const walk = (value: JsonValue, path: string, depth: number): void => {
    if (depth > 32) return;
    if (typeof value === "string") visit(value, path);
    else if (Array.isArray(value)) value.forEach((item, index) => walk(item, `${path}/${index}`, depth + 1));
    else if (isObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        if (!SKIPPED_METADATA.has(key)) walk(item, `${path}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`, depth + 1);
      }
    }
  };
  walk(metadata, "", 0);
}

/** Reports code kept in metadata. */
export function checkMetadataCode(value: string, path: string, place: Place, sink: FindingSink): void {
  if (!looksLikePython(value)) return;
  sink.report("hidden-code", { ...place, part: "metadata" }, `metadata ${path || "/"} holds Python code`, { excerpt: value.trim().split("\n", 1)[0] ?? "" });
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
