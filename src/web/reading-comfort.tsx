// What the reading page offers beside the notebook: a table of contents as a side panel (contents-panel.tsx) and
// folding cells' code and outputs (cell-collapse.ts), with their buttons above the cells.
import { useCallback, useEffect, useRef, useState, type RefObject } from "react";
import { NotebookError } from "../notebook/errors.ts";
import { parseAcceptedNotebook, parseNotebook } from "../notebook/parse.ts";
import { browserSanitizer } from "./browser-sanitizer.ts";
import { CellCollapse, type CollapsePart } from "./cell-collapse.ts";
import { CONTENTS_PANEL_ID, ContentsPanel } from "./contents-panel.tsx";
import { loadMarkdown } from "./markdown-module.ts";
import type { NotebookDrawing } from "./notebook-drawing.ts";
import { plannedContents, type PlannedHeading } from "./plan-contents.ts";
import { whenIdle } from "./progressive-cells.ts";

export interface ReadingComfort {
  contents: PlannedHeading[] | null;
  contentsOpen: boolean;
  setContentsOpen(open: boolean): void;
  allCollapsed: Record<CollapsePart, boolean>;
  setAll(part: CollapsePart, collapsed: boolean): void;
  cells: HTMLElement | null;
  drawThrough(index: number): void;
}

/** The contents (read from the bytes once the page is idle) and the collapse controls of one notebook view. */
export function useReadingComfort(
  cells: RefObject<HTMLDivElement | null>,
  bytes: Uint8Array | null,
  fileName: string,
  drawing: RefObject<NotebookDrawing | null>,
): ReadingComfort {
  const [contents, setContents] = useState<PlannedHeading[] | null>(null);
  const [contentsOpen, setContentsOpen] = useState(false);
  const [allCollapsed, setAllCollapsed] = useState({ code: false, outputs: false });
  const [cellsNode, setCellsNode] = useState<HTMLElement | null>(null);
  const collapse = useRef<CellCollapse | null>(null);

  useEffect(() => {
    const node = cells.current;
    if (!node) return;
    setCellsNode(node);
    const controls = new CellCollapse(node);
    collapse.current = controls;
    return () => {
      controls.dispose();
      collapse.current = null;
    };
  }, [cells, fileName]);

  useEffect(() => {
    setContents(null);
    if (!bytes) return;
    let cancelled = false;
    // After the cells of the first screen, when the page is idle: the headings of every cell, from the cells' own
    // markdown, so that those of cells not drawn yet are listed too.
    const idle = whenIdle(() => {
      void loadMarkdown().then((markdown) => {
        if (cancelled) return;
        let parsed = parseAcceptedNotebook(bytes, { file: fileName });
        if (parsed === null) {
          try {
            parsed = parseNotebook(bytes, { file: fileName });
          } catch (error) {
            if (error instanceof NotebookError) return;
            throw error;
          }
        }
        setContents(plannedContents(parsed.notebook, (source) => markdown.renderMarkdown(source), browserSanitizer()));
      });
    });
    return () => {
      cancelled = true;
      idle.cancel();
    };
  }, [bytes, fileName]);

  const setAll = useCallback((part: CollapsePart, collapsed: boolean) => {
    collapse.current?.setAll(part, collapsed);
    setAllCollapsed((now) => ({ ...now, [part]: collapsed }));
  }, []);
  const drawThrough = useCallback((index: number) => drawing.current?.drawThrough(index), [drawing]);
  return { contents, contentsOpen, setContentsOpen, allCollapsed, setAll, cells: cellsNode, drawThrough };
}

/** The buttons above the cells, and the contents panel they open. */
export function ReadingTools({ comfort }: { comfort: ReadingComfort }) {
  const { contents, contentsOpen, setContentsOpen, allCollapsed, setAll } = comfort;
  const close = useCallback(() => setContentsOpen(false), [setContentsOpen]);
  return (
    <>
      <div className="vt-reading-tools" role="group" aria-label="Reading">
        <button
          type="button"
          id={`${CONTENTS_PANEL_ID}-toggle`}
          aria-expanded={contentsOpen}
          aria-controls={CONTENTS_PANEL_ID}
          disabled={contents === null}
          onClick={() => setContentsOpen(!contentsOpen)}
        >
          Contents
        </button>
        <button type="button" onClick={() => setAll("code", !allCollapsed.code)}>
          {allCollapsed.code ? "Expand all code" : "Collapse all code"}
        </button>
        <button type="button" onClick={() => setAll("outputs", !allCollapsed.outputs)}>
          {allCollapsed.outputs ? "Expand all outputs" : "Collapse all outputs"}
        </button>
      </div>
      {contents && (
        <ContentsPanel
          contents={contents}
          cells={comfort.cells}
          open={contentsOpen}
          onClose={close}
          drawThrough={comfort.drawThrough}
        />
      )}
    </>
  );
}
