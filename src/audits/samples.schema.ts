import { z } from 'zod';
import { requiredText } from './audits.schema.ts';

/** The most items a pasted population may hold, and the largest sample. */
export const MAX_POPULATION = 50_000;
export const MAX_SAMPLE = 1_000;

/** A population pasted one item per line (ticket numbers, change ids); blank lines are ignored. */
const population = z
  .string({ error: 'Paste the population, one item per line.' })
  .max(2_000_000, 'The population is too large to paste (at most 2 MB).')
  .transform((text) =>
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(z.string().max(500, 'Each item is at most 500 characters.'))
      .min(1, 'Paste the population, one item per line.')
      .max(MAX_POPULATION, `At most ${MAX_POPULATION.toLocaleString('en')} items.`),
  );

export const sampleInputSchema = z
  .object({
    title: requiredText(200, 'what the population is (e.g. "Change tickets, 2026")'),
    population,
    size: z.coerce
      .number({ error: 'Enter the sample size as a number.' })
      .int('Enter the sample size as a whole number.')
      .min(1, 'Draw at least one item.')
      .max(MAX_SAMPLE, `Draw at most ${MAX_SAMPLE} items.`),
    /** Given to repeat a draw; otherwise Attest chooses one and records it. */
    seed: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z
        .string({ error: 'The seed is text.' })
        .trim()
        .regex(/^[A-Za-z0-9_-]{1,64}$/, 'A seed is 1 to 64 letters, digits, - or _.')
        .optional(),
    ),
  })
  .refine((v) => v.size <= v.population.length, { path: ['size'], message: 'The sample cannot be larger than the population.' });

export type SampleInput = z.infer<typeof sampleInputSchema>;
