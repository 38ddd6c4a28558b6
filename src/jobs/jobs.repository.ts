import { type Insertable, type Kysely, sql, type Transaction, type Updateable } from 'kysely';
import type { DB, JobsTable } from '../db/schema.ts';

// All SQL of the jobs domain: the record of each piece of long work.

type Db = Kysely<DB> | Transaction<DB>;

export type JobRow = NonNullable<Awaited<ReturnType<typeof findJob>>>;

export async function insertJob(db: Db, row: Insertable<JobsTable>): Promise<void> {
  await db.insertInto('jobs').values(row).execute();
}

export function findJob(db: Db, id: string) {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Takes a queued job for this worker; false when another worker (or a sweep) got there first. */
export async function claimJob(db: Db, id: string, worker: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('jobs')
    .set({ status: 'running', worker, started_at: now, heartbeat_at: now })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Updates a running job (progress, heartbeat); a job no longer running is left as it is. */
export async function updateRunningJob(db: Db, id: string, patch: Updateable<JobsTable>): Promise<boolean> {
  const r = await db.updateTable('jobs').set(patch).where('id', '=', id).where('status', '=', 'running').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Jobs whose worker has not been heard from since `before`: its process stopped. */
export function staleJobs(db: Db, before: string) {
  return db.selectFrom('jobs').select(['id', 'kind', 'principal', 'payload']).where('status', '=', 'running').where('heartbeat_at', '<', before).execute();
}

export function queuedJobIds(db: Db) {
  return db.selectFrom('jobs').select('id').where('status', '=', 'queued').orderBy('created_at').execute();
}

/** Forgets finished jobs older than `before` (their results are recorded by the work itself). */
export async function deleteFinishedBefore(db: Db, before: string): Promise<void> {
  await db.deleteFrom('jobs').where('status', 'in', ['done', 'failed']).where('finished_at', '<', before).execute();
}

/** Fails a job still running with no heartbeat since `before`; false when it moved meanwhile. */
export async function failStaleJob(db: Db, id: string, before: string, error: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('jobs')
    .set({ status: 'failed', error, finished_at: now })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('heartbeat_at', '<', before)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The schema this connection's tables are in (PostgreSQL). */
export async function currentSchema(db: Db): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema ?? 'public';
}

/** Hands a recorded job to graphile-worker's queue in `schema`, in the caller's transaction; tried once. */
export async function addToSharedQueue(db: Db, schema: string, task: string, id: string): Promise<void> {
  await sql`select ${sql.id(schema, 'add_job')}(${task}, json_build_object('id', ${id}::text), max_attempts => 1)`.execute(db);
}
