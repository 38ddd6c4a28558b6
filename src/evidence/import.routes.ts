import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { principalOf } from '../http/actor.ts';
import { isAppError } from '../http/errors.ts';
import type { Routes } from '../http/routes.ts';
import { uploadParser } from '../http/upload.ts';
import { parseInput } from '../http/validate.ts';
import { followJob, type JobView } from '../jobs/jobs.service.ts';
import { queueImport } from './import.job.ts';
import { fileStore, type UploadedFile } from './evidence.service.ts';
import { SAMPLE_CSV } from './import.csv.ts';
import { presentImportResult, sampleLines } from './import.presenter.ts';
import { IMPORT_COLUMNS, type ImportResult } from './import.service.ts';
import { counted } from '../words.ts';

const JOB = 'evidence-import' as const;
const jobParam = z.object({ job: z.string().uuid('Unknown import.') });

export function importRoutes(routes: Routes, ctx: AppContext): void {
  const upload = uploadParser({ tmpDir: () => fileStore(ctx).tmpDir, maxBytes: ctx.config.uploadMaxBytes, field: 'file', maxFiles: 1 });
  const model = { title: 'Import evidence', section: 'evidence', columns: IMPORT_COLUMNS, sample: sampleLines(SAMPLE_CSV) };

  routes.get('/evidence/import', 'evidence.log', (_req, res) => {
    res.render('evidence/import', model);
  });

  // Before /evidence/import/:job, which would take "sample.csv" for an import.
  routes.get('/evidence/import/sample.csv', 'evidence.log', (_req, res) => {
    res.type('text/csv; charset=utf-8').attachment('evidence-import-sample.csv').send(SAMPLE_CSV);
  });

  // The file is checked and written by a job (src/evidence/import.job.ts) on a connection of its own:
  // the page follows its progress, and nobody else's request waits for it.
  routes.post('/evidence/import', 'evidence.log', async (req, res) => {
    let files: UploadedFile[];
    try {
      files = await upload(req, res);
    } catch (err) {
      if (!isAppError(err)) throw err;
      return res.status(err.status).render('evidence/import', { ...model, error: err.fields[0]?.message ?? err.message });
    }
    const file = files[0];
    if (!file) return res.status(422).render('evidence/import', { ...model, error: 'Choose a CSV file to import.' });
    const jobId = await queueImport(ctx, principalOf(req), file);
    res.redirect(303, `/evidence/import/${jobId}`);
  });

  routes.get('/evidence/import/:job', 'evidence.log', async (req, res) => {
    const { job: id } = parseInput(jobParam, req.params);
    const job = await followJob<ImportResult & { filename: string }>(ctx, principalOf(req), 'evidence.log', JOB, id);
    if (!job) return res.status(404).render('evidence/import', { ...model, error: 'This import is not known (imports can be followed for 30 days after they end).' });
    res.set('Cache-Control', 'no-store');
    const result = job.result;
    res.render('evidence/import', {
      ...model,
      job: {
        running: job.status === 'running' || job.status === 'queued',
        queued: job.status === 'queued',
        phase: phaseOf(job, ctx.clock()),
        percent: job.total ? Math.floor((job.done / job.total) * 100) : 0,
      },
      ...(job.status === 'failed' ? { error: `The import failed and nothing was written: ${job.error}` } : {}),
      ...(result ? { result: presentImportResult(result), filename: result.filename } : {}),
    });
  });
}

/** After this long in the queue, the page says that no worker may be running. */
const LONG_WAIT_MS = 2 * 60_000;

/** Where an import stands, in words. */
function phaseOf(job: JobView, now: Date): string {
  if (job.status === 'queued') {
    const waited = now.getTime() - Date.parse(job.createdAt);
    if (waited < LONG_WAIT_MS) return 'Waiting for a worker to take this import…';
    // Every server may have been started with JOBS_WORKER=false and no `attest worker` running.
    return `Waiting for a worker to take this import: none has for ${counted(Math.floor(waited / 60_000), 'minute')}. An administrator can check that a job worker is running.`;
  }
  if (job.phase === 'writing') return `Writing ${job.done.toLocaleString('en')} of ${job.total.toLocaleString('en')} rows…`;
  if (job.phase === 'checking') return `Checking the file: ${job.done.toLocaleString('en')} rows read…`;
  return 'Checking the file…';
}
