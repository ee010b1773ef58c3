// The editor as the file page opens it (`?edit=1`, for a workspace's editors and owners): the stored version's
// bytes read into an edit model, and the editor drawn from it. Running and saving are wired by the page once the
// kernel session and the save API are in; until then the editor edits in the page only.
import { useMemo, useState } from "react";
import { NotebookError } from "../notebook/errors.ts";
import { parseNotebook } from "../notebook/parse.ts";
import { NotebookEditModel } from "./notebook-edit-model.ts";
import { NotebookEditor } from "./notebook-editor.tsx";
import type { UrlChecker } from "./studio-host.ts";

export interface NotebookEditPageProps {
  bytes: Uint8Array;
  fileName: string;
  base: string;
  frameShellUrl: string;
  urls: UrlChecker;
  onLink(href: string): void;
}

export default function NotebookEditPage({
  bytes,
  fileName,
  base,
  frameShellUrl,
  urls,
  onLink,
}: NotebookEditPageProps) {
  const read = useMemo(() => {
    try {
      return { model: new NotebookEditModel(parseNotebook(bytes, { file: fileName }).notebook) };
    } catch (error) {
      return { error: error instanceof NotebookError ? error.format() : String(error) };
    }
  }, [bytes, fileName]);
  const [notice, setNotice] = useState<string | null>(null);
  if ("error" in read) {
    return (
      <p className="vt-error" role="alert">
        {read.error}
      </p>
    );
  }
  return (
    <article className="vt-page vt-notebook vt-edit-page">
      {notice && (
        <p className="vt-notice" role="status">
          {notice}
        </p>
      )}
      <NotebookEditor
        model={read.model}
        fileName={fileName}
        base={base}
        frameShellUrl={frameShellUrl}
        urls={urls}
        onLink={onLink}
        onRun={(cell) =>
          setNotice(`Cell ${read.model.indexOf(cell.id) + 1} was not run: this editor has no kernel yet.`)
        }
      />
    </article>
  );
}
