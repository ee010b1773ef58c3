// The notebook editor's keys, as data: JupyterLab's command-mode and edit-mode shortcuts, each bound to a named
// command. The editor view (notebook-editor.tsx) turns a key press into a stroke with `strokeOf`, asks a
// `KeyChords` which command it completes (D D and the like take two strokes), and runs it; the same list is the
// shortcut list the view shows.

export type NotebookCommand =
  | "enter-edit"
  | "enter-command"
  | "run-and-select-next"
  | "run"
  | "run-and-insert-below"
  | "insert-above"
  | "insert-below"
  | "delete"
  | "to-code"
  | "to-markdown"
  | "to-raw"
  | "undo"
  | "redo"
  | "cut"
  | "copy"
  | "paste-below"
  | "paste-above"
  | "select-above"
  | "select-below"
  | "extend-above"
  | "extend-below"
  | "select-all"
  | "move-up"
  | "move-down"
  | "merge"
  | "split"
  | "save"
  | "restart"
  | "interrupt"
  // Menu commands with no default key in JupyterLab either.
  | "run-all"
  | "run-above"
  | "run-below"
  | "restart-and-run-all"
  | "clear-outputs"
  | "clear-all-outputs";

export type KeyMode = "command" | "edit";

export interface KeyBinding {
  /** Which modes the binding works in. */
  modes: readonly KeyMode[];
  /** One stroke, or two for a chord ("D D"); each stroke as `strokeOf` writes it, e.g. "Ctrl-Shift-Minus". */
  keys: readonly string[];
  command: NotebookCommand;
  /** What the shortcut list says it does. */
  label: string;
}

const BOTH: readonly KeyMode[] = ["command", "edit"];
const COMMAND: readonly KeyMode[] = ["command"];
const EDIT: readonly KeyMode[] = ["edit"];

/** JupyterLab's default notebook shortcuts (Ctrl is Cmd on a Mac, as JupyterLab's Accel). */
export const NOTEBOOK_KEYS: readonly KeyBinding[] = [
  { modes: COMMAND, keys: ["Enter"], command: "enter-edit", label: "Edit the cell" },
  { modes: EDIT, keys: ["Escape"], command: "enter-command", label: "Leave the cell (command mode)" },
  { modes: BOTH, keys: ["Shift-Enter"], command: "run-and-select-next", label: "Run and select the next cell" },
  { modes: BOTH, keys: ["Ctrl-Enter"], command: "run", label: "Run the cell" },
  { modes: BOTH, keys: ["Alt-Enter"], command: "run-and-insert-below", label: "Run and insert a cell below" },
  { modes: COMMAND, keys: ["A"], command: "insert-above", label: "Insert a cell above" },
  { modes: COMMAND, keys: ["B"], command: "insert-below", label: "Insert a cell below" },
  { modes: COMMAND, keys: ["D", "D"], command: "delete", label: "Delete the selected cells" },
  { modes: COMMAND, keys: ["Y"], command: "to-code", label: "Change to code" },
  { modes: COMMAND, keys: ["M"], command: "to-markdown", label: "Change to markdown" },
  { modes: COMMAND, keys: ["R"], command: "to-raw", label: "Change to raw" },
  { modes: COMMAND, keys: ["Z"], command: "undo", label: "Undo a cell operation" },
  { modes: COMMAND, keys: ["Shift-Z"], command: "redo", label: "Redo a cell operation" },
  { modes: COMMAND, keys: ["X"], command: "cut", label: "Cut the selected cells" },
  { modes: COMMAND, keys: ["C"], command: "copy", label: "Copy the selected cells" },
  { modes: COMMAND, keys: ["V"], command: "paste-below", label: "Paste cells below" },
  { modes: COMMAND, keys: ["Shift-V"], command: "paste-above", label: "Paste cells above" },
  { modes: COMMAND, keys: ["ArrowUp"], command: "select-above", label: "Select the cell above" },
  { modes: COMMAND, keys: ["K"], command: "select-above", label: "Select the cell above" },
  { modes: COMMAND, keys: ["ArrowDown"], command: "select-below", label: "Select the cell below" },
  { modes: COMMAND, keys: ["J"], command: "select-below", label: "Select the cell below" },
  { modes: COMMAND, keys: ["Shift-ArrowUp"], command: "extend-above", label: "Extend the selection up" },
  { modes: COMMAND, keys: ["Shift-K"], command: "extend-above", label: "Extend the selection up" },
  { modes: COMMAND, keys: ["Shift-ArrowDown"], command: "extend-below", label: "Extend the selection down" },
  { modes: COMMAND, keys: ["Shift-J"], command: "extend-below", label: "Extend the selection down" },
  { modes: COMMAND, keys: ["Ctrl-A"], command: "select-all", label: "Select every cell" },
  { modes: COMMAND, keys: ["Ctrl-Shift-ArrowUp"], command: "move-up", label: "Move the selected cells up" },
  { modes: COMMAND, keys: ["Ctrl-Shift-ArrowDown"], command: "move-down", label: "Move the selected cells down" },
  { modes: COMMAND, keys: ["Shift-M"], command: "merge", label: "Merge the selected cells (or with the one below)" },
  { modes: EDIT, keys: ["Ctrl-Shift-Minus"], command: "split", label: "Split the cell at the cursor" },
  { modes: BOTH, keys: ["Ctrl-S"], command: "save", label: "Save" },
  { modes: COMMAND, keys: ["0", "0"], command: "restart", label: "Restart the kernel" },
  { modes: COMMAND, keys: ["I", "I"], command: "interrupt", label: "Interrupt the kernel" },
];

/** What `strokeOf` reads of a keyboard event (a KeyboardEvent has all of it). */
export interface KeyPress {
  key: string;
  /** The physical key ("Minus", "KeyA", "Digit0"): it names the key whatever the layout and Shift make of `key`. */
  code?: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

const NAMED_KEYS = new Set(["Enter", "Escape", "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Tab", "Backspace"]);

/**
 * A key press as the bindings write it: modifiers in the order Ctrl, Alt, Shift, then the key (a letter in upper
 * case, a digit, "Minus", or a named key). Ctrl and Cmd are one modifier, "Ctrl", as JupyterLab's Accel. Undefined
 * for a press that is only a modifier.
 */
export function strokeOf(press: KeyPress): string | undefined {
  let key: string;
  if (press.code === "Minus" || press.key === "-" || (press.key === "_" && press.shiftKey)) key = "Minus";
  else if (/^Key[A-Z]$/.test(press.code ?? "")) key = (press.code as string).slice(3);
  else if (/^Digit[0-9]$/.test(press.code ?? "")) key = (press.code as string).slice(5);
  else if (/^[a-zA-Z0-9]$/.test(press.key)) key = press.key.toUpperCase();
  else if (NAMED_KEYS.has(press.key)) key = press.key;
  else if (press.key === "Esc") key = "Escape";
  else if (["Control", "Meta", "Alt", "Shift", "AltGraph", "CapsLock", "Dead", "Unidentified"].includes(press.key))
    return undefined;
  else key = press.key;
  const mods = [press.ctrlKey || press.metaKey ? "Ctrl" : "", press.altKey ? "Alt" : "", press.shiftKey ? "Shift" : ""];
  return [...mods.filter(Boolean), key].join("-");
}

/** How long the second stroke of a chord may come after the first (ms), as JupyterLab's chord timeout. */
export const CHORD_TIMEOUT_MS = 1000;

export type KeyResolution =
  | { kind: "command"; command: NotebookCommand }
  /** The stroke starts a chord: the view should swallow it and wait for the next. */
  | { kind: "pending" }
  | { kind: "none" };

/** Resolves strokes to commands, one notebook at a time, remembering the first stroke of a chord. */
export class KeyChords {
  private pending: { mode: KeyMode; stroke: string; at: number } | undefined;
  private readonly bindings: readonly KeyBinding[];

  constructor(bindings: readonly KeyBinding[] = NOTEBOOK_KEYS) {
    this.bindings = bindings;
  }

  /** `now` in ms (the event's timeStamp or Date.now()): a chord's second stroke must come within the timeout. */
  resolve(mode: KeyMode, stroke: string, now: number): KeyResolution {
    const first = this.pending;
    this.pending = undefined;
    if (first && first.mode === mode && now - first.at <= CHORD_TIMEOUT_MS) {
      const chord = this.bindings.find(
        (b) => b.modes.includes(mode) && b.keys.length === 2 && b.keys[0] === first.stroke && b.keys[1] === stroke,
      );
      if (chord) return { kind: "command", command: chord.command };
    }
    const single = this.bindings.find((b) => b.modes.includes(mode) && b.keys.length === 1 && b.keys[0] === stroke);
    if (single) return { kind: "command", command: single.command };
    if (this.bindings.some((b) => b.modes.includes(mode) && b.keys.length === 2 && b.keys[0] === stroke)) {
      this.pending = { mode, stroke, at: now };
      return { kind: "pending" };
    }
    return { kind: "none" };
  }

  /** Forgets a half-typed chord (the focus moved, the mode changed). */
  reset(): void {
    this.pending = undefined;
  }
}

/** How a stroke reads in the shortcut list: "Ctrl-Shift-Minus" as "Ctrl Shift -", "ArrowUp" as "↑". */
export function describeKeys(keys: readonly string[]): string {
  const names: Record<string, string> = { ArrowUp: "↑", ArrowDown: "↓", Minus: "-", Escape: "Esc" };
  return keys
    .map((stroke) =>
      stroke
        .split("-")
        .map((part) => names[part] ?? part)
        .join(" "),
    )
    .join(", ");
}

export interface ShortcutRow {
  keys: string;
  label: string;
  mode: "command mode" | "edit mode" | "both modes";
}

/** Keys the editor's other parts handle (the find box, editor-find.tsx), listed with the notebook's own. */
export const OTHER_SHORTCUTS: readonly ShortcutRow[] = [
  { keys: describeKeys(["Ctrl-F"]), label: "Find and replace in every cell", mode: "both modes" },
];

/** The shortcut list: one row per command and mode, its keys joined ("↑ or K"). */
export function shortcutList(bindings: readonly KeyBinding[] = NOTEBOOK_KEYS): ShortcutRow[] {
  const rows = new Map<string, ShortcutRow>();
  for (const b of bindings) {
    const mode = b.modes.length === 2 ? "both modes" : b.modes[0] === "edit" ? "edit mode" : "command mode";
    const key = `${b.command} ${mode}`;
    const row = rows.get(key);
    if (row) row.keys = `${row.keys} or ${describeKeys(b.keys)}`;
    else rows.set(key, { keys: describeKeys(b.keys), label: b.label, mode });
  }
  return [...rows.values()];
}
