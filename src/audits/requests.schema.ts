import { z } from 'zod';
import { blank, day, dbId, REQUIREMENT_NAME, requiredText, text, userRef } from './audits.schema.ts';

const CONTROL_REF = /^[A-Z]{2,5}-\d{2,3}$/;

/** What a request, typed in a form, sent as JSON or read from a row of an imported list, carries. */
export const requestFields = z.object({
  title: requiredText(200, 'a title'),
  description: text(4000),
  requirement: z.preprocess(
    blank,
    z.string({ error: 'Name the requirement as framework:ref.' }).trim().regex(REQUIREMENT_NAME, 'Name the requirement as framework:ref, e.g. iso27001-2022:A.5.15.').optional(),
  ),
  control: z.preprocess(
    blank,
    z.string({ error: 'Control references look like IAM-03.' }).trim().toUpperCase().regex(CONTROL_REF, 'Control references look like IAM-03.').optional(),
  ),
  due_on: day('due'),
  assignee: z.preprocess(blank, userRef('Choose an assignee (a member of staff).').optional()),
});

export const requestInputSchema = requestFields.refine((v) => v.requirement !== undefined || v.control !== undefined, {
  path: ['requirement'],
  message: 'Tie the request to a requirement in scope or to a control.',
});

export type RequestInput = z.infer<typeof requestInputSchema>;

export const requestStatusSchema = z
  .object({
    status: z.enum(['submitted', 'accepted', 'returned'], { error: 'Choose submitted, accepted or returned.' }),
    comment: text(4000),
  })
  .refine((v) => v.status !== 'returned' || Boolean(v.comment), { path: ['comment'], message: 'Say why the evidence is returned.' });

/** Evidence ids from a form ("12, 14") or a JSON array of numbers. */
export const linkSchema = z.object({
  evidence: z.preprocess(
    (v) => (Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[\s,;]+/).filter(Boolean) : typeof v === 'number' ? [v] : v),
    z.array(dbId, { error: 'Give evidence ids, e.g. 12, 14.' }).min(1, 'Give at least one evidence id.').max(50, 'At most 50 at a time.'),
  ),
});

export const requestParams = z.object({ id: dbId, requestId: dbId });
