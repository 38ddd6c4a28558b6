import { z } from 'zod';
import { calendarItemKinds, type CalendarItemKind } from './calendar.model.ts';

// Dates arrive as text and are checked by the calendar service (existing days, at most 400 days),
// which names the field; here only their shape and size.

const blank = (v: unknown) => (v === '' ? undefined : v);
const text = (max: number) => z.preprocess(blank, z.string().trim().max(max, `At most ${max} characters.`).optional());

const kindList = z.union([z.string(), z.array(z.string()).max(calendarItemKinds.length)]).transform((v, c) => {
  const values = [v]
    .flat()
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = values.filter((s) => !(calendarItemKinds as readonly string[]).includes(s));
  if (unknown.length) {
    c.addIssue({ code: 'custom', message: `Unknown kind: ${unknown.join(', ').slice(0, 80)}. Use ${calendarItemKinds.join(', ')}.` });
    return z.NEVER;
  }
  return values.length ? (values as CalendarItemKind[]) : undefined;
});

/** Filters shared by the pages, the API and the CLI. */
export const calendarFilterSchema = z.object({
  from: text(10),
  to: text(10),
  framework: text(60),
  owner: z.preprocess(
    blank,
    z.coerce
      .number({ error: 'Choose an owner from the list.' })
      .int('Choose an owner from the list.')
      .min(1, 'Choose an owner from the list.')
      .max(2_147_483_647, 'Choose an owner from the list.')
      .optional(),
  ),
  kind: z.preprocess(blank, kindList.optional()),
});

export const calendarViews = ['agenda', 'month', 'year'] as const;
export type CalendarView = (typeof calendarViews)[number];

export const calendarPageSchema = calendarFilterSchema.extend({
  view: z.preprocess(blank, z.enum(calendarViews, { error: 'Choose agenda, month or year.' }).default('agenda')),
  month: text(7),
  year: text(4),
  page: z.preprocess(blank, z.coerce.number({ error: 'A page number.' }).int('A page number.').min(1, 'A page number.').max(100_000, 'A page number.').default(1)),
});
export type CalendarPageQuery = z.output<typeof calendarPageSchema>;

export const createFeedSchema = z
  .object({
    scope: z.enum(['personal', 'audit'], { error: 'Choose a personal feed or an audit feed.' }),
    audit_id: z.preprocess(
      blank,
      z.coerce.number({ error: 'Choose an audit.' }).int('Choose an audit.').min(1, 'Choose an audit.').max(2_147_483_647, 'Choose an audit.').optional(),
    ),
  })
  .superRefine((v, c) => {
    if (v.scope === 'audit' && v.audit_id === undefined) c.addIssue({ code: 'custom', path: ['audit_id'], message: 'Choose an audit.' });
  });
export type CreateFeedInput = z.output<typeof createFeedSchema>;

export const feedIdParam = z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) });

/** The preselected audit on the feed page (?audit=ID), ignored when not a number. */
export const feedPageQuery = z.object({ audit: z.coerce.number().int().min(1).max(2_147_483_647).optional().catch(undefined) });
