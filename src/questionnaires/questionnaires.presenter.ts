import type { Answer } from './answer.service.ts';
import { columnLetter } from './questionnaire.read.ts';
import type { Questionnaire, ReviewState } from './questionnaires.service.ts';
import { formatPercent } from '../percent.ts';

// What the questionnaire review page shows: the filters with their counts, one page of answers
// with their review state, and the correction form's choices.

/** An answer-library topic (a file's slug, "third-party") as people read it: "Third party". */
export function topicLabel(topic: string): string {
  const words = topic.replaceAll('-', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const reviewFilters = ['all', 'open', 'mine', 'unanswered', 'stale', 'low'] as const;
export type ReviewFilter = (typeof reviewFilters)[number];

const LOW = 0.5;

type Row = Answer & { review: ReviewState };

const tests: Record<ReviewFilter, (a: Row, me: number | null) => boolean> = {
  all: () => true,
  open: (a) => a.review.status !== 'approved',
  mine: (a, me) => me !== null && a.review.assignee?.id === me,
  unanswered: (a) => a.entry === null && a.answer === null,
  stale: (a) => a.stale,
  low: (a) => a.entry !== null && a.confidence < LOW,
};

const labels: Record<ReviewFilter, string> = {
  all: 'All',
  open: 'Not approved',
  mine: 'Assigned to me',
  unanswered: 'No match',
  stale: 'Stale',
  low: 'Low confidence',
};

const blankState: ReviewState = { status: 'auto', assignee: null, comments: [] };

export function reviewView(
  q: Questionnaire,
  states: Map<number, ReviewState>,
  people: { id: number; email: string; name: string | null }[],
  options: { show: ReviewFilter; me: number | null; page: number; perPage: number },
) {
  const rows: Row[] = q.answers.map((a) => ({ ...a, review: states.get(a.row) ?? blankState }));
  const kept = rows.filter((a) => tests[options.show](a, options.me));
  const first = (options.page - 1) * options.perPage;
  return {
    filters: reviewFilters.map((f) => ({ value: f, label: labels[f], count: rows.filter((a) => tests[f](a, options.me)).length, current: f === options.show })),
    approved: rows.filter((a) => a.review.status === 'approved').length,
    total: kept.length,
    answers: kept.slice(first, first + options.perPage).map((a) => ({
      ...a,
      status: a.review.status,
      assignee: a.review.assignee,
      comments: a.review.comments,
      people: [{ value: '', label: 'Nobody', selected: a.review.assignee === null }].concat(
        people.map((p) => ({ value: String(p.id), label: p.name ? `${p.name} (${p.email})` : p.email, selected: a.review.assignee?.id === p.id })),
      ),
      percent: Math.round(a.confidence * 100),
      confidenceText: formatPercent(a.confidence * 100),
      tone: a.answer === null ? 'muted' : a.stale ? 'warn' : a.answer === 'No' ? 'danger' : a.answer === 'Partial' ? 'warn' : 'ok',
      options: ['Yes', 'No', 'Partial', 'N/A'].map((v) => ({ value: v, selected: v === a.answer })),
      requirementsText: Object.entries(a.requirements)
        .map(([fw, refs]) => `${fw}: ${refs.slice(0, 3).join(', ')}`)
        .join(' · '),
    })),
    correction: correctionView(q),
  };
}

/** The correction form: the sheets, and each column of the header row by letter and header text. */
function correctionView(q: Questionnaire) {
  const l = q.layout;
  const columns = l.columns ?? [];
  // A few columns beyond the header's, for a person who chooses another sheet or header row.
  const count = Math.min(52, 2 + Math.max(8, columns.length, (l.question ?? 0) + 1, (l.answer ?? 0) + 1, (l.comment ?? 0) + 1, (l.ref ?? 0) + 1));
  const choices = (selected: number | null, optional: boolean) =>
    (optional ? [{ value: '', label: 'None', selected: selected === null }] : []).concat(
      Array.from({ length: count }, (_, i) => {
        const header = (columns[i] ?? '').slice(0, 60);
        return { value: columnLetter(i), label: header ? `${columnLetter(i)} — ${header}` : columnLetter(i), selected: selected === i };
      }),
    );
  return {
    sheets: (l.sheets ?? [l.sheet]).map((s) => ({ value: s, selected: s === l.sheet })),
    headerRow: l.headerRow,
    question: choices(l.question, false),
    answer: choices(l.answer, true),
    comment: choices(l.comment, true),
    ref: choices(l.ref, true),
    letters: {
      question: columnLetter(l.question),
      answer: l.answer === null ? null : columnLetter(l.answer),
      comment: l.comment === null ? null : columnLetter(l.comment),
      ref: l.ref === null ? null : columnLetter(l.ref),
    },
  };
}
