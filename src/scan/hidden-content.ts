// What only a notebook has: metadata that hides cells, code kept in raw cells or in metadata.

import type { Cell, JsonObject, JsonValue } from "../notebook/types.ts";
import { WIDGET_STATE_MIME, WIDGET_VIEW_MIME } from "../render/output-types.ts";
import { reviewHtml } from "./html.ts";
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
  const hidesSource =
    jupyter["source_hidden"] === true ||
    jupyter["hide"] === true ||
    metadata["hide_input"] === true ||
    hiddenTags.length > 0;
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
  sink.report(
    "hidden-cell",
    { ...place, part: "metadata" },
    `the ${cell.cell_type} cell hides ${what} (${how.join(", ")})`,
    {
      severity: hidesSource && cell.cell_type === "code" ? "medium" : "low",
      excerpt: cell.source.split("\n", 1)[0] ?? "",
    },
  );
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
      if (ref.name === "ImportStatement" || ref.name === "CallExpression" || ref.name === "FunctionDefinition")
        acts = true;
      return !errors;
    },
  });
  return !errors && acts && !/^[A-Z][a-z]+(?: [a-z]+)* \(/.test(trimmed);
}

/** Reports code in a raw cell. */
export function checkRawCell(cell: Cell, place: Place, sink: FindingSink): void {
  if (cell.cell_type !== "raw" || !looksLikePython(cell.source)) return;
  sink.report(
    "hidden-code",
    place,
    "a raw cell holds Python code: it does not run, but a reader may copy it or an extension may run it",
    {
      excerpt: cell.source.trim().split("\n", 1)[0] ?? "",
    },
  );
}

/** Metadata keys whose values are large machine-written state, never code a person wrote. */
const MACHINE_STATE = new Set(["widgets", WIDGET_STATE_MIME, WIDGET_VIEW_MIME]);

/**
 * Calls `visit` with every string in `value` (metadata, or JSON output data), its JSON path, and whether it lies in
 * widget state, which is machine-written (never code a person wrote, but a place to smuggle markup).
 */
export function jsonStrings(
  value: JsonValue,
  visit: (text: string, path: string, machineState: boolean) => void,
): void {
  const walk = (item: JsonValue, path: string, machine: boolean, depth: number): void => {
    if (depth > 64) return;
    if (typeof item === "string") visit(item, path, machine);
    else if (Array.isArray(item))
      item.forEach((element, index) => walk(element, `${path}/${index}`, machine, depth + 1));
    else if (isObject(item)) {
      for (const [key, element] of Object.entries(item)) {
        walk(
          element,
          `${path}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`,
          machine || MACHINE_STATE.has(key),
          depth + 1,
        );
      }
    }
  };
  walk(value, "", false, 0);
}

/** Reports code kept in metadata. */
export function checkMetadataCode(value: string, path: string, place: Place, sink: FindingSink): void {
  if (!looksLikePython(value)) return;
  sink.report("hidden-code", { ...place, part: "metadata" }, `metadata ${path || "/"} holds Python code`, {
    excerpt: value.trim().split("\n", 1)[0] ?? "",
  });
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Whether a JSON path in widget state is the HTML of an output that the state carries (ipywidgets 7 saved the
 * outputs of Output widgets there): that markup is an output's, meant to be drawn, not smuggled.
 */
export function isSavedOutputMarkup(path: string): boolean {
  return /\/outputs\/\d+\/data\/(?:text~1html|image~1svg\+xml|application~1javascript|text~1markdown)$/.test(path);
}

/**
 * Markup where a notebook should have none: metadata (title, tags, widget state), raw cells, image payloads,
 * output metadata. Renderers such as nbconvert have inserted these fields into HTML unescaped; a `<script>` there
 * is aimed at them. Parsed as HTML (parse5), never matched by pattern.
 */
export function checkMarkup(value: string, where: string, place: Place, sink: FindingSink): void {
  if (!value.includes("<")) return;
  const active = reviewHtml(value, false).active.filter((item) => item.rule === "active");
  if (active.length === 0) return;
  const more = active.length > 1 ? ` and ${active.length - 1} more active item${active.length > 2 ? "s" : ""}` : "";
  sink.report("markup-injection", place, `${where} holds ${active[0]!.what}${more}`, { excerpt: value });
}
