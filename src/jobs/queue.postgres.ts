import { Logger as GraphileLogger, type Runner, run, runMigrations } from 'graphile-worker';
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import { runJob, STALE_AFTER_MS, sweepJobs } from './jobs.service.ts';
import type { JobQueue } from './queue.ts';

const TASK = 'attest_job';
/** Jobs at a time per app server. */
const CONCURRENCY = 2;

/**
 * graphile-worker keeps its queue in a schema of its own, next to the app's tables: `attest_worker`
 * beside `public`, `<schema>_worker` beside any other (set by the URL's options or PGOPTIONS), so
 * two Attest databases in one PostgreSQL never take each other's jobs.
 */
export async function workerSchemaOf(ctx: AppContext): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(ctx.db);
  const schema = rows[0]?.schema ?? 'public';
  return schema === 'public' ? 'attest_worker' : `${schema}_worker`;
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
  const schema = await workerSchemaOf(ctx);
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
        [TASK]: async (payload) => {
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
  }
  return {
    async add(trx, id) {
      await sql`select ${sql.id(schema, 'add_job')}(${TASK}, json_build_object('id', ${id}::text), max_attempts => 1)`.execute(trx);
    },
    kick: () => undefined,
    async stop() {
      stopped = true;
      if (sweeper) clearInterval(sweeper);
      await runner?.stop().catch(() => undefined); // already stopped by an error
    },
  };
}
