// A file's versions with how each was made, read from the audit log: the upload that stored it and the trust
// statement its uploader agreed to, a save from the studio's editor, or a new file. The audit log is the one record
// of an upload's acknowledgment; a version is tied to its event by its number and its bytes' SHA-256, which stay the
// same when the file is renamed (the path recorded in the event may be an older one).
import type { FileHistory, HistoryQuery, HistoryVersion, VersionComparison } from "../contract/api-history.ts";
import { AppError } from "./errors.ts";
import { fileDetails } from "./files.ts";
import type { Studio } from "./studio.ts";

/** How long after a version's time its audit event may be written: the event is recorded in the same transaction. */
const AUDIT_LAG_MS = 60_000;

type Origin = Pick<HistoryVersion, "origin" | "statement">;

export async function fileHistory(
  studio: Studio,
  workspaceId: string,
  path: string,
  query: HistoryQuery,
): Promise<FileHistory> {
  // The comparison's shape is checked before anything is read: a refusal says the same for every file.
  if ((query.from === undefined) !== (query.to === undefined))
    throw new AppError(400, "comparison_incomplete", "a comparison names two versions: ?from=A&to=B", {
      at: query.from === undefined ? "/from" : "/to",
    });
  if (query.from !== undefined && query.from === query.to)
    throw new AppError(400, "same_version", `version ${query.from} compared with itself: name two versions`, {
      at: "/to",
    });
  const details = await fileDetails(studio, workspaceId, path);
  const origins = await originsOf(studio, workspaceId, details.versions);
  const versions: HistoryVersion[] = details.versions.map((v) => ({
    ...v,
    ...(origins.get(key(v.version, v.sha256)) ?? { origin: "unrecorded" }),
  }));
  const history: FileHistory = { path: details.path, kind: details.kind, versions };
  if (query.from !== undefined && query.to !== undefined) history.compare = comparison(versions, path, query);
  return history;
}

function comparison(versions: HistoryVersion[], path: string, query: HistoryQuery): VersionComparison {
  const find = (number: number, at: string) => {
    const found = versions.find((v) => v.version === number);
    // Versions are numbered per file: another file's version cannot be named here, only a number this file lacks.
    if (!found) throw new AppError(404, "version_not_found", `${path} has no version ${number}`, { at, path });
    return found;
  };
  const from = find(query.from!, "/from");
  const to = find(query.to!, "/to");
  return { from, to, identical: from.sha256 === to.sha256 };
}

const key = (version: number, sha256: string) => `${version}\0${sha256}`;

async function originsOf(
  studio: Studio,
  workspaceId: string,
  versions: readonly { version: number; sha256: string; uploadedAt: string }[],
): Promise<Map<string, Origin>> {
  const origins = new Map<string, Origin>();
  if (versions.length === 0) return origins;
  const times = versions.map((v) => Date.parse(v.uploadedAt));
  const rows = await studio.db
    .selectFrom("audit_events")
    .select(["event", "details"])
    .where("workspace_id", "=", workspaceId)
    .where("event", "in", ["upload", "file_saved", "file_created"])
    .where("at", ">=", Math.min(...times))
    .where("at", "<=", Math.max(...times) + AUDIT_LAG_MS)
    .orderBy("id")
    .execute();
  for (const row of rows) {
    const details = JSON.parse(row.details) as Record<string, unknown>;
    if (row.event === "upload") {
      const statement =
        typeof details["statement"] === "string" && typeof details["statementText"] === "string"
          ? { id: details["statement"], text: details["statementText"] }
          : undefined;
      for (const file of Array.isArray(details["files"]) ? details["files"] : []) {
        const f = file as { version?: unknown; sha256?: unknown };
        if (typeof f.version === "number" && typeof f.sha256 === "string")
          origins.set(key(f.version, f.sha256), { origin: "upload", ...(statement ? { statement } : {}) });
      }
    } else if (typeof details["version"] === "number" && typeof details["sha256"] === "string") {
      origins.set(key(details["version"], details["sha256"]), { origin: row.event === "file_saved" ? "save" : "new" });
    }
  }
  return origins;
}
