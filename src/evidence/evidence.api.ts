import type { Request, Response } from 'express';
import type { AppContext } from '../context.ts';
import { actorOf } from '../http/actor.ts';
import { apiPageSize } from '../http/pagination.ts';
import type { Routes } from '../http/routes.ts';
import { uploadParser } from '../http/upload.ts';
import { parseInput } from '../http/validate.ts';
import { evidenceFilterSchema, evidenceIdParam, evidenceInputSchema, fileParams, reviewSchema } from './evidence.schema.ts';
import { createEvidence, createVersion, downloadFile, fileStore, getEvidence, listEvidence, reviewEvidence, type UploadedFile } from './evidence.service.ts';
import { removeLeftovers, sendFile } from './evidence.routes.ts';
import { freshness } from './freshness.service.ts';

export function evidenceApi(routes: Routes, ctx: AppContext): void {
  const upload = uploadParser({ tmpDir: () => fileStore(ctx).tmpDir, maxBytes: ctx.config.uploadMaxBytes, field: 'files', maxFiles: 10 });
  // JSON bodies carry a link; multipart bodies may carry files too.
  const filesOf = (req: Request, res: Response): Promise<UploadedFile[]> => (req.is('multipart/form-data') ? upload(req, res) : Promise.resolve([]));

  routes.get('/api/v1/evidence', 'evidence.read', async (req, res) => {
    const filter = parseInput(evidenceFilterSchema, req.query);
    const { limit } = parseInput(apiPageSize, req.query);
    const { items, total } = await listEvidence(ctx, filter, { limit, offset: (filter.page - 1) * limit });
    res.json({ items, total, page: filter.page, limit });
  });

  routes.post('/api/v1/evidence', 'evidence.log', async (req, res) => {
    const files = await filesOf(req, res);
    const id = await removeLeftovers(files, () => createEvidence(ctx, actorOf(req), parseInput(evidenceInputSchema, req.body), files));
    res.status(201).location(`/api/v1/evidence/${id}`).json(await getEvidence(ctx, id));
  });

  routes.get('/api/v1/evidence/freshness', 'evidence.read', async (_req, res) => {
    res.json(await freshness(ctx));
  });

  routes.get('/api/v1/evidence/:id', 'evidence.read', async (req, res) => {
    const { id } = parseInput(evidenceIdParam, req.params);
    res.json(await getEvidence(ctx, id));
  });

  routes.post('/api/v1/evidence/:id/versions', 'evidence.log', async (req, res) => {
    const { id } = parseInput(evidenceIdParam, req.params);
    const files = await filesOf(req, res);
    const created = await removeLeftovers(files, () => createVersion(ctx, actorOf(req), id, parseInput(evidenceInputSchema, req.body), files));
    res.status(201).location(`/api/v1/evidence/${created}`).json(await getEvidence(ctx, created));
  });

  routes.post('/api/v1/evidence/:id/review', 'evidence.review', async (req, res) => {
    const { id } = parseInput(evidenceIdParam, req.params);
    await reviewEvidence(ctx, actorOf(req), id, parseInput(reviewSchema, req.body));
    res.json(await getEvidence(ctx, id));
  });

  routes.get('/api/v1/evidence/:id/files/:fileId', 'evidence.files.read', async (req, res) => {
    const { id, fileId } = parseInput(fileParams, req.params);
    const { file, content } = await downloadFile(ctx, actorOf(req), id, fileId);
    sendFile(res, file, content);
  });
}
