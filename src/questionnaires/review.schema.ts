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
