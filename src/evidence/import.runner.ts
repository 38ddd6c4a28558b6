import { Worker } from 'node:worker_threads';
import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import type { Progress } from '../jobs/jobs.ts';
import type { ImportResult } from './import.service.ts';

/**
 * Imports a CSV file on a worker thread (see import.worker.ts), reporting progress; resolves with
 * the result once the worker's transaction has committed (or nothing was written).
 */
export function importInWorker(ctx: AppContext, principal: Principal, path: string, progress: Progress): Promise<ImportResult> {
  authorize(principal, 'evidence.log');
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./import.worker.mjs', import.meta.url), {
      workerData: { config: ctx.config, searchPath: ctx.database.searchPath, startedAt: ctx.clock().toISOString(), principal, path },
    });
    let settled = false;
    worker.on('message', (m: { type: 'progress'; phase: string; done: number; total: number } | { type: 'result'; result: ImportResult } | { type: 'error'; message: string }) => {
      if (m.type === 'progress') {
        progress.phase(m.phase);
        progress.set(m.done, m.total);
      } else if (m.type === 'result') {
        settled = true;
        resolve(m.result);
      } else {
        settled = true;
        reject(new Error(m.message));
      }
    });
    worker.on('error', (err) => {
      if (!settled) reject(err);
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`The import stopped unexpectedly (worker exit ${code}); nothing was imported.`));
    });
  });
}
