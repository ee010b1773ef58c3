// Cells on the system clipboard, for the notebook editor's command mode: Ctrl/Cmd-C, -X and -V (the page's
// `copy`, `cut` and `paste` events, which need no permission, unlike navigator.clipboard reads) put the selected
// cells there as `text/plain` (their sources, separated by an empty line) and as CELLS_MIME (an nbformat 4
// notebook holding those cells), and paste cells from it: from another tab, another Vitrine notebook, or plain
// text, which becomes one code cell. The in-app clipboard (C, X, V) is the edit model's and works as before.
//
// What a paste brings is untrusted input: any page the person visited may have put it there. It is read by
// `cellsFromJson` with bounds on its size and cell count, each cell's type and source checked, and everything
// else rebuilt rather than copied: new ids (the model's pasteCells), empty metadata but for valid tags, and
// no outputs, execution counts or attachments. Outputs and attachments are dropped, not validated, since they are
// what a notebook shows actively (HTML and scripts in frames, SVG and images): what the studio shows of a file's
// outputs follows from its review when it was uploaded, and outputs pasted in would be outputs no review saw, from
// a source outside the studio. A source is only text: the editor shows it as text and it runs only when the
// person runs it. For the same reason the copy writes no outputs either.
import { useEffect, useState, type RefObject } from "react";
import { MAX_CELL_SOURCE_CHARS } from "../contract/kernel-socket.ts";
import type { Cell } from "../notebook/types.ts";
import { serializeNotebook, type CellType, type NotebookEditModel } from "./notebook-edit-model.ts";

/** The clipboard type of Vitrine's cells: an nbformat 4 notebook of them, as JSON. */
export const CELLS_MIME = "application/x-vitrine-cells+json";
/** Most cells one paste takes. */
export const MAX_PASTED_CELLS = 1000;
/** Longest clipboard text a paste reads, in UTF-16 units (of the JSON, or of plain text). */
export const MAX_PASTED_CHARS = 8_000_000;
/** Most tags a pasted cell keeps, and their longest. */
const MAX_TAGS = 100;
const MAX_TAG_CHARS = 200;

const CELL_TYPES: ReadonlySet<string> = new Set<CellType>(["code", "markdown", "raw"]);

export type CellClipboardErrorCode =
  | "clipboard_too_large"
  | "clipboard_not_json"
  | "clipboard_bad_shape"
  | "clipboard_too_many_cells"
  | "clipboard_bad_cell";

/** A clipboard's cells that are refused, with where in them (a JSON pointer, or "text"). */
export class CellClipboardError extends Error {
  readonly code: CellClipboardErrorCode;
  readonly place: string;
  constructor(code: CellClipboardErrorCode, place: string, message: string) {
    super(message);
    this.name = "CellClipboardError";
    this.code = code;
    this.place = place;
  }
}

/** What a copy puts on the clipboard for the cells. */
export function clipboardPayload(cells: readonly Cell[]): { text: string; json: string } {
  const text = cells.map((c) => c.source).join("\n\n");
  const json = serializeNotebook({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: cells.map((cell): Cell => {
      const head = { ...(cell.id === undefined ? {} : { id: cell.id }), source: cell.source, metadata: cell.metadata };
      if (cell.cell_type === "code") return { cell_type: "code", ...head, execution_count: null, outputs: [] };
      return { cell_type: cell.cell_type, ...head };
    }),
  });
  return { text, json };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The cells of CELLS_MIME's JSON, checked and rebuilt (see the note at the top). */
export function cellsFromJson(json: string): Cell[] {
  if (json.length > MAX_PASTED_CHARS)
    throw new CellClipboardError(
      "clipboard_too_large",
      "",
      `the clipboard's cells are ${json.length} characters; at most ${MAX_PASTED_CHARS} are pasted`,
    );
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch {
    throw new CellClipboardError("clipboard_not_json", "", "the clipboard's cells are not JSON");
  }
  if (!isObject(document) || document["nbformat"] !== 4 || !Array.isArray(document["cells"]))
    throw new CellClipboardError("clipboard_bad_shape", "", "the clipboard's cells are not an nbformat 4 notebook");
  const list = document["cells"] as unknown[];
  if (list.length > MAX_PASTED_CELLS)
    throw new CellClipboardError(
      "clipboard_too_many_cells",
      "/cells",
      `the clipboard holds ${list.length} cells; at most ${MAX_PASTED_CELLS} are pasted at once`,
    );
  return list.map((entry, i) => cellOf(entry, `/cells/${i}`));
}

function cellOf(entry: unknown, place: string): Cell {
  if (!isObject(entry)) throw new CellClipboardError("clipboard_bad_cell", place, "a cell is not an object");
  const type = entry["cell_type"];
  if (typeof type !== "string" || !CELL_TYPES.has(type))
    throw new CellClipboardError("clipboard_bad_cell", `${place}/cell_type`, "a cell is not code, markdown or raw");
  const source = sourceOf(entry["source"], `${place}/source`);
  const metadata = isObject(entry["metadata"]) ? metadataOf(entry["metadata"]) : {};
  if (type === "code") return { cell_type: "code", source, metadata, execution_count: null, outputs: [] };
  return { cell_type: type as "markdown" | "raw", source, metadata };
}

/** nbformat's multi-line string: a string, or a list of strings joined. */
function sourceOf(value: unknown, place: string): string {
  let source: string;
  if (typeof value === "string") source = value;
  else if (Array.isArray(value) && value.every((line) => typeof line === "string")) source = value.join("");
  else throw new CellClipboardError("clipboard_bad_cell", place, "a cell's source is not text");
  if (source.length > MAX_CELL_SOURCE_CHARS)
    throw new CellClipboardError(
      "clipboard_bad_cell",
      place,
      `a cell's source is ${source.length} characters; at most ${MAX_CELL_SOURCE_CHARS}`,
    );
  return source.replace(/\r\n?/g, "\n");
}

/** Of a pasted cell's metadata only its tags stay, when they are what nbformat allows (other keys have schemas). */
function metadataOf(metadata: Record<string, unknown>): Cell["metadata"] {
  const tags = metadata["tags"];
  if (
    Array.isArray(tags) &&
    tags.length > 0 &&
    tags.length <= MAX_TAGS &&
    tags.every((t) => typeof t === "string" && t.length > 0 && t.length <= MAX_TAG_CHARS && !t.includes(",")) &&
    new Set(tags).size === tags.length
  )
    return { tags: tags as string[] };
  return {};
}

/** Plain text pasted as one new code cell. */
export function cellFromText(text: string): Cell {
  if (text.length > MAX_CELL_SOURCE_CHARS)
    throw new CellClipboardError(
      "clipboard_too_large",
      "text",
      `the clipboard's text is ${text.length} characters; a cell holds at most ${MAX_CELL_SOURCE_CHARS}`,
    );
  return { cell_type: "code", source: text.replace(/\r\n?/g, "\n"), metadata: {}, execution_count: null, outputs: [] };
}

/** What a paste event's data holds, as cells: Vitrine's cells when there are, else the text; null for neither. */
export function cellsFromClipboard(data: Pick<DataTransfer, "getData" | "types">): Cell[] | null {
  const types = Array.from(data.types);
  if (types.includes(CELLS_MIME)) return cellsFromJson(data.getData(CELLS_MIME));
  const text = types.includes("text/plain") ? data.getData("text/plain") : "";
  return text === "" ? null : [cellFromText(text)];
}

/** Whether the page's focus (and, for a copy, its selection) leave a clipboard key to the notebook's cells. */
function forCells(root: HTMLElement, model: NotebookEditModel, copying: boolean): boolean {
  if (model.state.mode !== "command") return false;
  const doc = root.ownerDocument;
  const active = doc.activeElement;
  if (!active || !(active === root || root.contains(active))) return false;
  // A person copying text they selected (an output, rendered markdown) copies that text.
  const selection = copying ? doc.getSelection() : null;
  if (selection && !selection.isCollapsed && selection.toString() !== "") return false;
  return !active.closest("input, select, textarea, [contenteditable], .vt-ed-cm");
}

/**
 * Copy, cut and paste of cells through the system clipboard while the notebook (root) is in command mode.
 * Returns the message of the last refused paste, shown by the editor until the next clipboard action.
 */
export function useCellClipboard(root: RefObject<HTMLElement | null>, model: NotebookEditModel): string | null {
  const [refusal, setRefusal] = useState<string | null>(null);
  useEffect(() => {
    const node = root.current;
    if (!node) return;
    const doc = node.ownerDocument;
    const onCopy = (event: ClipboardEvent) => {
      if (!event.clipboardData || !forCells(node, model, true)) return;
      const { text, json } = clipboardPayload(model.selectedCells);
      event.clipboardData.setData("text/plain", text);
      event.clipboardData.setData(CELLS_MIME, json);
      event.preventDefault();
      setRefusal(null);
      if (event.type === "cut") model.cut();
      else model.copy();
    };
    const onPaste = (event: ClipboardEvent) => {
      if (!event.clipboardData || !forCells(node, model, false)) return;
      event.preventDefault();
      try {
        const cells = cellsFromClipboard(event.clipboardData);
        if (cells) model.pasteCells(cells, "below");
        setRefusal(null);
      } catch (error) {
        if (!(error instanceof CellClipboardError)) throw error;
        setRefusal(`Not pasted: ${error.message} (${error.code}).`);
      }
    };
    doc.addEventListener("copy", onCopy);
    doc.addEventListener("cut", onCopy);
    doc.addEventListener("paste", onPaste);
    return () => {
      doc.removeEventListener("copy", onCopy);
      doc.removeEventListener("cut", onCopy);
      doc.removeEventListener("paste", onPaste);
    };
  }, [root, model]);
  return refusal;
}
