import { z } from 'zod';
import { pageQuery } from '../http/pagination.ts';
import { blank, day, id, requiredText, text } from './certifications.schema.ts';

// Input of customers' demand for certifications not held yet.

/** The largest contract value accepted (whole currency units; the column is an integer). */
export const MAX_CONTRACT_VALUE = 1_000_000_000;

/** A whole number from a form ("25000", "25,000") or JSON; anything else is refused as it is. */
const contractValue = z.preprocess(
  (v) => {
    if (v === '' || v === null) return undefined;
    if (typeof v !== 'string') return v;
    const s = v.trim().replace(/^(-?\d{1,3}(?:[ ,_']\d{3})+)$/, (m) => m.replace(/[ ,_']/g, ''));
    return /^-?\d{1,15}(\.\d+)?$/.test(s) ? Number(s) : v;
  },
  z
    .number({ error: 'Enter the contract value as a whole number.' })
    .int('Enter the contract value as a whole number.')
    .min(0, 'The contract value cannot be negative.')
    .max(MAX_CONTRACT_VALUE, `At most ${MAX_CONTRACT_VALUE.toLocaleString('en')}.`)
    .optional(),
);

export const demandInputSchema = z
  .object({
    customer: requiredText(200, 'Name the customer.'),
    framework: z.preprocess(blank, z.string({ error: 'Choose a framework.' }).trim().max(100, 'At most 100 characters.').optional()),
    scheme: text(200),
    requested_on: day('request'),
    note: text(2000),
    contract_value: contractValue,
  })
  .refine((v) => Boolean(v.framework || v.scheme), { path: ['framework'], message: 'Choose a framework, or name a scheme Attest has no catalog for.' })
  .refine((v) => !(v.framework && v.scheme), { path: ['scheme'], message: 'Choose a framework or name a scheme, not both.' });

export type DemandInput = z.infer<typeof demandInputSchema>;

export const demandListSchema = z.object({ page: pageQuery });
export const demandIdParam = z.object({ id });
