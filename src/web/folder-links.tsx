// A path's folders as links to their listings in the workspace, each after " / ": the trail that follows the
// workspace's own link in a workspace's folder view and on a file's page.
import { Fragment } from "react";
import { AppLink } from "./app-link.tsx";
import { workspaceHref } from "./router.ts";

/**
 * A file or folder name that a narrow screen may wrap after its separators (`/`, `_`, `-`, `.`) and nowhere else
 * unless a part is wider than the line by itself: a `<wbr>` after each separator, the CSS of the places that show
 * names (`overflow-wrap: break-word`) for that last resort.
 */
export function BreakableName({ name }: { name: string }) {
  const parts = name.split(/(?<=[/_.-])/);
  return parts.map((part, i) => (
    <Fragment key={i}>
      {part}
      {i < parts.length - 1 && <wbr />}
    </Fragment>
  ));
}

export function FolderLinks({ workspaceId, folders }: { workspaceId: string; folders: readonly string[] }) {
  return folders.map((folder, i) => (
    <span key={i}>
      {" / "}
      <AppLink href={workspaceHref(workspaceId, folders.slice(0, i + 1).join("/"))}>
        <BreakableName name={folder} />
      </AppLink>
    </span>
  ));
}
