import fs from 'node:fs';
import path from 'node:path';
import type { Database } from './database.ts';

/**
 * A consistent copy while the app keeps running: SQLite's online backup API. For PostgreSQL the
 * right tool is pg_dump, which knows the server's version and options; we say so instead of
 * writing a weaker copy ourselves.
 */
export async function backupDatabase(database: Database, out: string): Promise<string> {
  const target = path.resolve(out);
  if (!database.sqlite) {
    throw new Error('On PostgreSQL, back up with pg_dump, e.g. `pg_dump --format=custom --file=attest.dump "$DATABASE_URL"`.');
  }
  if (fs.existsSync(target)) throw new Error(`${target} already exists; choose another file name.`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  await database.sqlite.backup(target);
  return target;
}
