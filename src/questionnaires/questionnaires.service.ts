import { withActivity } from '../activity/activity.service.ts';
import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { fileStore } from '../evidence/evidence.service.ts';
import { AppError } from '../http/errors.ts';
import { type Answer, answerQuestions } from './answer.service.ts';
import { type Layout, type LayoutChoice, type ReadQuestionnaire, readQuestionnaire } from './questionnaire.read.ts';
import { learnPhrasings } from './library.service.ts';
import * as repo from './questionnaires.repository.ts';
import { fillWorkbook } from './workbook.fill.ts';
import { answerWrites, answersCsv, answersJson } from './answers.format.ts';
import { planAnswerPack } from './answer-pack.ts';
import { startReport } from '../reports/reports.service.ts';

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
  layout: StoredLayout;
  createdAt: string;
  createdBy: string | null;
  answers: Answer[];
}

/** What was detected (or chosen) in the file, as stored with the questionnaire. */
export type StoredLayout = Layout & { headers: Record<string, string>; headings: number; sheets?: string[]; columns?: string[] };

const storedLayout = (read: ReadQuestionnaire): string =>
  JSON.stringify({ ...read.layout, headers: read.headers, headings: read.headings, sheets: read.sheets, columns: read.columns });

const answerRows = (questionnaireId: number, answers: Answer[]) =>
  answers.map((a) => ({
    questionnaire_id: questionnaireId,
    row_number: a.row,
    ref: a.ref,
    question: a.question,
    answer: a.answer,
    detail: a.detail,
    confidence: a.confidence,
    entry: a.entry,
    stale: a.stale ? 1 : 0,
    result: JSON.stringify(a),
    status: 'auto' as const,
  }));

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
        layout: storedLayout(read),
        created_by: principal.userId,
        created_at: ctx.clock().toISOString(),
      });
      await repo.insertAnswers(trx, answerRows(id, answers));
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

/** Starts the PDF answer pack of a questionnaire: a report, built in the background. */
export async function startAnswerPack(ctx: AppContext, principal: Principal, id: number): Promise<{ id: number }> {
  const q = await getQuestionnaire(ctx, principal, id);
  const { request } = await planAnswerPack(ctx, principal, { customer: q.customer, questionnaire: q.filename, answers: q.answers });
  return startReport(ctx, principal, request, { type: 'answers', questionnaireId: id });
}

/** One answer of a questionnaire, by its row, or a 404. */
async function answerOr404(db: repo.Db, id: number, row: number) {
  const found = await repo.findAnswer(db, id, row);
  if (!found) throw AppError.notFound('Answer');
  return found;
}

/** The answers to send back: their workbook filled in, CSV or JSON. */
export async function questionnaireDownload(
  ctx: AppContext,
  principal: Principal,
  id: number,
  format: 'xlsx' | 'csv' | 'json',
): Promise<{ filename: string; type: string; content: Buffer | string }> {
  if (format === 'xlsx') return { ...(await filledWorkbook(ctx, principal, id)), type: XLSX };
  const q = await getQuestionnaire(ctx, principal, id);
  const base = q.filename.replace(/\.(xlsx|csv)$/i, '');
  if (format === 'csv') return { filename: `${base}-answers.csv`, type: 'text/csv; charset=utf-8', content: answersCsv(q.answers) };
  return { filename: `${base}-answers.json`, type: 'application/json; charset=utf-8', content: JSON.stringify(answersJson(q.answers), null, 2) };
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
      const current = await answerOr404(trx, id, row);
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
      const learned = await learnPhrasings(trx, principal, ctx.clock().toISOString(), id, chosen);
      return { rows: chosen.map((a) => a.row_number), learned };
    },
    ({ rows, learned }) => ({
      action: 'questionnaire.answers_approved',
      subjectType: 'questionnaire',
      subjectId: id,
      details: { rows, learned_variants: learned, ...('minConfidence' in which ? { min_confidence: which.minConfidence } : {}) },
    }),
  ).then((r) => r.rows);
}

export interface ReviewState {
  status: 'auto' | 'edited' | 'approved';
  assignee: { id: number; email: string; name: string | null } | null;
  comments: { id: number; body: string; author: string | null; createdAt: string }[];
}

/** Each answer's review state by row: status, assignee and comments. */
export async function reviewState(ctx: AppContext, principal: Principal, id: number): Promise<Map<number, ReviewState>> {
  authorize(principal, 'questionnaires.use');
  const rows = await repo.reviewRows(ctx.db, id);
  const comments = await repo.commentsOn(
    ctx.db,
    rows.filter((r) => Number(r.comments ?? 0) > 0).map((r) => r.id),
  );
  return new Map(
    rows.map((r) => [
      r.row_number,
      {
        status: r.status,
        assignee: r.assignee_id === null ? null : { id: r.assignee_id, email: r.assignee_email ?? '', name: r.assignee_name ?? null },
        comments: comments.filter((c) => c.answer_id === r.id).map((c) => ({ id: c.id, body: c.body, author: c.author_name || c.author_email, createdAt: c.created_at })),
      },
    ]),
  );
}

/** People an answer can be assigned to. */
export async function assignableUsers(ctx: AppContext, principal: Principal) {
  authorize(principal, 'questionnaires.use');
  return repo.assignableUsers(ctx.db);
}

/** Assigns one answer to a person who works on questionnaires (or to nobody); recorded. */
export async function assignAnswer(ctx: AppContext, principal: Principal, id: number, row: number, assigneeId: number | null): Promise<void> {
  authorize(principal, 'questionnaires.use');
  await withActivity(
    ctx,
    principal,
    async (trx) => {
      const current = await answerOr404(trx, id, row);
      if (assigneeId !== null && !(await repo.assignableUsers(trx)).some((u) => u.id === assigneeId)) {
        throw AppError.invalid([{ field: 'assignee', message: 'Choose an active person who works on questionnaires.' }]);
      }
      await repo.setAssignee(trx, current.id, assigneeId);
      return { before: current.assignee_id };
    },
    (r) => ({ action: 'questionnaire.answer_assigned', subjectType: 'questionnaire', subjectId: id, details: { row, assignee: assigneeId, before: r.before } }),
  );
}

/** Comments on one answer; recorded. */
export async function commentOnAnswer(ctx: AppContext, principal: Principal, id: number, row: number, body: string): Promise<number> {
  authorize(principal, 'questionnaires.use');
  return withActivity(
    ctx,
    principal,
    async (trx) => {
      const current = await answerOr404(trx, id, row);
      return repo.insertComment(trx, { answer_id: current.id, author_id: principal.userId, body, created_at: ctx.clock().toISOString() });
    },
    (commentId) => ({ action: 'questionnaire.answer_commented', subjectType: 'questionnaire', subjectId: id, details: { row, comment: commentId } }),
  );
}

async function refuseOnceReviewed(db: repo.Db, id: number): Promise<void> {
  const reviewed = (await repo.reviewRows(db, id)).filter((r) => r.status !== 'auto' || r.assignee_id !== null || Number(r.comments ?? 0) > 0);
  if (reviewed.length === 0) return;
  const more = reviewed.length > 1 ? ` and ${reviewed.length - 1} more` : '';
  throw AppError.conflict(`Review has started (row ${reviewed[0]!.row_number}${more}); upload the file again to read it differently.`);
}

/**
 * A person corrects what detection chose (sheet, header row, columns): the stored file is read again
 * with their choice and answered afresh. Only before review starts — once an answer is edited,
 * approved, assigned or commented on, re-reading would throw that work away, so it is refused.
 */
export async function correctColumns(ctx: AppContext, principal: Principal, id: number, choice: LayoutChoice): Promise<{ questions: number }> {
  authorize(principal, 'questionnaires.use');
  const q = await repo.findQuestionnaire(ctx.db, id);
  if (!q) throw AppError.notFound('Questionnaire');
  await refuseOnceReviewed(ctx.db, id);
  const read = await readQuestionnaire(await fileStore(ctx).read(q.sha256), choice);
  const answers = await answerQuestions(ctx, principal, read.questions, { customer: q.customer, source: q.filename });
  return withActivity(
    ctx,
    principal,
    async (trx) => {
      // Again inside the unit of work: someone may have started while the file was being read.
      await refuseOnceReviewed(trx, id);
      const before = JSON.parse(q.layout) as StoredLayout;
      await repo.replaceAnswers(trx, id, answerRows(id, answers), storedLayout(read));
      return { questions: answers.length, before };
    },
    (r) => ({
      action: 'questionnaire.columns_corrected',
      subjectType: 'questionnaire',
      subjectId: id,
      details: {
        before: { sheet: r.before.sheet, headerRow: r.before.headerRow, question: r.before.question, answer: r.before.answer, comment: r.before.comment, ref: r.before.ref },
        after: choice,
        questions: r.questions,
      },
    }),
  ).then((r) => ({ questions: r.questions }));
}
