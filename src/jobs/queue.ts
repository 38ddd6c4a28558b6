import type { Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { Database } from '../db/database.ts';
import type { DB } from '../db/schema.ts';

/**
 * Where queued jobs go. On SQLite (one server) a worker in this process runs them; on PostgreSQL
 * they go to a shared queue (graphile-worker: jobs are added in the recording transaction and
 * picked up within milliseconds through LISTEN/NOTIFY by any app server whose worker is on).
 */
export interface JobQueue {
  /** Inside the transaction that records the job. */
  add(trx: Transaction<DB>, id: string): Promise<void>;
  /** After that transaction committed. */
  kick(id: string): void;
  /** Waits for the jobs this process is running and stops taking new ones. */
  stop(): Promise<void>;
}

const queues = new WeakMap<Database, Promise<JobQueue>>();

/** The queue of this context's database, started on first use (on PostgreSQL: its schema, its worker). */
export function queueFor(ctx: AppContext): Promise<JobQueue> {
  let queue = queues.get(ctx.database);
  if (!queue) {
    queue = ctx.dialect === 'postgres' ? import('./queue.postgres.ts').then((m) => m.startPostgresQueue(ctx)) : import('./queue.local.ts').then((m) => m.startLocalQueue(ctx));
    queues.set(ctx.database, queue);
    queue.catch(() => queues.delete(ctx.database));
  }
  return queue;
}

/** Starts the worker now (the server does at start, so jobs left queued are taken at once). */
export async function startJobs(ctx: AppContext): Promise<void> {
  await queueFor(ctx);
}

/** Stops this context's queue, if it was started. */
export async function stopJobs(ctx: AppContext): Promise<void> {
  const queue = queues.get(ctx.database);
  if (!queue) return;
  queues.delete(ctx.database);
  await (await queue.catch(() => undefined))?.stop();
}
