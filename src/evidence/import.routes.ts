import fs from 'node:fs/promises';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { principalOf } from '../http/actor.ts';
import { isAppError } from '../http/errors.ts';
import type { Routes } from '../http/routes.ts';
import { uploadParser } from '../http/upload.ts';
import { parseInput } from '../http/validate.ts';
import { jobFor, startJob } from '../jobs/jobs.ts';
import { fileStore, type UploadedFile } from './evidence.service.ts';
import { importInBackground } from './import.runner.ts';
import { SAMPLE_CSV } from './import.csv.ts';
import { presentImportResult, sampleLines } from './import.presenter.ts';
import { IMPORT_COLUMNS, type ImportResult } from './import.service.ts';

const JOB = 'evidence-import';
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

  // The file is checked and written in the background on a connection of its own: the page follows
  // its progress, and nobody else's request waits for it.
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
    const principal = principalOf(req);
    const job = startJob<ImportResult & { filename: string }>(ctx.config.dataDir, JOB, principal.userId, async (progress) => {
      try {
        return { ...(await importInBackground(ctx, principal, file.path, progress)), filename: file.originalName };
      } finally {
        await fs.rm(file.path, { force: true });
      }
    });
    res.redirect(303, `/evidence/import/${job.id}`);
  });

  routes.get('/evidence/import/:job', 'evidence.log', (req, res) => {
    const { job: id } = parseInput(jobParam, req.params);
    const job = jobFor<ImportResult & { filename: string }>(ctx.config.dataDir, id, JOB, principalOf(req).userId);
    if (!job) return res.status(404).render('evidence/import', { ...model, error: 'This import is not known (imports can be followed for an hour after they end).' });
    res.set('Cache-Control', 'no-store');
    const result = job.result;
    res.render('evidence/import', {
      ...model,
      job: {
        running: job.status === 'running',
        phase:
          job.phase === 'writing'
            ? `Writing ${job.done.toLocaleString('en')} of ${job.total.toLocaleString('en')} rows`
            : job.phase === 'checking'
              ? `Checking the file: ${job.done.toLocaleString('en')} rows read`
              : 'Checking the file',
        percent: job.total ? Math.floor((job.done / job.total) * 100) : 0,
      },
      ...(job.status === 'failed' ? { error: `The import failed and nothing was written: ${job.error}` } : {}),
      ...(result ? { result: presentImportResult(result), filename: result.filename } : {}),
    });
  });
}
