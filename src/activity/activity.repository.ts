import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DialectName } from '../db/database.ts';
import type { ActivityAction } from './activity.actions.ts';
import type { ActivityTable, DB } from '../db/schema.ts';

export type ActivityRow = Selectable<ActivityTable>;
type Db = Kysely<DB> | Transaction<DB>;

// Any constant works; it names the lock that serialises appends to the chain on PostgreSQL.
const CHAIN_LOCK_KEY = 727_001;

/** Serialises appends so two transactions never chain onto the same previous hash. */
export async function lockChain(trx: Transaction<DB>, dialect: DialectName): Promise<void> {
  // SQLite runs one write transaction at a time, so only PostgreSQL needs the lock.
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${CHAIN_LOCK_KEY})`.execute(trx);
}

export async function lastHash(trx: Db): Promise<string | undefined> {
  const row = await trx.selectFrom('activity').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.hash;
}

export async function insertActivity(trx: Db, row: Omit<ActivityRow, 'id'>): Promise<number> {
  const inserted = await trx.insertInto('activity').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

/** Streams the chain in order, a page at a time, so verification runs in constant memory. */
export async function* walkChain(db: Db, pageSize = 2000): AsyncGenerator<ActivityRow> {
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('activity').selectAll().where('id', '>', after).orderBy('id').limit(pageSize).execute();
    if (rows.length === 0) return;
    yield* rows;
    after = rows[rows.length - 1]!.id;
  }
}

export interface ActivityFilter {
  actorId?: number | undefined;
  action?: ActivityAction | undefined;
  subjectType?: string | undefined;
  subjectId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export async function listActivity(
  db: Db,
  f: ActivityFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: (ActivityRow & { actor_email: string | null; actor_name: string | null })[]; total: number }> {
  let q = db.selectFrom('activity').leftJoin('users', 'users.id', 'activity.actor_id');
  if (f.actorId !== undefined) q = q.where('activity.actor_id', '=', f.actorId);
  if (f.action) q = q.where('activity.action', '=', f.action);
  if (f.subjectType) q = q.where('activity.subject_type', '=', f.subjectType);
  if (f.subjectId) q = q.where('activity.subject_id', '=', f.subjectId);
  if (f.from) q = q.where('activity.at', '>=', f.from);
  if (f.to) q = q.where('activity.at', '<', f.to);
  const [rows, count] = await Promise.all([
    q.selectAll('activity').select(['users.email as actor_email', 'users.name as actor_name']).orderBy('activity.id', 'desc').limit(page.limit).offset(page.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** The newest record with the number of records up to it, read in one statement (one snapshot). */
export function chainHead(db: Db) {
  return db
    .selectFrom('activity as a')
    .select((eb) => ['a.id', 'a.hash', eb.selectFrom('activity as b').whereRef('b.id', '<=', 'a.id').select(eb.fn.countAll<number>().as('n')).as('count')])
    .orderBy('a.id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The newest activity record's id (0 when there is none): every change is recorded with one, in its transaction. */
export async function newestActivityId(db: Db): Promise<number> {
  const row = await db.selectFrom('activity').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? Number(row.id) : 0;
}
