import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from './schema.ts';

/**
 * A secret generated on first use and kept in the database, so every process that shares the
 * database (and every restart) signs with the same key, with nothing to configure by hand.
 */
export async function getOrCreateSecret(db: Kysely<DB>, key: string): Promise<string> {
  const existing = await db.selectFrom('app_settings').select('value').where('key', '=', key).executeTakeFirst();
  if (existing) return existing.value;
  await db
    .insertInto('app_settings')
    .values({ key, value: randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db.selectFrom('app_settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
  return row.value;
}
