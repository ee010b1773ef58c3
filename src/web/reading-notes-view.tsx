// What the reading of a notebook repaired or relaxed where nbformat does (notebook/reading-notes.ts), as the short
// note the export shows too (render/dom.ts readingNotesElement), above the notebook's cells. Text only.
import { READING_NOTES_LABEL } from "../render/dom.ts";

/** `lines` are summarizeReadingNotes' sentences, made from the file's reading by the page or the server. */
export function ReadingNotesView({ lines }: { lines: readonly string[] }) {
  if (lines.length === 0) return null;
  return (
    <div className="vt-reading-notes" role="note" aria-label={READING_NOTES_LABEL}>
      {lines.map((line) => (
        <p key={line}>{line}</p>
      ))}
    </div>
  );
}
