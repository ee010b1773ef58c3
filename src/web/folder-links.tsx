// A path's folders as links to their listings in the workspace, each after " / ": the trail that follows the
// workspace's own link in a workspace's folder view and on a file's page.
import { AppLink } from "./app-link.tsx";
import { workspaceHref } from "./router.ts";

export function FolderLinks({ workspaceId, folders }: { workspaceId: string; folders: readonly string[] }) {
  return folders.map((folder, i) => (
    <span key={i}>
      {" / "}
      <AppLink href={workspaceHref(workspaceId, folders.slice(0, i + 1).join("/"))}>{folder}</AppLink>
    </span>
  ));
}
