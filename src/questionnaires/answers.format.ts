import { stringify } from 'csv-stringify/sync';
import { AppError } from '../http/errors.ts';
import type { Answer } from './answer.service.ts';
import type { Layout } from './questionnaire.read.ts';
import type { CellWrite } from './workbook.fill.ts';

/**
 * What goes into the customer's workbook: the short answer in their answer column and the detail in
 * their comment column (both in the comment column when there is no answer column). Unanswered
 * rows stay empty; a stale answer is written as "To confirm", never as if it were still true.
 */
export function answerWrites(answers: Answer[], layout: Layout): CellWrite[] {
  if (layout.answer === null && layout.comment === null) {
    throw AppError.invalid([{ field: 'file', message: 'No answer or comment column was found to write into.' }], 'No answer or comment column was found to write into.');
  }
  const writes: CellWrite[] = [];
  for (const a of answers) {
    if (a.answer === null) continue;
    const short = a.stale ? 'To confirm' : a.answer;
    const detail = a.stale ? 'We are re-confirming this answer against current evidence and will follow up.' : (a.detail ?? '');
    if (layout.answer !== null) writes.push({ row: a.row, column: layout.answer + 1, text: short });
    if (layout.comment !== null) writes.push({ row: a.row, column: layout.comment + 1, text: layout.answer === null ? `${short}. ${detail}` : detail });
  }
  return writes;
}

/** The CLI's and the API's JSON: per question its row, answer, detail, confidence, entry, staleness, controls and requirements. */
export function answersJson(answers: Answer[]) {
  return answers.map((a) => ({
    row: a.row,
    ref: a.ref,
    question: a.question,
    answer: a.answer,
    detail: a.detail,
    confidence: a.confidence,
    entry: a.entry,
    stale: a.stale,
    stale_reasons: a.staleReasons,
    controls: a.controls,
    requirements: a.requirements,
    alternatives: a.alternatives,
  }));
}

/** One line per question; requirements as "framework: ref, ref; framework: ref". A formula-looking cell is quoted so a spreadsheet does not run it. */
export function answersCsv(answers: Answer[]): string {
  const safe = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
  return stringify(
    answers.map((a) => [
      a.row,
      a.ref ?? '',
      safe(a.question),
      a.answer ?? '',
      safe(a.detail ?? ''),
      a.confidence,
      a.entry ?? '',
      a.stale ? 'stale' : '',
      a.controls.join(' '),
      Object.entries(a.requirements)
        .map(([fw, refs]) => `${fw}: ${refs.join(', ')}`)
        .join('; '),
    ]),
    { header: true, columns: ['row', 'ref', 'question', 'answer', 'detail', 'confidence', 'entry', 'stale', 'controls', 'requirements'] },
  );
}
