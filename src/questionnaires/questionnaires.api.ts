import fs from 'node:fs/promises';
import { z } from 'zod';
import { dbId } from '../audits/audits.schema.ts';
import type { AppContext } from '../context.ts';
import type { UploadedFile } from '../evidence/evidence.service.ts';
import { fileStore } from '../evidence/evidence.service.ts';
import { principalOf } from '../http/actor.ts';
import { AppError } from '../http/errors.ts';
import { apiPageSize, pageQuery } from '../http/pagination.ts';
import type { Routes } from '../http/routes.ts';
import { uploadParser } from '../http/upload.ts';
import { parseInput } from '../http/validate.ts';
import { reportJson } from '../reports/reports.api.ts';
import { getReport } from '../reports/reports.service.ts';
import { answersJson } from './answers.format.ts';
import { getLibraryEntry, listLibrary } from './library.service.ts';
import {
  approveAnswers,
  assignAnswer,
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
import { answerEditSchema, assignSchema, commentSchema, customerSchema, formatSchema, layoutSchema, rowParams } from './review.schema.ts';

// /api/v1 for questionnaires and the answer library: the same services as the pages.

const idParam = z.object({ id: dbId });
const approveSchema = z.union(
  [
    z.object({ rows: z.array(z.number().int().positive().max(1_000_000)).min(1, 'Name at least one row.').max(20_000) }).strict(),
    z.object({ min_confidence: z.number().min(0, 'At least 0.').max(1, 'At most 1 (a fraction).') }).strict(),
  ],
  { error: 'Send either { rows: [row numbers] } or { min_confidence: 0–1 }.' },
);
const libraryQuery = z.object({
  q: z.string().max(200, 'At most 200 characters.').optional(),
  topic: z
    .string()
    .regex(/^[a-z][a-z-]{1,40}$/, 'A topic like access.')
    .optional(),
});
const entryParam = z.object({ entry: z.string().regex(/^[A-Z]{3}-\d{2,3}$/, 'An entry id like ACC-01.') });

export function questionnaireApi(routes: Routes, ctx: AppContext): void {
  const upload = uploadParser({ tmpDir: () => fileStore(ctx).tmpDir, maxBytes: ctx.config.uploadMaxBytes, field: 'file', maxFiles: 1 });

  /** A questionnaire with what was detected and every answer with its review state. */
  const questionnaireJson = async (principal: ReturnType<typeof principalOf>, id: number) => {
    const [q, states] = await Promise.all([getQuestionnaire(ctx, principal, id), reviewState(ctx, principal, id)]);
    const { answers, ...rest } = q;
    return {
      ...rest,
      href: `/api/v1/questionnaires/${id}`,
      answers: answersJson(answers).map((a) => {
        const s = states.get(a.row);
        return { ...a, status: s?.status ?? 'auto', assignee: s?.assignee ?? null, comments: s?.comments ?? [] };
      }),
    };
  };

  routes.get('/api/v1/questionnaires', 'questionnaires.use', async (req, res) => {
    const { page } = parseInput(z.object({ page: pageQuery }), req.query);
    const { limit } = parseInput(apiPageSize, req.query);
    const { items, total } = await listQuestionnaires(ctx, principalOf(req), { limit, offset: (page - 1) * limit });
    res.json({ items: items.map((i) => ({ ...i, href: `/api/v1/questionnaires/${i.id}` })), total, page, limit });
  });

  routes.post('/api/v1/questionnaires', 'questionnaires.use', async (req, res) => {
    if (!req.is('multipart/form-data')) throw AppError.invalid([{ field: 'file', message: 'Send multipart/form-data with the customer and the file (xlsx or CSV).' }]);
    let files: UploadedFile[] = [];
    try {
      files = await upload(req, res);
      const { customer } = parseInput(customerSchema, req.body);
      const file = files[0];
      if (!file) throw AppError.invalid([{ field: 'file', message: 'Attach the customer’s questionnaire (xlsx or CSV) as "file".' }]);
      const principal = principalOf(req);
      const id = await importQuestionnaire(ctx, principal, { customer, filename: file.originalName, content: await fs.readFile(file.path) });
      res
        .status(201)
        .location(`/api/v1/questionnaires/${id}`)
        .json(await questionnaireJson(principal, id));
    } finally {
      await Promise.all(files.map((f) => fs.rm(f.path, { force: true })));
    }
  });

  routes.get('/api/v1/questionnaires/:id', 'questionnaires.use', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.set('Cache-Control', 'no-store');
    res.json(await questionnaireJson(principalOf(req), id));
  });

  routes.post('/api/v1/questionnaires/:id/columns', 'questionnaires.use', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const principal = principalOf(req);
    await correctColumns(ctx, principal, id, parseInput(layoutSchema, req.body));
    res.json(await questionnaireJson(principal, id));
  });

  routes.post('/api/v1/questionnaires/:id/answers/:row', 'questionnaires.use', async (req, res) => {
    const { id, row } = parseInput(rowParams, req.params);
    await editAnswer(ctx, principalOf(req), id, row, parseInput(answerEditSchema, req.body));
    res.status(204).end();
  });

  routes.post('/api/v1/questionnaires/:id/answers/:row/assign', 'questionnaires.use', async (req, res) => {
    const { id, row } = parseInput(rowParams, req.params);
    await assignAnswer(ctx, principalOf(req), id, row, parseInput(assignSchema, req.body).assignee);
    res.status(204).end();
  });

  routes.post('/api/v1/questionnaires/:id/answers/:row/comments', 'questionnaires.use', async (req, res) => {
    const { id, row } = parseInput(rowParams, req.params);
    const commentId = await commentOnAnswer(ctx, principalOf(req), id, row, parseInput(commentSchema, req.body).body);
    res.status(201).json({ id: commentId });
  });

  routes.post('/api/v1/questionnaires/:id/approve', 'questionnaires.use', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const which = parseInput(approveSchema, req.body);
    const rows = await approveAnswers(ctx, principalOf(req), id, 'rows' in which ? { rows: which.rows } : { minConfidence: which.min_confidence });
    res.json({ approved: rows });
  });

  routes.get('/api/v1/questionnaires/:id/download', 'questionnaires.use', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const file = await questionnaireDownload(ctx, principalOf(req), id, parseInput(formatSchema, req.query).format);
    res.set('Cache-Control', 'no-store');
    res.attachment(file.filename).type(file.type).send(file.content);
  });

  routes.post('/api/v1/questionnaires/:id/pack', 'questionnaires.use', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const principal = principalOf(req);
    const started = await startAnswerPack(ctx, principal, id);
    res
      .status(202)
      .location(`/api/v1/reports/${started.id}`)
      .json(reportJson(await getReport(ctx, principal, started.id)));
  });

  routes.get('/api/v1/answer-library', 'questionnaires.use', async (req, res) => {
    const { items, topics, total } = await listLibrary(ctx, principalOf(req), parseInput(libraryQuery, req.query));
    res.json({ items: items.map((e) => ({ ...e, file: undefined, href: `/api/v1/answer-library/${e.id}` })), topics, total });
  });

  routes.get('/api/v1/answer-library/:entry', 'questionnaires.use', async (req, res) => {
    const { entry } = parseInput(entryParam, req.params);
    const e = await getLibraryEntry(ctx, principalOf(req), entry);
    res.json({ ...e, file: undefined });
  });
}
