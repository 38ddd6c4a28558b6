import pLimit from 'p-limit';
import type { AppContext } from '../context.ts';
import * as repo from './jobs.repository.ts';
import { runJob, sweepJobs } from './jobs.service.ts';
import type { JobQueue } from './queue.ts';

/** Jobs at a time: two cores, and a PDF build or an import is mostly CPU. */
const CONCURRENCY = 2;

/**
 * The in-process worker for SQLite: one server owns the database file, so it runs its own jobs.
 * At start, jobs still marked running belonged to a process that is gone (failed, and tidied up),
 * and jobs still queued are taken again.
 */
export async function startLocalQueue(ctx: AppContext): Promise<JobQueue> {
  const limit = pLimit(CONCURRENCY);
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  const kick = (id: string) => {
    if (stopped) return;
    const p = limit(() => (stopped ? Promise.resolve() : runJob(ctx, id)));
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
