// From a validated nbformat 4 document to the typed Notebook the rest of Vitrine reads. Multi-line values
// (a string or a list of strings) are joined the way nbformat's v4 `rejoin_lines` does: the lines already end
// with their "\n", so they are concatenated. JSON mime types keep their parsed value.
//
// Only call this on a document validateNotebookV4 accepted: the casts below rely on it.

import type { Cell, CodeCell, JsonObject, JsonValue, MimeBundle, Notebook, Output } from "./types.ts";
import { JSON_MIME_TYPE } from "./validate.ts";

export function buildNotebook(document: JsonObject): Notebook {
  const cells = document["cells"] as JsonObject[];
  return {
    nbformat: 4,
    nbformat_minor: document["nbformat_minor"] as number,
    metadata: document["metadata"] as JsonObject,
    cells: cells.map(buildCell),
  };
}

function joinMultiline(value: JsonValue | undefined): string {
  return typeof value === "string" ? value : (value as string[]).join("");
}

function buildCell(cell: JsonObject): Cell {
  const id = typeof cell["id"] === "string" ? { id: cell["id"] } : {};
  const source = joinMultiline(cell["source"]);
  const metadata = cell["metadata"] as JsonObject;
  const type = cell["cell_type"];
  if (type === "code") {
    const code: CodeCell = {
      cell_type: "code",
      ...id,
      source,
      metadata,
      execution_count: cell["execution_count"] as number | null,
      outputs: (cell["outputs"] as JsonObject[]).map(buildOutput),
    };
    return code;
  }
  const attachments = cell["attachments"];
  const text = {
    ...id,
    source,
    metadata,
    ...(attachments === undefined ? {} : { attachments: buildAttachments(attachments as JsonObject) }),
  };
  return type === "raw" ? { cell_type: "raw", ...text } : { cell_type: "markdown", ...text };
}

function buildOutput(output: JsonObject): Output {
  switch (output["output_type"]) {
    case "stream":
      return { output_type: "stream", name: output["name"] as string, text: joinMultiline(output["text"]) };
    case "display_data":
      return {
        output_type: "display_data",
        data: buildMimeBundle(output["data"] as JsonObject),
        metadata: output["metadata"] as JsonObject,
      };
    case "execute_result":
      return {
        output_type: "execute_result",
        execution_count: output["execution_count"] as number | null,
        data: buildMimeBundle(output["data"] as JsonObject),
        metadata: output["metadata"] as JsonObject,
      };
    default:
      return {
        output_type: "error",
        ename: output["ename"] as string,
        evalue: output["evalue"] as string,
        traceback: output["traceback"] as string[],
      };
  }
}

/** A fresh null-prototype bundle: mime types are keys from the file, so none may reach a prototype. */
function buildMimeBundle(data: JsonObject): MimeBundle {
  const bundle = Object.create(null) as MimeBundle;
  for (const mime of Object.keys(data)) {
    const value = data[mime] ?? null;
    bundle[mime] = JSON_MIME_TYPE.test(mime) ? value : joinMultiline(value);
  }
  return bundle;
}

function buildAttachments(attachments: JsonObject): Record<string, MimeBundle> {
  const built = Object.create(null) as Record<string, MimeBundle>;
  for (const name of Object.keys(attachments)) built[name] = buildMimeBundle(attachments[name] as JsonObject);
  return built;
}
