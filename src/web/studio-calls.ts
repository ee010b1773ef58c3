// The studio API's shapes, as the server answers them, and the calls the pages make.
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

export type Role = "owner" | "editor" | "viewer";

export interface Workspace {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
}

export interface FileEntry {
  path: string;
  kind: string;
  version: number;
  size: number;
  updatedAt: string;
  updatedBy: string;
}

export interface FileVersion {
  version: number;
  size: number;
  sha256: string;
  uploadedAt: string;
  uploadedBy: string;
  nbformat: string | null;
}

export interface FileDetails {
  path: string;
  kind: string;
  createdAt: string;
  versions: FileVersion[];
  workspace: { id: string; name: string };
}

export interface TrashEntry {
  id: number;
  path: string;
  trashedAt: string;
  trashedBy: string | null;
}

export interface Member {
  username: string;
  role: Role;
}

export const studioApi = {
  workspaces: () => apiRequest<{ workspaces: Workspace[] }>("GET", "/api/workspaces").then((r) => r.workspaces),
  createWorkspace: (name: string) => apiRequest<Workspace>("POST", "/api/workspaces", { name }),
  workspace: (id: string) => apiRequest<Workspace>("GET", ws(id)),
  files: (id: string) => apiRequest<{ files: FileEntry[] }>("GET", `${ws(id)}/files`).then((r) => r.files),
  file: (id: string, path: string) => apiRequest<FileDetails>("GET", fileApiHref(id, path)),
  trash: (id: string) => apiRequest<{ files: TrashEntry[] }>("GET", `${ws(id)}/trash`).then((r) => r.files),
  moveToTrash: (id: string, path: string) => apiRequest<void>("DELETE", fileApiHref(id, path)),
  restore: (id: string, trashId: number) => apiRequest<unknown>("POST", `${ws(id)}/trash/${trashId}/restore`),
  members: (id: string) => apiRequest<{ members: Member[] }>("GET", `${ws(id)}/members`).then((r) => r.members),
  addMember: (id: string, username: string, role: Role) =>
    apiRequest<Member>("POST", `${ws(id)}/members`, { username, role }),
  changePassword: (currentPassword: string, newPassword: string) =>
    apiRequest<unknown>("PUT", "/api/account/password", { currentPassword, newPassword }),
  trustDomain: (domain: string) => apiRequest<unknown>("POST", "/api/trust/domains", { domain }),
  trustApplication: (scheme: string) => apiRequest<unknown>("POST", "/api/trust/applications", { scheme }),
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

export type Severity = "low" | "medium" | "high";

export interface Finding {
  rule: string;
  severity: Severity;
  place: { file: string; cell?: number; cellId?: string; output?: number; part?: string; line: number; column: number };
  message: string;
  check: string;
  excerpt?: string;
}

export interface ReviewSummary {
  file: string;
  readable: boolean;
  counts: Record<Severity, number>;
  total: number;
  headline: string[];
}

/** What the server found in one file offered for upload (nothing is stored by a review). */
export interface FileReview {
  path: string;
  summary: ReviewSummary;
  findings: Finding[];
  /** Set when the upload itself would refuse the file (a bad name, too large, not a notebook). */
  refused?: { error: string; message: string };
}

/** A statement a person agrees to before an upload; the server records its id with the upload. */
export interface TrustStatement {
  id: string;
  text: string;
}

export function reviewUpload(workspace: string, files: readonly { path: string; file: Blob }[]): Promise<FileReview[]> {
  const form = new FormData();
  for (const { path, file } of files) form.append("file", file, path);
  return apiRequest<{ files: FileReview[] }>("POST", `${ws(workspace)}/review`, form).then((r) => r.files);
}

export function fileFindings(workspace: string, path: string, version?: number): Promise<FileReview> {
  return apiRequest<FileReview>("GET", `${ws(workspace)}/review/${encodePath(path)}${versionQuery(version)}`);
}
