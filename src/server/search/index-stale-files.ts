// Brings the search index up to every file's newest version: at start, for a database made before the index was
// (the 0003_search migration makes its tables empty) or one restored from a copy. Each file is read on a file
// worker, as an upload's is, within the workers' time and memory budget: a stored notebook of hostile size never
// holds the main thread. Each file is indexed in its own transaction, which checks again that the version read is
// still the newest.
import { readFile } from "node:fs/promises";
import { runFileJob } from "../file-jobs.ts";
import type { FileKind } from "../file-names.ts";
import type { Studio } from "../studio.ts";
import { searchIndex } from "./index.ts";

/** The owner the workers' fair queue sees for these jobs: the studio itself, not a user. */
const STUDIO_OWNER = 0;

/**
 * Indexes every file whose newest version is not in the index; returns how many were. A file its worker refuses
 * (over the budget) is left out and named to `skipped`, and is tried again at the next start.
 */
export async function indexStaleFiles(
  studio: Studio,
  skipped: (path: string, why: string) => void = () => {},
): Promise<number> {
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
    const result = await runFileJob(
      studio.fileJobs,
      {
        path: found.path,
        bytes,
        // Stored already: its size was accepted under the limit of its day.
        maxBytes: Number.MAX_SAFE_INTEGER,
        scan: false,
        storedKind: found.kind as FileKind,
        searchEntries: true,
      },
      STUDIO_OWNER,
    );
    if (result.refused || !result.searchEntries) {
      skipped(found.path, result.refused?.message ?? "not read");
      continue;
    }
    const entries = result.searchEntries;
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
