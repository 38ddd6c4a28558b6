import { z } from 'zod';
import { isDay } from '../dates.ts';
import { pageQuery } from '../http/pagination.ts';
import { certificationKinds, certificationStatuses, eventKinds, eventStatuses } from './certifications.model.ts';

// Input of the certifications domain (certifications, their events, customers' demand). Pages and
// the API parse with the same schemas; the service checks what needs the database or the clock.

export const blank = (v: unknown) => (v === '' ? undefined : v);
/** Ids fit PostgreSQL's integer: a larger one could never exist, and must not reach the driver. */
const MAX_ID = 2_147_483_647;
/** No certification is valid for longer; it also bounds the events a cycle can generate. */
export const MAX_VALIDITY_YEARS = 5;

export const requiredText = (max: number, message: string) => z.string({ error: message }).trim().min(1, message).max(max, `At most ${max} characters.`);

export const text = (max: number) => z.preprocess(blank, z.string({ error: 'Enter text.' }).trim().max(max, `At most ${max} characters.`).optional());

export const day = (what: string) =>
  z
    .string({ error: `Enter the ${what} date.` })
    .trim()
    // An empty date field (the picker left blank) is asked for plainly; the YYYY-MM-DD form is named
    // only to whoever typed text (a CSV cell, the API, a browser without a date picker).
    .min(1, { error: `Enter the ${what} date.`, abort: true })
    .regex(/^\d{4}-\d{2}-\d{2}$/, `Enter the ${what} date as YYYY-MM-DD.`)
    .refine((v) => isDay(v), `The ${what} date is not a real date.`)
    .refine((v) => v >= '1970-01-01' && v <= '2199-12-31', `The ${what} date must be between 1970 and 2199.`);

const optionalDay = (what: string) => z.preprocess(blank, day(what).optional());

/** An optional reference to a row by id: a number, or digits from a form ("12" or "#12"); empty or null for none. */
const optionalId = (what: string) =>
  z.preprocess(
    (v) => {
      if (v === '' || v === null) return undefined;
      if (typeof v === 'string' && /^\s*#?\d{1,12}\s*$/.test(v)) return Number(v.replace(/[#\s]/g, ''));
      return v;
    },
    z
      .number({ error: `Enter the ${what} as a number.` })
      .int(`Enter the ${what} as a whole number.`)
      .min(1, `Enter the ${what} as a positive number.`)
      .max(MAX_ID, `No ${what} has this number.`)
      .optional(),
  );

/** True when day `to` is at most `years` after day `from` (compared as YYYYMMDD numbers). */
const withinYears = (from: string, to: string, years: number) => Number(to.replaceAll('-', '')) <= Number(from.replaceAll('-', '')) + years * 10_000;

export const certificationInputSchema = z
  .object({
    framework: requiredText(100, 'Choose a framework.'),
    kind: z.enum(certificationKinds, { error: `Choose a kind: ${certificationKinds.join(', ')}.` }),
    number: text(100),
    issuer: requiredText(200, 'Name the issuer: the certification body, CPA firm, QSA or monitoring body.'),
    scope: text(4000),
    issued_on: optionalDay('issue'),
    valid_from: day('valid-from'),
    valid_until: day('valid-until'),
    owner_id: optionalId('owner'),
    document_evidence_id: optionalId('evidence number'),
  })
  .refine((v) => v.valid_until >= v.valid_from, { path: ['valid_until'], message: 'Valid until must be on or after valid from.' })
  .refine((v) => withinYears(v.valid_from, v.valid_until, MAX_VALIDITY_YEARS), {
    path: ['valid_until'],
    message: `A certification is valid for at most ${MAX_VALIDITY_YEARS} years.`,
  });

export type CertificationInput = z.infer<typeof certificationInputSchema>;

export const withdrawSchema = z.object({
  withdrawn_on: optionalDay('withdrawal'),
  reason: text(500),
});

export const certificationFilterSchema = z.object({
  framework: z.preprocess(blank, z.string().trim().max(100, 'At most 100 characters.').optional()),
  status: z.preprocess(blank, z.enum(certificationStatuses, { error: 'Choose a listed status.' }).optional()),
  q: z.preprocess(blank, z.string().trim().max(200, 'At most 200 characters.').optional()),
  page: pageQuery,
});

export type CertificationFilter = z.infer<typeof certificationFilterSchema>;

export const eventInputSchema = z
  .object({
    kind: z.enum(eventKinds, { error: 'Choose a listed kind of event.' }),
    title: requiredText(200, 'Enter a title.'),
    starts_on: day('start'),
    ends_on: optionalDay('end'),
    owner_id: optionalId('owner'),
    status: z.preprocess(blank, z.enum(eventStatuses, { error: `Choose a status: ${eventStatuses.join(', ')}.` }).optional()),
  })
  .refine((v) => !v.ends_on || v.ends_on >= v.starts_on, { path: ['ends_on'], message: 'The end must be on or after the start.' })
  .refine((v) => !v.ends_on || withinYears(v.starts_on, v.ends_on, 2), { path: ['ends_on'], message: 'An event lasts at most two years.' });

export type EventInput = z.infer<typeof eventInputSchema>;

export const eventStatusSchema = z.object({
  status: z.enum(eventStatuses, { error: `Choose a status: ${eventStatuses.join(', ')}.` }),
});

export const id = z.coerce.number().int().positive().max(MAX_ID);
export const idParam = z.object({ id });
export const eventParams = z.object({ id, eventId: id });
