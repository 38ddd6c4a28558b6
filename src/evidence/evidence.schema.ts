import { z } from 'zod';
import { isDay } from '../dates.ts';
import { pageQuery } from '../http/pagination.ts';
import { evidenceKinds, evidenceStatuses } from './evidence.model.ts';

const blank = (v: unknown) => (v === '' ? undefined : v);

// Each check stops the rest (abort): a bad date is one message, not one per rule it breaks.
export const day = (what: string) =>
  z
    .string({ error: `Enter the ${what} date.` })
    .trim()
    // An empty date field (the picker left blank) is asked for plainly; the YYYY-MM-DD form is named
    // only to whoever typed text (a CSV cell, the API, a browser without a date picker).
    .min(1, { error: `Enter the ${what} date.`, abort: true })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { message: `Enter the ${what} date as YYYY-MM-DD.`, abort: true })
    .refine((v) => isDay(v), { message: `The ${what} date is not a real date.`, abort: true });

// No evidence proves a control for longer; a far date (9999-12-31) would make it effective for ever.
const MAX_VALIDITY_YEARS = 10;

/** True when day `to` is at most `years` after day `from` (both YYYY-MM-DD, compared as YYYYMMDD numbers). */
function withinYears(from: string, to: string, years: number): boolean {
  const asNumber = (d: string) => Number(d.replaceAll('-', ''));
  return asNumber(to) <= asNumber(from) + years * 10_000;
}

/**
 * A yes/no choice: JSON true/false, or a form checkbox sent after a hidden "no" (so an unticked box
 * still says no: the last value wins). Absent means "not said".
 */
export const flag = z.preprocess(
  (v) => (Array.isArray(v) ? v.at(-1) : v),
  z
    .union([z.boolean(), z.enum(['yes', 'no', 'true', 'false', 'on'], { error: 'Answer yes or no.' })])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === true || v === 'yes' || v === 'true' || v === 'on')),
);

export const shareableSchema = z.object({ shareable: flag.refine((v) => v !== undefined, 'Answer yes or no.') });

/**
 * Control refs from a form (one or many fields, or "IAM-01, IAM-02") or a JSON array. A list with
 * nothing chosen sends no field at all: that is "choose at least one", not a malformed request.
 */
const controlRefs = z.preprocess(
  (v) => (v === undefined ? [] : Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[\s,;]+/) : v),
  z
    .array(z.string().trim())
    .transform((refs) => [...new Set(refs.filter(Boolean).map((r) => r.toUpperCase()))])
    .pipe(
      z
        .array(z.string().regex(/^[A-Z]{2,5}-\d{2,3}$/, 'Control references look like IAM-03.'))
        .min(1, 'Choose at least one control.')
        .max(50, 'At most 50 controls.'),
    ),
);

export const evidenceInputSchema = z
  .object({
    title: z.string({ error: 'Enter a title.' }).trim().min(1, 'Enter a title.').max(200, 'At most 200 characters.'),
    kind: z.enum(evidenceKinds, { error: `Choose a kind: ${evidenceKinds.join(', ')}.` }),
    description: z.preprocess(blank, z.string().trim().max(4000, 'At most 4000 characters.').optional()),
    link_url: z.preprocess(
      blank,
      z
        .string()
        .trim()
        .max(2000, 'At most 2000 characters.')
        .url('Enter a full link, starting with https://.')
        .refine((u) => /^https?:\/\//i.test(u), 'Links must start with http:// or https://.')
        .optional(),
    ),
    collected_at: day('collection'),
    valid_until: z.preprocess(blank, day('valid-until').optional()),
    controls: controlRefs,
    shareable: flag,
  })
  .refine((v) => !v.valid_until || v.valid_until >= v.collected_at, { path: ['valid_until'], message: 'Valid until must be on or after the collection date.' })
  .refine((v) => !v.valid_until || withinYears(v.collected_at, v.valid_until, MAX_VALIDITY_YEARS), {
    path: ['valid_until'],
    message: `Valid until can be at most ${MAX_VALIDITY_YEARS} years after the collection date.`,
  })
  .refine((v) => v.kind !== 'link' || Boolean(v.link_url), { path: ['link_url'], message: 'Evidence of kind link needs a link.' });

export type EvidenceInput = Omit<z.infer<typeof evidenceInputSchema>, 'shareable'> & { shareable?: boolean | undefined };

export const reviewSchema = z
  .object({
    decision: z.enum(['accepted', 'rejected'], { error: 'Choose accept or reject.' }),
    comment: z.preprocess(blank, z.string().trim().max(2000, 'At most 2000 characters.').optional()),
  })
  .refine((v) => v.decision === 'accepted' || Boolean(v.comment), { path: ['comment'], message: 'Say why the evidence is rejected.' });

export const evidenceFilterSchema = z.object({
  status: z.preprocess(blank, z.enum([...evidenceStatuses, 'superseded'], { error: 'Choose a listed status.' }).optional()),
  kind: z.preprocess(blank, z.enum(evidenceKinds, { error: 'Choose a listed kind.' }).optional()),
  control: z.preprocess(blank, z.string().trim().toUpperCase().max(12).optional()),
  q: z.preprocess(blank, z.string().trim().max(200).optional()),
  page: pageQuery,
});

export const evidenceIdParam = z.object({ id: z.coerce.number().int().positive() });
export const fileParams = z.object({ id: z.coerce.number().int().positive(), fileId: z.coerce.number().int().positive() });

/** The freshness page: one control owner's lists, or (blank) the summary of every owner. */
export const freshnessQuery = z.object({
  owner: z.preprocess(blank, z.string().trim().max(200, 'Choose a listed owner.').optional()),
});
