// A line diff (notebook/notebook-diff-lines.ts) as a table: each line's number in the older and newer text, a
// sign, and the line as text. Long runs of kept lines are folded to a few lines of context around each change.
import { Fragment, useState } from "react";
import type { DiffLine, LineDiff } from "../notebook/notebook-diff-lines.ts";

/** Kept lines shown around each change; longer runs of kept lines are folded. */
const CONTEXT = 3;

type Row = { line: DiffLine } | { folded: DiffLine[] };

function foldKept(lines: readonly DiffLine[]): Row[] {
  const rows: Row[] = [];
  let run: DiffLine[] = [];
  const flush = (atStart: boolean, atEnd: boolean) => {
    const keepHead = atStart ? 0 : CONTEXT;
    const keepTail = atEnd ? 0 : CONTEXT;
    if (run.length <= keepHead + keepTail + 1) rows.push(...run.map((line) => ({ line })));
    else {
      rows.push(...run.slice(0, keepHead).map((line) => ({ line })));
      rows.push({ folded: run.slice(keepHead, run.length - keepTail) });
      rows.push(...run.slice(run.length - keepTail).map((line) => ({ line })));
    }
    run = [];
  };
  let first = true;
  for (const line of lines) {
    if (line.kind === "same") {
      run.push(line);
      continue;
    }
    if (run.length) flush(first, false);
    first = false;
    rows.push({ line });
  }
  if (run.length) flush(first, true);
  return rows;
}

const SIGN = { same: " ", removed: "−", added: "+" } as const;
const SPOKEN = { same: "kept", removed: "removed", added: "added" } as const;

function LineRow({ line }: { line: DiffLine }) {
  return (
    <tr className={`vt-diff-${line.kind}`}>
      <td className="vt-line-number">{line.before ?? ""}</td>
      <td className="vt-line-number">{line.after ?? ""}</td>
      <td className="vt-diff-sign" aria-label={SPOKEN[line.kind]}>
        {SIGN[line.kind]}
      </td>
      <td className="vt-line">
        <code>{line.text}</code>
      </td>
    </tr>
  );
}

export function LineDiffView({ diff, label }: { diff: LineDiff; label: string }) {
  const [opened, setOpened] = useState<ReadonlySet<number>>(new Set());
  const rows = foldKept(diff.lines);
  return (
    <div className="vt-line-diff" role="region" aria-label={label}>
      {diff.whole && (
        <p className="vt-muted">
          These texts differ in too many lines to match them up: the older one is shown removed and the newer one added.
        </p>
      )}
      <table className="vt-script-lines">
        <tbody>
          {rows.map((row, i) =>
            "line" in row ? (
              <LineRow key={i} line={row.line} />
            ) : opened.has(i) ? (
              <Fragment key={i}>
                {row.folded.map((line, j) => (
                  <LineRow key={j} line={line} />
                ))}
              </Fragment>
            ) : (
              <tr key={i} className="vt-diff-folded">
                <td colSpan={4}>
                  <button type="button" onClick={() => setOpened(new Set(opened).add(i))}>
                    Show {row.folded.length} unchanged {row.folded.length === 1 ? "line" : "lines"}
                  </button>
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}
