import { z } from 'zod';
import { findingKinds, findingStatuses } from './audits.model.ts';
import { day, dbId, list, requiredText, text, userRef } from './audits.schema.ts';

const CONTROL_REF = /^[A-Z]{2,5}-\d{2,3}$/;

/** Control refs (IAM-03), upper-cased, from a form or JSON. */
export const controlRefs = (max: number) =>
  list(max, 'controls').pipe(z.array(z.string().transform((r) => r.toUpperCase())).pipe(z.array(z.string().regex(CONTROL_REF, 'Control references look like IAM-03.'))));

export const findingInputSchema = z.object({
  kind: z.enum(findingKinds, { error: `Choose a kind: ${findingKinds.join(', ')}.` }),
  title: requiredText(200, 'a title'),
  description: text(4000),
  /** framework:ref, each in the audit's scope. */
  requirements: list(50, 'requirements'),
  controls: controlRefs(50),
  owner: userRef('Choose an owner: every finding needs one.'),
  root_cause: text(4000),
  corrective_action: text(4000),
  due_on: day('due'),
});

export type FindingInput = z.infer<typeof findingInputSchema>;

export const findingStatusSchema = z.object({ status: z.enum(findingStatuses, { error: `Choose a status: ${findingStatuses.join(', ')}.` }) });

export const findingParams = z.object({ id: dbId, findingId: dbId });
