// The calls the pages make; the shapes of their answers are the API's own (src/contract).
import type {
  FileDetails,
  MoveBody,
  MovedFile,
  TrashedFile,
  TrashList,
  WorkspaceFiles,
} from "../contract/api-files.ts";
import type { FolderBody, FolderList, MovedFolder, TrashedFolder } from "../contract/api-folders.ts";
import type { FileReview, ReviewAnswer, StoredReview } from "../contract/api-review.ts";
import type { PasswordChangeBody, Session } from "../contract/api-session.ts";
import type { DomainBody, SchemeBody, TrustedApplication, TrustedDomain } from "../contract/api-trust.ts";
import type {
  MemberList,
  MemberRole,
  NewMemberBody,
  Role,
  WorkspaceAccess,
  WorkspaceList,
  WorkspaceNameBody,
} from "../contract/api-workspaces.ts";
import { ApiError, apiRequest } from "./api-client.ts";
import {
  encodePath,
  fileApiHref,
  notebookHeadHref,
  versionQuery,
  workspaceApiHref as ws,
} from "../contract/addresses.ts";
import { readHead, type ReadHead } from "../render/notebook-head.ts";
import { localTimestamp } from "../render/plain-format.ts";

export const studioApi = {
  workspaces: () => apiRequest<WorkspaceList>("GET", "/api/workspaces").then((r) => r.workspaces),
  createWorkspace: (name: string) =>
    apiRequest<WorkspaceAccess>("POST", "/api/workspaces", { name } satisfies WorkspaceNameBody),
  workspace: (id: string) => apiRequest<WorkspaceAccess>("GET", ws(id)),
  files: (id: string) => apiRequest<WorkspaceFiles>("GET", `${ws(id)}/files`).then((r) => r.files),
  file: (id: string, path: string) => apiRequest<FileDetails>("GET", fileApiHref(id, path)),
  trash: (id: string) => apiRequest<TrashList>("GET", `${ws(id)}/trash`).then((r) => r.files),
  moveToTrash: (id: string, path: string) => apiRequest<TrashedFile>("DELETE", fileApiHref(id, path)),
  restore: (id: string, trashId: number) => apiRequest<TrashedFile>("POST", `${ws(id)}/trash/${trashId}/restore`),
  // Folders: kept ones, a new one, a move with their files, trash and restore together.
  folders: (id: string) => apiRequest<FolderList>("GET", `${ws(id)}/folders`).then((r) => r.folders.map((f) => f.path)),
  createFolder: (id: string, path: string) =>
    apiRequest<FolderBody>("POST", `${ws(id)}/folders`, { path } satisfies FolderBody),
  moveFolder: (id: string, from: string, to: string) =>
    apiRequest<MovedFolder>("PATCH", `${ws(id)}/folders/${encodePath(from)}`, { path: to } satisfies FolderBody),
  moveFile: (id: string, from: string, to: string) =>
    apiRequest<MovedFile>("PATCH", fileApiHref(id, from), { path: to } satisfies MoveBody),
  folderToTrash: (id: string, path: string) =>
    apiRequest<TrashedFolder>("DELETE", `${ws(id)}/folders/${encodePath(path)}`),
  restoreFolder: (id: string, trashId: number) =>
    apiRequest<TrashedFolder>("POST", `${ws(id)}/trash/${trashId}/restore-folder`),
  members: (id: string) => apiRequest<MemberList>("GET", `${ws(id)}/members`).then((r) => r.members),
  addMember: (id: string, username: string, role: Role) =>
    apiRequest<MemberRole>("POST", `${ws(id)}/members`, { username, role } satisfies NewMemberBody),
  changePassword: (currentPassword: string, newPassword: string) =>
    apiRequest<Session>("PUT", "/api/account/password", { currentPassword, newPassword } satisfies PasswordChangeBody),
  trustDomain: (domain: string) =>
    apiRequest<TrustedDomain>("POST", "/api/trust/domains", { domain } satisfies DomainBody),
  trustApplication: (scheme: string) =>
    apiRequest<TrustedApplication>("POST", "/api/trust/applications", { scheme } satisfies SchemeBody),
};

export async function fetchBytes(href: string): Promise<Uint8Array> {
  const response = await fetch(href, { credentials: "same-origin", redirect: "error" });
  if (!response.ok)
    throw new ApiError(
      response.status,
      `http_${response.status}`,
      `the file could not be read (HTTP ${response.status})`,
    );
  return new Uint8Array(await response.arrayBuffer());
}

/** A stored notebook version's head (its first cells), read by the notebook model; null when it is not one. */
export async function fetchNotebookHead(
  workspace: string,
  path: string,
  version: number | undefined,
): Promise<ReadHead | null> {
  return readHead(await apiRequest<unknown>("GET", notebookHeadHref(workspace, path, version)));
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A stored time (ISO 8601) as the reader's local time; what does not parse is shown as it came. */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : localTimestamp(date);
}

export function reviewUpload(workspace: string, files: readonly { path: string; file: Blob }[]): Promise<FileReview[]> {
  const form = new FormData();
  for (const { path, file } of files) form.append("file", file, path);
  return apiRequest<ReviewAnswer>("POST", `${ws(workspace)}/review`, form).then((r) => r.files);
}

export function fileFindings(workspace: string, path: string, version?: number): Promise<StoredReview> {
  return apiRequest<StoredReview>("GET", `${ws(workspace)}/review/${encodePath(path)}${versionQuery(version)}`);
}

// Reading comfort: a notebook's downloads as a page and as a script (server/routes/export-routes.ts).

/** The address of a stored notebook version as the self-contained page `vitrine render` writes. */
export function exportHref(workspace: string, path: string, version?: number): string {
  return `${ws(workspace)}/export/${encodePath(path)}${versionQuery(version)}`;
}

/** The address of a stored notebook version's code as a script, its markdown as comments. */
export function scriptHref(workspace: string, path: string, version?: number): string {
  return `${ws(workspace)}/script/${encodePath(path)}${versionQuery(version)}`;
}
