import fs from 'node:fs/promises';
import { z } from 'zod';
import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import type { JobHandler } from '../jobs/jobs.handlers.ts';
import { enqueueJob } from '../jobs/jobs.service.ts';
import { sanitizeFilename } from './file-store.ts';
import { importInBackground } from './import.runner.ts';

const payloadSchema = z.object({ path: z.string().min(1), filename: z.string() });

/** A CSV import queued by the import page: the uploaded file, checked and written by a worker, then removed. */
export const evidenceImportJob: JobHandler = {
  async run(ctx, principal, payload, progress) {
    const { path, filename } = payloadSchema.parse(payload);
    try {
      return { ...(await importInBackground(ctx, principal, path, progress)), filename };
    } finally {
      await fs.rm(path, { force: true });
    }
  },
  // All or nothing: nothing was written (or a dead worker's transaction was dropped); only the upload is left.
  async failed(_ctx, _principal, payload) {
    const parsed = payloadSchema.safeParse(payload);
    if (parsed.success) await fs.rm(parsed.data.path, { force: true });
  },
};

/** Queues the import of an uploaded CSV file (its name kept as evidence file names are: no control or bidirectional characters, at most 200 characters); returns the job to follow. */
export async function queueImport(ctx: AppContext, principal: Principal, file: { path: string; originalName: string }): Promise<string> {
  authorize(principal, 'evidence.log');
  const { jobId } = await enqueueJob(ctx, principal, 'evidence-import', async () => ({ payload: { path: file.path, filename: sanitizeFilename(file.originalName) }, value: null }));
  return jobId;
}
