import type { Request, Response } from 'express';
import type { AppContext } from '../context.ts';
import { principalOf } from '../http/actor.ts';
import { apiPageSize } from '../http/pagination.ts';
import type { Routes } from '../http/routes.ts';
import { uploadParser } from '../http/upload.ts';
import { parseInput } from '../http/validate.ts';
import { evidenceJson } from './evidence.presenter.ts';
import { evidenceFilterSchema, evidenceIdParam, evidenceInputSchema, fileParams, reviewSchema, shareableSchema } from './evidence.schema.ts';
import {
  createEvidence,
  createVersion,
  downloadFile,
  evidenceVersions,
  fileStore,
  getEvidence,
  listEvidence,
  reviewEvidence,
  setEvidenceShareable,
  type UploadedFile,
} from './evidence.service.ts';
import { removeLeftovers, sendFile } from './evidence.routes.ts';
import { freshness } from './freshness.service.ts';

export function evidenceApi(routes: Routes, ctx: AppContext): void {
  const upload = uploadParser({ tmpDir: () => fileStore(ctx).tmpDir, maxBytes: ctx.config.uploadMaxBytes, field: 'files', maxFiles: 10 });
  // JSON bodies carry a link; multipart bodies may carry files too.
  const filesOf = (req: Request, res: Response): Promise<UploadedFile[]> => (req.is('multipart/form-data') ? upload(req, res) : Promise.resolve([]));

  routes.get('/api/v1/evidence', 'evidence.read', async (req, res) => {
    const filter = parseInput(evidenceFilterSchema, req.query);
    const { limit } = parseInput(apiPageSize, req.query);
    const { items, total } = await listEvidence(ctx, principalOf(req), filter, { limit, offset: (filter.page - 1) * limit });
    res.json({ items: items.map(evidenceJson), total, page: filter.page, limit });
  });

  routes.post('/api/v1/evidence', 'evidence.log', async (req, res) => {
    const files = await filesOf(req, res);
    const principal = principalOf(req);
    const id = await removeLeftovers(files, () => createEvidence(ctx, principal, parseInput(evidenceInputSchema, req.body), files));
    res
      .status(201)
      .location(`/api/v1/evidence/${id}`)
      .json(evidenceJson(await getEvidence(ctx, principal, id)));
  });

  routes.get('/api/v1/evidence/freshness', 'evidence.log', async (req, res) => {
    res.json(await freshness(ctx, principalOf(req)));
  });

  routes.get('/api/v1/evidence/:id', 'evidence.read', async (req, res) => {
    const { id } = parseInput(evidenceIdParam, req.params);
    res.json(evidenceJson(await getEvidence(ctx, principalOf(req), id)));
  });

  routes.get('/api/v1/evidence/:id/versions', 'evidence.read', async (req, res) => {
    const { id } = parseInput(evidenceIdParam, req.params);
    const principal = principalOf(req);
    const evidence = await getEvidence(ctx, principal, id);
    res.json({ items: await evidenceVersions(ctx, principal, evidence.lineageId) });
  });

  routes.post('/api/v1/evidence/:id/shareable', 'evidence.share', async (req, res) => {
    const { id } = parseInput(evidenceIdParam, req.params);
    const principal = principalOf(req);
    await setEvidenceShareable(ctx, principal, id, parseInput(shareableSchema, req.body).shareable === true);
    res.json(evidenceJson(await getEvidence(ctx, principal, id)));
  });

  routes.post('/api/v1/evidence/:id/versions', 'evidence.log', async (req, res) => {
    const { id } = parseInput(evidenceIdParam, req.params);
    const files = await filesOf(req, res);
    const principal = principalOf(req);
    const created = await removeLeftovers(files, () => createVersion(ctx, principal, id, parseInput(evidenceInputSchema, req.body), files));
    res
      .status(201)
      .location(`/api/v1/evidence/${created}`)
      .json(evidenceJson(await getEvidence(ctx, principal, created)));
  });

  routes.post('/api/v1/evidence/:id/review', 'evidence.review', async (req, res) => {
    const { id } = parseInput(evidenceIdParam, req.params);
    const principal = principalOf(req);
    await reviewEvidence(ctx, principal, id, parseInput(reviewSchema, req.body));
    res.json(evidenceJson(await getEvidence(ctx, principal, id)));
  });

  routes.get('/api/v1/evidence/:id/files/:fileId', 'evidence.files.read', async (req, res) => {
    const { id, fileId } = parseInput(fileParams, req.params);
    const { file, content } = await downloadFile(ctx, principalOf(req), id, fileId);
    sendFile(res, file, content);
  });
}
