import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { evidenceImportJob } from '../evidence/import.job.ts';
import { reportJob } from '../reports/reports.job.ts';
import type { Progress } from './jobs.service.ts';

/**
 * What a kind of job does when a worker runs it, and how to tidy up when it ended without doing its
 * own work: refused before it began (its asker disabled), or its worker died.
 */
export interface JobHandler {
  run(ctx: AppContext, principal: Principal, payload: Record<string, unknown>, progress: Progress): Promise<unknown>;
  failed?(ctx: AppContext, principal: Principal, payload: Record<string, unknown>, message: string): Promise<void>;
}

export const jobHandlers = {
  'evidence-import': evidenceImportJob,
  report: reportJob,
} satisfies Record<string, JobHandler>;

export type JobKind = keyof typeof jobHandlers;
