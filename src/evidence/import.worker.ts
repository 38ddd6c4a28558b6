import { parentPort, workerData } from 'node:worker_threads';
import type { Principal } from '../auth/principal.ts';
import type { Config } from '../config.ts';
import type { AppContext } from '../context.ts';
import { openDatabase } from '../db/database.ts';
import { createLogger } from '../logger.ts';
import { PdfEngine } from '../reports/pdf.ts';
import { importEvidenceCsv } from './import.service.ts';

// Runs one CSV import on a thread of its own with a database connection of its own, so the
// server's thread keeps answering everybody else (on SQLite, WAL lets them read meanwhile). Tells
// the main thread how far it got and, at the end, the result.

interface Input {
  config: Config;
  searchPath?: string;
  /** The main thread's clock when the import was asked for (tests run on a fixed clock). */
  startedAt: string;
  principal: Principal;
  path: string;
}

const input = workerData as Input;
const database = openDatabase(input.config.databaseUrl, input.searchPath ? { searchPath: input.searchPath } : {});
const origin = Date.now();
const ctx: AppContext = {
  db: database.db,
  dialect: database.dialect,
  database,
  config: input.config,
  logger: createLogger('silent'),
  clock: () => new Date(Date.parse(input.startedAt) + (Date.now() - origin)),
  pdf: new PdfEngine(input.config.browserPath),
};
try {
  const result = await importEvidenceCsv(
    ctx,
    input.principal,
    { path: input.path },
    {
      onChecked: (rows) => parentPort!.postMessage({ type: 'progress', phase: 'checking', done: rows, total: 0 }),
      onProgress: (done, total) => parentPort!.postMessage({ type: 'progress', phase: 'writing', done, total }),
    },
  );
  parentPort!.postMessage({ type: 'result', result });
} catch (err) {
  parentPort!.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
} finally {
  await database.close();
}
