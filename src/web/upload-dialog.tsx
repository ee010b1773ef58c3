// Upload: the files are reviewed by the server first (what each would do, read without running it), and the
// Upload button stays off until the person ticks the trust statement. Each file then goes up on its own, with its
// own progress bar, and says whether it was stored or why it was refused. Each file's path in the workspace can be
// edited before the upload ("notes/2024/run.ipynb" puts it in folders), and is reviewed again when it changes,
// since the server's name rules are part of the review. A path that names a stored file asks, for that file, whether
// to store a new version, keep both (the upload beside it, "name (2).ext") or skip it, and nothing goes up before
// every such file has an answer.
import { useEffect, useId, useRef, useState } from "react";
import { useModalDialog } from "./modal-dialog.ts";
import type { PickedFile } from "./picked-files.ts";
import { ApiError, uploadWithProgress } from "./api-client.ts";
import type { UploadAnswer, UploadConflictChoice } from "../contract/api-files.ts";
import type { TrustStatement } from "../contract/api-public.ts";
import type { FileReview } from "../contract/api-review.ts";
import { formatSize, reviewUpload } from "./studio-calls.ts";

interface Item {
  file: File;
  path: string;
  review: FileReview | null;
  progress: number;
  outcome: { ok: true; version: number; path: string; skipped: boolean } | { ok: false; message: string } | null;
  /** What to do with a path that names a stored file: asked of the person, never assumed. */
  choice: UploadConflictChoice | null;
}

export interface UploadDialogProps {
  workspaceId: string;
  folder: string;
  files: PickedFile[];
  trustStatement: TrustStatement;
  onClose: (changed: boolean) => void;
  /** The paths of the workspace's stored files: an upload to one of them asks what to do. */
  taken?: readonly string[];
}

/** How long a path being typed waits before it is reviewed again, so a review is not asked for at every key. */
const PATH_REVIEW_DELAY_MS = 300;

/** A file's place in the workspace: the folder it was dropped into, and its own folders when it came from one. */
function initialPath(picked: PickedFile, folder: string): string {
  // A file picked or dropped as part of a folder keeps that folder's structure ("run/a/b.ipynb").
  return folder ? `${folder}/${picked.relativePath}` : picked.relativePath;
}

export function UploadDialog({ workspaceId, folder, files, trustStatement, onClose, taken = [] }: UploadDialogProps) {
  const takenPaths = new Set(taken);
  const dialog = useRef<HTMLDialogElement>(null);
  const [items, setItems] = useState<Item[]>(() =>
    files.map((picked) => ({
      file: picked.file,
      path: initialPath(picked, folder),
      review: null,
      progress: 0,
      outcome: null,
      choice: null,
    })),
  );
  const [reviewError, setReviewError] = useState<string | null>(null);
  const [trusted, setTrusted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  useModalDialog(dialog);

  // The files whose review is missing (all of them at first, then one whose path was edited) are reviewed together.
  const pathsKey = items.map((item) => item.path).join("\n");
  const first = useRef(true);
  useEffect(() => {
    let live = true;
    const delay = first.current ? 0 : PATH_REVIEW_DELAY_MS;
    first.current = false;
    const timer = setTimeout(() => {
      const pending = items.flatMap((item, index) =>
        item.review === null ? [{ index, path: item.path, file: item.file }] : [],
      );
      if (pending.length === 0) return;
      reviewUpload(workspaceId, pending).then(
        (reviews) => {
          if (!live) return;
          setReviewError(null);
          setItems((current) =>
            current.map((item, i) => {
              const at = pending.findIndex((p) => p.index === i);
              // A review of a path since edited again is dropped; the newer one is on its way.
              return at >= 0 && item.path === pending[at]!.path ? { ...item, review: reviews[at] ?? null } : item;
            }),
          );
        },
        (error: unknown) => live && setReviewError(error instanceof Error ? error.message : String(error)),
      );
    }, delay);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // Only a change of a path asks for a new review; the items' other changes (progress, outcome) do not.
  }, [pathsKey]);

  const update = (index: number, change: Partial<Item>) =>
    setItems((current) => current.map((item, i) => (i === index ? { ...item, ...change } : item)));

  async function upload() {
    setBusy(true);
    for (const [index, item] of items.entries()) {
      if (item.review?.refused || item.outcome?.ok) continue;
      const form = new FormData();
      form.append("acknowledgment", trustStatement.id);
      // The file part's name is what the server does when the path names a stored file: the person's choice, or,
      // for a path free when the dialog opened, a refusal, so that a file stored there meanwhile is never replaced.
      const conflict = takenPaths.has(item.path);
      if (conflict && item.choice === null) continue;
      form.append(conflict ? item.choice! : "refuse", item.file, item.path);
      try {
        const answer = await uploadWithProgress<UploadAnswer>(
          `/api/workspaces/${encodeURIComponent(workspaceId)}/files`,
          form,
          (fraction) => update(index, { progress: fraction }),
        );
        const stored = answer.files[0];
        update(index, {
          outcome: {
            ok: true,
            version: stored?.version ?? 0,
            path: stored?.path ?? item.path,
            skipped: stored === undefined,
          },
        });
      } catch (error) {
        update(index, {
          outcome: {
            ok: false,
            message: error instanceof ApiError ? `${error.message} [${error.code}]` : String(error),
          },
        });
      }
    }
    setBusy(false);
    setDone(true);
  }

  const reviewed = items.every((item) => item.review !== null) || reviewError !== null;
  const uploadable = items.some((item) => !item.review?.refused);
  const undecided = items.some((item) => takenPaths.has(item.path) && item.choice === null && !item.outcome?.ok);

  return (
    <dialog
      ref={dialog}
      className="vt-dialog vt-upload"
      aria-labelledby="vt-upload-title"
      onCancel={() => onClose(done)}
    >
      <h2 id="vt-upload-title">Upload {items.length === 1 ? "a file" : `${items.length} files`}</h2>
      {reviewError && (
        <p className="vt-error" role="alert">
          The files could not be reviewed: {reviewError}
        </p>
      )}
      <ul className="vt-upload-list">
        {items.map((item, index) => (
          <li key={index}>
            <div className="vt-upload-name">
              <label>
                Path of {item.file.name}{" "}
                <input
                  className="vt-upload-path"
                  value={item.path}
                  spellCheck={false}
                  disabled={busy || done || item.outcome?.ok === true}
                  onChange={(e) =>
                    update(index, { path: e.target.value, review: null, outcome: null, progress: 0, choice: null })
                  }
                />
              </label>{" "}
              <span className="vt-muted">{formatSize(item.file.size)}</span>
            </div>
            <Review item={item} reviewFailed={reviewError !== null} />
            {takenPaths.has(item.path) && !item.outcome?.ok && (
              <ConflictChoice
                path={item.path}
                choice={item.choice}
                disabled={busy || done}
                onChoose={(choice) => update(index, { choice })}
              />
            )}
            {(busy || item.outcome) && !item.review?.refused && (
              <progress max={1} value={item.progress} aria-label={`Upload of ${item.path}`}>
                {Math.round(item.progress * 100)}%
              </progress>
            )}
            {item.outcome?.ok === true &&
              (item.outcome.skipped ? (
                <p className="vt-muted">Skipped: {item.path} stays as it was.</p>
              ) : item.outcome.path !== item.path ? (
                <p className="vt-ok">Stored beside it, as {item.outcome.path}.</p>
              ) : (
                <p className="vt-ok">Stored as version {item.outcome.version}.</p>
              ))}
            {item.outcome?.ok === false && (
              <p className="vt-error" role="alert">
                Refused: {item.outcome.message}
              </p>
            )}
          </li>
        ))}
      </ul>
      {!done && (
        <label className="vt-check vt-trust">
          <input type="checkbox" checked={trusted} onChange={(e) => setTrusted(e.target.checked)} disabled={busy} />
          {trustStatement.text}
        </label>
      )}
      <div className="vt-dialog-actions">
        {!done && (
          <button
            type="button"
            className="vt-primary"
            disabled={!trusted || busy || !reviewed || !uploadable || undecided}
            onClick={() => void upload()}
          >
            Upload
          </button>
        )}
        <button type="button" onClick={() => onClose(done)} disabled={busy}>
          {done ? "Close" : "Cancel"}
        </button>
      </div>
    </dialog>
  );
}

const CONFLICT_LABELS: Record<Exclude<UploadConflictChoice, "refuse">, (path: string) => string> = {
  version: () => "Store it as a new version (the earlier versions stay)",
  keep_both: (path) => `Keep both: store this one as ${keptCopyName(path)}`,
  skip: () => "Skip this file",
};

/** The name keep_both gives when "name (2).ext" is free; the server takes the first free number. */
function keptCopyName(path: string): string {
  const slash = path.lastIndexOf("/") + 1;
  const dot = path.lastIndexOf(".");
  return dot > slash ? `${path.slice(0, dot)} (2)${path.slice(dot)}` : `${path} (2)`;
}

function ConflictChoice({
  path,
  choice,
  disabled,
  onChoose,
}: {
  path: string;
  choice: UploadConflictChoice | null;
  disabled: boolean;
  onChoose(choice: UploadConflictChoice): void;
}) {
  const name = useId();
  return (
    <fieldset className="vt-conflict">
      <legend>{path} exists already. What should the upload do?</legend>
      {(Object.keys(CONFLICT_LABELS) as (keyof typeof CONFLICT_LABELS)[]).map((value) => (
        <label key={value} className="vt-check">
          <input
            type="radio"
            name={name}
            value={value}
            checked={choice === value}
            disabled={disabled}
            onChange={() => onChoose(value)}
          />
          {CONFLICT_LABELS[value](path)}
        </label>
      ))}
    </fieldset>
  );
}

function Review({ item, reviewFailed }: { item: Item; reviewFailed: boolean }) {
  const review = item.review;
  // The upload itself still checks every file; only what the review would have shown first is missing.
  if (!review) return <p className="vt-muted">{reviewFailed ? "Not reviewed." : "Reviewing…"}</p>;
  if (review.refused) {
    return (
      <p className="vt-error">
        Will be refused: {review.refused.message} [{review.refused.error}]
      </p>
    );
  }
  const { counts, total, headline } = review.summary;
  if (total === 0) return <p className="vt-ok">Nothing found that needs a closer look.</p>;
  return (
    <div className="vt-review">
      <p>
        {counts.high > 0 && <span className="vt-sev vt-sev-high">{counts.high} high</span>}{" "}
        {counts.medium > 0 && <span className="vt-sev vt-sev-medium">{counts.medium} medium</span>}{" "}
        {counts.low > 0 && <span className="vt-sev vt-sev-low">{counts.low} low</span>}
      </p>
      <ul>
        {headline.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </div>
  );
}
