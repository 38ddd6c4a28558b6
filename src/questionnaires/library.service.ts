import { withActivity } from '../activity/activity.service.ts';
import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { addMonths } from '../dates.ts';
import { frameworkIdentity } from '../frameworks/frameworks.service.ts';
import { AppError } from '../http/errors.ts';
import { type AnswerEntry, readAnswerFiles } from './answers.files.ts';
import * as repo from './questionnaires.repository.ts';

// The answer library as people use it: the shipped entries (controls/answers/) with the customers'
// phrasings that approved answers taught it. Learned variants live in the database, each with the
// questionnaire and row it came from; a wrong one can be removed (recorded) and is not learned again.

export interface LearnedVariant {
  id: number;
  question: string;
  questionnaireId: number | null;
  customer: string | null;
  row: number | null;
  addedAt: string;
  addedBy: string | null;
}

export type LibraryEntry = AnswerEntry & { learned: LearnedVariant[]; reviewDue: string };

/** Lower case, single spaces, no trailing punctuation: one phrasing is learned once. */
export const phrasingKey = (text: string) =>
  text
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[\s?.!:;]+$/, '')
    .trim();

/** Learned phrasings longer than this are not kept (a long multi-part question teaches little). */
const MAX_LEARNED = 1000;

/** The library the answerer ranks: shipped entries plus their learned variants. */
export async function loadAnswerLibrary(ctx: AppContext): Promise<{ entries: LibraryEntry[]; problems: { file: string; message: string }[] }> {
  const { entries, problems } = readAnswerFiles();
  const learned = await repo.activeVariants(ctx.db);
  const byEntry = new Map<string, LearnedVariant[]>();
  for (const v of learned) {
    const list = byEntry.get(v.entry) ?? [];
    list.push({ id: v.id, question: v.question, questionnaireId: v.questionnaire_id, customer: v.customer, row: v.row_number, addedAt: v.added_at, addedBy: v.added_by_email });
    byEntry.set(v.entry, list);
  }
  return {
    entries: entries.map((e) => ({ ...e, learned: byEntry.get(e.id) ?? [], reviewDue: addMonths(e.reviewed, e.review_months) })),
    problems,
  };
}

export async function listLibrary(ctx: AppContext, principal: Principal, filter: { q?: string | undefined; topic?: string | undefined }) {
  authorize(principal, 'questionnaires.use');
  const { entries } = await loadAnswerLibrary(ctx);
  const needle = filter.q ? phrasingKey(filter.q) : '';
  const topics = [...new Set(entries.map((e) => e.topic))].sort();
  const items = entries.filter(
    (e) =>
      (!filter.topic || e.topic === filter.topic) &&
      (!needle || [e.id, e.question, e.detail, ...e.variants, ...e.learned.map((v) => v.question), ...e.controls].some((t) => t.toLowerCase().includes(needle))),
  );
  return { items, topics, total: entries.length };
}

export async function getLibraryEntry(ctx: AppContext, principal: Principal, id: string): Promise<LibraryEntry & { frameworkNames: { slug: string; name: string }[] }> {
  authorize(principal, 'questionnaires.use');
  const entry = (await loadAnswerLibrary(ctx)).entries.find((e) => e.id === id);
  if (!entry) throw AppError.notFound('Library entry');
  // People read framework names; a scheme whose catalog is not loaded keeps its slug.
  const frameworkNames = await Promise.all(
    entry.frameworks.map((slug) =>
      frameworkIdentity(ctx, principal, slug).then(
        (f) => ({ slug, name: f.name }),
        () => ({ slug, name: slug }),
      ),
    ),
  );
  return { ...entry, frameworkNames };
}

/**
 * Inside an approval's unit of work: each approved answer that kept its entry's short answer
 * teaches the entry the customer's phrasing, unless the entry already has it. Returns the rows learned.
 */
export async function learnPhrasings(
  trx: repo.Db,
  principal: Principal,
  at: string,
  questionnaireId: number,
  approved: { row_number: number; question: string; entry: string | null; answer: string | null }[],
): Promise<number[]> {
  const byId = new Map(readAnswerFiles().entries.map((e) => [e.id, e]));
  const learned: number[] = [];
  for (const a of approved) {
    const entry = a.entry ? byId.get(a.entry) : undefined;
    // A reviewer who changed the short answer said the entry does not fit this question.
    if (!entry || a.answer !== entry.short || a.question.length > MAX_LEARNED) continue;
    const key = phrasingKey(a.question);
    if ([entry.question, ...entry.variants].some((t) => phrasingKey(t) === key)) continue;
    const added = await repo.insertVariant(trx, {
      entry: entry.id,
      question: a.question,
      question_key: key,
      questionnaire_id: questionnaireId,
      row_number: a.row_number,
      added_by: principal.userId,
      added_at: at,
    });
    if (added) learned.push(a.row_number);
  }
  return learned;
}

/** Removes a learned phrasing from its entry (kept in the table, marked removed, so it is not learned again). */
export async function removeVariant(ctx: AppContext, principal: Principal, entryId: string, variantId: number): Promise<void> {
  authorize(principal, 'questionnaires.use');
  await withActivity(
    ctx,
    principal,
    async (trx) => {
      const v = await repo.findVariant(trx, variantId);
      if (!v || v.entry !== entryId || v.removed_at !== null) throw AppError.notFound('Learned phrasing');
      await repo.retireVariant(trx, variantId, principal.userId, ctx.clock().toISOString());
      return v;
    },
    (v) => ({ action: 'answer_library.variant_removed', subjectType: 'answer_entry', subjectId: entryId, details: { variant: variantId, question: v.question } }),
  );
}
