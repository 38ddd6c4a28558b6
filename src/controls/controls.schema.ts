import { z } from 'zod';
import { pageQuery } from '../http/pagination.ts';
import { frequencies, implementationStatuses, relationships } from './controls.model.ts';

const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);
const optionalText = (max: number) => z.preprocess(blankToUndefined, z.string().trim().max(max).optional());

export const controlFilterSchema = z.object({
  domain: optionalText(60),
  owner: optionalText(120),
  frequency: z.preprocess(blankToUndefined, z.enum(frequencies, { error: `Choose one of ${frequencies.join(', ')}.` }).optional()),
  status: z.preprocess(blankToUndefined, z.enum(implementationStatuses, { error: 'Choose a listed status.' }).optional()),
  framework: optionalText(60),
  q: optionalText(200),
  retired: z.preprocess(blankToUndefined, z.enum(['include']).optional()),
  page: pageQuery,
});

export const controlRefParam = z.object({ ref: z.string().regex(/^[A-Z]{2,5}-\d{2,3}$/, 'Not a control reference.') });

export const updateControlSchema = z
  .object({
    owner: z.string({ error: 'Enter an owner role.' }).trim().min(1, 'Enter an owner role.').max(120, 'At most 120 characters.'),
    frequency: z.enum(frequencies, { error: `Choose one of ${frequencies.join(', ')}.` }),
    status: z.enum(implementationStatuses, { error: 'Choose a listed status.' }),
    applicable: z.enum(['yes', 'no'], { error: 'Say whether the control applies.' }).transform((v) => v === 'yes'),
    applicability_note: z.preprocess(blankToUndefined, z.string().trim().max(1000, 'At most 1000 characters.').optional()),
  })
  .refine((v) => v.applicable || Boolean(v.applicability_note), {
    path: ['applicability_note'],
    message: 'Say why the control does not apply.',
  });

/**
 * The page's requirement picker sends one value, "framework:ref", because the same ref exists in
 * several frameworks (PCI DSS and ISO/IEC 27701 both number a requirement 10.1); callers that send the two fields
 * (the CLI's habits, scripts, older pages) are read as before.
 */
function splitQualifiedRequirement(input: unknown): unknown {
  if (!input || typeof input !== 'object') return input;
  const body = input as Record<string, unknown>;
  if (body.framework || typeof body.requirement !== 'string') return input;
  const qualified = /^([a-z0-9][a-z0-9.-]*):(.+)$/.exec(body.requirement.trim());
  return qualified ? { ...body, framework: qualified[1], requirement: qualified[2] } : input;
}

export const mappingSchema = z.preprocess(
  splitQualifiedRequirement,
  z
    .object({
      framework: z.string({ error: 'Choose a framework.' }).trim().min(1, 'Choose a framework.').max(60),
      requirement: z.string({ error: 'Choose a requirement.' }).trim().min(1, 'Choose a requirement.').max(40),
      relationship: z.enum(relationships, { error: `Choose one of ${relationships.join(', ')}.` }),
      rationale: z.preprocess(blankToUndefined, z.string().trim().max(1000, 'At most 1000 characters.').optional()),
    })
    // As in `attest controls check`: a claim of full coverage decides that a requirement is met.
    .refine((m) => !(m.relationship === 'superset' || m.relationship === 'equal') || m.rationale !== undefined, {
      path: ['rationale'],
      message: 'A superset or equal mapping claims the control covers all of the requirement: say what in the control does.',
    }),
);

export const mappingIdParam = z.object({ mappingId: z.coerce.number().int().positive() });
