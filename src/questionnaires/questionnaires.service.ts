import { withActivity } from '../activity/activity.service.ts';
import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { fileStore } from '../evidence/evidence.service.ts';
import { AppError } from '../http/errors.ts';
import { type Answer, answerQuestions } from './answer.service.ts';
import { type Layout, readQuestionnaire } from './questionnaire.read.ts';
import * as repo from './questionnaires.repository.ts';
import { fillWorkbook } from './workbook.fill.ts';
import { answerWrites } from './answers.format.ts';

// Imported questionnaires: the customer's file kept content-addressed (as evidence files are),
// what was detected in it, and the answer proposed for every question, in one unit of work with
// its activity record — a file that cannot be read leaves nothing behind.

export interface QuestionnaireSummary {
  id: number;
  customer: string;
  filename: string;
  createdAt: string;
  questions: number;
  answered: number;
  stale: number;
}

export interface Questionnaire {
  id: number;
  customer: string;
  filename: string;
  mediaType: string;
  sha256: string;
  size: number;
  layout: Layout & { headers: Record<string, string>; headings: number };
  createdAt: string;
  createdBy: string | null;
  answers: Answer[];
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export async function importQuestionnaire(ctx: AppContext, principal: Principal, input: { customer: string; filename: string; content: Buffer }): Promise<number> {
  authorize(principal, 'questionnaires.use');
  const read = await readQuestionnaire(input.content);
  const answers = await answerQuestions(ctx, principal, read.questions, { customer: input.customer, source: input.filename });
  const stored = await fileStore(ctx).putBuffer(input.content);
  const isXlsx = input.content.subarray(0, 2).toString('latin1') === 'PK';
  return withActivity(
    ctx,
    principal,
    async (trx) => {
      const id = await repo.insertQuestionnaire(trx, {
        customer: input.customer,
        filename: input.filename,
        media_type: isXlsx ? XLSX : 'text/csv',
        sha256: stored.sha256,
        size: stored.size,
        layout: JSON.stringify({ ...read.layout, headers: read.headers, headings: read.headings }),
        created_by: principal.userId,
        created_at: ctx.clock().toISOString(),
      });
      await repo.insertAnswers(
        trx,
        answers.map((a) => ({
          questionnaire_id: id,
          row_number: a.row,
          ref: a.ref,
          question: a.question,
          answer: a.answer,
          detail: a.detail,
          confidence: a.confidence,
          entry: a.entry,
          stale: a.stale ? 1 : 0,
          result: JSON.stringify(a),
          status: 'auto',
        })),
      );
      return id;
    },
    (id) => ({
      action: 'questionnaire.imported',
      subjectType: 'questionnaire',
      subjectId: id,
      details: { customer: input.customer, filename: input.filename, sha256: stored.sha256, questions: answers.length, answered: answers.filter((a) => a.entry !== null).length },
    }),
  );
}

export async function listQuestionnaires(
  ctx: AppContext,
  principal: Principal,
  page: { limit: number; offset: number },
): Promise<{ items: QuestionnaireSummary[]; total: number }> {
  authorize(principal, 'questionnaires.use');
  const { rows, total } = await repo.listQuestionnaires(ctx.db, page);
  return {
    items: rows.map((r) => ({
      id: r.id,
      customer: r.customer,
      filename: r.filename,
      createdAt: r.created_at,
      questions: Number(r.questions ?? 0),
      answered: Number(r.answered ?? 0),
      stale: Number(r.stale ?? 0),
    })),
    total,
  };
}

export async function getQuestionnaire(ctx: AppContext, principal: Principal, id: number): Promise<Questionnaire> {
  authorize(principal, 'questionnaires.use');
  const row = await repo.findQuestionnaire(ctx.db, id);
  if (!row) throw AppError.notFound('Questionnaire');
  const answers = (await repo.answersOf(ctx.db, id)).map((a) => JSON.parse(a.result) as Answer);
  return {
    id: row.id,
    customer: row.customer,
    filename: row.filename,
    mediaType: row.media_type,
    sha256: row.sha256,
    size: row.size,
    layout: JSON.parse(row.layout) as Questionnaire['layout'],
    createdAt: row.created_at,
    createdBy: row.created_by_email,
    answers,
  };
}

/** The customer's own workbook with the answers written in (xlsx questionnaires only). */
export async function filledWorkbook(ctx: AppContext, principal: Principal, id: number): Promise<{ filename: string; content: Buffer }> {
  const q = await getQuestionnaire(ctx, principal, id);
  if (q.mediaType !== XLSX) throw AppError.conflict('This questionnaire came as CSV; download the answers as CSV or JSON.');
  const original = await fileStore(ctx).read(q.sha256);
  // The layout's header row is 1-based for people; answerWrites needs the 0-based columns it kept.
  const { content } = await fillWorkbook(original, q.layout.sheet, answerWrites(q.answers, q.layout));
  return { filename: q.filename.replace(/\.xlsx$/i, '') + '-answered.xlsx', content };
}

/**
 * A reviewer rewrites one answer: it becomes "edited" (no longer the library's proposal), is no
 * longer stale (a person vouches for it), and the record keeps what it said before.
 */
export async function editAnswer(ctx: AppContext, principal: Principal, id: number, row: number, input: { answer: string; detail: string }): Promise<void> {
  authorize(principal, 'questionnaires.use');
  await withActivity(
    ctx,
    principal,
    async (trx) => {
      const current = await repo.findAnswer(trx, id, row);
      if (!current) throw AppError.notFound('Answer');
      const result = { ...(JSON.parse(current.result) as Answer), answer: input.answer, detail: input.detail, stale: false, staleReasons: [] };
      await repo.updateAnswer(trx, current.id, { answer: input.answer, detail: input.detail, result: JSON.stringify(result), status: 'edited' });
      return { before: { answer: current.answer, detail: current.detail, status: current.status } };
    },
    (r) => ({ action: 'questionnaire.answer_edited', subjectType: 'questionnaire', subjectId: id, details: { row, ...r, after: input } }),
  );
}

/**
 * Approves answers: the rows named, or every matched answer that is not stale and has at least
 * `minConfidence` (0–1). Unmatched and stale answers are never approved in bulk. Returns the rows.
 */
export async function approveAnswers(ctx: AppContext, principal: Principal, id: number, which: { rows: number[] } | { minConfidence: number }): Promise<number[]> {
  authorize(principal, 'questionnaires.use');
  return withActivity(
    ctx,
    principal,
    async (trx) => {
      if (!(await repo.findQuestionnaire(trx, id))) throw AppError.notFound('Questionnaire');
      const all = await repo.answersOf(trx, id);
      const chosen =
        'rows' in which
          ? all.filter((a) => which.rows.includes(a.row_number))
          : all.filter((a) => a.status !== 'approved' && a.answer !== null && a.stale === 0 && a.confidence >= which.minConfidence);
      if ('rows' in which) {
        const missing = which.rows.filter((r) => !all.some((a) => a.row_number === r));
        if (missing.length) throw AppError.notFound(`Answer for row ${missing[0]}`);
        const blank = chosen.filter((a) => a.answer === null);
        if (blank.length) throw AppError.conflict(`Row ${blank[0]!.row_number} has no answer to approve; edit it first.`);
      }
      await repo.approveRows(
        trx,
        chosen.map((a) => a.id),
      );
      return chosen.map((a) => a.row_number);
    },
    (rows) => ({
      action: 'questionnaire.answers_approved',
      subjectType: 'questionnaire',
      subjectId: id,
      details: { rows, ...('minConfidence' in which ? { min_confidence: which.minConfidence } : {}) },
    }),
  );
}

/** Each answer's review status, by row. */
export async function reviewStatuses(ctx: AppContext, principal: Principal, id: number): Promise<Map<number, 'auto' | 'edited' | 'approved'>> {
  authorize(principal, 'questionnaires.use');
  return new Map((await repo.answersOf(ctx.db, id)).map((a) => [a.row_number, a.status]));
}
