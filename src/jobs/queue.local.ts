import pLimit from 'p-limit';
import type { AppContext } from '../context.ts';
import * as repo from './jobs.repository.ts';
import { runJob, sweepJobs } from './jobs.service.ts';
import type { JobQueue } from './queue.ts';

/**
 * One job at a time: SQLite has one writer, and a long import holds it; a second job writing
 * meanwhile would wait out the busy timeout and fail. Jobs queue behind each other instead.
 */
const CONCURRENCY = 1;
/** A job that could not even be taken (the database busy) is offered again after this long. */
const RETRY_MS = 5_000;

/**
 * The in-process worker for SQLite: one server owns the database file, so it runs its own jobs,
 * one at a time.
 * At start, jobs still marked running belonged to a process that is gone (failed, and tidied up),
 * and jobs still queued are taken again.
 */
export async function startLocalQueue(ctx: AppContext): Promise<JobQueue> {
  const limit = pLimit(CONCURRENCY);
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  const kick = (id: string): void => {
    if (stopped) return;
    const p = limit(() => (stopped ? Promise.resolve() : runJob(ctx, id))).catch((err: unknown) => {
      ctx.logger.warn({ err, jobId: id }, 'job not taken; offering it again shortly');
      setTimeout(() => kick(id), RETRY_MS).unref();
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  await sweepJobs(ctx, { everyRunning: true });
  for (const { id } of await repo.queuedJobIds(ctx.db)) kick(id);
  return {
    add: async () => undefined,
    kick,
    async stop() {
      stopped = true;
      await Promise.allSettled([...inFlight]);
    },
  };
}
