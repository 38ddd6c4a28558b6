import fs from 'node:fs/promises';
import type { AppContext } from '../context.ts';
import { principalOf } from '../http/actor.ts';
import { isAppError } from '../http/errors.ts';
import type { Routes } from '../http/routes.ts';
import { uploadParser } from '../http/upload.ts';
import { fileStore, type UploadedFile } from './evidence.service.ts';
import { IMPORT_COLUMNS, importEvidenceCsv } from './import.service.ts';

export function importRoutes(routes: Routes, ctx: AppContext): void {
  const upload = uploadParser({ tmpDir: () => fileStore(ctx).tmpDir, maxBytes: ctx.config.uploadMaxBytes, field: 'file', maxFiles: 1 });
  const model = { title: 'Import evidence', section: 'evidence', columns: IMPORT_COLUMNS };

  routes.get('/evidence/import', 'evidence.log', (_req, res) => {
    res.render('evidence/import', model);
  });

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
    try {
      const result = await importEvidenceCsv(ctx, principalOf(req), await fs.readFile(file.path));
      if (!result.ok) return res.status(422).render('evidence/import', { ...model, result, filename: file.originalName });
      res.status(201).render('evidence/import', { ...model, result, filename: file.originalName });
    } finally {
      await fs.rm(file.path, { force: true });
    }
  });
}
