// Two versions of a notebook compared (notebook/notebook-diff.ts), as a reader goes through them: what changed in
// the notebook's metadata, then each cell in the newer version's order with removed cells where they were. A
// changed cell shows its source as a line diff, its metadata changes at their JSON pointers, and, when its outputs
// changed, the older and newer outputs side by side, each drawn as reading draws outputs (cell-rendering.ts): every
// active output in a sandboxed frame on the content origin, never as markup in this page. Runs of unchanged cells
// are folded.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { CellDiff, NotebookDiff, ValueChanges } from "../notebook/notebook-diff.ts";
import { lineDiff } from "../notebook/notebook-diff-lines.ts";
import type { Cell, JsonValue, Notebook } from "../notebook/types.ts";
import { drawOutputs, type CellRenderContext } from "./cell-rendering.ts";
import { LineDiffView } from "./line-diff-view.tsx";
import { loadMarkdown } from "./markdown-module.ts";
import { StudioHost, type UrlChecker } from "./studio-host.ts";

/** Cells whose changed outputs are drawn at once; past them, a button draws each (every active output is a frame). */
const OUTPUTS_DRAWN_AT_ONCE = 20;
/** Entries (cells, and runs of unchanged cells) drawn at first and then at each "Show more": a page stays quick to draw. */
const ENTRIES_AT_ONCE = 200;
/** Characters of a changed metadata value shown; the rest is elided. */
const VALUE_CHARS = 200;

export interface NotebookDiffViewProps {
  diff: NotebookDiff;
  before: Notebook;
  after: Notebook;
  from: number;
  to: number;
  fileName: string;
  base: string;
  frameShellUrl: string;
  urls: UrlChecker;
  onLink(href: string): void;
}

type Entry = { kind: "cell"; cell: CellDiff } | { kind: "unchanged"; cells: CellDiff[] };

/** Cells that neither changed nor moved are folded together, run by run. */
function entriesOf(cells: readonly CellDiff[]): Entry[] {
  const entries: Entry[] = [];
  for (const cell of cells) {
    const last = entries.at(-1);
    if (cell.status === "unchanged" && !cell.moved) {
      if (last?.kind === "unchanged") last.cells.push(cell);
      else entries.push({ kind: "unchanged", cells: [cell] });
    } else entries.push({ kind: "cell", cell });
  }
  return entries;
}

export function NotebookDiffView(props: NotebookDiffViewProps) {
  const { diff, before, after, from, to } = props;
  const latest = useRef(props);
  latest.current = props;
  const [markdown, setMarkdown] = useState<CellRenderContext["markdown"] | null>(null);
  useEffect(() => {
    let live = true;
    void loadMarkdown().then((m) => live && setMarkdown(() => (source: string) => m.renderMarkdown(source)));
    return () => {
      live = false;
    };
  }, []);
  const host = useMemo(
    () =>
      new StudioHost({
        frameShellUrl: props.frameShellUrl,
        base: props.base,
        urls: props.urls,
        onFrameLink: (href) => latest.current.onLink(href),
      }),
    [props.frameShellUrl, props.base, props.urls],
  );
  const contexts = useMemo(() => {
    if (!markdown) return null;
    const of = (notebook: Notebook): CellRenderContext => ({
      fileName: props.fileName,
      nbformatMinor: notebook.nbformat_minor,
      metadata: notebook.metadata,
      markdown,
      host,
    });
    return { before: of(before), after: of(after) };
  }, [markdown, host, before, after, props.fileName]);
  const entries = useMemo(() => entriesOf(diff.cells), [diff]);
  const [shown, setShown] = useState(ENTRIES_AT_ONCE);
  // The first cells with changed outputs draw them at once; each later one on request.
  const drawnAtOnce = useMemo(() => {
    const ids = new Set<CellDiff>();
    for (const cell of diff.cells) {
      if (ids.size >= OUTPUTS_DRAWN_AT_ONCE) break;
      if (cell.outputsChanged || hasOutputs(cell.before?.cell) || hasOutputs(cell.after?.cell)) {
        if (cell.status !== "unchanged") ids.add(cell);
      }
    }
    return ids;
  }, [diff]);
  const { counts } = diff;

  return (
    <div className="vt-diff">
      <p className="vt-diff-counts" role="status">
        {counts.added} added · {counts.removed} removed · {counts.moved} moved · {counts.changed} changed ·{" "}
        {counts.unchanged} unchanged
      </p>
      {diff.budgetSpent && (
        <p className="vt-notice">
          This notebook has too many cells to match them all up: some cells that were edited are shown removed and
          added.
        </p>
      )}
      {(diff.values.changes.length > 0 || diff.values.more > 0) && (
        <section className="vt-diff-cell vt-diff-cell-changed" aria-label="Notebook metadata">
          <h3 className="vt-diff-cell-head">
            <span className="vt-diff-badge vt-diff-badge-changed">Metadata</span> Notebook metadata changed
          </h3>
          <ValueChangesView values={diff.values} />
        </section>
      )}
      {entries
        .slice(0, shown)
        .map((entry, i) =>
          entry.kind === "unchanged" ? (
            <UnchangedRun key={i} cells={entry.cells} />
          ) : (
            <CellDiffView
              key={i}
              cell={entry.cell}
              from={from}
              to={to}
              contexts={contexts}
              drawAtOnce={drawnAtOnce.has(entry.cell)}
            />
          ),
        )}
      {entries.length > shown && (
        <p>
          <button type="button" onClick={() => setShown(shown + ENTRIES_AT_ONCE)}>
            Show {Math.min(ENTRIES_AT_ONCE, entries.length - shown)} more ({entries.length - shown} not shown)
          </button>
        </p>
      )}
    </div>
  );
}

const hasOutputs = (cell: Cell | undefined) => cell?.cell_type === "code" && cell.outputs.length > 0;

function cellPlace(cell: CellDiff): string {
  const b = cell.before ? cell.before.index + 1 : null;
  const a = cell.after ? cell.after.index + 1 : null;
  if (b !== null && a !== null) return b === a ? `cell ${a}` : `cell ${b} → ${a}`;
  return `cell ${a ?? b}`;
}

function UnchangedRun({ cells }: { cells: CellDiff[] }) {
  const first = cells[0]!.after!.index + 1;
  const last = cells.at(-1)!.after!.index + 1;
  return (
    <details className="vt-diff-unchanged">
      <summary>
        {cells.length === 1 ? `Cell ${first} unchanged` : `${cells.length} unchanged cells (${first}–${last})`}
      </summary>
      {cells.map((cell) => (
        <pre key={cell.after!.index} className="vt-diff-source">
          <code>{cell.after!.cell.source}</code>
        </pre>
      ))}
    </details>
  );
}

const STATUS_LABEL = { added: "Added", removed: "Removed", changed: "Changed", unchanged: "Unchanged" } as const;
const MATCH_LABEL = { id: "same cell id", source: "same source", similar: "similar source" } as const;

function CellDiffView({
  cell,
  from,
  to,
  contexts,
  drawAtOnce,
}: {
  cell: CellDiff;
  from: number;
  to: number;
  contexts: { before: CellRenderContext; after: CellRenderContext } | null;
  drawAtOnce: boolean;
}) {
  const [draw, setDraw] = useState(drawAtOnce);
  const shown = cell.after?.cell ?? cell.before!.cell;
  const source =
    cell.status === "added"
      ? lineDiff("", shown.source)
      : cell.status === "removed"
        ? lineDiff(shown.source, "")
        : cell.source;
  const outputsToShow =
    cell.status === "changed" ? cell.outputsChanged : hasOutputs(cell.before?.cell) || hasOutputs(cell.after?.cell);
  return (
    <section
      className={`vt-diff-cell vt-diff-cell-${cell.status}${cell.moved ? " vt-diff-cell-moved" : ""}`}
      aria-label={`${cellPlace(cell)}: ${cell.status}${cell.moved ? ", moved" : ""}`}
      data-status={cell.status}
      data-moved={cell.moved ? "true" : undefined}
    >
      <h3 className="vt-diff-cell-head">
        {cell.status !== "unchanged" && (
          <span className={`vt-diff-badge vt-diff-badge-${cell.status}`}>{STATUS_LABEL[cell.status]}</span>
        )}
        {cell.moved && <span className="vt-diff-badge vt-diff-badge-moved">Moved</span>}{" "}
        <span>
          {shown.cell_type} {cellPlace(cell)}
        </span>
        {cell.match && <span className="vt-muted">matched by {MATCH_LABEL[cell.match]}</span>}
      </h3>
      {source ? (
        <LineDiffView diff={source} label={`Source of ${cellPlace(cell)}`} />
      ) : (
        <p className="vt-muted">Source unchanged.</p>
      )}
      {(cell.values.changes.length > 0 || cell.values.more > 0) && <ValueChangesView values={cell.values} />}
      {cell.attachmentsChanged && <p>Attachments changed.</p>}
      {cell.status === "changed" && shown.cell_type === "code" && !cell.outputsChanged && (
        <p className="vt-muted">Outputs unchanged.</p>
      )}
      {outputsToShow &&
        (draw && contexts ? (
          <div className={cell.status === "changed" ? "vt-diff-outputs vt-diff-sides" : "vt-diff-outputs"}>
            {cell.status === "changed" && <p className="vt-diff-outputs-head">Outputs changed</p>}
            {cell.before && cell.status !== "added" && (
              <figure className="vt-diff-side">
                <figcaption>Version {from}</figcaption>
                <OutputsFrame cell={cell.before.cell} index={cell.before.index} context={contexts.before} />
              </figure>
            )}
            {cell.after && cell.status !== "removed" && (
              <figure className="vt-diff-side">
                <figcaption>Version {to}</figcaption>
                <OutputsFrame cell={cell.after.cell} index={cell.after.index} context={contexts.after} />
              </figure>
            )}
          </div>
        ) : (
          <p>
            {cell.status === "changed" ? "Outputs changed. " : ""}
            <button type="button" onClick={() => setDraw(true)} disabled={!contexts}>
              Show outputs
            </button>
          </p>
        ))}
    </section>
  );
}

/** A cell's outputs, drawn by reading's own path into this element: frames for anything active. */
function OutputsFrame({ cell, index, context }: { cell: Cell; index: number; context: CellRenderContext }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const node = ref.current;
    if (!node) return;
    const drawn = drawOutputs(node.ownerDocument, cell, index, context);
    if (drawn) node.replaceChildren(drawn);
    else node.replaceChildren(node.ownerDocument.createTextNode("No outputs."));
  }, [cell, index, context]);
  return <div className="vt-diff-output" ref={ref} />;
}

function shortJson(value: JsonValue | undefined): string {
  if (value === undefined) return "(none)";
  const text = JSON.stringify(value);
  return text.length > VALUE_CHARS ? `${text.slice(0, VALUE_CHARS)}…` : text;
}

function ValueChangesView({ values }: { values: ValueChanges }) {
  return (
    <ul className="vt-diff-values">
      {values.changes.map((change) => (
        <li key={change.path}>
          <code className="vt-diff-path">{change.path}</code>{" "}
          {change.before === undefined ? (
            <>
              added <code className="vt-diff-new">{shortJson(change.after)}</code>
            </>
          ) : change.after === undefined ? (
            <>
              removed <code className="vt-diff-old">{shortJson(change.before)}</code>
            </>
          ) : (
            <>
              <code className="vt-diff-old">{shortJson(change.before)}</code> →{" "}
              <code className="vt-diff-new">{shortJson(change.after)}</code>
            </>
          )}
        </li>
      ))}
      {values.more > 0 && <li className="vt-muted">and {values.more} more</li>}
    </ul>
  );
}
