// A script or text file: decoded as strict UTF-8, highlighted by highlight.js into text runs (never HTML), with
// line numbers a person can link to (#L12).
import { useMemo } from "react";
import { highlightCode } from "../render/highlight.ts";
import { languageOfPath, runsByLine } from "./script-lines.ts";

export function ScriptView({ text, path }: { text: string; path: string }) {
  const lines = useMemo(() => runsByLine(highlightCode(text, languageOfPath(path))), [text, path]);
  return (
    <div className="vt-script" role="region" aria-label={`Contents of ${path}`}>
      <table className="vt-script-lines">
        <tbody>
          {lines.map((runs, i) => (
            <tr key={i} id={`L${i + 1}`}>
              <td className="vt-line-number">
                <a href={`#L${i + 1}`} aria-label={`Line ${i + 1}`}>
                  {i + 1}
                </a>
              </td>
              <td className="vt-line">
                <code>
                  {runs.map((run, j) =>
                    run.classes.length ? (
                      <span key={j} className={run.classes.join(" ")}>
                        {run.text}
                      </span>
                    ) : (
                      run.text
                    ),
                  )}
                </code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
