import fs from 'node:fs/promises';
import type { Request, Response } from 'express';
import { can } from '../auth/policy.ts';
import type { AppContext } from '../context.ts';
import { controlChoices } from '../controls/controls.service.ts';
import { today } from '../dates.ts';
import { principalOf } from '../http/actor.ts';
import { setFlash } from '../http/flash.ts';
import { submitForm } from '../http/forms.ts';
import { pageView } from '../http/pagination.ts';
import type { Routes } from '../http/routes.ts';
import { uploadParser } from '../http/upload.ts';
import { parseInput } from '../http/validate.ts';
import { evidenceKindLabels, evidenceKinds, evidenceStatusLabels, evidenceStatuses } from './evidence.model.ts';
import { chosenControlRefs, controlPicker, evidenceView, versionView } from './evidence.presenter.ts';
import { evidenceFilterSchema, evidenceIdParam, evidenceInputSchema, fileParams, freshnessQuery, reviewSchema, shareableSchema } from './evidence.schema.ts';
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
  type Evidence,
  type UploadedFile,
} from './evidence.service.ts';
import { freshnessView } from './freshness.presenter.ts';
import { freshness } from './freshness.service.ts';

const PER_PAGE = 50;
const MAX_FILES = 10;

const kindOptions = (selected?: string) => evidenceKinds.map((k) => ({ value: k, label: evidenceKindLabels[k], selected: k === selected }));
const statusOptions = (selected?: string) =>
  [...evidenceStatuses.map((s) => ({ value: s, label: evidenceStatusLabels[s] })), { value: 'superseded', label: 'Superseded' }].map((o) => ({
    ...o,
    selected: o.value === selected,
  }));

export function evidenceRoutes(routes: Routes, ctx: AppContext): void {
  const upload = uploadParser({ tmpDir: () => fileStore(ctx).tmpDir, maxBytes: ctx.config.uploadMaxBytes, field: 'files', maxFiles: MAX_FILES });

  routes.get('/evidence', 'evidence.read', async (req, res) => {
    const principal = principalOf(req);
    const query = req.query as Record<string, string | undefined>;
    const filter = parseInput(evidenceFilterSchema, query);
    const { items, total } = await listEvidence(ctx, principal, filter, { limit: PER_PAGE, offset: (filter.page - 1) * PER_PAGE });
    const { page: _p, ...kept } = query;
    res.render('evidence/list', {
      title: 'Evidence',
      section: 'evidence',
      items: items.map(evidenceView),
      values: filter,
      kinds: kindOptions(filter.kind),
      statuses: statusOptions(filter.status),
      pagination: pageView(total, filter.page, PER_PAGE, kept),
      filtered: Object.values(kept).some(Boolean),
      canLog: can(principal, 'evidence.log'),
      shareableOnly: !can(principal, 'evidence.log'),
    });
  });

  const renderForm = async (req: Request, res: Response, status: number, model: Record<string, unknown>) => {
    const values = (model.values ?? {}) as Record<string, unknown>;
    const choices = await controlChoices(ctx, principalOf(req));
    res.status(status).render('evidence/form', {
      controlGroups: controlPicker(choices, chosenControlRefs(values.controls)),
      pickers: true,
      title: model.previous ? 'New version of evidence' : 'Log evidence',
      section: 'evidence',
      kinds: kindOptions(typeof values.kind === 'string' ? values.kind : 'document'),
      maxMb: Math.round(ctx.config.uploadMaxBytes / 1024 / 1024),
      maxFiles: MAX_FILES,
      canShare: can(principalOf(req), 'evidence.share'),
      shareableChecked: [values.shareable].flat().at(-1) === 'yes' || values.shareable === true,
      ...model,
    });
  };

  routes.get('/evidence/new', 'evidence.log', async (req, res) => {
    const control = typeof req.query.control === 'string' ? req.query.control.slice(0, 12) : '';
    await renderForm(req, res, 200, { action: '/evidence', values: { controls: control, collected_at: today(ctx.clock) } });
  });

  /** Runs a submission; a refused one shows the form again with what the user gave. */
  const submitEvidence =
    (work: (req: Request, res: Response) => Promise<number>, formModel: (req: Request) => Promise<Record<string, unknown>>) => async (req: Request, res: Response) =>
      submitForm(
        async () => {
          const id = await work(req, res);
          setFlash(res, 'success', 'Evidence submitted. Someone other than you must now accept or reject it.');
          res.redirect(303, `/evidence/${id}`);
        },
        async (failure) =>
          renderForm(req, res, failure.status === 413 ? 413 : 422, {
            ...(await formModel(req)),
            values: req.body,
            errors: failure.errors,
            formError: failure.message,
            // Files are not kept across a refused submission: say so, by name, rather than drop them silently.
            droppedFiles: (res.locals.uploadedNames as string[] | undefined) ?? [],
          }),
      );

  routes.post(
    '/evidence',
    'evidence.log',
    submitEvidence(
      async (req, res) => {
        const files = await upload(req, res);
        res.locals.uploadedNames = files.map((f) => f.originalName);
        return removeLeftovers(files, () => createEvidence(ctx, principalOf(req), parseInput(evidenceInputSchema, req.body), files));
      },
      async () => ({ action: '/evidence' }),
    ),
  );

  routes.get('/evidence/freshness', 'evidence.log', async (req, res) => {
    const { owner } = parseInput(freshnessQuery, req.query);
    const view = freshnessView(await freshness(ctx, principalOf(req)), owner);
    res.render('evidence/freshness', { title: owner ? `Evidence freshness: ${owner}` : 'Evidence freshness', section: 'evidence', ...view });
  });

  const renderShow = async (req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}) => {
    const { id } = parseInput(evidenceIdParam, req.params);
    const principal = principalOf(req);
    const evidence = await getEvidence(ctx, principal, id);
    const versions = await evidenceVersions(ctx, principal, evidence.lineageId);
    const resource = { kind: 'evidence' as const, submitterId: evidence.submitter.id, shareable: evidence.shareable };
    const reviewable = evidence.status === 'submitted' && evidence.current;
    res.status(status).render('evidence/show', {
      title: evidence.title,
      section: 'evidence',
      evidence: evidenceView(evidence),
      versions: versions.map((v) => versionView(v, evidence.id)),
      canReview: reviewable && can(principal, 'evidence.review', resource),
      ownSubmission: reviewable && can(principal, 'evidence.review') && !can(principal, 'evidence.review', resource),
      canVersion: evidence.current && can(principal, 'evidence.log'),
      canShare: can(principal, 'evidence.share', resource),
      canDownload: can(principal, 'evidence.files.read', resource),
      ...extra,
    });
  };

  routes.get('/evidence/:id', 'evidence.read', (req, res) => renderShow(req, res));

  const versionForm = async (req: Request) => {
    const { id } = parseInput(evidenceIdParam, req.params);
    return { action: `/evidence/${id}/versions`, previous: evidenceView(await getEvidence(ctx, principalOf(req), id)) };
  };

  routes.get('/evidence/:id/new-version', 'evidence.log', async (req, res) => {
    const model = await versionForm(req);
    const p: Evidence = model.previous;
    await renderForm(req, res, 200, {
      ...model,
      values: {
        title: p.title,
        kind: p.kind,
        description: p.description,
        link_url: p.linkUrl ?? '',
        collected_at: p.collectedAt,
        valid_until: '',
        controls: p.controls.map((c) => c.ref).join(', '),
        shareable: p.shareable ? 'yes' : 'no',
      },
    });
  });

  routes.post(
    '/evidence/:id/versions',
    'evidence.log',
    submitEvidence(async (req, res) => {
      const { id } = parseInput(evidenceIdParam, req.params);
      const files = await upload(req, res);
      res.locals.uploadedNames = files.map((f) => f.originalName);
      return removeLeftovers(files, () => createVersion(ctx, principalOf(req), id, parseInput(evidenceInputSchema, req.body), files));
    }, versionForm),
  );

  routes.post('/evidence/:id/review', 'evidence.review', async (req, res) => {
    const { id } = parseInput(evidenceIdParam, req.params);
    await submitForm(
      async () => {
        const input = parseInput(reviewSchema, req.body);
        await reviewEvidence(ctx, principalOf(req), id, input);
        setFlash(res, 'success', input.decision === 'accepted' ? 'Evidence accepted. It now counts for every requirement its controls map to.' : 'Evidence rejected.');
        res.redirect(303, `/evidence/${id}`);
      },
      (failure) => renderShow(req, res, failure.status, { reviewError: Object.values(failure.errors)[0] ?? failure.message, reviewValues: req.body }),
    );
  });

  routes.post('/evidence/:id/shareable', 'evidence.share', async (req, res) => {
    const { id } = parseInput(evidenceIdParam, req.params);
    const { shareable } = parseInput(shareableSchema, req.body);
    await setEvidenceShareable(ctx, principalOf(req), id, shareable === true);
    setFlash(res, 'success', shareable ? 'Customer-compliance staff can now see and send this evidence.' : 'This evidence is internal again.');
    res.redirect(303, `/evidence/${id}`);
  });

  routes.get('/evidence/:id/files/:fileId', 'evidence.files.read', async (req, res) => {
    const { id, fileId } = parseInput(fileParams, req.params);
    const { file, content } = await downloadFile(ctx, principalOf(req), id, fileId);
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
