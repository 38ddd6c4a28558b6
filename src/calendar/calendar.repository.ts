import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { CalendarFeedsTable, DB } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type FeedRow = Selectable<CalendarFeedsTable>;

export function insertFeed(db: Db, row: Insertable<CalendarFeedsTable>): Promise<FeedRow> {
  return db.insertInto('calendar_feeds').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findFeed(db: Db, id: number): Promise<FeedRow | undefined> {
  return db.selectFrom('calendar_feeds').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A live feed by the hash of its secret, with the state of the user it acts as. */
export function findLiveFeedByHash(db: Db, tokenHash: string) {
  return db
    .selectFrom('calendar_feeds as f')
    .leftJoin('users as u', (join) => join.on((eb) => eb('u.id', '=', eb.fn.coalesce('f.user_id', 'f.created_by'))))
    .selectAll('f')
    .select(['u.id as actor_id', 'u.email as actor_email', 'u.role as actor_role', 'u.disabled_at as actor_disabled_at'])
    .where('f.token_hash', '=', tokenHash)
    .where('f.revoked_at', 'is', null)
    .executeTakeFirst();
}

/** Feeds a principal manages: their own personal feeds, every audit feed (those who edit audits), or all (administrators). */
export function listFeeds(db: Db, userId: number, scope: 'own' | 'own_and_audits' | 'all') {
  return db
    .selectFrom('calendar_feeds as f')
    .leftJoin('audits as a', 'a.id', 'f.audit_id')
    .leftJoin('users as c', 'c.id', 'f.created_by')
    .leftJoin('users as o', 'o.id', 'f.user_id')
    .selectAll('f')
    .select(['a.title as audit_title', 'c.email as creator_email', 'o.email as owner_email'])
    .where((eb) =>
      scope === 'all' ? eb.lit(true) : scope === 'own_and_audits' ? eb.or([eb('f.user_id', '=', userId), eb('f.audit_id', 'is not', null)]) : eb('f.user_id', '=', userId),
    )
    .orderBy('f.revoked_at', 'desc')
    .orderBy('f.id', 'desc')
    .execute();
}

export async function revokeFeed(db: Db, id: number, at: string): Promise<boolean> {
  const result = await db.updateTable('calendar_feeds').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// The audits domain has no service yet that lists audits by id and title; the feed page needs both.
// These two read-only queries move behind that service when it exists.

export function findAudit(db: Db, id: number) {
  return db.selectFrom('audits').select(['id', 'title']).where('id', '=', id).executeTakeFirst();
}

export function listAuditTitles(db: Db) {
  return db.selectFrom('audits').select(['id', 'title', 'status']).orderBy('id', 'desc').limit(500).execute();
}

/**
 * Active users by job title, lower-cased: a control owner ("CISO") is a job title, and the user
 * holding it owns the control's evidence dates. The first (lowest id) holder wins a shared title.
 */
export async function usersByJobTitle(db: Db): Promise<Map<string, { id: number; name: string }>> {
  const rows = await db.selectFrom('users').select(['id', 'name', 'job_title']).where('job_title', 'is not', null).where('disabled_at', 'is', null).orderBy('id').execute();
  const byTitle = new Map<string, { id: number; name: string }>();
  for (const r of rows) {
    const key = (r.job_title ?? '').trim().toLowerCase();
    if (key && !byTitle.has(key)) byTitle.set(key, { id: r.id, name: r.name });
  }
  return byTitle;
}

/** Framework slugs and names, for the filter and to refuse an unknown slug. */
export function frameworkNames(db: Db) {
  return db.selectFrom('frameworks').select(['slug', 'name']).orderBy('name').execute();
}

/** Names of users, for the owner filter. */
export function userNames(db: Db, ids: number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('users').select(['id', 'name', 'email']).where('id', 'in', ids).execute();
}

/** The newest recorded change (every change writes an activity record): a feed's default DTSTAMP and cache key. */
export function latestChange(db: Db): Promise<{ id: number; at: string } | undefined> {
  return db.selectFrom('activity').select(['id', 'at']).orderBy('id', 'desc').limit(1).executeTakeFirst();
}
