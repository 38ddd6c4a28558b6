import fs from 'node:fs/promises';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { dbId } from '../audits/audits.schema.ts';
import type { AppContext } from '../context.ts';
import type { UploadedFile } from '../evidence/evidence.service.ts';
import { fileStore } from '../evidence/evidence.service.ts';
import { principalOf } from '../http/actor.ts';
import { isAppError } from '../http/errors.ts';
import { pageQuery, pageView } from '../http/pagination.ts';
import type { Routes } from '../http/routes.ts';
import { uploadParser } from '../http/upload.ts';
import { parseInput } from '../http/validate.ts';
import { reviewFilters, reviewView } from './questionnaires.presenter.ts';
import {
  approveAnswers,
  assignAnswer,
  assignableUsers,
  commentOnAnswer,
  correctColumns,
  editAnswer,
  getQuestionnaire,
  importQuestionnaire,
  listQuestionnaires,
  questionnaireDownload,
  reviewState,
  startAnswerPack,
} from './questionnaires.service.ts';
import { answerEditSchema, assignSchema, bulkApproveSchema, commentSchema, customerSchema, formatSchema, layoutSchema, rowParams } from './review.schema.ts';
import { setFlash } from '../http/flash.ts';
import { submitForm } from '../http/forms.ts';

const PER_PAGE = 25;
const idParam = z.object({ id: dbId });
const REVIEW_PER_PAGE = 50;
const reviewQuery = z.object({
  show: z.preprocess((v) => (v === '' ? undefined : v), z.enum(reviewFilters, { error: 'Choose a listed filter.' }).default('all')),
  page: pageQuery,
});

/** The review page's filter and page, kept across a form's redirect. */
const returnQuery = (req: Request) => {
  const params = new URLSearchParams();
  for (const key of ['show', 'page']) {
    const v = req.query[key];
    if (typeof v === 'string' && /^[a-z0-9]{1,12}$/.test(v)) params.set(key, v);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
};

export function questionnaireRoutes(routes: Routes, ctx: AppContext): void {
  const upload = uploadParser({ tmpDir: () => fileStore(ctx).tmpDir, maxBytes: ctx.config.uploadMaxBytes, field: 'file', maxFiles: 1 });

  const renderIndex = async (req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}) => {
    const { page } = parseInput(z.object({ page: pageQuery }), req.query);
    const { items, total } = await listQuestionnaires(ctx, principalOf(req), { limit: PER_PAGE, offset: (page - 1) * PER_PAGE });
    res.status(status).render('questionnaires/index', {
      title: 'Questionnaires',
      section: 'questionnaires',
      items,
      pagination: pageView(total, page, PER_PAGE, req.query as Record<string, string | undefined>),
      maxMb: Math.round(ctx.config.uploadMaxBytes / 1024 / 1024),
      ...extra,
    });
  };

  routes.get('/questionnaires', 'questionnaires.use', (req, res) => renderIndex(req, res));

  routes.post('/questionnaires', 'questionnaires.use', async (req, res) => {
    let files: UploadedFile[] = [];
    try {
      files = await upload(req, res);
      const { customer } = parseInput(customerSchema, req.body);
      const file = files[0];
      if (!file) return await renderIndex(req, res, 422, { error: 'Choose the customer’s questionnaire (xlsx or CSV).', values: req.body });
      const id = await importQuestionnaire(ctx, principalOf(req), { customer, filename: file.originalName, content: await fs.readFile(file.path) });
      res.redirect(303, `/questionnaires/${id}`);
    } catch (err) {
      if (!isAppError(err) || err.status >= 500 || err.status === 403) throw err;
      await renderIndex(req, res, err.status, { error: err.fields[0]?.message ?? err.message, values: req.body ?? {} });
    } finally {
      await Promise.all(files.map((f) => fs.rm(f.path, { force: true })));
    }
  });

  const renderShow = async (req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}) => {
    const { id } = parseInput(idParam, req.params);
    const { show, page } = parseInput(reviewQuery, req.query);
    const principal = principalOf(req);
    const [q, states, people] = await Promise.all([getQuestionnaire(ctx, principal, id), reviewState(ctx, principal, id), assignableUsers(ctx, principal)]);
    const view = reviewView(q, states, people, { show, me: principal.userId, page, perPage: REVIEW_PER_PAGE });
    res.set('Cache-Control', 'no-store');
    res.status(status).render('questionnaires/show', {
      title: `${q.customer} · ${q.filename}`,
      section: 'questionnaires',
      q,
      show,
      isXlsx: q.mediaType.includes('spreadsheet'),
      ...view,
      pagination: pageView(view.total, page, REVIEW_PER_PAGE, req.query as Record<string, string | undefined>),
      minConfidence: 70,
      here: returnQuery(req),
      ...extra,
    });
  };

  routes.get('/questionnaires/:id', 'questionnaires.use', (req, res) => renderShow(req, res));

  routes.post('/questionnaires/:id/answers/:row', 'questionnaires.use', async (req, res) => {
    const { id, row } = parseInput(rowParams, req.params);
    await submitForm(
      async () => {
        await editAnswer(ctx, principalOf(req), id, row, parseInput(answerEditSchema, req.body));
        setFlash(res, 'success', `Row ${row} edited.`);
        res.redirect(303, `/questionnaires/${id}${returnQuery(req)}#row-${row}`);
      },
      (f) => renderShow(req, res, f.status, { formError: `Row ${row}: ${Object.values(f.errors)[0] ?? f.message}` }),
    );
  });

  routes.post('/questionnaires/:id/answers/:row/approve', 'questionnaires.use', async (req, res) => {
    const { id, row } = parseInput(rowParams, req.params);
    await submitForm(
      async () => {
        await approveAnswers(ctx, principalOf(req), id, { rows: [row] });
        res.redirect(303, `/questionnaires/${id}${returnQuery(req)}#row-${row}`);
      },
      (f) => renderShow(req, res, f.status, { formError: f.message ?? Object.values(f.errors)[0] }),
    );
  });

  routes.post('/questionnaires/:id/approve', 'questionnaires.use', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    await submitForm(
      async () => {
        const { min_confidence } = parseInput(bulkApproveSchema, req.body);
        const rows = await approveAnswers(ctx, principalOf(req), id, { minConfidence: min_confidence / 100 });
        setFlash(res, 'success', `${rows.length} ${rows.length === 1 ? 'answer' : 'answers'} approved (confidence ${min_confidence}% or more, not stale).`);
        res.redirect(303, `/questionnaires/${id}`);
      },
      (f) => renderShow(req, res, f.status, { formError: Object.values(f.errors)[0] ?? f.message }),
    );
  });

  routes.post('/questionnaires/:id/answers/:row/assign', 'questionnaires.use', async (req, res) => {
    const { id, row } = parseInput(rowParams, req.params);
    await submitForm(
      async () => {
        const { assignee } = parseInput(assignSchema, req.body);
        await assignAnswer(ctx, principalOf(req), id, row, assignee);
        setFlash(res, 'success', assignee === null ? `Row ${row} unassigned.` : `Row ${row} assigned.`);
        res.redirect(303, `/questionnaires/${id}${returnQuery(req)}#row-${row}`);
      },
      (f) => renderShow(req, res, f.status, { formError: `Row ${row}: ${Object.values(f.errors)[0] ?? f.message}` }),
    );
  });

  routes.post('/questionnaires/:id/answers/:row/comments', 'questionnaires.use', async (req, res) => {
    const { id, row } = parseInput(rowParams, req.params);
    await submitForm(
      async () => {
        const { body } = parseInput(commentSchema, req.body);
        await commentOnAnswer(ctx, principalOf(req), id, row, body);
        setFlash(res, 'success', `Comment added to row ${row}.`);
        res.redirect(303, `/questionnaires/${id}${returnQuery(req)}#row-${row}`);
      },
      (f) => renderShow(req, res, f.status, { formError: `Row ${row}: ${Object.values(f.errors)[0] ?? f.message}` }),
    );
  });

  routes.post('/questionnaires/:id/columns', 'questionnaires.use', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    await submitForm(
      async () => {
        const { questions } = await correctColumns(ctx, principalOf(req), id, parseInput(layoutSchema, req.body));
        setFlash(res, 'success', `Read again with your columns: ${questions} questions answered afresh.`);
        res.redirect(303, `/questionnaires/${id}`);
      },
      (f) => renderShow(req, res, f.status, { columnsError: Object.values(f.errors)[0] ?? f.message, columnsOpen: true }),
    );
  });

  routes.get('/questionnaires/:id/download', 'questionnaires.use', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const { format } = parseInput(formatSchema, req.query);
    const file = await questionnaireDownload(ctx, principalOf(req), id, format);
    res.set('Cache-Control', 'no-store');
    res.set('X-Content-Type-Options', 'nosniff');
    res.attachment(file.filename).type(file.type).send(file.content);
  });

  routes.post('/questionnaires/:id/pack', 'questionnaires.use', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const started = await startAnswerPack(ctx, principalOf(req), id);
    res.redirect(303, `/reports/${started.id}`);
  });
}
