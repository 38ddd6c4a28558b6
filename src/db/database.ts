import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, SqliteDialect } from 'kysely';
import { AttestPostgresDialect } from './introspector.ts';
import type { DB } from './schema.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  dialect: DialectName;
  /** The raw SQLite handle, for online backups; undefined on PostgreSQL. */
  sqlite?: SQLite.Database;
  /** The PostgreSQL schema every connection is on, when one was chosen (a second connection reopens the same). */
  searchPath?: string;
  close(): Promise<void>;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

// PostgreSQL returns BIGINT (COUNT, SUM) as strings by default; our counts fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

/**
 * Opens SQLite (a file path or ':memory:') or PostgreSQL (a postgres:// URL).
 * `searchPath` puts every PostgreSQL connection on one schema, so test files don't collide.
 */
export function openDatabase(url: string, options: { searchPath?: string } = {}): Database {
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
    });
    const db = new Kysely<DB>({ dialect: new AttestPostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy(), ...(options.searchPath ? { searchPath: options.searchPath } : {}) };
  }
  if (url !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(url)), { recursive: true });
  const sqlite = new SQLite(url);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: 'sqlite', sqlite, close: () => db.destroy() };
}

const STATEMENTS_KEPT = 256;

/**
 * Kysely prepares a statement for every query; a page repeats the same few dozen SQL texts, and
 * preparing was ~8 % of an uncached dashboard's CPU. Prepared statements are kept by their SQL
 * (the least recently used dropped beyond 256); one busy being iterated is never handed out again
 * meanwhile. SQLite prepares a kept statement again by itself when the schema has changed.
 */
function withStatementCache(sqlite: SQLite.Database) {
  const kept = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SQLite.Statement {
      const hit = kept.get(sql);
      if (hit && !hit.busy) {
        kept.delete(sql);
        kept.set(sql, hit);
        return hit;
      }
      const statement = sqlite.prepare(sql);
      kept.set(sql, statement);
      if (kept.size > STATEMENTS_KEPT) kept.delete(kept.keys().next().value as string);
      return statement;
    },
  };
}

/** Describes where the data lives without leaking a password. */
export function describeDatabase(url: string): string {
  if (!isPostgresUrl(url)) return `SQLite ${url}`;
  const u = new URL(url);
  return `PostgreSQL ${u.hostname}:${u.port || 5432}${u.pathname}`;
}
