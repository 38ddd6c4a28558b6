import { z } from 'zod';
import { dbId } from '../audits/audits.schema.ts';
import { pageQuery } from '../http/pagination.ts';
import { reportKinds } from './reports.model.ts';

const blank = (v: unknown) => (v === '' ? undefined : v);

/** What the report form and the API ask for; each report's plan checks the rest (framework, dates). */
export const reportRequestSchema = z.object({
  kind: z.enum(reportKinds, { error: `Choose a report: ${reportKinds.join(', ')}.` }),
  framework: z.preprocess(blank, z.string({ error: 'Choose a framework.' }).trim().max(100, 'Choose a listed framework.').optional()),
  as_of: z.preprocess(blank, z.string({ error: 'Enter the as-of date as YYYY-MM-DD.' }).trim().max(10, 'Enter the as-of date as YYYY-MM-DD.').optional()),
  format: z.preprocess(blank, z.enum(['pdf', 'xlsx'], { error: 'Choose PDF or xlsx.' }).optional()),
  audit_id: z.preprocess(blank, dbId.optional()),
});

export type ReportRequestInput = z.infer<typeof reportRequestSchema>;

export const reportListSchema = z.object({ page: pageQuery });
export const reportParams = z.object({ id: dbId });
export const reportFileParams = z.object({ id: dbId, fileId: dbId });
