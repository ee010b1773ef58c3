// Opens the studio's database from its URL and brings its schema up to date.

import { Kysely } from "kysely";
import { ConfigError } from "../config.ts";
import { migrateToLatest } from "./migrations.ts";
import { openSqlite } from "./node-sqlite-dialect.ts";
import type { Database } from "./schema.ts";

export type Db = Kysely<Database>;

export async function openDatabase(databaseUrl: string): Promise<Db> {
  const match = /^sqlite:(.+)$/.exec(databaseUrl);
  if (!match?.[1]) {
    // PostgreSQL arrives with its own issue; say so rather than failing on a driver that is not there.
    throw new ConfigError(
      `--database-url: "${databaseUrl.replace(/\/\/[^@/]*@/, "//…@")}" is not supported; use sqlite:PATH`,
    );
  }
  const { dialect } = openSqlite(match[1]);
  const db = new Kysely<Database>({ dialect });
  try {
    await migrateToLatest(db as unknown as Kysely<unknown>);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}
