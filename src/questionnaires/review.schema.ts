import { z } from 'zod';
import { shortAnswers } from './answers.files.ts';

/** An answer as a reviewer rewrites it: the short answer and the detail sent to the customer. */
export const answerEditSchema = z.object({
  answer: z.enum(shortAnswers, { error: `Choose ${shortAnswers.join(', ')}.` }),
  detail: z.string({ error: 'Write the detail.' }).trim().min(1, 'Write the detail.').max(4000, 'At most 4000 characters.'),
});

/** Bulk approval: every matched, current (not stale) answer at or above this confidence, in percent. */
export const bulkApproveSchema = z.object({
  min_confidence: z.coerce.number({ error: 'Enter a confidence from 0 to 100.' }).int('Enter a whole number.').min(0, 'At least 0.').max(100, 'At most 100.'),
});

export const rowParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647), row: z.coerce.number().int().positive().max(1_000_000) });

const optionalId = z.preprocess(
  // Empty (the form's "Nobody") or null unassigns; a missing field is a mistake, not a choice.
  (v) => (v === '' || v === null ? null : v),
  z.coerce.number({ error: 'Choose a person from the list.' }).int('Choose a person from the list.').positive('Choose a person from the list.').max(2_147_483_647).nullable(),
);

/** Assigning an answer: a user id, or empty for nobody. */
export const assignSchema = z.object({ assignee: optionalId });

export const commentSchema = z.object({
  body: z.string({ error: 'Write a comment.' }).trim().min(1, 'Write a comment.').max(4000, 'At most 4000 characters.'),
});

/** A column as people name it: a letter (A … AZ) or empty for none. */
const column = (label: string, required: boolean) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toUpperCase() : v),
    required
      ? z.string({ error: `Choose the ${label} column.` }).regex(/^[A-Z]{1,2}$/, `Choose the ${label} column as a letter (A, B, … AZ).`)
      : z.union([z.literal(''), z.string().regex(/^[A-Z]{1,2}$/, `Choose the ${label} column as a letter (A, B, … AZ), or none.`)]).optional(),
  );

/** Letters to a 0-based index: A → 0, AB → 27. */
export const columnIndex = (letters: string) => [...letters].reduce((n, ch) => n * 26 + (ch.charCodeAt(0) - 64), 0) - 1;

/** A person's correction of what was detected: sheet, header row, and column letters. */
export const layoutSchema = z
  .object({
    sheet: z.string({ error: 'Choose the sheet.' }).min(1, 'Choose the sheet.').max(200, 'At most 200 characters.'),
    header_row: z.coerce.number({ error: 'Enter the header row number.' }).int('Enter a whole number.').min(1, 'At least 1.').max(20_000, 'At most 20000.'),
    question: column('question', true),
    answer: column('answer', false),
    comment: column('comment', false),
    ref: column('reference', false),
  })
  .transform((v) => ({
    sheet: v.sheet,
    headerRow: v.header_row,
    question: columnIndex(v.question as string),
    answer: v.answer ? columnIndex(v.answer) : null,
    comment: v.comment ? columnIndex(v.comment) : null,
    ref: v.ref ? columnIndex(v.ref) : null,
  }));

/** The customer a questionnaire came from (uploads). */
export const customerSchema = z.object({
  customer: z.string({ error: 'Name the customer.' }).trim().min(1, 'Name the customer.').max(200, 'At most 200 characters.'),
});

/** The format answers are sent back in. */
export const formatSchema = z.object({ format: z.enum(['xlsx', 'csv', 'json'], { error: 'Choose xlsx, csv or json.' }) });
