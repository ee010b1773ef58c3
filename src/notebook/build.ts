// From a validated nbformat 4 document to the typed Notebook the rest of Vitrine reads. Multi-line values
// (a string or a list of strings) are joined the way nbformat's v4 `rejoin_lines` does: the lines already end
// with their "\n", so they are concatenated. JSON mime types keep their parsed value.
//
// Only call this on a document validateNotebookV4 accepted: the casts below rely on it.
//
// A cell or output of a type newer than Vitrine knows (which only a notebook newer than 4.5 may have) is read as a
// stand-in that every reader of the typed model already shows safely, as text: a raw cell, or a display_data
// output with only text/plain, whose text says that the type is newer than Vitrine knows. Nothing of the unknown
// content is kept in the stand-in: no reader can know whether it is markup, code or something else, and a stand-in
// shown as what it is not would be worse than none. Each stand-in is noted (unknown_cell_type,
// unknown_output_type). Properties a newer minor adds to known objects are not read either.

import { ReadingNoteList } from "./reading-notes.ts";
import { describeValue } from "./schema-keywords.ts";
import type {
  Cell,
  CodeCell,
  DisplayDataOutput,
  JsonObject,
  JsonValue,
  MimeBundle,
  Notebook,
  Output,
} from "./types.ts";
import { JSON_MIME_TYPE } from "./validate.ts";

const CELL_ID = /^[a-zA-Z0-9-_]{1,64}$/u;

/** The typed notebook; a note is added to `notes` for each stand-in. */
export function buildNotebook(document: JsonObject, notes: ReadingNoteList = new ReadingNoteList()): Notebook {
  const cells = document["cells"] as JsonObject[];
  return {
    nbformat: 4,
    nbformat_minor: document["nbformat_minor"] as number,
    metadata: document["metadata"] as JsonObject,
    cells: cells.map((cell, index) => buildCell(cell, index, notes)),
  };
}

/** The sentence a stand-in shows in place of a cell or output of an unknown type. */
export function newerTypeText(what: "cell" | "output", type: JsonValue | undefined): string {
  return `This ${what}'s type, ${describeValue(type)}, is newer than Vitrine knows: Vitrine does not show it.`;
}

function standInCell(cell: JsonObject, index: number, notes: ReadingNoteList): Cell {
  const type = cell["cell_type"];
  const id = cell["id"];
  notes.add("unknown_cell_type", () => ({
    message: `cell ${index + 1} is of the type ${describeValue(type)}, newer than Vitrine knows; it is not shown`,
    pointer: `/cells/${index}/cell_type`,
    cell: index,
  }));
  // The schema does not constrain an unknown cell's id: only one a known cell could have is kept.
  return {
    cell_type: "raw",
    ...(typeof id === "string" && CELL_ID.test(id) ? { id } : {}),
    source: newerTypeText("cell", type),
    metadata: Object.create(null) as JsonObject,
  };
}

function standInOutput(output: JsonObject, pointer: string, cell: number, notes: ReadingNoteList): DisplayDataOutput {
  const type = output["output_type"];
  notes.add("unknown_output_type", () => ({
    message: `an output of cell ${cell + 1} is of the type ${describeValue(type)}, newer than Vitrine knows; it is not shown`,
    pointer: `${pointer}/output_type`,
    cell,
  }));
  const data = Object.create(null) as MimeBundle;
  data["text/plain"] = newerTypeText("output", type);
  return { output_type: "display_data", data, metadata: Object.create(null) as JsonObject };
}

function joinMultiline(value: JsonValue | undefined): string {
  return typeof value === "string" ? value : (value as string[]).join("");
}

function buildCell(cell: JsonObject, index: number, notes: ReadingNoteList): Cell {
  const type = cell["cell_type"];
  if (type !== "code" && type !== "markdown" && type !== "raw") return standInCell(cell, index, notes);
  const id = typeof cell["id"] === "string" ? { id: cell["id"] } : {};
  const source = joinMultiline(cell["source"]);
  const metadata = cell["metadata"] as JsonObject;
  if (type === "code") {
    const code: CodeCell = {
      cell_type: "code",
      ...id,
      source,
      metadata,
      execution_count: cell["execution_count"] as number | null,
      outputs: (cell["outputs"] as JsonObject[]).map((output, k) =>
        buildOutput(output, `/cells/${index}/outputs/${k}`, index, notes),
      ),
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

function buildOutput(output: JsonObject, pointer: string, cell: number, notes: ReadingNoteList): Output {
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
    case "error":
      return {
        output_type: "error",
        ename: output["ename"] as string,
        evalue: output["evalue"] as string,
        traceback: output["traceback"] as string[],
      };
    default:
      return standInOutput(output, pointer, cell, notes);
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
