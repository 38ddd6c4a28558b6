import { z } from 'zod';
import { pageQuery } from '../http/pagination.ts';

export const slugParam = z.object({ slug: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,59}$/, 'Not a framework slug.') });
export const requirementParams = slugParam.extend({ ref: z.string().trim().min(1).max(40) });

export const crosswalkQuery = z.object({
  from: z.string({ error: 'Choose the framework to map from.' }).trim().min(1, 'Choose the framework to map from.').max(60),
  to: z.string({ error: 'Choose the framework to map to.' }).trim().min(1, 'Choose the framework to map to.').max(60),
  format: z.enum(['html', 'csv', 'json']).default('html'),
});

/** The crosswalk page: the same choice, and which page of pairs (the CSV is always whole). */
export const crosswalkPageQuery = crosswalkQuery.extend({ page: pageQuery });

export const searchQuery = z.object({
  q: z.string().trim().max(200, 'Search for at most 200 characters.').default(''),
});
