// The end of a dialog's form (new file, rename): the error the server gave, then the action and Cancel.
export function DialogFormEnd({
  error,
  busy,
  ready,
  action,
  busyAction,
  onCancel,
}: {
  error: string | null;
  busy: boolean;
  /** Whether the form holds what the action needs. */
  ready: boolean;
  action: string;
  busyAction: string;
  onCancel(): void;
}) {
  return (
    <>
      {error && (
        <p className="vt-error" role="alert">
          {error}
        </p>
      )}
      <div className="vt-dialog-actions">
        <button type="submit" disabled={busy || !ready}>
          {busy ? busyAction : action}
        </button>
        <button type="button" className="vt-secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </>
  );
}
