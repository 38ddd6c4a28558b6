import { runMigrations } from 'graphile-worker';
import { WORKER_SCHEMA } from '../../src/jobs/queue.postgres.ts';

/**
 * On PostgreSQL, every test file's app shares the database's one job-queue schema. Its first
 * migration tells every worker already listening in the database to stop (graphile-worker's
 * notifications are database-wide), so it is brought up to date once, before any file starts one.
 */
export default async function migrateJobQueue(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  await runMigrations({ connectionString: url, schema: WORKER_SCHEMA, noPreparedStatements: true });
}
