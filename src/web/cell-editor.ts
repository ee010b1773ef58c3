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
import { EditorState, type Extension } from "@codemirror/state";
import { drawSelection, EditorView, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import {
  bracketMatching,
  HighlightStyle,
  indentOnInput,
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
});

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
}

/** One live CodeMirror editor for a cell. */
export class CellEditor {
  readonly view: EditorView;
  private readonly root: ShadowRoot;
  private applyingOutside = false;

  constructor(options: CellEditorOptions) {
    const root = options.host.shadowRoot ?? options.host.attachShadow({ mode: "open" });
    this.root = root;
    const parent = options.host.ownerDocument.createElement("div");
    parent.className = "vt-cm-parent";
    root.replaceChildren(parent);
    const edges: Extension = options.onLeaveEdge
      ? keymap.of([
          { key: "ArrowUp", run: (view) => atEdge(view, -1) && (options.onLeaveEdge?.(-1) ?? false) },
          { key: "ArrowDown", run: (view) => atEdge(view, 1) && (options.onLeaveEdge?.(1) ?? false) },
        ])
      : [];
    this.view = new EditorView({
      root,
      parent,
      state: EditorState.create({
        doc: options.source,
        extensions: [
          edges,
          history(),
          drawSelection(),
          highlightActiveLine(),
          indentOnInput(),
          bracketMatching(),
          options.language === "markdown" ? [] : lineNumbers(),
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
  }

  get source(): string {
    return this.view.state.doc.toString();
  }

  /** The main selection's ends as offsets into the source: one offset for a cursor, two for a range. */
  get cutOffsets(): number[] {
    const { from, to } = this.view.state.selection.main;
    return from === to ? [from] : [from, to];
  }

  get hasFocus(): boolean {
    return this.view.hasFocus;
  }

  focus(where?: "start" | "end"): void {
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

  destroy(): void {
    this.view.destroy();
    this.root.replaceChildren();
  }
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

/**
 * Tells a notebook's cells when they come near the viewport and when they go far from it, so that a long
 * notebook keeps only the editors near the reader live (as output-frame.ts does with frames).
 */
export class EditorProximity {
  private readonly near: IntersectionObserver;
  private readonly far: IntersectionObserver;
  private readonly listeners = new WeakMap<Element, (near: boolean) => void>();

  constructor() {
    this.near = new IntersectionObserver(
      (entries) => {
        for (const e of entries) if (e.isIntersecting) this.listeners.get(e.target)?.(true);
      },
      { rootMargin: NEAR_MARGIN },
    );
    this.far = new IntersectionObserver(
      (entries) => {
        for (const e of entries) if (!e.isIntersecting) this.listeners.get(e.target)?.(false);
      },
      { rootMargin: FAR_MARGIN },
    );
  }

  watch(element: Element, onChange: (near: boolean) => void): () => void {
    this.listeners.set(element, onChange);
    this.near.observe(element);
    this.far.observe(element);
    return () => {
      this.near.unobserve(element);
      this.far.unobserve(element);
      this.listeners.delete(element);
    };
  }

  disconnect(): void {
    this.near.disconnect();
    this.far.disconnect();
  }
}
