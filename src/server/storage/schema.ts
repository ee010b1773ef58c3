// Row types of the studio's tables, as Kysely sees them. Times are milliseconds since the epoch (integers are
// portable between SQLite and PostgreSQL; dialect-specific time types are not). Flags are 0/1 integers.

import type { ColumnType, Generated } from "kysely";

export interface UsersTable {
  id: Generated<number>;
  name: string;
  password_hash: string;
  admin: number;
  must_change_password: number;
  created_at: number;
  password_changed_at: number;
  /** "light", "dark" or "system" (migration-0005-user-theme.ts). */
  theme: Generated<string>;
  /** When an administrator disabled the account (0006_accounts); null while it may sign in. */
  disabled_at: number | null;
}

export interface SessionsTable {
  /** SHA-256 of the cookie's token: a copy of the database does not give working sessions. */
  id: string;
  user_id: number;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  client_address: string;
}

export interface LoginFailuresTable {
  id: Generated<number>;
  /** "account:NAME" or "address:IP". */
  subject: string;
  at: number;
}

export interface WorkspacesTable {
  /** Random, so that URLs do not tell one workspace's name to someone outside it. */
  id: string;
  name: string;
  created_at: number;
  created_by: number;
  /** 1 when an owner allowed the workspace's kernels to reach out through the egress proxy. */
  kernel_network: Generated<number>;
}

export interface MembersTable {
  workspace_id: string;
  user_id: number;
  role: "owner" | "editor" | "viewer";
  added_at: number;
}

export interface BlobsTable {
  sha256: string;
  size: number;
  created_at: number;
}

export interface FilesTable {
  id: Generated<number>;
  workspace_id: string;
  path: string;
  kind: "notebook" | "text";
  created_at: number;
  trashed_at: number | null;
  trashed_by: number | null;
  /** The folder this file went to the trash with (migration 0004_folders); null when it was trashed alone. */
  trashed_folder: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A folder kept as a row of its own, so that it exists while it holds no file (migration 0004_folders). */
export interface FoldersTable {
  id: Generated<number>;
  workspace_id: string;
  path: string;
  created_at: number;
  created_by: number | null;
}

export interface VersionsTable {
  id: Generated<number>;
  file_id: number;
  number: number;
  blob_sha256: string;
  size: number;
  uploaded_by: number;
  uploaded_at: number;
  /** The nbformat version of a notebook as uploaded (a v3 file is stored as v3 and shown upgraded). */
  nbformat: string | null;
}

export interface AuditEventsTable {
  id: Generated<number>;
  at: number;
  event: string;
  actor_id: number | null;
  actor_name: string | null;
  client_address: string | null;
  workspace_id: string | null;
  /** JSON object with the event's details. */
  details: string;
}

export interface TrustedDomainsTable {
  id: Generated<number>;
  user_id: number;
  domain: string;
  created_at: number;
}

export interface TrustedApplicationsTable {
  id: Generated<number>;
  user_id: number;
  scheme: string;
  created_at: number;
}

/** One searchable text of a file's current version (search/); its text is in the FTS5 table search_text. */
export interface SearchEntriesTable {
  id: Generated<number>;
  file_id: number;
  kind: "name" | "markdown" | "code" | "output" | "text";
  cell_index: number | null;
  cell_id: string | null;
}

/** The version of each file that its search entries were made from. */
export interface SearchFilesTable {
  file_id: number;
  version: number;
}

/** A one-time link that lets a person set their password (0006_accounts). */
export interface InvitationsTable {
  id: Generated<number>;
  /** SHA-256 of the link's token; the token itself is shown once and stored nowhere. */
  token_hash: string;
  user_id: number;
  purpose: "invitation" | "password_reset";
  created_by: number | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  workspaces: WorkspacesTable;
  members: MembersTable;
  blobs: BlobsTable;
  files: FilesTable;
  folders: FoldersTable;
  versions: VersionsTable;
  audit_events: AuditEventsTable;
  trusted_domains: TrustedDomainsTable;
  trusted_applications: TrustedApplicationsTable;
  search_entries: SearchEntriesTable;
  search_files: SearchFilesTable;
  invitations: InvitationsTable;
}
