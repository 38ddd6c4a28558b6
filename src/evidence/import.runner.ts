import { setImmediate as nextTurn } from 'node:timers/promises';
import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { openDatabase } from '../db/database.ts';
import { writingInBackground } from '../jobs/background-writers.ts';
import type { Progress } from '../jobs/jobs.service.ts';
import { collectEvery } from '../jobs/memory.ts';
import { importEvidenceCsv, type ImportResult } from './import.service.ts';

/**
 * Runs a CSV import (a job, src/evidence/import.job.ts) on a database connection of its own: its
 * long transaction does not hold the connection every request uses (on SQLite, WAL lets them read
 * meanwhile; on PostgreSQL it is simply another connection), and it gives the event loop back
 * between batches, so nobody's request waits for it. Memory stays flat: the file is streamed.
 * (A worker thread was tried first: it cost a second JavaScript engine, ~250 MB more at peak.)
 */
export async function importInBackground(ctx: AppContext, principal: Principal, path: string, progress: Progress): Promise<ImportResult> {
  authorize(principal, 'evidence.log');
  // yieldEvery comes every 500 rows: a collection every 20,000 rows keeps a million-row import's
  // server under 220 MB (without, ~320 MB), for ~5 % more time (bench/RESULTS.md).
  const tidy = collectEvery(40);
  const own = openDatabase(ctx.config.databaseUrl, ctx.database.searchPath ? { searchPath: ctx.database.searchPath } : {});
  try {
    return await writingInBackground(() =>
      importEvidenceCsv(
        { ...ctx, db: own.db, database: own },
        principal,
        { path },
        {
          onChecked: (rows) => {
            progress.phase('checking');
            progress.set(rows, 0);
          },
          onProgress: (done, total) => {
            progress.phase('writing');
            progress.set(done, total);
          },
          yieldEvery: () => {
            tidy(1);
            return nextTurn();
          },
        },
      ),
    );
  } finally {
    await own.close();
  }
}
