import { Logger as GraphileLogger, type Runner, run, runMigrations } from 'graphile-worker';
import type { AppContext } from '../context.ts';
import { addToSharedQueue, currentSchema } from './jobs.repository.ts';
import { runJob, STALE_AFTER_MS, sweepJobs } from './jobs.service.ts';
import type { JobQueue } from './queue.ts';

/** Jobs at a time per app server. */
const CONCURRENCY = 2;

/**
 * graphile-worker keeps its queue in a schema of its own, one per database (`attest_worker`): its
 * notifications are database-wide, so a second queue schema would have each one's upgrades stop
 * the other's workers. Attest databases side by side in one PostgreSQL (schemas chosen by the URL's
 * options or PGOPTIONS) share it, each with a task name of its own, so none takes another's jobs.
 */
export const WORKER_SCHEMA = 'attest_worker';

export async function taskOf(ctx: AppContext): Promise<string> {
  const schema = await currentSchema(ctx.db);
  return schema === 'public' ? 'attest_job' : `attest_job:${schema}`;
}

/** graphile-worker's log lines go to the app's logger (its debug chatter is dropped). */
function loggerOf(ctx: AppContext): GraphileLogger {
  return new GraphileLogger(() => (level, message, meta) => {
    if (level === 'error') ctx.logger.error({ meta }, `job queue: ${message}`);
    else if (level === 'warning') ctx.logger.warn({ meta }, `job queue: ${message}`);
  });
}

/**
 * The shared queue on PostgreSQL. Every app server adds jobs in the transaction that records
 * them; those whose worker is on (JOBS_WORKER, default on; `attest worker` runs one alone) take
 * them, the first to ask getting each. Each job is tried once: a failure is recorded on the job,
 * and a job whose worker died is failed by the next sweep of any worker (no heartbeat for a minute).
 */
export async function startPostgresQueue(ctx: AppContext): Promise<JobQueue> {
  const schema = WORKER_SCHEMA;
  const task = await taskOf(ctx);
  const options = {
    connectionString: ctx.config.databaseUrl,
    schema,
    logger: loggerOf(ctx),
    noHandleSignals: true,
    noPreparedStatements: true,
  };
  let runner: Runner | undefined;
  let sweeper: NodeJS.Timeout | undefined;
  let stopped = false;
  // A worker that stops on an error (a lost connection) is started again, so queued jobs keep moving.
  const startRunner = async (): Promise<void> => {
    runner = await run({
      ...options,
      concurrency: CONCURRENCY,
      pollInterval: 2_000,
      parsedCronItems: [],
      taskList: {
        [task]: async (payload) => {
          const id = (payload as { id?: unknown }).id;
          if (typeof id === 'string') await runJob(ctx, id);
        },
      },
    });
    runner.promise.catch((err: unknown) => {
      if (stopped) return;
      ctx.logger.error({ err }, 'the job worker stopped on an error; starting it again in 5 s');
      setTimeout(() => {
        if (!stopped) startRunner().catch((e: unknown) => ctx.logger.error({ err: e }, 'the job worker could not start again'));
      }, 5_000).unref();
    });
  };
  if (ctx.config.jobsWorker) {
    await startRunner();
    await sweepJobs(ctx);
    sweeper = setInterval(() => void sweepJobs(ctx).catch((err: unknown) => ctx.logger.error({ err }, 'job sweep failed')), STALE_AFTER_MS / 2);
    sweeper.unref();
  } else {
    await runMigrations(options);
    ctx.logger.info('JOBS_WORKER=false: this server only queues jobs; `attest worker` or another server with its worker on must run them');
  }
  return {
    async add(trx, id) {
      await addToSharedQueue(trx, schema, task, id);
    },
    kick: () => undefined,
    async stop() {
      stopped = true;
      if (sweeper) clearInterval(sweeper);
      await runner?.stop().catch(() => undefined); // already stopped by an error
    },
  };
}
