import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { ApiTokensTable, DB } from '../db/schema.ts';
import type { UserRow } from './users.repository.ts';

export type ApiTokenRow = Selectable<ApiTokensTable>;
type Db = Kysely<DB> | Transaction<DB>;

export function insertToken(db: Db, row: Insertable<ApiTokensTable>): Promise<ApiTokenRow> {
  return db.insertInto('api_tokens').values(row).returningAll().executeTakeFirstOrThrow();
}

export function listTokensForUser(db: Db, userId: number): Promise<ApiTokenRow[]> {
  return db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('id', 'desc').execute();
}

export function findToken(db: Db, id: number): Promise<ApiTokenRow | undefined> {
  return db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The user behind a live token: not revoked, not expired. */
export async function findTokenUser(db: Db, tokenHash: string, now: string): Promise<{ tokenId: number; user: UserRow } | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .selectAll('users')
    .select('api_tokens.id as token_id')
    .where('api_tokens.token_hash', '=', tokenHash)
    .where('api_tokens.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('api_tokens.expires_at', 'is', null), eb('api_tokens.expires_at', '>', now)]))
    .executeTakeFirst();
  if (!row) return undefined;
  const { token_id, ...user } = row;
  return { tokenId: token_id, user };
}

export async function markTokenUsed(db: Db, id: number, now: string): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute();
}

export async function revokeToken(db: Db, id: number, now: string): Promise<void> {
  await db.updateTable('api_tokens').set({ revoked_at: now }).where('id', '=', id).execute();
}
