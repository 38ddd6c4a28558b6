import { stringify } from 'csv-stringify/sync';
import type { Answer } from './answer.service.ts';

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
