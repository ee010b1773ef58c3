// One cell's CodeMirror 6 editor, by the notebook's language, under the app page's CSP and Trusted Types.
//
// The page's CSP has `style-src 'self'` and no 'unsafe-inline'. CodeMirror styles itself through style-mod, which
// writes a <style> element into a document (refused by that CSP) but, in a shadow root, a constructed
// CSSStyleSheet set in `adoptedStyleSheets`, which style-src does not govern (CSP covers style that markup brings
// in, not the CSSOM). So each editor lives in a shadow root of its own: no nonce, no 'unsafe-inline', and nothing
// the page's CSP allows is widened. The shadow root also walls the editor off: no stylesheet of the page, and so
// nothing in a notebook's markdown or outputs, can select or restyle the editor's elements, and the editor's
// generated rules reach nothing outside it. Colours come in as the page's CSS custom properties, which inherit
// into shadow trees.
//
// Under `require-trusted-types-for 'script'` CodeMirror needs no policy: @codemirror/state, view, language,
// commands and the language packages build their DOM with createElement and text nodes and assign no HTML sink
// (no innerHTML, outerHTML, insertAdjacentHTML, document.write, srcdoc or string-to-script), and the browser test
// (test/e2e/notebook-editor.test.ts) watches for a Trusted Types violation while editors are made and used.
// Element styles they set go through the CSSOM (`element.style`), which the CSP does not govern either.
// @codemirror/autocomplete draws its list the same way (labels and details as text nodes), and so does the
// inspection tooltip below: the kernel's text is split into runs and each run is a text node in a span.
//
// A code cell given a KernelAssist (kernel-assist.ts) asks the kernel on Tab and Shift-Tab, as JupyterLab does:
// Tab after text on the line completes (one match is inserted, several are listed), Tab at the start of a line or
// after only spaces indents; Shift-Tab after a name shows what the kernel says of it. Both answer only while the
// text and cursor are still where they were asked about. Escape closes a list or tooltip and leaves the cell in
// edit mode (see `closeOnEscape`).
import {
  acceptCompletion,
  autocompletion,
  closeCompletion,
  completionStatus,
  insertCompletionText,
  startCompletion,
  type Completion,
  type CompletionContext,
  type CompletionResult,
} from "@codemirror/autocomplete";
import { EditorState, Prec, StateEffect, StateField, type Extension, type Text } from "@codemirror/state";
import {
  Decoration,
  type DecorationSet,
  drawSelection,
  EditorView,
  highlightActiveLine,
  keymap,
  lineNumbers,
  showTooltip,
  type Tooltip,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import {
  bracketMatching,
  HighlightStyle,
  indentOnInput,
  indentUnit,
  StreamLanguage,
  syntaxHighlighting,
} from "@codemirror/language";
import { tags } from "@lezer/highlight";
import { python } from "@codemirror/lang-python";
import { markdown } from "@codemirror/lang-markdown";
import { sql } from "@codemirror/lang-sql";
import { r } from "@codemirror/legacy-modes/mode/r";
import { julia } from "@codemirror/legacy-modes/mode/julia";
import { shell } from "@codemirror/legacy-modes/mode/shell";
import { terminalTextToRuns } from "../render/terminal.ts";
import type { AssistCompletion, KernelAssist } from "./kernel-assist.ts";
import type { CellType } from "./notebook-edit-model.ts";

/** The languages a cell editor knows; anything else is edited as plain text. */
export type EditorLanguage = "python" | "r" | "julia" | "sql" | "shell" | "markdown" | "plain";

const LANGUAGE_NAMES: Record<string, EditorLanguage> = {
  python: "python",
  python3: "python",
  ipython: "python",
  ipython3: "python",
  r: "r",
  julia: "julia",
  sql: "sql",
  bash: "shell",
  sh: "shell",
  shell: "shell",
  zsh: "shell",
};

/** The editor language of a cell: markdown for markdown cells, none for raw, the notebook's for code. */
export function editorLanguage(cellType: CellType, notebookLanguage: string): EditorLanguage {
  if (cellType === "markdown") return "markdown";
  if (cellType === "raw") return "plain";
  const name = notebookLanguage.toLowerCase();
  // The notebook names its language: only the table's own keys count (never "__proto__" and the like).
  return Object.hasOwn(LANGUAGE_NAMES, name) ? (LANGUAGE_NAMES[name] as EditorLanguage) : "plain";
}

function languageExtension(language: EditorLanguage): Extension {
  switch (language) {
    case "python":
      return python();
    case "r":
      return StreamLanguage.define(r);
    case "julia":
      return StreamLanguage.define(julia);
    case "sql":
      return sql();
    case "shell":
      return StreamLanguage.define(shell);
    case "markdown":
      return markdown();
    case "plain":
      return [];
  }
}

// Colours are the page's custom properties (studio.css), so the light and dark schemes need no second theme.
const highlightStyle = HighlightStyle.define([
  {
    tag: [tags.keyword, tags.controlKeyword, tags.definitionKeyword, tags.moduleKeyword],
    color: "var(--vt-tok-keyword)",
    fontWeight: "bold",
  },
  { tag: [tags.operatorKeyword, tags.operator], color: "var(--vt-tok-operator)" },
  { tag: [tags.string, tags.special(tags.string), tags.regexp], color: "var(--vt-tok-string)" },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: "var(--vt-tok-number)" },
  { tag: tags.comment, color: "var(--vt-tok-comment)", fontStyle: "italic" },
  {
    tag: [tags.function(tags.definition(tags.variableName)), tags.definition(tags.className)],
    color: "var(--vt-tok-definition)",
  },
  { tag: [tags.standard(tags.variableName), tags.self], color: "var(--vt-tok-builtin)" },
  { tag: [tags.meta, tags.attributeName, tags.propertyName], color: "var(--vt-tok-meta)" },
  { tag: tags.heading, fontWeight: "bold", color: "var(--vt-tok-heading)" },
  { tag: tags.emphasis, fontStyle: "italic" },
  { tag: tags.strong, fontWeight: "bold" },
  { tag: tags.link, color: "var(--vt-link)", textDecoration: "underline" },
  { tag: tags.monospace, color: "var(--vt-tok-string)" },
  { tag: tags.invalid, color: "var(--vt-danger)" },
]);

/**
 * Typing over a selection that spans lines is made here, as the selection's replacement, rather than by the
 * browser: in an editor inside a shadow root, Chromium's own replacement of a selection made backwards or by
 * select-all kept an empty line, which CodeMirror then read back from the page as part of the text.
 */
const typeOverSelection = EditorView.domEventHandlers({
  beforeinput(event, view) {
    if (event.inputType !== "insertText" || !event.data || view.composing) return false;
    if (view.state.selection.ranges.every((range) => range.empty)) return false;
    event.preventDefault();
    view.dispatch(view.state.replaceSelection(event.data), { userEvent: "input.type", scrollIntoView: true });
    return true;
  },
});

const editorTheme = EditorView.theme({
  "&": {
    color: "var(--vt-fg)",
    backgroundColor: "var(--vt-code-bg)",
    border: "1px solid var(--vt-border)",
    borderRadius: "4px",
    font: '13px/1.45 ui-monospace, "DejaVu Sans Mono", monospace',
  },
  "&.cm-focused": { outline: "2px solid var(--vt-focus)", outlineOffset: "-1px" },
  ".cm-scroller": { fontFamily: "inherit", lineHeight: "inherit" },
  ".cm-content": { padding: "6px 0", caretColor: "var(--vt-fg)" },
  ".cm-line": { padding: "0 10px" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--vt-fg)" },
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground": {
    backgroundColor: "var(--vt-tok-selection)",
  },
  ".cm-activeLine": { backgroundColor: "transparent" },
  "&.cm-focused .cm-activeLine": { backgroundColor: "var(--vt-tok-active-line)" },
  ".cm-gutters": { backgroundColor: "transparent", color: "var(--vt-muted)", border: "none" },
  ".cm-matchingBracket": { backgroundColor: "var(--vt-tok-selection)", outline: "1px solid var(--vt-border)" },
  // Tooltips (the completion list, the inspection) in the page's colours. The selected option's selector is
  // longer than the autocomplete base theme's, which would otherwise win on specificity.
  "& .cm-tooltip": {
    color: "var(--vt-fg)",
    backgroundColor: "var(--vt-bg)",
    border: "1px solid var(--vt-border)",
    borderRadius: "4px",
    boxShadow: "0 2px 8px rgb(0 0 0 / 20%)",
  },
  "& .cm-tooltip.cm-tooltip-autocomplete > ul": { font: "inherit", maxHeight: "14em" },
  "& .cm-tooltip.cm-tooltip-autocomplete > ul > li": { padding: "2px 8px 2px 4px" },
  "&.cm-editor .cm-tooltip.cm-tooltip-autocomplete > ul > li[aria-selected]": {
    backgroundColor: "var(--vt-accent)",
    color: "var(--vt-on-accent)",
  },
  // The page's find colours (studio.css), so a match looks the same inside an editor and outside one.
  ".cm-vt-find": { backgroundColor: "var(--vt-find-bg)", color: "var(--vt-find-text)" },
  ".cm-vt-find-current": { backgroundColor: "var(--vt-find-current-bg)" },
  ".cm-completionDetail": { marginLeft: "1.5em", fontStyle: "normal", opacity: "0.75", float: "right" },
  ".cm-completionMatchedText": { textDecoration: "none", fontWeight: "bold" },
  ".cm-vt-inspect": {
    maxWidth: "min(720px, 92vw)",
    maxHeight: "min(320px, 50vh)",
    overflow: "auto",
    padding: "6px 10px",
    margin: "0",
    whiteSpace: "pre-wrap",
    overflowWrap: "anywhere",
    font: '12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace',
  },
  // The kernel's ANSI colours, as the page's own colours so that both schemes read well.
  ".cm-vt-inspect .ansi-red-fg, .cm-vt-inspect .ansi-bright-red-fg": { color: "var(--vt-danger)" },
  ".cm-vt-inspect .ansi-green-fg, .cm-vt-inspect .ansi-bright-green-fg": { color: "var(--vt-tok-keyword)" },
  ".cm-vt-inspect .ansi-yellow-fg, .cm-vt-inspect .ansi-bright-yellow-fg": { color: "var(--vt-tok-number)" },
  ".cm-vt-inspect .ansi-blue-fg, .cm-vt-inspect .ansi-bright-blue-fg": { color: "var(--vt-tok-definition)" },
  ".cm-vt-inspect .ansi-magenta-fg, .cm-vt-inspect .ansi-bright-magenta-fg": { color: "var(--vt-tok-operator)" },
  ".cm-vt-inspect .ansi-cyan-fg, .cm-vt-inspect .ansi-bright-cyan-fg": { color: "var(--vt-tok-builtin)" },
  ".cm-vt-inspect .ansi-bold": { fontWeight: "bold" },
  ".cm-vt-inspect .ansi-italic": { fontStyle: "italic" },
  ".cm-vt-inspect .ansi-underline": { textDecoration: "underline" },
});

// ---- the find box's matches (editor-find.tsx) ----

/** The find box's marks: decorations, since the editor redraws its lines and a page's range would not last. */
const setFindMarks = StateEffect.define<DecorationSet>();

const findMarks = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, tr) {
    for (const effect of tr.effects) if (effect.is(setFindMarks)) return effect.value;
    return value.map(tr.changes);
  },
  provide: (field) => EditorView.decorations.from(field),
});

const FOUND = Decoration.mark({ class: "cm-vt-find" });
const FOUND_CURRENT = Decoration.mark({ class: "cm-vt-find cm-vt-find-current" });

// ---- the kernel's completions (Tab) ----

/** The kernel's answer for a text: the list shows it only while the text is that one. */
const setKernelCompletion = StateEffect.define<{ completion: AssistCompletion; doc: Text } | null>();

const kernelCompletion = StateField.define<{ completion: AssistCompletion; doc: Text } | null>({
  create: () => null,
  update(value, tr) {
    for (const effect of tr.effects) if (effect.is(setKernelCompletion)) return effect.value;
    return value;
  },
});

/** IPython's kinds, as the icons @codemirror/autocomplete draws (`cm-completionIcon-<type>`). */
const ICON_OF_KIND: Record<string, string> = {
  function: "function",
  class: "class",
  module: "namespace",
  instance: "variable",
  statement: "variable",
  param: "variable",
  property: "property",
  keyword: "keyword",
  path: "text",
  magic: "keyword",
};

function completionOptions(completion: AssistCompletion): Completion[] {
  return completion.matches.map((match) => {
    const icon = match.type && Object.hasOwn(ICON_OF_KIND, match.type) ? ICON_OF_KIND[match.type] : undefined;
    return {
      label: match.label,
      ...(icon ? { type: icon } : {}),
      ...(match.type ? { detail: match.type } : {}),
    };
  });
}

/**
 * The list's only source: the kernel's answer the Tab key fetched, for this very text. Typing on filters it (while
 * what is typed is a name); anything else asks this source again, which then has nothing and closes the list.
 */
function kernelSource(context: CompletionContext): CompletionResult | null {
  const stored = context.state.field(kernelCompletion, false);
  if (!stored || stored.doc !== context.state.doc) return null;
  const { from, to } = stored.completion;
  return { from, to, options: completionOptions(stored.completion), validFor: /^[\p{L}\p{N}_$]*$/u };
}

// ---- the kernel's inspection (Shift-Tab) ----

const setInspection = StateEffect.define<Tooltip | null>();

/** The inspection tooltip, until Escape or a change of the text. */
const inspection = StateField.define<Tooltip | null>({
  create: () => null,
  update(value, tr) {
    for (const effect of tr.effects) if (effect.is(setInspection)) return effect.value;
    return tr.docChanged ? null : value;
  },
  provide: (field) => showTooltip.from(field),
});

/** The kernel's text in a tooltip: ANSI colours become classes, and every piece of text is a text node. */
function inspectionTooltip(pos: number, text: string): Tooltip {
  return {
    pos,
    above: false,
    create(view) {
      const doc = view.dom.ownerDocument;
      const dom = doc.createElement("div");
      dom.className = "cm-vt-inspect";
      dom.setAttribute("role", "note");
      dom.setAttribute("aria-label", "What the kernel says");
      for (const run of terminalTextToRuns(text)) {
        if (run.classes.length === 0) dom.append(doc.createTextNode(run.text));
        else {
          const span = doc.createElement("span");
          span.className = run.classes.join(" ");
          span.append(doc.createTextNode(run.text));
          dom.append(span);
        }
      }
      return { dom };
    },
  };
}

/** Whether the cursor is an empty selection after something other than spaces on its line. */
function afterText(state: EditorState): boolean {
  const { main } = state.selection;
  if (!main.empty) return false;
  const line = state.doc.lineAt(main.head);
  return state.sliceDoc(line.from, main.head).trim() !== "";
}

export interface CellEditorOptions {
  /** The element the editor lives in; it is given a shadow root (see the note at the top). */
  host: HTMLElement;
  source: string;
  language: EditorLanguage;
  /** An accessible name for the text box ("Cell 3, code"). */
  label: string;
  /** The text changed (typed, pasted, undone in the editor). */
  onChange(source: string): void;
  /** The editor got the focus. */
  onFocus(): void;
  /** Arrow up on the first line, or down on the last: the notebook moves to the neighbouring cell. */
  onLeaveEdge?(direction: -1 | 1): boolean;
  /** The kernel's completion and inspection (code cells only); without it, Tab and Shift-Tab indent. */
  assist?: KernelAssist;
}

/** One live CodeMirror editor for a cell. */
export class CellEditor {
  readonly view: EditorView;
  private readonly root: ShadowRoot;
  private applyingOutside = false;
  private destroyed = false;
  private readonly document: Document;
  private readonly parent: HTMLElement;
  private attached = false;

  constructor(options: CellEditorOptions) {
    this.document = options.host.ownerDocument;
    const root = options.host.shadowRoot ?? options.host.attachShadow({ mode: "open" });
    this.root = root;
    const parent = options.host.ownerDocument.createElement("div");
    parent.className = "vt-cm-parent";
    root.replaceChildren(parent);
    this.parent = parent;
    const edges: Extension = options.onLeaveEdge
      ? keymap.of([
          { key: "ArrowUp", run: (view) => atEdge(view, -1) && (options.onLeaveEdge?.(-1) ?? false) },
          { key: "ArrowDown", run: (view) => atEdge(view, 1) && (options.onLeaveEdge?.(1) ?? false) },
        ])
      : [];
    // Built detached, and attached with the other editors of the same render in one microtask (attachPending):
    // CodeMirror measures the page as it builds a view inside it, and each such build forced a style and layout
    // pass of the whole notebook, which made opening and scrolling a long notebook slow.
    this.view = new EditorView({
      root,
      state: EditorState.create({
        doc: options.source,
        extensions: [
          edges,
          typeOverSelection,
          findMarks,
          history(),
          drawSelection(),
          highlightActiveLine(),
          indentOnInput(),
          bracketMatching(),
          options.language === "markdown" ? [] : lineNumbers(),
          // Four spaces, as JupyterLab indents (CodeMirror's default is two).
          indentUnit.of("    "),
          options.assist ? this.assistExtension(options.assist) : [],
          keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
          languageExtension(options.language),
          syntaxHighlighting(highlightStyle),
          editorTheme,
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ "aria-label": options.label }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged && !this.applyingOutside) options.onChange(update.state.doc.toString());
            if (update.focusChanged && update.view.hasFocus) options.onFocus();
          }),
        ],
      }),
    });
    this.document.addEventListener("keydown", this.closeOnEscape, true);
    pendingAttach.push(this);
    if (pendingAttach.length === 1) queueMicrotask(attachPending);
  }

  /** Puts the editor in the page, once (a destroyed one never). */
  attach(): void {
    if (this.attached || this.destroyed) return;
    this.attached = true;
    this.parent.appendChild(this.view.dom);
  }

  get source(): string {
    return this.view.state.doc.toString();
  }

  /** The main selection's ends as offsets into the source: one offset for a cursor, two for a range. */
  get cutOffsets(): number[] {
    const { from, to } = this.view.state.selection.main;
    return from === to ? [from] : [from, to];
  }

  /** The selected text (the main selection's), "" for a cursor. */
  get selectedText(): string {
    const { from, to } = this.view.state.selection.main;
    return this.view.state.sliceDoc(from, to);
  }

  /**
   * Marks the find box's matches, as offsets into the source, `current` (an index into them, -1 for none) as the
   * one stepped to. Neither the focus nor the selection moves.
   */
  markFound(matches: readonly { from: number; to: number }[], current: number): void {
    if (this.destroyed) return;
    const length = this.view.state.doc.length;
    const marks = matches
      .map((m, i) => ({ ...m, i }))
      .filter((m) => m.from < m.to && m.to <= length)
      .map((m) => (m.i === current ? FOUND_CURRENT : FOUND).range(m.from, m.to));
    this.view.dispatch({ effects: setFindMarks.of(Decoration.set(marks, true)) });
  }

  /** Scrolls the page so that offset `at` of the source is in the middle of the window. */
  reveal(at: number): void {
    if (this.destroyed) return;
    this.attach();
    const pos = Math.min(at, this.view.state.doc.length);
    this.view.dispatch({ effects: EditorView.scrollIntoView(pos, { y: "center" }) });
  }

  get hasFocus(): boolean {
    return this.view.hasFocus;
  }

  focus(where?: "start" | "end"): void {
    this.attach();
    if (where) {
      const at = where === "start" ? 0 : this.view.state.doc.length;
      this.view.dispatch({ selection: { anchor: at } });
    }
    this.view.focus();
  }

  /** Replaces the text with what the notebook now says (an undone cell operation), keeping the cursor near. */
  setSource(source: string): void {
    if (source === this.source) return;
    const head = Math.min(this.view.state.selection.main.head, source.length);
    this.applyingOutside = true;
    try {
      this.view.dispatch({
        changes: { from: 0, to: this.view.state.doc.length, insert: source },
        selection: { anchor: head },
      });
    } finally {
      this.applyingOutside = false;
    }
  }

  /** Closes the completion list and the inspection tooltip; whether one was open. */
  closePopups(): boolean {
    let closed = false;
    if (completionStatus(this.view.state) !== null) closed = closeCompletion(this.view) || closed;
    if (this.view.state.field(inspection, false)) {
      this.view.dispatch({ effects: setInspection.of(null) });
      closed = true;
    }
    return closed;
  }

  destroy(): void {
    this.destroyed = true;
    this.document.removeEventListener("keydown", this.closeOnEscape, true);
    this.view.destroy();
    this.root.replaceChildren();
  }

  /**
   * Escape with a list or tooltip open closes it and stays in the cell. The notebook reads its keys in the
   * capture phase on its own element (notebook-editor.tsx), before CodeMirror; this listener is on the document,
   * whose capture phase comes first, and a key it handles is marked handled (defaultPrevented), which the
   * notebook's reader skips.
   */
  private readonly closeOnEscape = (event: KeyboardEvent): void => {
    if (event.key !== "Escape" || event.defaultPrevented || event.isComposing || !this.view.hasFocus) return;
    if (!this.closePopups()) return;
    event.preventDefault();
    event.stopPropagation();
  };

  private assistExtension(assist: KernelAssist): Extension {
    return [
      kernelCompletion,
      inspection,
      autocompletion({ override: [kernelSource], activateOnTyping: false, closeOnBlur: true }),
      // An open list takes Tab (to pick), before the Tab below asks the kernel again.
      Prec.highest(keymap.of([{ key: "Tab", run: acceptCompletion }])),
      Prec.high(
        keymap.of([
          { key: "Tab", run: (view) => this.askCompletion(view, assist) },
          { key: "Shift-Tab", run: (view) => this.askInspection(view, assist) },
        ]),
      ),
    ];
  }

  /**
   * Whether an answer asked for at `cursor` in `asked` still applies: the person neither typed, moved nor left
   * the cell while the kernel thought (an answer for a text that is gone, or a list in a cell left, is dropped).
   */
  private stillAt(view: EditorView, asked: EditorState, cursor: number): boolean {
    return (
      !this.destroyed &&
      view.hasFocus &&
      view.state.doc === asked.doc &&
      view.state.selection.main.empty &&
      view.state.selection.main.head === cursor
    );
  }

  private askCompletion(view: EditorView, assist: KernelAssist): boolean {
    if (!afterText(view.state) || !assist.available()) return false;
    const asked = view.state;
    const cursor = asked.selection.main.head;
    void assist.complete(asked.doc.toString(), cursor).then((completion) => {
      // The person typed or moved on while the kernel thought: its answer is for a text that is gone.
      if (!completion || !this.stillAt(view, asked, cursor)) return;
      const only = completion.matches.length === 1 ? completion.matches[0] : undefined;
      if (only) {
        view.dispatch({
          ...insertCompletionText(view.state, only.label, completion.from, completion.to),
          userEvent: "input.complete",
        });
        return;
      }
      view.dispatch({ effects: setKernelCompletion.of({ completion, doc: view.state.doc }) });
      startCompletion(view);
    });
    return true;
  }

  private askInspection(view: EditorView, assist: KernelAssist): boolean {
    if (!afterText(view.state) || !assist.available()) return false;
    const asked = view.state;
    const cursor = asked.selection.main.head;
    void assist.inspect(asked.doc.toString(), cursor).then((found) => {
      if (!found || !this.stillAt(view, asked, cursor)) return;
      view.dispatch({ effects: setInspection.of(inspectionTooltip(cursor, found.text)) });
    });
    return true;
  }
}

/** Editors made and not yet in the page: attached together, after the render that made them. */
const pendingAttach: CellEditor[] = [];
function attachPending(): void {
  for (const editor of pendingAttach.splice(0)) editor.attach();
}

function atEdge(view: EditorView, direction: -1 | 1): boolean {
  const { main } = view.state.selection;
  if (!main.empty) return false;
  const line = view.state.doc.lineAt(main.head);
  return direction < 0 ? line.number === 1 : line.number === view.state.doc.lines;
}

/** Editors are made this far before their cell scrolls into view. */
const NEAR_MARGIN = "800px 0px";
/** And destroyed once their cell is this far out of it. */
const FAR_MARGIN = "3000px 0px";
/** Editors made in one frame, at most. */
const EDITORS_PER_FRAME = 4;

/**
 * Tells a notebook's cells when they come near the viewport and when they go far from it, so that a long
 * notebook keeps only the editors near the reader live (as output-frame.ts does with frames). Each cell is watched
 * by one observer at a time: the near one while it has no editor, the far one once it has. Every observation is
 * computed again after each layout (each key typed, each scrolled frame), so a cell watched by both cost twice.
 */
export class EditorProximity {
  private readonly near: IntersectionObserver;
  private readonly far: IntersectionObserver;
  private readonly listeners = new WeakMap<Element, (near: boolean) => void>();
  /** Cells that came near and have no editor yet: given theirs a few per frame, those nearest the viewport first. */
  private readonly waiting = new Map<Element, number>();
  private frame: number | null = null;

  constructor() {
    this.near = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          if (!e.isIntersecting) {
            this.waiting.delete(e.target);
            continue;
          }
          const view = e.rootBounds;
          const middle = view ? (view.top + view.bottom) / 2 : 0;
          this.waiting.set(e.target, Math.abs((e.boundingClientRect.top + e.boundingClientRect.bottom) / 2 - middle));
        }
        this.schedule();
      },
      { rootMargin: NEAR_MARGIN },
    );
    this.far = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          if (e.isIntersecting || !this.listeners.has(e.target)) continue;
          this.far.unobserve(e.target);
          this.near.observe(e.target);
          this.listeners.get(e.target)?.(false);
        }
      },
      { rootMargin: FAR_MARGIN },
    );
  }

  /**
   * Editors are made at most EDITORS_PER_FRAME a frame: a fast scroll through a long notebook brings dozens of
   * cells near at once, and making all their editors in one task held the page for hundreds of milliseconds.
   */
  private schedule(): void {
    if (this.frame !== null || this.waiting.size === 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      const nearest = [...this.waiting].sort((a, b) => a[1] - b[1]).slice(0, EDITORS_PER_FRAME);
      for (const [element] of nearest) {
        this.waiting.delete(element);
        this.near.unobserve(element);
        this.far.observe(element);
        this.listeners.get(element)?.(true);
      }
      this.schedule();
    });
  }

  watch(element: Element, onChange: (near: boolean) => void): () => void {
    this.listeners.set(element, onChange);
    this.near.observe(element);
    return () => {
      this.near.unobserve(element);
      this.far.unobserve(element);
      this.listeners.delete(element);
      this.waiting.delete(element);
    };
  }

  disconnect(): void {
    this.near.disconnect();
    this.far.disconnect();
    this.waiting.clear();
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
  }
}
