import { z } from 'zod';
import { isDay } from '../dates.ts';
import { pageQuery } from '../http/pagination.ts';
import { auditKinds, auditStatuses } from './audits.model.ts';

// Input schemas shared by the audits, findings and requests faces (pages, API, import).

export const blank = (v: unknown) => (v === '' ? undefined : v);

/** A database id (a number, or digits from a form) that fits PostgreSQL's `integer`; `message` when it is not one. */
export const idOf = (message: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\d{1,10}$/.test(v.trim()) ? Number(v.trim()) : v),
    z.number({ error: message }).int(message).positive(message).max(2_147_483_647, message),
  );

export const dbId = idOf('Not a valid id.');

export type UserRef = { id: number } | { email: string };

/** A user named by id (a form's select, JSON) or by email address (the API, imports). */
export const userRef = (message: string) =>
  z.preprocess(
    (v) => {
      if (typeof v === 'number') return { id: v };
      if (typeof v !== 'string') return v;
      const t = v.trim();
      if (/^\d{1,10}$/.test(t)) return { id: Number(t) };
      return /^[^\s@]{1,200}@[^\s@]{1,200}$/.test(t) ? { email: t.toLowerCase() } : v;
    },
    z.union([z.object({ id: z.number().int().positive().max(2_147_483_647) }).strict(), z.object({ email: z.string() }).strict()], { error: message }),
  );

export const day = (what: string) =>
  z
    .string({ error: `Enter the ${what} date.` })
    .trim()
    // An empty date field (the picker left blank) is asked for plainly; the YYYY-MM-DD form is named
    // only to whoever typed text (a CSV cell, the API, a browser without a date picker).
    .min(1, { error: `Enter the ${what} date.`, abort: true })
    .regex(/^\d{4}-\d{2}-\d{2}$/, `Enter the ${what} date as YYYY-MM-DD.`)
    .refine((v) => isDay(v), `The ${what} date is not a real date.`);

export const optionalDay = (what: string) => z.preprocess(blank, day(what).optional());

export const text = (max: number, what = 'text') =>
  z.preprocess(
    blank,
    z
      .string({ error: `Enter ${what} as text.` })
      .trim()
      .max(max, `At most ${max} characters.`)
      .optional(),
  );

export const requiredText = (max: number, what: string) =>
  z
    .string({ error: `Enter ${what}.` })
    .trim()
    .min(1, `Enter ${what}.`)
    .max(max, `At most ${max} characters.`);

/** A list from a form (one or many fields, or "a, b; c") or a JSON array of strings. */
export const list = (max: number, what: string) =>
  z.preprocess(
    (v) => (Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[\s,;]+/) : v === undefined ? [] : v),
    z
      .array(z.string({ error: `List ${what} as text.` }).trim(), { error: `List ${what} as text.` })
      .transform((items) => [...new Set(items.filter(Boolean))])
      .pipe(z.array(z.string().max(80, 'Each entry is at most 80 characters.')).max(max, `At most ${max} ${what}.`)),
  );

/** A requirement named as `framework:ref` (iso27001-2022:A.5.15). */
export const REQUIREMENT_NAME = /^([a-z0-9][a-z0-9.-]{0,59}):(\S{1,40})$/;

export const auditInputSchema = z
  .object({
    kind: z.enum(auditKinds, { error: 'Choose a listed kind of audit.' }),
    title: requiredText(200, 'a title'),
    frameworks: list(20, 'frameworks').pipe(z.array(z.string()).min(1, 'Choose at least one framework.')),
    certification_id: z.preprocess(blank, idOf('Choose a listed certification.').optional()),
    firm: text(200),
    lead_auditor: text(200),
    period_from: optionalDay('period start'),
    period_to: optionalDay('period end'),
    fieldwork_from: optionalDay('fieldwork start'),
    fieldwork_to: optionalDay('fieldwork end'),
    owner: userRef('Choose an owner.'),
  })
  .refine((v) => !v.period_from || !v.period_to || v.period_to >= v.period_from, { path: ['period_to'], message: 'The period cannot end before it starts.' })
  .refine((v) => !v.fieldwork_from || !v.fieldwork_to || v.fieldwork_to >= v.fieldwork_from, { path: ['fieldwork_to'], message: 'Fieldwork cannot end before it starts.' })
  .refine((v) => Boolean(v.period_from) === Boolean(v.period_to), { path: ['period_to'], message: 'Give both the first and the last day of the period, or neither.' })
  .refine((v) => Boolean(v.fieldwork_from) === Boolean(v.fieldwork_to), { path: ['fieldwork_to'], message: 'Give both the first and the last day of fieldwork, or neither.' });

export type AuditInput = z.infer<typeof auditInputSchema>;

export const statusChangeSchema = z.object({ status: z.enum(auditStatuses, { error: `Choose a status: ${auditStatuses.join(', ')}.` }) });

export const scopeChangeSchema = z
  .object({
    add: list(500, 'requirements'),
    remove: list(500, 'requirements'),
  })
  .refine((v) => v.add.length + v.remove.length > 0, { path: ['add'], message: 'Choose requirements to add or remove, as framework:ref.' });

export const assignmentSchema = z
  .object({
    user: userRef('Choose an auditor.'),
    access_from: day('access start'),
    access_until: day('access end'),
  })
  .refine((v) => v.access_until >= v.access_from, { path: ['access_until'], message: 'Access cannot end before it starts.' });

export const commentSchema = z.object({ body: requiredText(4000, 'a comment') });

export const auditFilterSchema = z.object({
  status: z.preprocess(blank, z.enum(auditStatuses, { error: 'Choose a listed status.' }).optional()),
  kind: z.preprocess(blank, z.enum(auditKinds, { error: 'Choose a listed kind.' }).optional()),
  framework: z.preprocess(blank, z.string({ error: 'Choose a listed framework.' }).trim().max(60, 'Choose a listed framework.').optional()),
  page: pageQuery,
});

export type AuditFilter = z.infer<typeof auditFilterSchema>;

export const auditIdParam = z.object({ id: dbId });
export const assignmentParams = z.object({ id: dbId, assignmentId: dbId });
