// Kysely over Node's built-in `node:sqlite`. Kysely's own SqliteDialect is written for better-sqlite3, a native
// addon that needs a compiler or a downloaded binary; no maintained dialect targets `node:sqlite` (the only
// node:sqlite packages are young single-author ones), and the gap is small: better-sqlite3 statements say whether
// they return rows (`reader`) and take parameters as one array, `node:sqlite` ones do neither. This adapter fills
// that gap and keeps Kysely's SQLite compiler, introspector and single-connection mutex.

import { chmodSync } from "node:fs";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { SqliteDialect, type SqliteDatabase, type SqliteStatement } from "kysely";

type Param = null | number | bigint | string | Uint8Array;

function bindable(values: ReadonlyArray<unknown>): Param[] {
  return values.map((v) => {
    if (typeof v === "boolean") return v ? 1 : 0;
    if (v === undefined) return null;
    return v as Param;
  });
}

class NodeSqliteStatement implements SqliteStatement {
  readonly #statement: StatementSync;
  readonly reader: boolean;

  constructor(statement: StatementSync) {
    this.#statement = statement;
    this.reader = statement.columns().length > 0;
  }

  all(parameters: ReadonlyArray<unknown>): unknown[] {
    return this.#statement.all(...bindable(parameters));
  }

  run(parameters: ReadonlyArray<unknown>): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.#statement.run(...bindable(parameters));
  }

  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    return this.#statement.iterate(...bindable(parameters));
  }
}

const STATEMENT_CACHE_SIZE = 200;

/** The database as Kysely's SqliteDialect expects it; prepared statements are cached because the studio repeats a few queries. */
class NodeSqliteDatabase implements SqliteDatabase {
  readonly #db: DatabaseSync;
  readonly #cache = new Map<string, NodeSqliteStatement>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  prepare(sql: string): SqliteStatement {
    let statement = this.#cache.get(sql);
    if (!statement) {
      statement = new NodeSqliteStatement(this.#db.prepare(sql));
      if (this.#cache.size >= STATEMENT_CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value as string);
      this.#cache.set(sql, statement);
    }
    return statement;
  }

  close(): void {
    this.#cache.clear();
    if (this.#db.isOpen) this.#db.close();
  }
}

/** Opens a SQLite file with WAL (readers never wait for the writer), foreign keys on, and a busy timeout for CLI commands run beside the server. */
export function openSqlite(path: string): { dialect: SqliteDialect; raw: DatabaseSync } {
  const raw = new DatabaseSync(path, { enableForeignKeyConstraints: true, timeout: 5000 });
  // The database holds password hashes and session digests: readable by the server's user alone.
  if (path !== ":memory:") chmodSync(path, 0o600);
  raw.exec("PRAGMA journal_mode = WAL");
  // FULL makes each commit durable at the cost of one more fsync: an upload the server acknowledged survives a power cut.
  raw.exec("PRAGMA synchronous = FULL");
  raw.exec("PRAGMA foreign_keys = ON");
  return { dialect: new SqliteDialect({ database: new NodeSqliteDatabase(raw) }), raw };
}
