import fs from 'node:fs/promises';
import type { Request, Response } from 'express';
import { can } from '../auth/policy.ts';
import type { AppContext } from '../context.ts';
import { actorOf } from '../http/actor.ts';
import { isAppError } from '../http/errors.ts';
import { setFlash } from '../http/flash.ts';
import { pageView } from '../http/pagination.ts';
import type { Routes } from '../http/routes.ts';
import { uploadParser } from '../http/upload.ts';
import { errorsByField, parseInput } from '../http/validate.ts';
import { evidenceKindLabels, evidenceKinds } from './evidence.model.ts';
import { evidenceFilterSchema, evidenceIdParam, evidenceInputSchema, fileParams, reviewSchema } from './evidence.schema.ts';
import { createEvidence, createVersion, downloadFile, evidenceVersions, fileStore, getEvidence, listEvidence, reviewEvidence, type UploadedFile } from './evidence.service.ts';
import { freshness } from './freshness.service.ts';

const PER_PAGE = 50;
const MAX_FILES = 10;

const kindOptions = (selected?: string) => evidenceKinds.map((k) => ({ value: k, label: evidenceKindLabels[k], selected: k === selected }));

export function evidenceRoutes(routes: Routes, ctx: AppContext): void {
  const upload = uploadParser({ tmpDir: () => fileStore(ctx).tmpDir, maxBytes: ctx.config.uploadMaxBytes, field: 'files', maxFiles: MAX_FILES });
  const today = () => ctx.clock().toISOString().slice(0, 10);

  routes.get('/evidence', 'evidence.read', async (req, res) => {
    const query = req.query as Record<string, string | undefined>;
    const filter = parseInput(evidenceFilterSchema, query);
    const { items, total } = await listEvidence(ctx, filter, { limit: PER_PAGE, offset: (filter.page - 1) * PER_PAGE });
    const { page: _p, ...kept } = query;
    res.render('evidence/list', {
      title: 'Evidence',
      section: 'evidence',
      items,
      values: filter,
      kinds: kindOptions(filter.kind),
      statuses: ['submitted', 'accepted', 'rejected', 'superseded'].map((s) => ({ value: s, selected: s === filter.status })),
      pagination: pageView(total, filter.page, PER_PAGE, kept),
      filtered: Object.values(kept).some(Boolean),
      canLog: req.user ? can(req.user.role, 'evidence.log') : false,
    });
  });

  const renderForm = (res: Response, status: number, model: Record<string, unknown>) => {
    const values = (model.values ?? {}) as Record<string, string>;
    res.status(status).render('evidence/form', {
      title: model.previous ? 'New version of evidence' : 'Log evidence',
      section: 'evidence',
      kinds: kindOptions(values.kind ?? 'document'),
      maxMb: Math.round(ctx.config.uploadMaxBytes / 1024 / 1024),
      maxFiles: MAX_FILES,
      ...model,
    });
  };

  routes.get('/evidence/new', 'evidence.log', (req, res) => {
    const control = typeof req.query.control === 'string' ? req.query.control.slice(0, 12) : '';
    renderForm(res, 200, { action: '/evidence', values: { controls: control, collected_at: today() } });
  });

  const submit = (handler: (req: Request, res: Response) => Promise<number>, formModel: (req: Request) => Promise<Record<string, unknown>>) =>
    async (req: Request, res: Response) => {
      try {
        const id = await handler(req, res);
        setFlash(res, 'success', 'Evidence submitted. Someone other than you must now accept or reject it.');
        res.redirect(303, `/evidence/${id}`);
      } catch (err) {
        if (!isAppError(err) || !['validation_failed', 'payload_too_large', 'conflict'].includes(err.code)) throw err;
        renderForm(res, err.status === 413 ? 413 : 422, { ...(await formModel(req)), values: req.body, errors: errorsByField(err.fields), formError: err.fields.length ? undefined : err.message });
      }
    };

  routes.post(
    '/evidence',
    'evidence.log',
    submit(
      async (req, res) => {
        const files = await upload(req, res);
        return removeLeftovers(files, () => createEvidence(ctx, actorOf(req), parseInput(evidenceInputSchema, req.body), files));
      },
      async () => ({ action: '/evidence' }),
    ),
  );

  routes.get('/evidence/freshness', 'evidence.read', async (_req, res) => {
    const report = await freshness(ctx);
    res.render('evidence/freshness', { title: 'Evidence freshness', section: 'evidence', ...report, empty: report.owners.length === 0 });
  });

  const renderShow = async (req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}) => {
    const { id } = parseInput(evidenceIdParam, req.params);
    const evidence = await getEvidence(ctx, id);
    const versions = await evidenceVersions(ctx, evidence.lineageId);
    const user = req.user!;
    res.status(status).render('evidence/show', {
      title: evidence.title,
      section: 'evidence',
      evidence,
      versions: versions.map((v) => ({ ...v, isThis: v.id === evidence.id })),
      canReview: can(user.role, 'evidence.review') && evidence.status === 'submitted' && evidence.current && evidence.submitter.id !== user.id,
      ownSubmission: evidence.status === 'submitted' && evidence.current && evidence.submitter.id === user.id,
      canVersion: can(user.role, 'evidence.log') && evidence.current,
      canDownload: can(user.role, 'evidence.files.read'),
      ...extra,
    });
  };

  routes.get('/evidence/:id', 'evidence.read', (req, res) => renderShow(req, res));

  const versionForm = async (req: Request) => {
    const { id } = parseInput(evidenceIdParam, req.params);
    return { action: `/evidence/${id}/versions`, previous: await getEvidence(ctx, id) };
  };

  routes.get('/evidence/:id/new-version', 'evidence.log', async (req, res) => {
    const model = await versionForm(req);
    const p = model.previous;
    renderForm(res, 200, {
      ...model,
      values: { title: p.title, kind: p.kind, description: p.description, link_url: p.linkUrl ?? '', collected_at: p.collectedAt, valid_until: '', controls: p.controls.map((c) => c.ref).join(', ') },
    });
  });

  routes.post(
    '/evidence/:id/versions',
    'evidence.log',
    submit(async (req, res) => {
      const { id } = parseInput(evidenceIdParam, req.params);
      const files = await upload(req, res);
      return removeLeftovers(files, () => createVersion(ctx, actorOf(req), id, parseInput(evidenceInputSchema, req.body), files));
    }, versionForm),
  );

  routes.post('/evidence/:id/review', 'evidence.review', async (req, res) => {
    const { id } = parseInput(evidenceIdParam, req.params);
    try {
      const input = parseInput(reviewSchema, req.body);
      await reviewEvidence(ctx, actorOf(req), id, input);
      setFlash(res, 'success', input.decision === 'accepted' ? 'Evidence accepted. It now counts for every requirement its controls map to.' : 'Evidence rejected.');
      res.redirect(303, `/evidence/${id}`);
    } catch (err) {
      if (!isAppError(err) || !['validation_failed', 'conflict'].includes(err.code)) throw err;
      await renderShow(req, res, err.code === 'conflict' ? 409 : 422, { reviewError: err.fields[0]?.message ?? err.message, reviewValues: req.body });
    }
  });

  routes.get('/evidence/:id/files/:fileId', 'evidence.files.read', async (req, res) => {
    const { id, fileId } = parseInput(fileParams, req.params);
    const { file, content } = await downloadFile(ctx, actorOf(req), id, fileId);
    sendFile(res, file, content);
  });
}

/** Uploaded temporary files of a refused request are deleted (stored ones were already moved). */
export async function removeLeftovers<T>(files: UploadedFile[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    await Promise.all(files.map((f) => fs.rm(f.path, { force: true })));
    throw err;
  }
}

/** Always an attachment, with the stored type and nosniff: an uploaded HTML file never renders here. */
export function sendFile(res: Response, file: { filename: string; mediaType: string; sha256: string }, content: Buffer): void {
  res.attachment(file.filename);
  res.type(file.mediaType || 'application/octet-stream');
  res.set('X-Content-Type-Options', 'nosniff');
  res.set('Digest', `sha-256=${Buffer.from(file.sha256, 'hex').toString('base64')}`);
  res.send(content);
}
