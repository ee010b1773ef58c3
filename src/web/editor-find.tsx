// The editor's find box: Ctrl-F (⌘F) on the editor page, in command mode or inside a cell's editor, opens the same
// box as the reading page's (search-in-notebook-bar.tsx). Inside an editor it starts with the editor's selection
// when that is on one line, as JupyterLab's does, and the browser's own find (which cannot see cells without an
// editor's text, nor text inside the editors' shadow roots reliably) is not opened.
//
// The matches are counted in the edit model's text (editor-find-text.ts), so the count covers every cell at once,
// whether its editor is live or not, and follows typing (a quarter of a second after it stops) while the match
// stepped to stays where it was. A match is marked where its text is drawn: in a live CodeMirror editor as a
// decoration (the editor redraws its lines, and lives in a shadow root that the page's ::highlight rules do not
// reach), in a cell without an editor (`pre.vt-ed-static`), a rendered markdown cell or a text output as a range of
// the CSS Custom Highlight API (`vt-find`, `vt-find-current`). Neither changes the text or the DOM of the cells.
// A match in a rendered markdown cell that its rendered words do not hold (a link's address) shows that cell's
// source until the box moves on or closes, as JupyterLab's search does.
// Stepping scrolls the match into view; it never moves the focus, the selection or the mode, so Enter in the box
// goes on to the next match, and Escape gives the focus back to where it was.
//
// Cell sources and outputs are untrusted text: they are only ever read (text nodes, the model's strings) and
// never parsed as markup. Outputs in sandboxed frames are other documents and are not searched.
import { useEffect, useRef, useState, type RefObject } from "react";
import type { CellEditor } from "./cell-editor.ts";
import { editorFindText, matchAtOrAfter, SOURCE_PARTS, type TextPlace } from "./editor-find-text.ts";
import type { NotebookEditModel } from "./notebook-edit-model.ts";
import { FindBox, findCount, isFindKey, mark, unmark } from "./search-in-notebook-bar.tsx";
import {
  drawnMatchRange,
  findInText,
  matchCount,
  nthMatchRange,
  offsetRange,
  type CellText,
  type TextMatch,
  type TextNodes,
} from "./search-in-notebook.ts";

export const EDITOR_FIND_HELP =
  "Finds in every cell's source (unsaved changes included) and text outputs. " +
  "Outputs in frames (HTML, widgets) are other documents and are not searched.";

/** Time after the last change to the notebook before the matches are counted again (ms). */
const RECOUNT_MS = 250;

export interface EditorFindProps {
  model: NotebookEditModel;
  /** The live editors, by cell id. */
  editors: RefObject<ReadonlyMap<string, CellEditor>>;
  /** The editor's element (notebook-editor.tsx). */
  root: RefObject<HTMLElement | null>;
}

/** The matches of `query` in the notebook's text, and the cell ids the text was read with. */
interface Found {
  query: string;
  text: CellText[];
  matches: TextMatch[];
  ids: string[];
}

export function EditorFind({ model, editors, root }: EditorFindProps) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [found, setFound] = useState<Found | null>(null);
  const [current, setCurrent] = useState(0);
  const [replacement, setReplacement] = useState("");
  /** Where the next count goes on from: just after a replacement, so that it is not found again. */
  const goOnFrom = useRef<TextPlace | null>(null);
  const replacedAll = useRef(false);
  const input = useRef<HTMLInputElement>(null);
  const returnFocus = useRef<(() => void) | null>(null);
  const marked = useRef(new Set<CellEditor>());
  /** The match to scroll to once the marks are placed. */
  const revealNext = useRef<number | null>(null);
  /** The match last scrolled to, kept in view until `until` while the cells around it are drawn. */
  const settling = useRef<{ index: number; until: number } | null>(null);
  const now = useRef({ found, current });
  now.current = { found, current };
  /** Markdown cells the box shows as their source, for a match that only the source has. */
  const shownSources = useRef(new Set<string>());
  /** The match a cell's source was last shown for. */
  const sourceShownFor = useRef<TextMatch | null>(null);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isFindKey(event) || !root.current?.isConnected) return;
      // Before the notebook's keys and CodeMirror's: the key is the find box's in either mode.
      event.preventDefault();
      event.stopPropagation();
      const editor = [...editors.current.values()].find((e) => e.hasFocus);
      if (editor) {
        const selected = editor.selectedText;
        if (selected !== "" && !selected.includes("\n")) setQuery(selected);
        returnFocus.current = () => {
          if (editor.view.dom.isConnected) editor.focus();
          else root.current?.focus({ preventScroll: true });
        };
      } else if (document.activeElement !== input.current) {
        const back = document.activeElement;
        returnFocus.current = () => {
          if (back instanceof HTMLElement && back.isConnected && back !== document.body)
            back.focus({ preventScroll: true });
          else root.current?.focus({ preventScroll: true });
        };
      }
      setOpen(true);
      window.setTimeout(() => {
        input.current?.focus({ preventScroll: true });
        input.current?.select();
      }, 0);
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [root, editors]);

  // The matches for the words, again a moment after each change to the notebook, the current one kept in place.
  useEffect(() => {
    if (!open || query === "") {
      setFound(null);
      return;
    }
    const count = (keep: boolean) => {
      const text = editorFindText(model.toNotebook());
      const matches = findInText(text, query);
      const ids = model.cells.map((cell) => cell.id);
      const before = now.current.found;
      const was = keep && before?.query === query ? before.matches[now.current.current] : undefined;
      let next: number;
      const after = goOnFrom.current;
      goOnFrom.current = null;
      if (after) {
        next = matchAtOrAfter(matches, after);
        revealNext.current = next;
      } else if (was) {
        const cell = ids.indexOf(before?.ids[was.cell] ?? "");
        next = matchAtOrAfter(matches, { cell: cell < 0 ? was.cell : cell, part: was.part, start: was.start });
      } else {
        // New words start from the active cell, as JupyterLab's find does, and bring their match into view.
        next = matchAtOrAfter(matches, { cell: model.state.active, part: 0, start: 0 });
        revealNext.current = next;
      }
      setFound({ query, text, matches, ids });
      setCurrent(Math.max(next, 0));
    };
    count(false);
    let cells = model.cells;
    let timer = 0;
    const unsubscribe = model.subscribe(() => {
      if (model.cells === cells) return;
      cells = model.cells;
      window.clearTimeout(timer);
      // After a replacement, at once: the box's next Replace needs the matches of the text as it is now.
      timer = window.setTimeout(() => count(true), goOnFrom.current || replacedAll.current ? 0 : RECOUNT_MS);
      replacedAll.current = false;
    });
    return () => {
      unsubscribe();
      window.clearTimeout(timer);
    };
  }, [open, query, model]);

  // The marks, placed again when cells are redrawn (an editor made or dropped as its cell nears or leaves the
  // window, outputs drawn).
  useEffect(() => {
    const clearEditors = () => {
      for (const editor of marked.current) editor.markFound([], -1);
      marked.current = new Set();
    };
    if (!open || !found) {
      clearEditors();
      unmark();
      return;
    }
    let beats: number[] = [];
    const place = () => {
      const host = root.current;
      if (!host) return;
      const ranges = placeMarks(host, found, current, editors.current, marked.current);
      const hidden = renderedOnlyCell(host, model, found, current, ranges);
      // Once for the match stepped to: a cell the person renders again (running it) stays rendered.
      if (hidden !== null && sourceShownFor.current !== found.matches[current]) {
        sourceShownFor.current = found.matches[current] ?? null;
        // Its source is drawn in place of the rendered view, and the match marked and brought into view there once
        // it is (the next placing, when the cell is redrawn).
        revealNext.current = current;
        shownSources.current.add(hidden);
        model.showMarkdownSource(hidden);
        return;
      }
      const reveal = revealNext.current;
      revealNext.current = null;
      if (reveal !== null && reveal >= 0) {
        bringIntoView(host, found, reveal, ranges[reveal] ?? null, editors.current);
        settling.current = { index: reveal, until: performance.now() + REVEAL_SETTLE_MS };
        // Layout alone (a cell drawn at its real height) changes no node: the hold is checked on a few beats too.
        for (const beat of beats) window.clearTimeout(beat);
        beats = REVEAL_SETTLE_BEATS_MS.map((ms) => window.setTimeout(place, ms));
        return;
      }
      // A far match scrolled to moves as the cells around it are drawn at their real heights and get editors: it
      // is brought back while that settles, unless the person has scrolled meanwhile.
      const held = settling.current;
      if (!held || held.index !== current || performance.now() > held.until) return;
      if (!matchInView(host, found, current, ranges[current] ?? null))
        bringIntoView(host, found, current, ranges[current] ?? null, editors.current);
    };
    place();
    const node = root.current;
    if (!node) return;
    let timer = 0;
    const observer = new MutationObserver(() => {
      window.clearTimeout(timer);
      timer = window.setTimeout(place, 100);
    });
    observer.observe(node, { childList: true, subtree: true });
    // The person's own scrolling, clicking or keys outside the box end the hold.
    const letGo = () => (settling.current = null);
    const letGoOutsideBox = (event: Event) => {
      if (!(event.target instanceof Element && event.target.closest(".vt-find"))) letGo();
    };
    const options = { passive: true, capture: true };
    window.addEventListener("wheel", letGo, options);
    window.addEventListener("touchmove", letGo, options);
    window.addEventListener("pointerdown", letGo, options);
    window.addEventListener("keydown", letGoOutsideBox, options);
    return () => {
      observer.disconnect();
      window.clearTimeout(timer);
      for (const beat of beats) window.clearTimeout(beat);
      window.removeEventListener("wheel", letGo, options);
      window.removeEventListener("touchmove", letGo, options);
      window.removeEventListener("pointerdown", letGo, options);
      window.removeEventListener("keydown", letGoOutsideBox, options);
    };
  }, [open, found, current, root, editors, model]);

  // A markdown cell shown as its source for a match is rendered again once the box moves on or closes, unless the
  // person has gone into it to edit (then it stays as their edit left it, as any cell they edit does).
  useEffect(() => {
    const at = open && found ? found.matches[current] : undefined;
    const keep = at && found ? found.ids[at.cell] : undefined;
    for (const id of [...shownSources.current]) {
      if (id === keep) continue;
      shownSources.current.delete(id);
      model.renderMarkdown(id);
      // The cell redrawn shorter moves what is below it: the match is brought into view again once it is.
      if (at) revealNext.current = current;
    }
  }, [open, found, current, model]);
  useEffect(
    () =>
      model.subscribe(() => {
        const { mode, active } = model.state;
        const id = model.cells[active]?.id;
        if (mode === "edit" && id !== undefined) shownSources.current.delete(id);
      }),
    [model],
  );

  useEffect(
    () => () => {
      for (const editor of marked.current) editor.markFound([], -1);
      unmark();
    },
    [],
  );

  const step = (by: 1 | -1) => {
    if (!found || found.query !== query || found.matches.length === 0) return;
    const count = found.matches.length;
    const next = (current + by + count) % count;
    revealNext.current = next;
    // The same match again (one match in all) is still brought into view.
    if (next === current) setFound({ ...found });
    setCurrent(next);
  };

  /** The source matches among `indexes`, replaced, cell by cell, as one operation of the model (undo takes it back). */
  const replaceMatches = (indexes: number[], label: string, goOn: () => void): boolean => {
    if (!found || found.query !== query) return false;
    const byCell = new Map<number, TextMatch[]>();
    for (const i of indexes) {
      const m = found.matches[i];
      const part = m ? found.text[m.cell]?.parts[m.part] : undefined;
      if (!m || !part || !SOURCE_PARTS.has(part.part)) continue;
      byCell.set(m.cell, [...(byCell.get(m.cell) ?? []), m]);
    }
    const sources = new Map<string, string>();
    for (const [cell, matches] of byCell) {
      const id = found.ids[cell] ?? "";
      const index = model.indexOf(id);
      const source = found.text[cell]?.parts[matches[0]!.part]?.text;
      // The cell changed since the count (typing in the last moment): nothing of it is replaced on old offsets.
      if (index < 0 || source === undefined || model.cells[index]?.source !== source) return false;
      let next = source;
      for (const m of [...matches].sort((a, b) => b.start - a.start))
        next = next.slice(0, m.start) + replacement + next.slice(m.end);
      sources.set(id, next);
    }
    if (sources.size === 0) return false;
    // Said before the change, which the model tells its listeners at once: the count that follows reads it.
    goOn();
    model.replaceSources(sources, label);
    return true;
  };

  const replaceCurrent = () => {
    const m = found?.matches[current];
    if (!m || !found) return;
    const id = found.ids[m.cell] ?? "";
    replaceMatches([current], "replace", () => {
      goOnFrom.current = { cell: Math.max(model.indexOf(id), 0), part: m.part, start: m.start + replacement.length };
    });
  };

  const replaceAll = () => {
    const all = found ? found.matches.map((_, i) => i) : [];
    replaceMatches(all, "replace all", () => (replacedAll.current = true));
  };

  const close = () => {
    setOpen(false);
    returnFocus.current?.();
    returnFocus.current = null;
  };

  if (!open) return null;
  const count = found?.query === query ? found.matches.length : 0;
  return (
    <FindBox
      inputRef={input}
      query={query}
      onQuery={setQuery}
      count={findCount(query, query !== "" && found?.query !== query, count === 0 ? 0 : current + 1, count)}
      canStep={count > 0}
      onStep={step}
      onClose={close}
      help={EDITOR_FIND_HELP}
      replace={{
        value: replacement,
        onValue: setReplacement,
        canReplace: count > 0 && isSourceMatch(found, current),
        canReplaceAll: count > 0 && found !== null && found.matches.some((_, i) => isSourceMatch(found, i)),
        onReplace: replaceCurrent,
        onReplaceAll: replaceAll,
      }}
    />
  );
}

/** Whether match i is in a cell's source (which Replace changes) rather than in an output (which it never does). */
function isSourceMatch(found: Found | null, i: number): boolean {
  const m = found?.matches[i];
  return m !== undefined && SOURCE_PARTS.has(found?.text[m.cell]?.parts[m.part]?.part ?? "");
}

/**
 * The cell of the current match when that match is in a markdown cell drawn rendered whose rendered words do not hold
 * it (a link's address, `**` markers, markup): its source must be shown for the match to be seen. Otherwise null.
 */
function renderedOnlyCell(
  host: Element,
  model: NotebookEditModel,
  found: Found,
  current: number,
  ranges: readonly (Range | null)[],
): string | null {
  const m = found.matches[current];
  if (!m || ranges[current] || !isSourceMatch(found, current)) return null;
  const id = found.ids[m.cell] ?? "";
  const cell = model.cells[model.indexOf(id)];
  if (cell?.cell_type !== "markdown" || model.state.editingMarkdown.has(id)) return null;
  // Drawn (a cell's rendered view is filled after it is made): its words were looked through and do not hold it.
  const rendered = cellSection(host, id)?.querySelector(".vt-ed-rendered");
  return rendered?.hasChildNodes() ? id : null;
}

const cellSection = (host: Element, id: string) => host.querySelector(`.vt-ed-cell[data-cell-id="${CSS.escape(id)}"]`);

/**
 * Marks every match where it is drawn, and returns each match's range in the page (null for one in a live editor,
 * which marks its own, or one not drawn as text). `marked` is updated to the editors that now carry marks.
 */
function placeMarks(
  host: Element,
  found: Found,
  current: number,
  editors: ReadonlyMap<string, CellEditor>,
  marked: Set<CellEditor>,
): (Range | null)[] {
  const { text, matches, ids } = found;
  const ranges: (Range | null)[] = matches.map(() => null);
  const byCell = new Map<number, number[]>();
  matches.forEach((m, i) => {
    const list = byCell.get(m.cell);
    if (list) list.push(i);
    else byCell.set(m.cell, [i]);
  });
  const nowMarked = new Set<CellEditor>();
  const read = new Map<Element, TextNodes>();
  for (const [cell, indexes] of byCell) {
    const id = ids[cell] ?? "";
    const parts = text[cell]?.parts ?? [];
    const isSource = (i: number) => SOURCE_PARTS.has(parts[matches[i]?.part ?? -1]?.part ?? "");
    const source = indexes.filter(isSource);
    const outputs = indexes.filter((i) => !isSource(i));
    const editor = editors.get(id);
    const section = cellSection(host, id);
    if (editor && source.length > 0) {
      editor.markFound(
        source.map((i) => ({ from: matches[i]?.start ?? 0, to: matches[i]?.end ?? 0 })),
        source.indexOf(current),
      );
      nowMarked.add(editor);
    } else if (section && source.length > 0) {
      // Without an editor: the highlighted text (the source itself) or the rendered markdown (its own words).
      const shown = section.querySelector("pre.vt-ed-static") ?? section.querySelector(".vt-ed-rendered");
      const sourceText = parts[0]?.text ?? "";
      // Rendered words are matched to the source's matches by their order, which holds only when both have as
      // many: otherwise none is marked there, and the current one shows the cell's source (renderedOnlyCell).
      const comparable = (element: Element) =>
        element.matches("pre") || matchCount(element, found.query, read) === source.length;
      if (shown && comparable(shown)) {
        const exact = shown.matches("pre") && (read.get(shown)?.text ?? shown.textContent ?? "").startsWith(sourceText);
        for (const i of source) {
          const m = matches[i];
          if (m)
            ranges[i] = exact
              ? offsetRange(shown, m.start, m.end, read)
              : nthMatchRange(shown, found.query, m.nth, read);
        }
      }
    }
    if (section && outputs.length > 0) {
      // The cell's text outputs are drawn in order, one `pre.vt-text` each (a folded one's preview aside).
      const drawn = [...section.querySelectorAll(".vt-ed-outputs pre.vt-text:not(.vt-fold-preview)")];
      const outputParts = parts.filter((p) => !SOURCE_PARTS.has(p.part));
      if (drawn.length === outputParts.length)
        for (const i of outputs) {
          const m = matches[i];
          const part = m ? parts[m.part] : undefined;
          const element = part ? drawn[outputParts.indexOf(part)] : undefined;
          if (m && part && element) ranges[i] = drawnMatchRange(element, part.text, m, found.query, read);
        }
    }
  }
  for (const editor of marked) if (!nowMarked.has(editor)) editor.markFound([], -1);
  marked.clear();
  for (const editor of nowMarked) marked.add(editor);
  mark(ranges, current);
  return ranges;
}

/** How long a match scrolled to is held in view while the cells around it settle, and when that is checked. */
const REVEAL_SETTLE_MS = 2000;
const REVEAL_SETTLE_BEATS_MS = [150, 400, 800, 1300, 1900];

/** Whether match i shows in the window: its marked text when it has one, else some of its cell. */
function matchInView(host: Element, found: Found, i: number, range: Range | null): boolean {
  const match = found.matches[i];
  if (!match) return true;
  const box = range?.getBoundingClientRect();
  if (box && box.height > 0) return box.top >= 0 && box.bottom <= window.innerHeight;
  const cell = cellSection(host, found.ids[match.cell] ?? "")?.getBoundingClientRect();
  return !cell || (cell.bottom > 0 && cell.top < window.innerHeight);
}

/** Scrolls match i into view (its cell first, then the match), without moving the focus. */
function bringIntoView(
  host: Element,
  found: Found,
  i: number,
  range: Range | null,
  editors: ReadonlyMap<string, CellEditor>,
): void {
  const match = found.matches[i];
  if (!match) return;
  const id = found.ids[match.cell] ?? "";
  const part = found.text[match.cell]?.parts[match.part];
  const editor = editors.get(id);
  if (editor && part && SOURCE_PARTS.has(part.part)) return editor.reveal(match.start);
  if (range) {
    const box = range.getBoundingClientRect();
    if (box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight) return;
    range.startContainer.parentElement?.scrollIntoView({ block: "center" });
    return;
  }
  cellSection(host, id)?.scrollIntoView({ block: "center" });
}
