// Folders that exist without files in them, and which folder a trashed file went to the trash with.
//
// A folder is otherwise a prefix of its files' paths. An empty folder gets a row of its own rather than a placeholder
// file: a placeholder would show in file lists, search, downloads and versions, and every reader of files would have
// to skip it. Folders that files imply need no row; a row is kept while the folder has files too, so that a folder
// emptied by moving its files away stays.

import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

export const foldersMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("folders")
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("workspace_id", "varchar(32)", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
      .addColumn("path", "varchar(1024)", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("created_by", "integer", (c) => c.references("users.id"))
      .addUniqueConstraint("folders_workspace_path", ["workspace_id", "path"])
      .execute();
    // A folder trashed with its files: restoring the folder restores exactly these files.
    await db.schema.alterTable("files").addColumn("trashed_folder", "varchar(1024)").execute();
  },
};
