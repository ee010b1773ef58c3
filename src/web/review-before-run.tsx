// The review-before-run prompt of the editors (notebooks and scripts): what the file's review found, with "Run
// anyway" and "Cancel". Either answer is the person's choice, and the caller has the server record it.
export interface ReviewFinding {
  id: string;
  message: string;
}

export function ReviewBeforeRun({
  findings,
  onRun,
  onCancel,
}: {
  findings: readonly ReviewFinding[];
  onRun(): void;
  onCancel(): void;
}) {
  return (
    <section className="vt-notice vt-review-required" role="alertdialog" aria-label="Review before running">
      <p>The review of this file found what it would do when it runs:</p>
      <ul>
        {findings.map((finding) => (
          <li key={finding.id}>{finding.message}</li>
        ))}
      </ul>
      <button type="button" onClick={onRun}>
        Run anyway
      </button>{" "}
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </section>
  );
}
