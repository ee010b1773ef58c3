// The notebook being edited in the studio, as pure data: its cells (nbformat 4, each with an id), which cells are
// selected, the mode (command or edit), the history of cell operations, and whether it differs from the version
// last saved. No DOM: the editor view (notebook-editor.tsx) draws a state and calls the operations.
//
// Undo and redo cover cell operations (insert, delete, move, paste, cut, split, merge, change type, clear
// outputs) as one history, as in JupyterLab. Text typed inside a cell is undone by that cell's own editor
// (CodeMirror's history), and running a cell is not an operation either. A cell's later text and outputs survive
// undoing or redoing an operation that did not change that cell: undo puts back the cells an operation replaced,
// and keeps the others as they are now.
import type {
  Cell,
  CodeCell,
  JsonObject,
  MarkdownCell,
  MimeBundle,
  Notebook,
  Output,
  RawCell,
} from "../notebook/types.ts";

export type CellType = Cell["cell_type"];
/** A cell of the edited notebook: its id is always set. */
export type EditCell = Cell & { id: string };
export type NotebookMode = "command" | "edit";

export interface EditState {
  readonly cells: readonly EditCell[];
  /** Index of the active cell (the one keys act on and the edit mode types into). */
  readonly active: number;
  /** The other end of the selected range; the range is from min(active, anchor) to max(active, anchor). */
  readonly anchor: number;
  readonly mode: NotebookMode;
  /** Markdown cells shown as their source (being edited) rather than rendered. */
  readonly editingMarkdown: ReadonlySet<string>;
}

/** What undo puts back and redo puts again: the cells before and after one operation, and the selection. */
interface HistoryEntry {
  readonly label: string;
  readonly before: readonly EditCell[];
  readonly after: readonly EditCell[];
  readonly selectionBefore: { active: number; anchor: number };
  readonly selectionAfter: { active: number; anchor: number };
}

/** Operations remembered for undo, at most; the oldest are forgotten first. */
export const MAX_HISTORY = 200;

/** nbformat 4.5's cell id: 1 to 64 letters, digits, '-' and '_' (src/notebook/validate.ts checks the same). */
const CELL_ID = /^[a-zA-Z0-9_-]{1,64}$/;
/** The nbformat minor version from which cells carry ids. */
const MINOR_WITH_IDS = 5;

/** Metadata only a code cell may carry in nbformat 4: dropped when a code cell becomes another type. */
const CODE_ONLY_METADATA = ["collapsed", "scrolled", "execution"] as const;

/** A random cell id: 16 characters of base64url, from the browser's (or Node's) crypto. */
export function randomCellId(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_");
}

export class EditModelError extends Error {
  readonly code: "bad_cell_index" | "unknown_cell" | "bad_cell_id";
  constructor(code: EditModelError["code"], message: string) {
    super(message);
    this.name = "EditModelError";
    this.code = code;
  }
}

export interface EditModelOptions {
  /** Makes a new cell id; ids it returns that are taken or not nbformat-valid are asked for again. */
  newId?: () => string;
}

export class NotebookEditModel {
  private current: EditState;
  private readonly listeners = new Set<() => void>();
  private readonly undoStack: HistoryEntry[] = [];
  private readonly redoStack: HistoryEntry[] = [];
  private readonly newIdSource: () => string;
  private clipboardCells: readonly EditCell[] = [];
  private saved: readonly EditCell[];
  private readonly notebookMeta: { nbformat_minor: number; metadata: JsonObject };
  /** The notebook's metadata as last saved (or loaded): compared by identity, since it is replaced, never changed. */
  private savedMetadata: JsonObject;
  /** The metadata each save request saved, by its save point. */
  private readonly metadataOfSavePoint = new WeakMap<readonly EditCell[], JsonObject>();

  constructor(notebook: Notebook, options: EditModelOptions = {}) {
    this.newIdSource = options.newId ?? randomCellId;
    this.notebookMeta = {
      nbformat_minor: Math.max(notebook.nbformat_minor, MINOR_WITH_IDS),
      metadata: notebook.metadata,
    };
    // A notebook from before nbformat 4.5 has no ids: each cell gets one now, as nbformat's upgrade does.
    const taken = new Set<string>();
    const cells = notebook.cells.map((cell) => {
      const id = cell.id !== undefined && CELL_ID.test(cell.id) && !taken.has(cell.id) ? cell.id : undefined;
      const withId = { ...cell, id: id ?? this.freshId(taken) } as EditCell;
      taken.add(withId.id);
      return withId;
    });
    if (cells.length === 0) cells.push(this.blankCell("code", taken));
    this.current = { cells, active: 0, anchor: 0, mode: "command", editingMarkdown: new Set() };
    this.saved = cells;
    this.savedMetadata = this.notebookMeta.metadata;
  }

  // ---- reading ----

  get state(): EditState {
    return this.current;
  }

  get cells(): readonly EditCell[] {
    return this.current.cells;
  }

  get activeCell(): EditCell {
    const cell = this.current.cells[this.current.active];
    if (!cell) throw new EditModelError("bad_cell_index", `no cell at ${this.current.active}`);
    return cell;
  }

  /** The selected range of cell indexes, first and last included. */
  get selection(): { first: number; last: number } {
    const { active, anchor } = this.current;
    return { first: Math.min(active, anchor), last: Math.max(active, anchor) };
  }

  get selectedCells(): EditCell[] {
    const { first, last } = this.selection;
    return this.current.cells.slice(first, last + 1);
  }

  indexOf(id: string): number {
    return this.current.cells.findIndex((c) => c.id === id);
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /** What the last operation was, for a toolbar's "Undo <label>". */
  get undoLabel(): string | undefined {
    return this.undoStack.at(-1)?.label;
  }

  get clipboard(): readonly EditCell[] {
    return this.clipboardCells;
  }

  /** Whether the cells differ from the version last saved (or loaded). */
  get dirty(): boolean {
    const cells = this.current.cells;
    if (this.notebookMeta.metadata !== this.savedMetadata) return true;
    if (cells.length !== this.saved.length) return true;
    for (let i = 0; i < cells.length; i++) {
      const a = cells[i] as EditCell;
      const b = this.saved[i] as EditCell;
      if (a !== b && !sameCell(a, b)) return true;
    }
    return false;
  }

  /** Called after each change, with no argument; read `state` for the new state (a new object each time). */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- selection and mode ----

  /** Makes one cell active, and the only one selected. */
  select(index: number): void {
    const i = this.checkIndex(index);
    this.set({ ...this.current, active: i, anchor: i });
  }

  /** Moves the active cell by `delta`, clamped, with no extended selection (Up/Down, J/K). */
  moveActive(delta: number): void {
    const i = this.clamp(this.current.active + delta);
    this.set({ ...this.current, active: i, anchor: i });
  }

  /** Extends the selection by moving the active end (Shift-Up/Down); the anchor stays. */
  extendSelection(delta: number): void {
    this.set({ ...this.current, active: this.clamp(this.current.active + delta) });
  }

  selectAll(): void {
    this.set({ ...this.current, anchor: 0, active: this.current.cells.length - 1 });
  }

  /** Edit mode on the active cell; a markdown cell shows its source. The selection collapses to that cell. */
  enterEdit(): void {
    const cell = this.activeCell;
    const editingMarkdown = new Set(this.current.editingMarkdown);
    if (cell.cell_type === "markdown") editingMarkdown.add(cell.id);
    this.set({ ...this.current, anchor: this.current.active, mode: "edit", editingMarkdown });
  }

  enterCommand(): void {
    if (this.current.mode === "command") return;
    this.set({ ...this.current, mode: "command" });
  }

  /**
   * Running a markdown cell renders it; the view calls this for every cell it runs (a code cell is left as it
   * is: its run goes to the kernel).
   */
  markRun(id: string): void {
    this.renderMarkdown(id);
  }

  /** A markdown cell drawn rendered again (a no-op for one that is). */
  renderMarkdown(id: string): void {
    if (!this.current.editingMarkdown.has(id)) return;
    const editingMarkdown = new Set(this.current.editingMarkdown);
    editingMarkdown.delete(id);
    this.set({ ...this.current, editingMarkdown });
  }

  /**
   * A markdown cell drawn as its source, leaving the mode, the active cell and the selection as they are: the find
   * box shows a match that only the source has (a link's address, `**`), as JupyterLab's search does.
   */
  showMarkdownSource(id: string): void {
    const cell = this.current.cells.find((c) => c.id === id);
    if (cell?.cell_type !== "markdown" || this.current.editingMarkdown.has(id)) return;
    this.set({ ...this.current, editingMarkdown: new Set(this.current.editingMarkdown).add(id) });
  }

  /**
   * After a run with Shift-Enter: the next cell becomes active, and when the run cell was the last, a new code
   * cell is added below it (an operation, as in JupyterLab). Returns the new active index.
   */
  selectNextOrInsert(): number {
    const { active } = this.current;
    if (active + 1 < this.current.cells.length) {
      this.set({ ...this.current, active: active + 1, anchor: active + 1, mode: "command" });
    } else {
      this.insertBelow("code");
      this.set({ ...this.current, mode: "edit" });
    }
    return this.current.active;
  }

  // ---- changes that are not operations: typing and running ----

  /** A cell's source as its editor now has it. Not an operation: the editor keeps the text history. */
  setSource(id: string, source: string): void {
    const index = this.requireId(id);
    const cell = this.current.cells[index] as EditCell;
    if (cell.source === source) return;
    this.replaceCurrent(index, { ...cell, source });
  }

  /** A code cell's outputs and execution count, as its run produces them. Not an operation. */
  setOutputs(id: string, outputs: readonly Output[], executionCount?: number | null): void {
    const index = this.requireId(id);
    const cell = this.current.cells[index] as EditCell;
    if (cell.cell_type !== "code") return;
    const next: CodeCell & { id: string } = { ...cell, outputs: [...outputs] };
    if (executionCount !== undefined) next.execution_count = executionCount;
    this.replaceCurrent(index, next);
  }

  // ---- operations (each one undoable) ----

  insertAbove(type: CellType = "code"): void {
    this.insertAt(this.selection.first, type, "insert cell above");
  }

  insertBelow(type: CellType = "code"): void {
    this.insertAt(this.selection.last + 1, type, "insert cell below");
  }

  /** Deletes the selected cells; a notebook left with none gets one empty code cell, as JupyterLab does. */
  deleteSelected(): void {
    const { first, last } = this.selection;
    const cells = [...this.current.cells];
    cells.splice(first, last - first + 1);
    if (cells.length === 0) cells.push(this.blankCell("code"));
    const i = Math.min(first, cells.length - 1);
    this.apply("delete cells", cells, { active: i, anchor: i }, "command");
  }

  /** Moves the selected cells one place up or down (nothing happens at the edge). */
  moveSelected(direction: -1 | 1): void {
    const { first, last } = this.selection;
    if ((direction < 0 && first === 0) || (direction > 0 && last === this.current.cells.length - 1)) return;
    const cells = [...this.current.cells];
    const moved = cells.splice(first, last - first + 1);
    cells.splice(first + direction, 0, ...moved);
    this.apply(direction < 0 ? "move cells up" : "move cells down", cells, {
      active: this.current.active + direction,
      anchor: this.current.anchor + direction,
    });
  }

  copy(): void {
    this.clipboardCells = this.selectedCells;
  }

  cut(): void {
    this.copy();
    this.deleteSelected();
  }

  /**
   * Pastes the copied cells below (or above) the selection, with new ids (JupyterLab's copies are new cells, so
   * pasting twice never repeats an id). The pasted cells become the selection.
   */
  paste(where: "below" | "above" = "below"): void {
    this.pasteCells(this.clipboardCells, where);
  }

  /**
   * Pastes cells below (or above) the selection as one operation, each with a new id: a pasted cell is a new cell
   * of this notebook, whatever id it had where it came from. The pasted cells become the selection. Cells from
   * outside the studio (the system clipboard) are checked before they get here (cell-clipboard.ts).
   */
  pasteCells(incoming: readonly Cell[], where: "below" | "above" = "below"): void {
    if (incoming.length === 0) return;
    const taken = new Set(this.current.cells.map((c) => c.id));
    const pasted = incoming.map((cell) => {
      const id = this.freshId(taken);
      taken.add(id);
      return { ...cell, id } as EditCell;
    });
    const at = where === "below" ? this.selection.last + 1 : this.selection.first;
    const cells = [...this.current.cells];
    cells.splice(at, 0, ...pasted);
    this.apply("paste cells", cells, { active: at + pasted.length - 1, anchor: at }, "command");
  }

  /**
   * Splits the active cell at the given offsets into its source (a cursor gives one offset, a selection two, as
   * in JupyterLab: the selected text becomes a cell of its own). The first part keeps the cell's id and
   * metadata; the others are new cells of the same type. Outputs and the execution count are dropped from every
   * part, since no part is the code that made them. The newline at each cut is dropped, so no part starts or
   * ends with an empty line the person did not write.
   */
  split(offsets: readonly number[]): void {
    const cell = this.activeCell;
    const source = cell.source;
    const cuts = [...new Set(offsets.map((o) => Math.max(0, Math.min(source.length, Math.trunc(o)))))].sort(
      (a, b) => a - b,
    );
    if (cuts.length === 0) return;
    const bounds = [0, ...cuts, source.length];
    const pieces: string[] = [];
    for (let i = 0; i + 1 < bounds.length; i++) {
      let piece = source.slice(bounds[i], bounds[i + 1]);
      if (i > 0 && piece.startsWith("\n")) piece = piece.slice(1);
      if (i + 2 < bounds.length && piece.endsWith("\n")) piece = piece.slice(0, -1);
      pieces.push(piece);
    }
    const taken = new Set(this.current.cells.map((c) => c.id));
    const parts = pieces.map((piece, i) => {
      const base = withoutRunResults(cell);
      if (i === 0) return { ...base, source: piece } as EditCell;
      const id = this.freshId(taken);
      taken.add(id);
      return { ...base, id, source: piece, metadata: {} } as EditCell;
    });
    const at = this.current.active;
    const cells = [...this.current.cells];
    cells.splice(at, 1, ...parts);
    const last = at + parts.length - 1;
    this.apply("split cell", cells, { active: last, anchor: last });
  }

  /**
   * Merges the selected cells into the first of them, or, with one cell selected, that cell and the one below
   * (Shift-M). Sources are joined by an empty line; the result has the first cell's id, type and metadata, the
   * attachments of all of them, and no outputs (none of the merged code made them).
   */
  merge(): void {
    const { first } = this.selection;
    const last = this.selection.last === first ? first + 1 : this.selection.last;
    if (last >= this.current.cells.length) return;
    const merged = this.current.cells.slice(first, last + 1);
    const head = merged[0] as EditCell;
    const source = merged.map((c) => c.source).join("\n\n");
    let result: EditCell = { ...withoutRunResults(head), source } as EditCell;
    if (result.cell_type !== "code") {
      const attachments: Record<string, MimeBundle> = {};
      for (const c of merged) if (c.cell_type !== "code" && c.attachments) Object.assign(attachments, c.attachments);
      if (Object.keys(attachments).length > 0) result = { ...result, attachments } as EditCell;
    }
    const cells = [...this.current.cells];
    cells.splice(first, last - first + 1, result);
    this.apply("merge cells", cells, { active: first, anchor: first });
  }

  /**
   * Changes the type of the selected cells as JupyterLab does: a code cell loses its outputs, execution count
   * and code-only metadata; a cell that becomes code loses its attachments; markdown and raw keep them. Ids,
   * sources and other metadata stay. A cell already of that type is left alone.
   */
  changeType(type: CellType): void {
    const { first, last } = this.selection;
    const cells = [...this.current.cells];
    let changed = false;
    for (let i = first; i <= last; i++) {
      const cell = cells[i] as EditCell;
      if (cell.cell_type === type) continue;
      cells[i] = convertCell(cell, type);
      changed = true;
    }
    if (!changed) return;
    this.apply(`change cells to ${type}`, cells, { active: this.current.active, anchor: this.current.anchor });
  }

  /** Clears the outputs and execution counts of the selected code cells (or, with `all`, of every cell). */
  clearOutputs(all = false): void {
    const { first, last } = all ? { first: 0, last: this.current.cells.length - 1 } : this.selection;
    const cells = [...this.current.cells];
    let changed = false;
    for (let i = first; i <= last; i++) {
      const cell = cells[i] as EditCell;
      if (cell.cell_type !== "code" || (cell.outputs.length === 0 && cell.execution_count === null)) continue;
      cells[i] = { ...cell, outputs: [], execution_count: null };
      changed = true;
    }
    if (!changed) return;
    this.apply("clear outputs", cells, { active: this.current.active, anchor: this.current.anchor });
  }

  /**
   * Sets the sources of the cells named in `sources` (by id), as one operation: the find box's Replace and Replace
   * all. Cells whose source would not change are left alone; nothing changes at all, nothing is recorded.
   */
  replaceSources(sources: ReadonlyMap<string, string>, label: string): void {
    const cells = [...this.current.cells];
    let changed = false;
    for (const [id, source] of sources) {
      const index = this.requireId(id);
      const cell = cells[index] as EditCell;
      if (cell.source === source) continue;
      cells[index] = { ...cell, source };
      changed = true;
    }
    if (!changed) return;
    this.apply(label, cells, { active: this.current.active, anchor: this.current.anchor });
  }

  undo(): boolean {
    const entry = this.undoStack.pop();
    if (!entry) return false;
    this.redoStack.push(entry);
    this.restore(entry.before, entry.after, entry.selectionBefore);
    return true;
  }

  redo(): boolean {
    const entry = this.redoStack.pop();
    if (!entry) return false;
    this.undoStack.push(entry);
    this.restore(entry.after, entry.before, entry.selectionAfter);
    return true;
  }

  /** The notebook's metadata (kernelspec, language_info...). */
  get metadata(): JsonObject {
    return this.notebookMeta.metadata;
  }

  /** Replaces the notebook's metadata (the kernel chosen for it, say). Not an operation: undo leaves it. */
  setMetadata(metadata: JsonObject): void {
    this.notebookMeta.metadata = metadata;
    // A new state object, so that views comparing states draw again.
    this.current = { ...this.current };
    this.emit();
  }

  // ---- saving ----

  /** The notebook as the server stores it: nbformat 4.5 or later, every cell with its id. */
  toNotebook(): Notebook {
    return {
      nbformat: 4,
      nbformat_minor: this.notebookMeta.nbformat_minor,
      metadata: this.notebookMeta.metadata,
      cells: this.current.cells.map((c) => ({ ...c })),
    };
  }

  /** The notebook's JSON, written as nbformat writes it (see serializeNotebook). */
  serialize(): string {
    return serializeNotebook(this.toNotebook());
  }

  /**
   * What a save sends, and the point it saves: the JSON of the cells as they are now, and those cells, to hand to
   * `markSaved` once the server has stored them. Text typed while the save was under way stays unsaved.
   */
  saveRequest(): { json: string; savePoint: readonly EditCell[] } {
    // A save point of its own even when the cells did not change, so that it names the metadata it saved.
    const savePoint = [...this.current.cells];
    this.metadataOfSavePoint.set(savePoint, this.notebookMeta.metadata);
    return { json: this.serialize(), savePoint };
  }

  /** The cells of `savePoint` (by default the current ones) are the stored version now: `dirty` compares with them. */
  markSaved(savePoint: readonly EditCell[] = this.current.cells): void {
    this.saved = savePoint;
    this.savedMetadata = this.metadataOfSavePoint.get(savePoint) ?? this.notebookMeta.metadata;
    this.emit();
  }

  // ---- internals ----

  private insertAt(at: number, type: CellType, label: string): void {
    const cells = [...this.current.cells];
    cells.splice(at, 0, this.blankCell(type));
    this.apply(label, cells, { active: at, anchor: at }, "command");
  }

  private blankCell(type: CellType, taken?: Set<string>): EditCell {
    const id = this.freshId(taken ?? new Set(this.current.cells.map((c) => c.id)));
    if (type === "code") return { cell_type: "code", id, source: "", metadata: {}, execution_count: null, outputs: [] };
    return { cell_type: type, id, source: "", metadata: {} };
  }

  private freshId(taken: ReadonlySet<string>): string {
    for (let attempt = 0; attempt < 100; attempt++) {
      const id = this.newIdSource();
      if (CELL_ID.test(id) && !taken.has(id)) return id;
    }
    throw new EditModelError("bad_cell_id", "could not make a cell id that is valid and not taken");
  }

  private apply(
    label: string,
    cells: EditCell[],
    selection: { active: number; anchor: number },
    mode: NotebookMode = this.current.mode,
  ): void {
    const entry: HistoryEntry = {
      label,
      before: this.current.cells,
      after: cells,
      selectionBefore: { active: this.current.active, anchor: this.current.anchor },
      selectionAfter: selection,
    };
    this.undoStack.push(entry);
    if (this.undoStack.length > MAX_HISTORY) this.undoStack.shift();
    this.redoStack.length = 0;
    this.set({ ...this.current, cells, ...this.clampSelection(selection, cells.length), mode });
  }

  /**
   * Puts back `target` (an entry's before or after), keeping the present version of each cell the operation did
   * not touch (the same object on both sides of the entry): text typed and outputs received since stay.
   */
  private restore(
    target: readonly EditCell[],
    other: readonly EditCell[],
    selection: { active: number; anchor: number },
  ): void {
    const untouched = new Set(other);
    const now = new Map(this.current.cells.map((c) => [c.id, c]));
    const cells = target.map((cell) => (untouched.has(cell) ? (now.get(cell.id) ?? cell) : cell));
    this.set({ ...this.current, cells, ...this.clampSelection(selection, cells.length), mode: "command" });
  }

  /** A cell changed in place (typing, outputs): the history's entries keep pointing at the cell as it was. */
  private replaceCurrent(index: number, cell: EditCell): void {
    const cells = [...this.current.cells];
    cells[index] = cell;
    this.set({ ...this.current, cells });
  }

  private clampSelection(selection: { active: number; anchor: number }, count: number) {
    const clamp = (i: number) => Math.max(0, Math.min(count - 1, i));
    return { active: clamp(selection.active), anchor: clamp(selection.anchor) };
  }

  private set(state: EditState): void {
    this.current = state;
    this.emit();
  }

  private emit(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private clamp(index: number): number {
    return Math.max(0, Math.min(this.current.cells.length - 1, index));
  }

  private checkIndex(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.current.cells.length) {
      throw new EditModelError("bad_cell_index", `no cell at index ${index} (the notebook has ${this.cells.length})`);
    }
    return index;
  }

  private requireId(id: string): number {
    const index = this.indexOf(id);
    if (index < 0) throw new EditModelError("unknown_cell", `no cell with id ${JSON.stringify(id)}`);
    return index;
  }
}

function withoutRunResults(cell: EditCell): EditCell {
  if (cell.cell_type !== "code") return cell;
  return { ...cell, outputs: [], execution_count: null };
}

function convertCell(cell: EditCell, type: CellType): EditCell {
  const metadata: JsonObject = { ...cell.metadata };
  if (cell.cell_type === "code") for (const key of CODE_ONLY_METADATA) delete metadata[key];
  const attachments = cell.cell_type !== "code" && cell.attachments ? { attachments: cell.attachments } : {};
  const base = { id: cell.id, source: cell.source, metadata };
  if (type === "code") {
    const code: CodeCell & { id: string } = {
      cell_type: "code",
      ...base,
      execution_count: null,
      outputs: [],
    };
    return code;
  }
  const other: (MarkdownCell | RawCell) & { id: string } = { cell_type: type, ...base, ...attachments };
  return other;
}

function sameCell(a: EditCell, b: EditCell): boolean {
  if (a.id !== b.id || a.cell_type !== b.cell_type || a.source !== b.source || a.metadata !== b.metadata) return false;
  if (a.cell_type === "code" && b.cell_type === "code") {
    return a.outputs === b.outputs && a.execution_count === b.execution_count;
  }
  return (a as MarkdownCell).attachments === (b as MarkdownCell).attachments;
}

// ---- nbformat JSON ----

/** Mime types whose value nbformat stores as JSON rather than as (multi-line) text. */
function isJsonMime(mime: string): boolean {
  return mime === "application/json" || /^application\/(.+\+)?json$/.test(mime);
}

/** Text as nbformat writes it: a list of lines, each keeping its "\n" (a single line is a list of one). */
function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const end = text.indexOf("\n", start);
    if (end < 0) break;
    lines.push(text.slice(start, end + 1));
    start = end + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

function bundleJson(bundle: MimeBundle): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [mime, value] of Object.entries(bundle)) {
    out[mime] = typeof value === "string" && !isJsonMime(mime) ? splitLines(value) : value;
  }
  return out;
}

function outputJson(output: Output): Record<string, unknown> {
  switch (output.output_type) {
    case "stream":
      return { output_type: "stream", name: output.name, text: splitLines(output.text) };
    case "display_data":
      // `transient` belongs to the live message only; nbformat never stores it.
      return { output_type: "display_data", data: bundleJson(output.data), metadata: output.metadata };
    case "execute_result":
      return {
        output_type: "execute_result",
        execution_count: output.execution_count,
        data: bundleJson(output.data),
        metadata: output.metadata,
      };
    case "error":
      return { output_type: "error", ename: output.ename, evalue: output.evalue, traceback: output.traceback };
  }
}

function cellJson(cell: Cell): Record<string, unknown> {
  const head = {
    cell_type: cell.cell_type,
    ...(cell.id !== undefined ? { id: cell.id } : {}),
    metadata: cell.metadata,
  };
  if (cell.cell_type === "code") {
    return {
      ...head,
      execution_count: cell.execution_count,
      outputs: cell.outputs.map(outputJson),
      source: splitLines(cell.source),
    };
  }
  const attachments = cell.attachments
    ? {
        attachments: Object.fromEntries(Object.entries(cell.attachments).map(([name, b]) => [name, bundleJson(b)])),
      }
    : {};
  return { ...head, ...attachments, source: splitLines(cell.source) };
}

/**
 * A notebook as nbformat's writer lays it out: keys in its order, sources and text outputs as lists of lines,
 * JSON outputs as JSON, one space of indent, and a final newline. The server's strict reader reads it back into
 * the same notebook.
 */
export function serializeNotebook(notebook: Notebook): string {
  const document = {
    cells: notebook.cells.map(cellJson),
    metadata: notebook.metadata,
    nbformat: notebook.nbformat,
    nbformat_minor: notebook.nbformat_minor,
  };
  return `${JSON.stringify(document, null, 1)}\n`;
}
