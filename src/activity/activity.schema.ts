import { z } from 'zod';
import { isDay } from '../dates.ts';
import { pageQuery } from '../http/pagination.ts';
import { activityActions } from './activity.actions.ts';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-01-31.')
  // Date.parse rolls 2026-02-30 over to 2 March; isDay refuses days that do not exist.
  .refine(isDay, 'Not a real date.');

const optional = <T extends z.ZodType>(s: T) => z.preprocess((v) => (v === '' ? undefined : v), s.optional());

export const activityFilterSchema = z
  .object({
    actor: optional(z.string().trim().max(254)),
    action: optional(z.enum(activityActions, { error: 'Choose an action from the list.' })),
    subject_type: optional(z.string().trim().max(100)),
    subject_id: optional(z.string().trim().max(100)),
    from: optional(day),
    to: optional(day),
    page: pageQuery,
  })
  .refine((v) => !v.from || !v.to || v.from <= v.to, { path: ['to'], message: 'The end date is before the start date.' });

export type ActivityFilterInput = z.infer<typeof activityFilterSchema>;
