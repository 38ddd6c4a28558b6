import { z } from 'zod';

const blank = (v: unknown) => (v === '' ? undefined : v);

/** A day to show coverage on, checked by the coverage service (blank means today). */
export const asOfQuery = z.object({
  as_of: z.preprocess(blank, z.string().trim().max(10).optional()),
});

/** The dashboard's and framework page's query: a day (checked by the coverage service) and a status filter. */
export const coveragePageQuery = asOfQuery.extend({
  status: z.preprocess(blank, z.enum(['met', 'partial', 'gap', 'not_applicable'], { error: 'Choose met, partial, gap or not_applicable.' }).optional()),
});

export const coverageApiQuery = z.object({
  framework: z.string().trim().min(1).max(60).optional(),
  as_of: z.string().trim().max(10).optional(),
  detail: z
    .enum(['true', 'false'], { error: 'Use true or false.' })
    .default('false')
    .transform((v) => v === 'true'),
});
