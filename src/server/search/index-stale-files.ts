// Brings the search index up to every file's newest version: at start, for a database made before the index was
// (the 0003_search migration makes its tables empty) or one restored from a copy. Each file is indexed in its own
// transaction, which checks again that the version read is still the newest.
import { readFile } from "node:fs/promises";
import type { Studio } from "../studio.ts";
import { searchIndex } from "./index.ts";
import { searchEntries } from "./search-text.ts";

export async function indexStaleFiles(studio: Studio): Promise<number> {
  let indexed = 0;
  for (const stale of await searchIndex.staleFiles(studio.db)) {
    const found = await studio.db
      .selectFrom("files")
      .innerJoin("versions", "versions.file_id", "files.id")
      .select(["files.path", "files.kind", "versions.blob_sha256"])
      .where("files.id", "=", stale.fileId)
      .where("versions.number", "=", stale.version)
      .executeTakeFirst();
    if (!found) continue;
    const bytes = await readFile(studio.blobs.pathOf(found.blob_sha256));
    const entries = searchEntries({ path: found.path, kind: found.kind, bytes });
    await studio.db.transaction().execute(async (tx) => {
      const newest = await tx
        .selectFrom("versions")
        .select((e) => e.fn.max("number").as("n"))
        .where("file_id", "=", stale.fileId)
        .executeTakeFirst();
      if (newest?.n !== stale.version) return;
      await searchIndex.indexVersion(tx, { ...stale, entries });
      indexed++;
    });
  }
  return indexed;
}
